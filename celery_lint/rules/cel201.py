"""CEL201: a tasks module imported under a dotted path other than autodiscovery's."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.layout import is_namespace_package
from celery_lint.project import Imported, Project, SourceModule, modules_loaded
from celery_lint.registry import Example, Rule, register


@lru_cache(maxsize=64)
def discovered_tasks_modules(project: Project) -> dict[Path, str]:
    """file -> the name autodiscovery imports it under (`<AppConfig.name>.tasks`)."""
    found: dict[Path, str] = {}
    for settings in project.settings:
        apps = project.project_apps(settings)
        if apps is UNKNOWN:
            continue
        for app in apps:
            name = f"{app}.tasks"
            resolved = project.resolve(name)
            if resolved is not None and not is_namespace_package(resolved[1]):
                found.setdefault(resolved[1], name)
    return found


def _may_import_tasks(text: str) -> bool:
    return "tasks" in text  # every name this reports is spelled `...tasks`


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    canonical = discovered_tasks_modules(project)
    if not canonical:
        return
    for stmt in source.imports:
        # relative imports follow whatever name the importing package was loaded under;
        # an absolute one spells the tasks module it loads
        if stmt.level or "tasks" not in (stmt.module or "") and not any("tasks" in n for n, _ in stmt.names):
            continue
        yield from _misnamed(project, source, stmt, canonical)


def _misnamed(project: Project, source: SourceModule, stmt: Imported, canonical: dict[Path, str]) -> Iterator[Finding]:
    """The first tasks module `stmt` loads under a name autodiscovery does not use."""
    for name in modules_loaded(source.module or "", source.path, stmt):
        if not name.endswith(".tasks") and ".tasks." not in name:
            continue
        module = name if name.endswith(".tasks") else name[: name.index(".tasks.") + len(".tasks")]
        resolved = project.resolve(module)
        if resolved is None:
            continue
        expected = canonical.get(resolved[1])
        if expected is None or expected == module:
            continue
        yield RULE.finding(
            source.path, stmt,
            f"{module} is the module autodiscovery imports as {expected}: the same file becomes two modules and "
            f"two task names, and the worker rejects one as an unregistered task; import it as {expected}",
            subject=str(resolved[1]),
        )
        return  # one finding per statement


_TASKS = """\
from celery import shared_task


@shared_task
def charge(invoice_id):
    return invoice_id
"""

# An installed app "apps.billing" whose parent directory the settings also put on sys.path.
_APP = {
    "+proj/settings.py": """\
import sys

sys.path.insert(0, str(BASE_DIR / "apps"))
INSTALLED_APPS += ["apps.billing"]
""",
    "apps/__init__.py": "",
    "apps/billing/__init__.py": "",
    "apps/billing/tasks.py": _TASKS,
}
_VIEWS = """\
from {module} import charge


def pay(request, invoice_id):
    charge.delay(invoice_id)
"""

RULE = register(
    Rule(
        code="CEL201",
        severity="E",
        name="inconsistent-task-import",
        summary="a tasks module imported under a dotted path other than the one autodiscovery uses",
        why="""\
A task's name is its module's `__name__` plus the function name. Autodiscovery
imports `<AppConfig.name>.tasks`; importing the same file under another dotted path
(`proj.app1.tasks` while the installed app is `app1`, or `src.demoapp.tasks`) makes
Python load it twice, as two modules, with two task names. The web process sends
one name, the worker knows the other, and the message is rejected as "Received
unregistered task of type ...".""",
        bad=Example({**_APP, "apps/billing/views.py": _VIEWS.format(module="billing.tasks")},
                    findings=(("apps/billing/views.py", "CEL201"),)),
        good=Example({**_APP, "apps/billing/views.py": _VIEWS.format(module="apps.billing.tasks")}),
        silent_on=(
            "relative imports (from .tasks import add) and imports under the installed app's own name",
            "tasks modules of apps that are not installed, or an INSTALLED_APPS the analysis cannot resolve",
            "third-party packages (a dotted path that does not resolve to a file of the project)",
        ),
        check_module=check,
        module_text=_may_import_tasks,
    )
)
