"""CEL005: the tasks of installed apps are not autodiscovered."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celery_lint.discovery import worker_reach
from celery_lint.evaluate import UNKNOWN, contains, options
from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.project import DJANGO_SETTINGS_OBJECT, CeleryApp, Project
from celery_lint.registry import REGISTRY, Edits, Example, Fix, Rule, register
from celery_lint.tasks import task_defs

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext

INSTALLED_APPS = f"{DJANGO_SETTINGS_OBJECT}.INSTALLED_APPS"
FIX = "call app.autodiscover_tasks() without arguments (the Django fixup searches every AppConfig.name)"


def _tasks_module(project: Project, dotted: str) -> bool:
    """Whether `dotted` is a module of the project that defines tasks."""
    path = project.resolve_file(dotted)
    source = project.source(path) if path is not None else None
    return source is not None and any(True for _ in task_defs(project, source))


def _call_args(call: ast.Call) -> dict[str, ast.expr] | None:
    args: dict[str, ast.expr] = dict(zip(("packages", "related_name", "force"), call.args))
    for keyword in call.keywords:
        if keyword.arg is None:
            return None
        args[keyword.arg] = keyword.value
    return args


def _is_legacy_packages(app: CeleryApp, node: ast.expr) -> bool:
    """`lambda: settings.INSTALLED_APPS` (or the list itself, or list()/tuple() of it)."""
    body = node.body if isinstance(node, ast.Lambda) else node
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id in ("list", "tuple"):
        body = body.args[0] if len(body.args) == 1 and not body.keywords else body
    return app.source.qualname(body) == INSTALLED_APPS


def _entries(project: Project) -> list[str]:
    """INSTALLED_APPS entries every settings module surely lists (over all branches)."""
    found: list[str] = []
    for settings in project.settings:
        apps = project.installed_apps(settings)
        if apps is UNKNOWN:
            continue
        for option in options(apps):
            for entry in option:
                if isinstance(entry, str) and entry not in found and contains(apps, entry) is True:
                    found.append(entry)
    return found


def _missed_by_legacy(project: Project, related: str) -> list[tuple[str, str, str]]:
    """(entry, module the legacy form looks for, module it misses) for AppConfig-path entries.

    Celery's `find_related_module` imports the entry; when that fails (a class path) it
    walks up one level: 'shop.apps.ShopConfig' -> 'shop.apps.tasks'.
    """
    missed = []
    for entry in _entries(project):
        if project.resolve(entry) is not None or "." not in entry:
            continue  # a module: the same `<entry>.tasks` either way
        name = project.app_name(entry)
        if name is None:
            continue  # not a project AppConfig, or its name cannot be read
        looked_for, wanted = f"{entry.rpartition('.')[0]}.{related}", f"{name}.{related}"
        if looked_for != wanted and _tasks_module(project, wanted):
            missed.append((entry, looked_for, wanted))
    return missed


def _legacy_findings(project: Project, app: CeleryApp) -> Iterator[Finding]:
    for call in app.autodiscover_calls:
        args = _call_args(call)
        if args is None or "packages" not in args or not _is_legacy_packages(app, args["packages"]):
            continue
        related: Any = "tasks"
        if "related_name" in args:
            node = args["related_name"]
            related = node.value if isinstance(node, ast.Constant) else UNKNOWN
        if not isinstance(related, str) or not related:
            continue
        missed = _missed_by_legacy(project, related)
        if not missed:
            continue
        entry, looked_for, wanted = missed[0]
        more = f" (and {len(missed) - 1} more app(s))" if len(missed) > 1 else ""
        yield RULE.finding(
            app.source.path, call,
            f"autodiscover_tasks(lambda: settings.INSTALLED_APPS) looks for {looked_for} for the entry {entry!r}, "
            f"not {wanted}{more}: those tasks are not autodiscovered and the worker rejects them as unregistered "
            f"unless another module imports them; {FIX}",
            subject="autodiscover",
        )


def _undiscovered_tasks_modules(project: Project) -> tuple[list[str], list[str]]:
    """(never imported, imported only through Django's checks) among the tasks modules of
    installed project apps, as the worker loads them."""
    names: list[str] = []
    for settings in project.settings:
        apps = project.project_apps(settings)
        if apps is UNKNOWN:
            return [], []
        names += [f"{a}.tasks" for a in apps if f"{a}.tasks" not in names]
    reach = worker_reach(project)
    found: dict[str | None, list[str]] = {"never": [], "checks": []}
    for name in names:
        path = project.resolve_file(name)
        if path is not None and _tasks_module(project, name):
            found.setdefault(reach.status(path), []).append(name)
    return found["never"], found["checks"]


def _listed(modules: list[str]) -> str:
    return ", ".join(modules[:3]) + (f" and {len(modules) - 3} more" if len(modules) > 3 else "")


def check(project: Project) -> Iterator[Finding]:
    for app in project.django_apps:
        yield from _legacy_findings(project, app)
    if project.files_mentioning("autodiscover_tasks"):
        return
    apps = [a for a in project.django_apps if a.variable is not None]
    if not apps:
        return
    never, by_checks = _undiscovered_tasks_modules(project)
    if never:
        why = (
            f"the worker never imports {_listed(never)} (nor does CELERY_IMPORTS, include, or any module it loads), "
            f"so their tasks are rejected as unregistered"
        )
    elif by_checks:
        why = (
            f"the worker imports {_listed(by_checks)} only because Django's system checks load the URLconf at "
            f"start; with `celery --skip-checks` their tasks are rejected as unregistered"
        )
    else:
        return
    for app in apps:
        yield RULE.finding(
            app.source.path, app.node,
            f"no autodiscover_tasks() call: {why}; add {app.variable}.autodiscover_tasks()",
            subject="autodiscover",
        )


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """The legacy packages argument dropped, when it is the call's only argument and
    the app gets the Django fixup (no CEL001 finding in its module): the fixup then
    names every AppConfig.name."""
    call = ctx.node_at(ast.Call, finding.line, finding.col)
    if call is None or finding.subject != "autodiscover" or not finding.message.startswith("autodiscover_tasks("):
        return []
    arguments = [*call.args, *call.keywords]
    if len(arguments) != 1 or isinstance(arguments[0], ast.keyword) and arguments[0].arg != "packages":
        return []
    start, end = ctx.span(call)
    inside = ctx.text[ctx.span(call.func)[1]:end]
    if "#" in inside or not inside.startswith("(") or not inside.endswith(")"):
        return []  # a comment in the parentheses stays: left to the author
    settings_module_set = REGISTRY["CEL001"].check_project
    if settings_module_set is None or any(f.path == ctx.path for f in settings_module_set(ctx.project)):
        return []
    return [(ctx.span(call.func)[1] + 1, end - 1, "")]


_LEGACY_APP = """\
import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)
"""
_APP_CONFIG = {
    "demoapp/apps.py": """\
    from django.apps import AppConfig


    class DemoappConfig(AppConfig):
        name = "demoapp"
    """,
    "proj/settings.py": BASE["proj/settings.py"].replace('"demoapp",', '"demoapp.apps.DemoappConfig",'),
}

RULE = register(
    Rule(
        code="CEL005",
        severity="W",
        name="tasks-not-discovered",
        summary="tasks of installed apps are not autodiscovered: no autodiscover_tasks() call, "
        "or the legacy lambda: settings.INSTALLED_APPS with AppConfig paths",
        why="""\
A worker registers a task only if it imports the module that defines it.
`app.autodiscover_tasks()` without arguments asks the Django fixup for every
installed app's `AppConfig.name` and imports `<name>.tasks` when the worker starts.

Without any `autodiscover_tasks()` call (and no `CELERY_IMPORTS` / `include`, and no
module the worker loads importing them), the apps' `tasks` modules are never
imported in the worker: web processes send the tasks, and the worker rejects them
with "Received unregistered task of type ...".

The legacy spelling `app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)` hands
Celery the raw INSTALLED_APPS entries. For an AppConfig path such as
`'shop.apps.ShopConfig'`, Celery's `find_related_module` fails to import the entry
and walks up one level: it looks for `shop.apps.tasks` and never imports
`shop.tasks`.""",
        bad=Example({**_APP_CONFIG, "proj/celery.py": _LEGACY_APP}, findings=(("proj/celery.py", "CEL005"),)),
        good=Example(
            {**_APP_CONFIG, "proj/celery.py": _LEGACY_APP.replace("(lambda: settings.INSTALLED_APPS)", "()")}
        ),
        silent_on=(
            "tasks modules listed in CELERY_IMPORTS / include= / app.conf.imports / celery -I, or imported by a "
            "module the worker loads by design (models, apps, admin, the app module, anything they import)",
            "an autodiscover_tasks() call anywhere in the project (other arguments, another module)",
            "the legacy lambda when every entry is a module path (it then finds the same tasks modules)",
            "INSTALLED_APPS, an AppConfig name, imports or include the analysis cannot resolve; dynamic imports",
            "apps whose tasks module defines no task the analysis recognises",
        ),
        fix=Fix(
            "safe",
            "Drops the legacy argument: `app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)` becomes "
            "`app.autodiscover_tasks()`. Safe: the Django fixup then hands Celery every installed app's "
            "`AppConfig.name`, the same modules for a module path and the right one for an AppConfig path. "
            "Only when the app module gets the fixup (no CEL001 finding there) and the argument is the only one.",
            fix,
            {**_APP_CONFIG, "proj/celery.py": _LEGACY_APP.replace("(lambda: settings.INSTALLED_APPS)", "()")},
        ),
        check_project=check,
    )
)
