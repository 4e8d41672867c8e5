"""CEL004: the project package does not import the Celery app at start-up."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from celery_lint import django_tasks
from celery_lint.findings import Finding
from celery_lint.project import SHARED_TASK, CeleryApp, Project
from celery_lint.project.reach import startup_reach
from celery_lint.registry import Edits, Example, Fix, Rule, register

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext


# modules the web process imports on its way up: django.setup() imports every installed
# app's models and runs AppConfig.ready(); runserver and the WSGI/ASGI servers import
# the application module
STARTUP_FILES = frozenset({"apps.py", "models.py", "wsgi.py", "asgi.py", "manage.py"})


def startup_modules(project: Project) -> list[Path]:
    """Modules Django imports at start-up: the packages above each settings module
    and above each app module, the settings modules themselves, and every `apps.py`,
    `models.py`, `wsgi.py`, `asgi.py` and `manage.py`."""
    paths: list[Path] = []
    names = list(project.settings_module_names) + [a.source.module for a in project.django_apps if a.source.module]
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts)):
            found = project.resolve_file(".".join(parts[:i]))
            if found is not None and found.name == "__init__.py" and found not in paths:
                paths.append(found)
    paths += [p for p in sorted(project.settings_files) if p not in paths]
    paths += [p for p in project.files if p.name in STARTUP_FILES and p not in paths]
    return paths


# calls that import a module named at run time: what they load is unknown
DYNAMIC_IMPORTS = frozenset({"import_module", "__import__", "import_string", "autodiscover_modules"})


def _imports_app(project: Project, path: Path, app_modules: set[str]) -> bool:
    """Whether the module imports an app module, or may (a dynamic import)."""
    source = project.source(path)
    if source is None:
        return False
    if any(name in app_modules for _, name in project.imported_modules(source)):
        return True
    for call in source.nodes(ast.Call):
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name in DYNAMIC_IMPORTS:
            return True
    return False


def shared_task_modules(project: Project) -> list[Path]:
    found = []
    for path in project.files_mentioning("shared_task"):
        source = project.source(path)
        if source is not None and project.uses_decorator(source, SHARED_TASK):
            found.append(path)
    return found


def _app_loaded(project: Project, apps: list[CeleryApp]) -> bool:
    """True when some start-up module imports an app module (a healthy project: its
    shared_task modules are then never read), when no module uses @shared_task, or
    when every one that does imports an app module; else when the start-up reach
    (`project.reach`) includes an app module, or cannot be known."""
    app_modules = {a.source.module for a in apps if a.source.module}
    if any(_imports_app(project, p, app_modules) for p in startup_modules(project)):
        return True
    if all(_imports_app(project, p, app_modules) for p in shared_task_modules(project)) and (
        django_tasks.on_current_app(project) is None  # django.tasks sent to Celery's current app
    ):
        return True
    reach = startup_reach(project)
    if reach.unknown is not None or app_modules & reach.deferred:
        return True  # unknown, or imported by a function that may run at start-up
    found = [project.resolve(module) for module in app_modules]
    return any(f is not None and f[1] in reach.reached for f in found)


def check(project: Project) -> Iterator[Finding]:
    apps = [a for a in project.django_apps if isinstance(a.scope, ast.Module) and a.source.module]
    if not apps or _app_loaded(project, apps):
        return
    module = apps[0].source.module or ""
    package = module.rpartition(".")[0]
    init = project.resolve_file(package) if package else None
    if init is None or init.name != "__init__.py":
        return
    leaf = module.rpartition(".")[2]
    backend = django_tasks.on_current_app(project)
    users = "@shared_task tasks use Celery's default app"
    if backend is not None and all(_imports_app(project, p, {a.source.module or "" for a in apps})
                                   for p in shared_task_modules(project)):
        users = (
            f"django.tasks tasks enqueued through {backend} use Celery's current app"
            + (" (no OPTIONS['CELERY_APP'] names one)" if backend in django_tasks.TASKS_CELERY else "")
            + ", which is then Celery's default app"
        )
    yield RULE.finding(
        init, 1,
        f"{package} does not import the Celery app at start-up: {users} "
        f"(broker amqp://guest@localhost) in Django; add 'from .{leaf} import {apps[0].variable} as celery_app'",
        subject="celery_app",
    )


_IMPORT = r"add '(from \.\w+ import \w+ as celery_app)'$"  # `re` compiles it when a fix is asked for


def _header_end(tree: ast.Module) -> int:
    """The last line of the module docstring and `from __future__` imports (0: none)."""
    end = 0
    for index, stmt in enumerate(tree.body):
        docstring = index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        if not (docstring and isinstance(stmt.value.value, str)) and not (  # type: ignore[attr-defined]
            isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"
        ):
            break
        end = stmt.end_lineno or stmt.lineno
    return end


def _export(ctx: FixContext) -> Edits | None:
    """"celery_app" added to a literal `__all__` ([] when there is none; None: one
    that cannot be read)."""
    bound = [s for s in ctx.tree.body if any(isinstance(t, ast.Name) and t.id == "__all__" for t in _targets(s))]
    if not bound:
        return []
    stmt = bound[-1]
    value = stmt.value if isinstance(stmt, ast.Assign) and len(bound) == 1 else None
    if not isinstance(value, (ast.Tuple, ast.List)) or not all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
    ):
        return None
    if not value.elts:
        empty = '["celery_app"]' if isinstance(value, ast.List) else '("celery_app",)'
        return [(*ctx.span(value), empty)]
    last = ctx.span(value.elts[-1])[1]
    quote = ctx.source(value.elts[-1])[0]
    return [(last, last, f", {quote}celery_app{quote}" if quote in "'\"" else ', "celery_app"')]


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return stmt.targets
    return [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else []


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """The import the message names, after the package's docstring and `__future__`
    imports, and "celery_app" in its `__all__` (a new one when it has none)."""
    match = re.search(_IMPORT, finding.message)
    export = _export(ctx)
    if match is None or export is None or "celery_app" in ctx.text:
        return []
    nl = ctx.newline
    block = match.group(1) + nl + ("" if export else f'{nl}__all__ = ("celery_app",){nl}')
    header = _header_end(ctx.tree)
    comments = 0  # a shebang, a coding line, comments on top: the import goes below them
    while ctx.line(comments + 1).startswith("#"):
        comments += 1
    at = ctx.after_line(max(header, comments)) if header or comments else 0
    before = nl if at and not ctx.text[:at].endswith(("\n", "\r")) else ""
    if header > comments:
        before += nl  # a blank line after the docstring
    after = nl if ctx.text[at:].strip() else ""
    return [(at, at, before + block + after), *export]


RULE = register(
    Rule(
        code="CEL004",
        severity="E",
        name="app-not-loaded",
        summary="the project package does not import the Celery app at start-up",
        why="""\
`@shared_task` returns a proxy bound to the *current* Celery app at each use. If no
module imported at Django start-up imports the project's app, the current app in
the web process is Celery's implicit `default` app: no Django settings, broker
`amqp://guest@localhost`, and `.delay()` fails with `Connection refused` in views,
while the worker (which imports `proj.celery` itself) looks healthy. The fix is the
two lines of "First steps with Django" in the project package's `__init__.py`.

A Celery backend of Django 6's `django.tasks` meets the same default app:
django-tasks-fennel, and django-tasks-celery unless `TASKS` gives it
`OPTIONS["CELERY_APP"]`, send every `.enqueue()` through Celery's current app.""",
        bad=Example({"proj/__init__.py": ""}, findings=(("proj/__init__.py", "CEL004"),)),
        good=Example(
            {
                "proj/__init__.py": """\
                from .celery import app as celery_app

                __all__ = ("celery_app",)
                """
            }
        ),
        silent_on=(
            "the app imported under any name (app, celery_app), from a config package or a sub-package",
            "the app imported from an AppConfig.ready() (any apps.py), a models.py, the settings, manage.py, "
            "wsgi.py or asgi.py",
            "every module that uses shared_task imports the app module itself",
            "projects whose tasks use only @app.task (and no Celery backend of django.tasks that finds its app as "
            "Celery's current app: django-tasks-fennel, django-tasks-celery without OPTIONS['CELERY_APP'])",
            "a start-up module that imports modules dynamically (importlib.import_module, import_string)",
            "the app reached at start-up through module-level imports, transitively: from an installed app's "
            "package, apps module, models module or package, AppConfig.ready() body, its admin module when "
            "admin autodiscovery runs (django.contrib.admin or an AdminConfig subclass installed), wsgi.py or "
            "asgi.py",
            "a start-up reach that cannot be followed (INSTALLED_APPS or a dynamic import that cannot be "
            "resolved, a module that does not parse, the app module imported inside a function)",
        ),
        fix=Fix(
            "unsafe",
            "Inserts the import the message names (`from .celery import app as celery_app`) after the "
            "package's docstring and `__future__` imports, and exports it: \"celery_app\" added to a literal "
            "`__all__`, else a new `__all__ = (\"celery_app\",)` (Celery's Django guide). Unsafe: every import of "
            "the package now imports the app module and what it imports. Not fixed when the package already "
            "spells `celery_app` or has an `__all__` that is not a literal.",
            fix,
            {
                "proj/__init__.py": """\
                from .celery import app as celery_app

                __all__ = ("celery_app",)
                """
            },
        ),
        check_project=check,
    )
)
