"""Task definitions: which functions are Celery tasks, their names and options.

Recognised decorators: `@shared_task` and `@<app>.task` for any Celery app object the
analysis can resolve (created in the module, imported from an app module, re-exported
by a package `__init__`, an alias such as `task = app.task`), bare or called.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from celery_lint.evaluate import UNKNOWN
from celery_lint.project import SHARED_TASK, TASK_WORD, Decorated, Project, SourceModule

CURRENT_APP = frozenset({"celery.current_app", "celery._state.current_app"})


class TaskDef(NamedTuple):
    """A task: read from the module's decorated defs, which outlive its tree."""

    source: SourceModule
    function: Decorated  # the def, without its body
    decorator: ast.expr  # one of `function.decorators`
    shared: bool  # @shared_task (True) or @app.task (False)

    @property
    def lineno(self) -> int:
        return self.function.lineno

    @property
    def col_offset(self) -> int:
        return self.function.col_offset

    @property
    def node(self) -> ast.FunctionDef | ast.AsyncFunctionDef:
        """The def itself, from the module's tree (parsed again if it was released)."""
        defs: list[ast.FunctionDef | ast.AsyncFunctionDef] = self.source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
        return next(n for n in defs if (n.lineno, n.col_offset) == (self.lineno, self.col_offset))

    @property
    def options(self) -> dict[str, ast.expr]:
        """The decorator's keyword arguments (empty for a bare decorator)."""
        if not isinstance(self.decorator, ast.Call):
            return {}
        return {k.arg: k.value for k in self.decorator.keywords if k.arg is not None}

    @property
    def has_star_kwargs(self) -> bool:
        return isinstance(self.decorator, ast.Call) and any(k.arg is None for k in self.decorator.keywords)

    def option(self, name: str) -> Any:
        """The constant value of a decorator option: None when absent, UNKNOWN when not a constant."""
        if self.has_star_kwargs:
            return UNKNOWN
        node = self.options.get(name)
        if node is None:
            return None
        return node.value if isinstance(node, ast.Constant) else UNKNOWN

    @property
    def name(self) -> Any:
        """The registered task name: `name=` or `<module>.<function>`; UNKNOWN if not decidable."""
        explicit = self.option("name")
        if explicit is not None:
            return explicit if isinstance(explicit, str) else UNKNOWN
        if not self.source.module:
            return UNKNOWN
        return f"{self.source.module}.{self.function.name}"


@lru_cache(maxsize=64)
def app_qualnames(project: Project) -> frozenset[str]:
    """Qualified names bound to a module-level Celery app (`proj.celery.app`)."""
    return frozenset(
        f"{app.source.module}.{app.variable}"
        for app in project.celery_apps
        if app.variable and app.source.module and isinstance(app.scope, ast.Module)
    ) | CURRENT_APP


def canonical(project: Project, qualname: str, depth: int = 0) -> str:
    """Follow re-exports: `proj.celery_app` -> `proj.celery.app` when `proj/__init__.py`
    does `from .celery import app as celery_app`."""
    if depth > 5:
        return qualname
    module, _, attr = qualname.rpartition(".")
    source = project.source_of(module) if module else None
    if source is None:
        return qualname
    target = source.aliases.get(attr)
    if target is None or target == qualname:
        return qualname
    return canonical(project, target, depth + 1)


def decorator_kind(project: Project, source: SourceModule, decorator: ast.expr) -> bool | None:
    """True for a shared_task decorator, False for an app's task decorator, None otherwise."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    qualname = source.local_qualname(target)
    if qualname is None:
        return None
    if qualname in SHARED_TASK or canonical(project, qualname) in SHARED_TASK:
        return True
    owner, _, attr = qualname.rpartition(".")
    if attr == "task" and owner:
        apps = app_qualnames(project)
        if owner in apps or canonical(project, owner) in apps:
            return False
    elif qualname.rpartition(".")[0]:
        # an alias of an app's task decorator: `task = app.task`
        resolved = canonical(project, qualname)
        owner, _, attr = resolved.rpartition(".")
        if attr == "task" and owner in app_qualnames(project):
            return False
    return None


def project_function(
    project: Project, source: SourceModule, node: ast.expr
) -> tuple[SourceModule, ast.FunctionDef] | None:
    """The module-level function of a project module that `node` (a name in `source`)
    names, with its module; None when it names anything else."""
    qualname = source.local_qualname(node)
    if qualname is None:
        return None
    module, _, name = canonical(project, qualname).rpartition(".")
    owner = project.source_of(module) if module else None
    if owner is None:
        return None
    for stmt in owner.tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
            return owner, stmt
    return None


def wraps_task_decorator(project: Project, source: SourceModule, decorator: ast.expr) -> bool:
    """Whether `decorator` (bare or called) is a project function returning what a task
    decorator returns: `def task(func): return shared_task(func)`, `def task(**options):
    return app.task(**options)`. One level, its top-level `return` statements only;
    its options are not read (the rules that read options do not ask this)."""
    found = project_function(project, source, decorator.func if isinstance(decorator, ast.Call) else decorator)
    if found is None:
        return False
    owner, function = found
    return any(
        isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Call)
        and decorator_kind(project, owner, stmt.value.func) is not None
        for stmt in function.body
    )


def may_define_tasks(text: str) -> bool:
    """Whether a module with this text can define a task (the text test of the rules
    that report on task definitions)."""
    return TASK_WORD in text


def task_defs(project: Project, source: SourceModule) -> Iterator[TaskDef]:
    """The tasks defined in `source`, in source order."""
    if not may_define_tasks(source.text):
        return
    for function in source.decorated:
        for decorator in function.decorators if not function.is_class else ():
            kind = decorator_kind(project, source, decorator)
            if kind is not None:
                yield TaskDef(source, function, decorator, kind)
                break
