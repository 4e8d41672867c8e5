"""CEL009: the Celery app module loads Django models while it is imported."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.project import CeleryApp, Project, SourceModule
from celery_lint.project.modules import Imported, modules_loaded
from celery_lint.registry import Example, Rule, register

# libraries whose `models` modules define Django models (the project's own are found by path)
MODEL_LIBRARIES = ("django.contrib.", "django_celery_beat.", "django_celery_results.")


def _is_models(project: Project, module: str) -> bool:
    """Whether importing `module` defines Django models: a `models` module (or one in a
    `models` package) of the project or of Django's contrib apps and django-celery-*."""
    parts = module.split(".")
    if "models" not in parts[1:] or module.startswith("django.db"):
        return False
    return module.startswith(MODEL_LIBRARIES) or project.resolve_file(module) is not None


def _top_imports(source: SourceModule) -> Iterator[tuple[ast.Import | ast.ImportFrom, list[str]]]:
    """The module's own top-level imports (not under if/try: those may be guarded) with
    the absolute names of the modules each loads."""
    for stmt in source.tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) and source.module:
            names = tuple((a.name, a.asname) for a in stmt.names)
            record = Imported(stmt.lineno, stmt.col_offset, isinstance(stmt, ast.ImportFrom),
                              getattr(stmt, "module", None), getattr(stmt, "level", 0), names)
            yield stmt, list(modules_loaded(source.module, source.path, record))


def _models_loaded(project: Project, source: SourceModule, follow: bool) -> Iterator[tuple[ast.stmt, str]]:
    """(import statement, what it loads) for each top-level import that loads models:
    directly, or (when `follow`) through a project module whose own top-level imports do."""
    for stmt, modules in _top_imports(source):
        direct = next((m for m in modules if _is_models(project, m)), None)
        if direct is not None:
            yield stmt, direct
            continue
        if not follow:
            continue
        for module in modules:
            path = project.resolve_file(module)
            inner = project.source(path) if path is not None and path != source.path else None
            through = next((m for _, m in _models_loaded(project, inner, False)), None) if inner else None
            if through is not None:
                yield stmt, f"{module} (which imports {through})"
                break


def _forced(app: CeleryApp) -> Iterator[ast.Call]:
    for call in app.autodiscover_calls:
        if any(k.arg == "force" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords):
            yield call


def _package_inits(project: Project, module: str) -> Iterator[SourceModule]:
    """The `__init__` modules of the packages holding `module` (Python runs them first)."""
    parts = module.split(".")[:-1]
    for end in range(1, len(parts) + 1):
        path = project.resolve_file(".".join(parts[:end]))
        source = project.source(path) if path is not None and path.name == "__init__.py" else None
        if source is not None:
            yield source


WHEN = ("before django.setup(): every start of Django (manage.py, the web server) raises AppRegistryNotReady: "
        "Apps aren't loaded yet, and the worker cannot load the app")


def check(project: Project) -> Iterator[Finding]:
    seen: set[str] = set()
    for app in project.django_apps:
        module = app.source.module
        if not module or module in seen or not isinstance(app.scope, ast.Module):
            continue
        seen.add(module)
        for stmt, loaded in _models_loaded(project, app.source, follow=True):
            yield RULE.finding(
                app.source.path, stmt,
                f"the Celery app module {module} imports {loaded} while it is imported, {WHEN}; import it "
                f"inside the task or function that uses it",
                subject=module,
            )
        for call in _forced(app):
            yield RULE.finding(
                app.source.path, call,
                f"autodiscover_tasks(force=True) imports every tasks module while the app module is imported, "
                f"{WHEN}; call autodiscover_tasks() without force",
                subject=module,
            )
        for init in _package_inits(project, module):
            for stmt, loaded in _models_loaded(project, init, follow=False):
                yield RULE.finding(
                    init.path, stmt,
                    f"{init.module}/__init__.py, which Python runs before the Celery app module {module}, imports "
                    f"{loaded}, {WHEN}; import it where it is used",
                    subject=module,
                )


RULE = register(
    Rule(
        code="CEL009",
        severity="E",
        name="app-module-loads-models",
        summary="the Celery app module (or its package's __init__) loads Django models at import",
        why="""\
The Celery app module is imported before Django is set up: by the project package's
`__init__.py` when Django first reads its settings, and by `celery -A proj worker`
before the Django fixup calls `django.setup()`. A model class can only be created
once the app registry is ready, so a module-level `from demoapp.models import Order`
(or an import of a module that does one) in the app module makes every start fail
with `django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet.` in
`manage.py` and the web server; `celery -A proj worker` stops with "Unable to load
celery application" (the same error, or `ImproperlyConfigured` when the import runs
before the `DJANGO_SETTINGS_MODULE` line). So does
`autodiscover_tasks(force=True)`, which imports the tasks modules at once instead of
when the worker is ready.

Import models inside the tasks (or functions) that use them; keep the app module to
the lines of Celery's guide.""",
        bad=Example(
            {"proj/celery.py": BASE["proj/celery.py"].replace(
                "from celery import Celery\n", "from celery import Celery\nfrom django.contrib.auth.models import User\n"
            )},
            findings=(("proj/celery.py", "CEL009"),),
        ),
        good=Example({}),
        silent_on=(
            "imports inside functions, tasks, `if TYPE_CHECKING:` blocks and try/except",
            "django.db.models (no model is created) and modules that only define other things",
            "project modules imported by the app module whose own module-level imports load no models (followed "
            "one level)",
        ),
        check_project=check,
    )
)
