"""The project's Celery apps: where each is created and how it is configured.

An app is a `Celery(...)` call (or of a project subclass of `Celery`), or a
module-level name configured from Django settings whatever built it (`app =
create_app()`, `app = current_app`); its `config_from_object()` calls say whether it
reads Django settings and with which namespace, and its `autodiscover_tasks()` calls
which packages it searches.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, NamedTuple

from celery_lint.evaluate import UNKNOWN, Ref
from celery_lint.project.modules import SourceModule

if TYPE_CHECKING:
    from celery_lint.project.core import Project

CELERY_CLASSES = frozenset({"celery.Celery", "celery.app.Celery", "celery.app.base.Celery"})
SHARED_TASK = frozenset({"celery.shared_task", "celery.app.shared_task"})
DJANGO_SETTINGS_OBJECT = "django.conf.settings"
DJANGO_CONFIG_STRING = "django.conf:settings"
# Celery's loader falls back from a module import to module + attribute: the same object
DJANGO_CONFIG_STRINGS = frozenset({DJANGO_CONFIG_STRING, "django.conf.settings"})


class ConfigCall(NamedTuple):
    """`app.config_from_object(source, namespace=...)`."""

    node: ast.Call
    source: Any  # DJANGO_CONFIG_STRING, a `Ref`, another string, or UNKNOWN
    namespace: Any  # a string, None (not given), or UNKNOWN
    # the Django settings module Celery reads directly ('proj.settings', or the module object)
    settings_module: str | None = None

    @property
    def reads_django_settings(self) -> bool:
        """Reads Django's settings object (`'django.conf:settings'`, `django.conf.settings`)."""
        if self.source in DJANGO_CONFIG_STRINGS:
            return True
        return isinstance(self.source, Ref) and self.source.qualname == DJANGO_SETTINGS_OBJECT


class CeleryApp:
    """A Celery app of a project module: a `Celery(...)` instance, or a module-level name
    configured from Django settings that something else built (`call` is None then)."""

    def __init__(
        self,
        source: SourceModule,
        call: ast.Call | None,
        variable: str | None,
        scope: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef,
        constructor_namespace: Any = None,
    ) -> None:
        self.source = source
        self.call = call  # the `Celery(...)` call; None when the app is built elsewhere
        self.variable = variable
        self.scope = scope
        # what `config_from_object()` without a namespace keeps: the constructor's
        self.constructor_namespace = _constructor_namespace(call) if call is not None else constructor_namespace
        self.config_calls: list[ConfigCall] = []
        self.autodiscover_calls: list[ast.Call] = []

    def __repr__(self) -> str:
        return f"CeleryApp({self.source!r}, variable={self.variable!r}, line={self.node.lineno})"

    @property
    def node(self) -> ast.Call:
        """Where a finding about the app goes: the `Celery(...)` call, else its first
        `config_from_object()` call (what made it an app)."""
        return self.call if self.call is not None else self.config_calls[0].node

    @property
    def label(self) -> str:
        """`proj.celery:app`, how `celery -A` names it."""
        return f"{self.source.module or self.source.path}:{self.variable or '?'}"

    @property
    def from_django(self) -> bool:
        """Configured from Django settings (in any spelling)."""
        return any(c.reads_django_settings or c.settings_module is not None for c in self.config_calls)

    @property
    def namespace(self) -> Any:
        """The namespace of the Django configuration: a string, None, or UNKNOWN."""
        found = [c.namespace for c in self.config_calls if c.source is not UNKNOWN]
        if len(found) != 1:
            return UNKNOWN
        return found[0]


def celery_classes(project: Project) -> frozenset[str]:
    """Qualified names that construct a Celery app: Celery and project subclasses."""
    classes = set(CELERY_CLASSES)
    sources = [s for p in project.files_mentioning("Celery") if (s := project.source(p)) is not None]
    changed = True
    while changed:
        changed = False
        for source in sources:
            for node in source.nodes(ast.ClassDef):
                qualname = f"{source.module}.{node.name}"
                if qualname in classes:
                    continue
                if any(source.qualname(base) in classes for base in node.bases):
                    classes.add(qualname)
                    changed = True
    return frozenset(classes)


def celery_apps(project: Project) -> list[CeleryApp]:
    apps: list[CeleryApp] = []
    short = {c.rpartition(".")[2] for c in project.celery_classes}
    for path in project.files_mentioning(*short):
        source = project.source(path, needed=path.name in ("celery.py", "celery_app.py"))
        if source is not None:
            apps.extend(_apps_in(project, source))
    apps += _configured_names(project, apps)
    for path in project.files:  # one that cannot be read or parsed mentions nothing: report it
        if path.name in ("celery.py", "celery_app.py"):
            project.source(path, needed=True)
    if project.options.app:  # configured: only that module's app (and variable) counts
        module, _, variable = project.options.app.partition(":")
        apps = [a for a in apps if a.source.module == module and variable in ("", a.variable)]
    return apps


def _apps_in(project: Project, source: SourceModule) -> list[CeleryApp]:
    found = []
    scopes: list[Any] = [source.tree] + source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
    for scope in scopes:
        for stmt in scope.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(stmt):
                if not isinstance(node, ast.Call):
                    continue
                qualname = source.local_qualname(node.func)
                if qualname not in project.celery_classes:
                    continue
                variable = None
                if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is node:
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    if len(targets) == 1 and isinstance(targets[0], ast.Name):
                        variable = targets[0].id
                app = CeleryApp(source, node, variable, scope)
                if variable:
                    _collect_app_calls(project, app)
                found.append(app)
    return found


def _configured_names(project: Project, apps: list[CeleryApp]) -> list[CeleryApp]:
    """Module-level names assigned anything but a Celery constructor (a factory's
    result, `current_app`, a class loaded by name) or imported, and configured from
    Django settings: apps whatever built them. The constructor's namespace is UNKNOWN
    unless the name is bound to a call of a project function that returns
    `Celery(...)`, or imported from the project module that makes it."""
    found = []
    known = {(a.source.path, a.variable) for a in apps if isinstance(a.scope, ast.Module)}
    for path in project.files_mentioning("config_from_object"):
        source = project.source(path)
        if source is None:
            continue
        configured = {
            n.func.value.id for n in source.nodes(ast.Call)
            if isinstance(n.func, ast.Attribute) and n.func.attr == "config_from_object"
            and isinstance(n.func.value, ast.Name)
        }
        bound: dict[str, ast.expr | None] = {}  # None: imported
        for stmt in source.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                bound[stmt.targets[0].id] = stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                bound[stmt.target.id] = stmt.value
            elif isinstance(stmt, ast.ImportFrom):
                bound.update((a.asname or a.name, None) for a in stmt.names)
        for variable, value in bound.items():
            if variable not in configured or (path, variable) in known:
                continue
            if value is None:  # `from proj.base import app`: the namespace of the app made there
                imported = source.aliases.get(variable)
                made = [a for a in apps if isinstance(a.scope, ast.Module) and a.label.replace(":", ".") == imported]
                if any(a.from_django for a in made):
                    continue  # configured where it is made already: that app
                namespace = made[0].constructor_namespace if made else UNKNOWN
            else:
                namespace = _factory_namespace(project, source, value, apps)
            app = CeleryApp(source, None, variable, source.tree, namespace)
            _collect_app_calls(project, app)
            if app.from_django:
                found.append(app)
    return found


def _factory_namespace(project: Project, source: SourceModule, value: ast.expr, apps: list[CeleryApp]) -> Any:
    """The constructor namespace of `f()` where `f` is a project function whose body
    ends in `return Celery(...)` (or returns the variable a `Celery(...)` call in it is
    bound to); UNKNOWN for anything else."""
    if not isinstance(value, ast.Call):
        return UNKNOWN
    qualname = source.qualname(value.func)
    module, _, name = (qualname or "").rpartition(".")
    factory = project.source_of(module) if module else None
    if factory is None:
        return UNKNOWN
    function = next((n for n in factory.tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)
    if function is None or not function.body or not isinstance(function.body[-1], ast.Return):
        return UNKNOWN
    returned = function.body[-1].value
    for app in apps:  # trees may have been parsed again since: compare places, not nodes
        if (
            app.call is not None
            and app.source.path == factory.path
            and isinstance(app.scope, ast.FunctionDef)
            and (app.scope.lineno, app.scope.name) == (function.lineno, function.name)
            and (
                (isinstance(returned, ast.Call) and _place(app.call) == _place(returned))
                or (isinstance(returned, ast.Name) and returned.id == app.variable)
            )
        ):
            return app.constructor_namespace
    return UNKNOWN


def _place(node: ast.expr) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _collect_app_calls(project: Project, app: CeleryApp) -> None:
    for stmt in app.scope.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(stmt):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == app.variable
            ):
                continue
            if node.func.attr == "config_from_object":
                app.config_calls.append(_config_call(project, app.source, node, app.constructor_namespace))
            elif node.func.attr == "autodiscover_tasks":
                app.autodiscover_calls.append(node)


def _config_call(project: Project, source: SourceModule, node: ast.Call, default_namespace: Any = None) -> ConfigCall:
    """The call's source and namespace; without a namespace (None or ""), Celery keeps
    the one given to the constructor (`self.namespace = namespace or self.namespace`)."""
    arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "obj"), None)
    value: Any = UNKNOWN
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        value = arg.value
    elif arg is not None:
        qualname = source.qualname(arg)
        value = Ref(qualname) if qualname else UNKNOWN
    namespace: Any = None
    for keyword in node.keywords:
        if keyword.arg == "namespace":
            v = keyword.value
            namespace = v.value if isinstance(v, ast.Constant) and isinstance(v.value, (str, type(None))) else UNKNOWN
        elif keyword.arg is None:
            namespace = UNKNOWN
    if len(node.args) > 3:
        namespace = UNKNOWN
    if namespace is None or namespace == "":
        namespace = default_namespace
    named = value if isinstance(value, str) and ":" not in value else getattr(value, "qualname", None)
    return ConfigCall(node, value, namespace, named if named and project.is_settings_module(named) else None)


def django_apps(project: Project) -> list[CeleryApp]:
    """The Celery apps configured from Django settings."""
    return [a for a in project.celery_apps if a.from_django]


def namespace_value(project: Project) -> Any:
    """The namespace Celery reads Django settings with: a string, None, or UNKNOWN
    (no app, several that disagree, or one the analysis cannot read), unless configured."""
    if project.options.namespace is not None:
        return project.options.namespace or None
    values = {a.namespace for a in project.django_apps if a.namespace is not UNKNOWN}
    if len(values) != 1 or any(a.namespace is UNKNOWN for a in project.django_apps):
        return UNKNOWN
    return values.pop()


def _constructor_namespace(call: ast.Call) -> Any:
    """The `namespace` given to `Celery(...)`: a string, None, or UNKNOWN."""
    for keyword in call.keywords:
        if keyword.arg == "namespace":
            v = keyword.value
            return v.value if isinstance(v, ast.Constant) and isinstance(v.value, (str, type(None))) else UNKNOWN
        if keyword.arg is None:
            return UNKNOWN
    return UNKNOWN if len(call.args) > 16 or any(isinstance(a, ast.Starred) for a in call.args) else None

