"""CEL201: a tasks module imported under a dotted path other than autodiscovery's."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from celery_lint.cache import answers
from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.layout import is_namespace_package
from celery_lint.project import Imported, Project, SourceModule, modules_loaded
from celery_lint.registry import Edits, Example, Fix, Rule, register

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext

_SAME_FILE = " is the module autodiscovery imports as "


@lru_cache(maxsize=64)
@answers.kept("CEL201 discovered tasks modules")
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
            f"{module}{_SAME_FILE}{expected}: the same file becomes two modules and "
            f"two task names, and the worker rejects one as an unregistered task; import it as {expected}",
            subject=str(resolved[1]),
        )
        return  # one finding per statement


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """In `from X import ...`, the module path X spelled as autodiscovery's name: the
    names imported stay, and a plain `import X` (whose name the code uses) is left."""
    module, _, rest = finding.message.partition(_SAME_FILE)
    expected = rest.partition(":")[0]
    stmt = ctx.node_at(ast.ImportFrom, finding.line, finding.col)
    if stmt is None or stmt.level or stmt.module is None or not expected:
        return []
    if stmt.module == module or stmt.module.startswith(module + "."):
        new = expected + stmt.module[len(module):]
    elif module.endswith(".tasks") and stmt.module == module[: -len(".tasks")] and expected.endswith(".tasks"):
        new = expected[: -len(".tasks")]  # from billing import tasks
    else:
        return []
    start = ctx.token_index(stmt.lineno, stmt.col_offset)
    if start is None:
        return []
    first = ctx.next_token(start, name="NAME")
    last = ctx.next_token(start, src="import")
    if first is None or last is None:
        return []
    end = max(i for i in range(first, last) if ctx.tokens[i].name in ("NAME", "OP"))
    spelled = "".join(t.src for t in ctx.tokens[first:end + 1])
    if spelled != stmt.module:  # a module path over lines or with spaces: left as written
        return []
    return [(ctx.token_offset(first), ctx.token_offset(end) + len(ctx.tokens[end].src), new)]


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
        fix=Fix(
            "safe",
            "Spells the module path of `from X import ...` as autodiscovery's name (`from billing.tasks import "
            "charge` becomes `from apps.billing.tasks import charge`): the file is then loaded once, as one "
            "module with one set of task names; the names imported and the code using them are unchanged. "
            "`import X` statements are not fixed (the code spells X where it uses it).",
            fix,
            {"apps/billing/views.py": _VIEWS.format(module="apps.billing.tasks")},
        ),
        check_module=check,
        module_text=_may_import_tasks,
    )
)
