"""Django's task framework: `django.tasks` (Django 6.0 and later) and the django-tasks
backport's `django_tasks`, which projects on older Django import the same way.

Which functions are its tasks (`@task` / `@task(...)` under any import alias or
re-export), and what the `TASKS` setting of a settings module configures: its
aliases, each alias's backend class path and `QUEUES`. Both packages build the
backends alike (`BaseTaskBackend.__init__`: `QUEUES` absent is `["default"]`; `TASKS`
unset is one "default" alias on the ImmediateBackend) and validate a task when it is
created (`Task.__post_init__` -> `backend.validate_task`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from celery_lint.evaluate import UNKNOWN, OneOf
from celery_lint.project import TASK_WORD, Decorated, Project, Settings, SourceModule
from celery_lint.tasks import canonical

# the decorator, by package: "django.tasks" (Django) or "django_tasks" (the backport)
TASK_DECORATORS = {
    "django.tasks.task": "django.tasks",
    "django.tasks.base.task": "django.tasks",
    "django_tasks.task": "django_tasks",
    "django_tasks.base.task": "django_tasks",
}
DEFAULT_ALIAS = "default"
DEFAULT_QUEUE = "default"
# backends whose task class is the package's `Task` and whose `validate_task` is
# `BaseTaskBackend.validate_task` (django-tasks-celery's calls it first)
IMMEDIATE = frozenset({"django.tasks.backends.immediate.ImmediateBackend",
                       "django_tasks.backends.immediate.ImmediateBackend"})
DUMMY = frozenset({"django.tasks.backends.dummy.DummyBackend", "django_tasks.backends.dummy.DummyBackend"})
# Celery backends: django-tasks-celery (an app from OPTIONS["CELERY_APP"], else Celery's
# current app) and django-tasks-fennel (Celery's current app); both register each task
# with Celery when its module is imported
TASKS_CELERY = frozenset({"django_tasks_celery.CeleryBackend", "django_tasks_celery.backend.CeleryBackend"})
FENNEL = frozenset({"django_tasks_fennel.CeleryBackend", "django_tasks_fennel.backend.CeleryBackend"})
CELERY_BACKENDS = TASKS_CELERY | FENNEL
BASE_VALIDATION = IMMEDIATE | DUMMY | TASKS_CELERY
# the words a module defining or configuring such tasks spells
WORDS = ("django.tasks", "django_tasks")


class DjangoTask(NamedTuple):
    """A function decorated with `django.tasks.task` (or the backport's)."""

    source: SourceModule
    function: Decorated
    decorator: ast.expr
    package: str  # "django.tasks" or "django_tasks"

    @property
    def lineno(self) -> int:
        return self.function.lineno

    @property
    def col_offset(self) -> int:
        return self.function.col_offset

    @property
    def module_level(self) -> bool:
        return self.function.col_offset == 0

    def option(self, name: str, default: Any) -> Any:
        """A decorator option's constant value, `default` when absent, UNKNOWN when not a constant."""
        if not isinstance(self.decorator, ast.Call):
            return default
        if any(k.arg is None for k in self.decorator.keywords) or self.decorator.args:
            return UNKNOWN
        node = next((k.value for k in self.decorator.keywords if k.arg == name), None)
        if node is None:
            return default
        return node.value if isinstance(node, ast.Constant) else UNKNOWN

    @property
    def alias(self) -> Any:
        return self.option("backend", DEFAULT_ALIAS)


def package_of(project: Project, source: SourceModule, decorator: ast.expr) -> str | None:
    """The package whose `task` decorator `decorator` (bare or called) is, or None."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    qualname = source.qualname(target)
    if qualname is None:
        return None
    return TASK_DECORATORS.get(qualname) or TASK_DECORATORS.get(canonical(project, qualname))


def django_tasks(project: Project, source: SourceModule) -> Iterator[DjangoTask]:
    """The functions of `source` (at any depth) decorated as Django tasks, in source order."""
    if TASK_WORD not in source.text:
        return
    for function in source.decorated:
        for decorator in function.decorators if not function.is_class else ():
            package = package_of(project, source, decorator)
            if package is not None:
                yield DjangoTask(source, function, decorator, package)
                break


def module_django_tasks(project: Project, module: str) -> set[str] | None:
    """Names of the module-level Django tasks of a project module, or None when
    `module` is not part of the project."""
    if project.resolve(module) is None:
        return None
    source = project.source_of(module)
    return {t.function.name for t in django_tasks(project, source) if t.module_level} if source else set()


@lru_cache(maxsize=16)
def project_django_tasks(project: Project) -> list[DjangoTask]:
    """Every module-level Django task of the project (the modules spelling the package)."""
    found: list[DjangoTask] = []
    for path in project.files_mentioning(*WORDS):
        source = project.source(path)
        if source is not None:
            found += [t for t in django_tasks(project, source) if t.module_level]
    return found


class Backend(NamedTuple):
    """One alias of `TASKS`: its backend class path, its queues (None: no queue is
    checked, `QUEUES = []`; UNKNOWN: unreadable) and whether `OPTIONS` names a Celery app."""

    path: Any
    queues: Any
    celery_app: Any


def _one(value: Any) -> Any:
    """The value when the source gives one (not branches that disagree), else UNKNOWN."""
    return UNKNOWN if isinstance(value, OneOf) else value


def backends(settings: Settings) -> dict[str, Backend] | Any:
    """The aliases `TASKS` configures under `settings` (the default when unset), or
    UNKNOWN when the analysis cannot read it."""
    has = settings.ns.has("TASKS")
    if has is False:
        return {DEFAULT_ALIAS: Backend("django.tasks.backends.immediate.ImmediateBackend", frozenset({DEFAULT_QUEUE}), False)}
    value = _one(settings.value("TASKS"))
    if has is not True or not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        return UNKNOWN
    found: dict[str, Backend] = {}
    for alias, params in value.items():
        params = _one(params)
        if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
            return UNKNOWN
        path = _one(params.get("BACKEND", UNKNOWN))
        queues = _one(params.get("QUEUES", [DEFAULT_QUEUE]))
        if isinstance(queues, (list, tuple, set, frozenset)) and all(isinstance(q, str) for q in queues):
            queues = frozenset(queues) or None
        else:
            queues = UNKNOWN
        options = _one(params.get("OPTIONS", {}))
        app = "CELERY_APP" in options if isinstance(options, dict) and all(
            isinstance(k, str) for k in options) else UNKNOWN
        found[alias] = Backend(path if isinstance(path, str) else UNKNOWN, queues, app)
    return found


def exception_name(package: str, name: str) -> str:
    """`InvalidTask` in Django, `InvalidTaskError` in the backport (and the backend's)."""
    return f"{package}.exceptions.{name}" if package == "django.tasks" else f"django_tasks.exceptions.{name}Error"


def django_task_of(project: Project, source: SourceModule, node: ast.expr) -> DjangoTask | None:
    """The module-level Django task of a project module that `node` (a name or dotted
    name of `source`, not a local variable: the caller tells) names, under any import
    alias or re-export; None when it names anything else."""
    qualname = source.local_qualname(node)
    if qualname is None:
        return None
    module, _, name = canonical(project, qualname).rpartition(".")
    owner = project.source_of(module) if module and project.resolve(module) is not None else None
    if owner is None:
        return None
    return next((t for t in django_tasks(project, owner) if t.module_level and t.function.name == name), None)


def _running(project: Project) -> list[Settings]:
    """The settings modules a deployment may run: not named for tests or development."""
    from celery_lint.project.settings_names import named_for_tests_or_development

    return [s for s in project.settings if not named_for_tests_or_development(s.module)]


_CELERY_PACKAGES = sorted({path.partition(".")[0] for path in CELERY_BACKENDS})


def may_run_on_celery(project: Project) -> bool:
    """Whether a file of the project spells a Celery backend's package (a cheap test first)."""
    return bool(project.files_mentioning(*_CELERY_PACKAGES))


@lru_cache(maxsize=64)
def celery_backend(project: Project, alias: Any) -> str | None:
    """The Celery backend (its class path) that runs the tasks of `alias` under some
    settings module a deployment may run, or None."""
    if not isinstance(alias, str) or not may_run_on_celery(project):
        return None
    for settings in _running(project):
        found = backends(settings)
        backend = found.get(alias) if isinstance(found, dict) else None
        if backend is not None and backend.path in CELERY_BACKENDS:
            return str(backend.path)
    return None


def on_current_app(project: Project) -> str | None:
    """A Celery backend some running settings module configures that finds its Celery
    app as Celery's current app (django-tasks-fennel; django-tasks-celery without
    OPTIONS["CELERY_APP"]), when the project has Django tasks: its class path, or None."""
    if not may_run_on_celery(project):
        return None
    if not project_django_tasks(project):
        return None
    for settings in _running(project):
        found = backends(settings)
        for backend in found.values() if isinstance(found, dict) else ():
            if backend.path in FENNEL or backend.path in TASKS_CELERY and backend.celery_app is False:
                return str(backend.path)
    return None
