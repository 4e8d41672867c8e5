"""The value Celery reads for one of its settings, from source.

Celery 5.7 looks a setting up in the app's own configuration first (`app.conf.X = ...`,
`app.conf.update(X=...)`, `Celery(broker=...)`), then in the Django settings under
the app's namespace (`CELERY_` + the new name), then in its defaults. Celery 5.3-5.6
try the namespaced name in every source before the plain one
(`ConfigurationView.__getitem__`, keys outside, maps inside), so there a `CELERY_X`
in the settings beats the app's `app.conf.x`. The rules of
CEL3xx/CEL4xx ask "what does Celery use for X": NOT_SET when nothing sets it,
UNKNOWN when the source does not tell.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import celery_tables
from celery_lint.evaluate import UNKNOWN, Ref
from celery_lint.project import Project, Settings, SourceModule
from celery_lint.project.app_settings import SettingsReader


class _NotSet:
    def __repr__(self) -> str:
        return "NOT_SET"


NOT_SET: Any = _NotSet()

@lru_cache(maxsize=1)
def _new_to_old() -> dict[str, str]:
    """new key -> old (Celery 3) name: "beat_scheduler" -> "CELERYBEAT_SCHEDULER"."""
    return {new: old for old, new in celery_tables.tables().old_to_new.items()}

#: `Celery(...)` keyword arguments that become settings (`celery/app/base.py`, `__autoset`)
_CELERY_KWARGS = {"broker": "broker_url", "backend": "result_backend", "include": "include"}
_CELERY_POSITIONAL = ("main", "loader", "backend", "amqp", "events", "log", "control", "set_as_current",
                      "tasks", "broker", "include", "changes")


class Setting(NamedTuple):
    """What Celery uses for one setting, and where the source says so."""

    value: Any  # NOT_SET, UNKNOWN, or a value (a `OneOf` when branches disagree)
    name: str = ""  # as written: "CELERY_BEAT_SCHEDULER", "app.conf.beat_scheduler"
    path: Path | None = None
    line: int = 0

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN and self.value is not NOT_SET


def django_names(key: str, namespace: Any) -> tuple[str, ...] | None:
    """The Django settings Celery reads `key` from under `namespace`, in lookup order
    (None: a namespace the analysis cannot read, or a lowercase one Django never serves)."""
    if namespace is None:
        old = _new_to_old().get(key)
        return (old,) if old else ()
    if isinstance(namespace, str) and namespace and namespace == namespace.upper():
        names = (f"{namespace.rstrip('_')}_{key.upper()}",)
        old = _new_to_old().get(key)
        return names + (old,) if old and old not in names else names
    return None


def from_settings(project: Project, settings: Settings, key: str, reader: SettingsReader | None = None) -> Setting:
    """What the Django settings module `settings` gives Celery for `key` (read by the app
    of `reader`, else by the project's apps)."""
    names = django_names(key, project.namespace_value if reader is None else reader.namespace)
    if names is None or settings.ns.dynamic:
        return Setting(UNKNOWN)
    for index, name in enumerate(names):
        binding = settings.binding(name)
        if binding is not None:
            if index > 0:
                # only an old name: honoured by Celery 5.7, ignored by 5.6 (CEL102 speaks)
                return Setting(UNKNOWN, name, binding.path, binding.line)
            return Setting(binding.value, name, binding.path, binding.line)
        if settings.ns.has(name) is not False:
            return Setting(UNKNOWN)
    return Setting(NOT_SET)


def effective(project: Project, settings: Settings, key: str, reader: SettingsReader | None = None) -> Setting:
    """What Celery uses for `key`: the app's own configuration, else the settings (for
    the app of `reader`, one reading `settings`, when given); on Celery 5.3-5.6 a
    namespaced setting before the app's write (see the module's docstring)."""
    override = from_app(project, key, reader)
    if override.value is NOT_SET:
        return from_settings(project, settings, key, reader)
    namespace = project.namespace_value if reader is None else reader.namespace
    if namespace is None:
        return override  # no prefix: the plain name, written by the app, is found first
    settings_wins = _settings_win(project)
    if settings_wins is False:
        return override
    given = from_settings(project, settings, key, reader)
    prefixed = (django_names(key, namespace) or ("",))[0]
    if given.value is NOT_SET or (given.name and given.name != prefixed):
        return override  # nothing, or only an old name: Celery tries those after the app's
    if settings_wins:
        return given
    # the target version is unknown: the two answers agree, or the value is not known
    if given.value is not UNKNOWN and override.value is not UNKNOWN and given.value == override.value:
        return given
    return Setting(UNKNOWN, override.name, override.path, override.line)


def _settings_win(project: Project) -> bool | None:
    """Whether a namespaced Django setting beats the app's own write of the same key:
    on Celery 5.3-5.6 (True), not on 5.7 and later (False); None when the target
    version is unknown."""
    target = project.celery_version
    if target is None:
        return None
    return target.version < (5, 7)


def from_app(project: Project, key: str, reader: SettingsReader | None = None) -> Setting:
    """What the project's code sets on a Celery app for `key` (NOT_SET: nothing does);
    with a `reader`, on its app (the modules of the project's other apps left out).

    A value only for a single write at module level of a Celery app module; any other
    write (in a function, in another module, of keys the analysis cannot read) makes
    it UNKNOWN. Writes in test modules (`conftest.py`, `tests/`) are not the
    deployment's and are left out."""
    apps = project.django_apps if reader is None or reader.app is None else [reader.app]
    app_paths = {a.source.path for a in apps}
    others = {a.source.path for a in project.django_apps} - app_paths
    found: list[tuple[Setting, bool]] = []
    # a write spells `.conf.<key>`, `.conf[`, `.conf.update(`... or a Celery class:
    # other files mentioning the key only read it (`from django.conf import settings`)
    conf_write = re.compile(rf"\.conf[\s)]*(?:\[|\.\s*(?:{re.escape(key)}|update|setdefault|add_defaults)\b)")
    classes = sorted({c.rpartition(".")[2] for c in project.celery_classes})
    # the files that can write any key, scanned once for all keys; then those naming this one
    writers = [p for p in project.files_mentioning(".conf", *classes) if project.mentions(p, key)]
    for path in dict.fromkeys([*sorted(app_paths), *writers]):
        if path in others or is_test_module(project, path) or not (
            project.matches(path, conf_write) or project.mentions(path, *classes)
        ):
            continue
        source = project.source(path)
        writes = _writes(source, key, project.celery_classes) if source is not None else []
        nested = _nested_nodes(source) if writes and source is not None else set()
        for setting in writes:
            found.append((setting, path in app_paths and setting.line not in nested))
    if not found:
        return Setting(NOT_SET)
    setting, at_module_level = found[0]
    namespace = project.namespace_value if reader is None else reader.namespace
    if len(found) > 1 or not at_module_level or namespace is UNKNOWN:
        return Setting(UNKNOWN, setting.name, setting.path, setting.line)
    return setting


def is_test_module(project: Project, path: Path) -> bool:
    """`conftest.py`, `test_*.py`, `*_test.py`, or a module under a `tests` directory."""
    try:
        parts = path.relative_to(project.root).parts
    except ValueError:
        parts = path.parts
    name = parts[-1]
    return (
        name == "conftest.py"
        or name.startswith("test_")
        or name.endswith("_test.py")
        or any(part in ("tests", "test", "testing") for part in parts[:-1])
    )


def _nested_nodes(source: SourceModule) -> set[int]:
    """Line numbers of code inside functions, classes and lambdas (not run at import)."""
    lines: set[int] = set()
    for node in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
        body = node.body if isinstance(node.body, list) else [node.body]
        for stmt in body:
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def _writes(source: SourceModule, key: str, celery_classes: frozenset[str]) -> list[Setting]:
    """Writes of `key` to a Celery configuration in one module: `<x>.conf.key = v`,
    `<x>.conf["key"] = v`, `<x>.conf.update(key=v)`, `Celery(broker=v)`; a write of
    keys the analysis cannot read (`conf.update(**options)`) counts as an unknown one."""
    found: list[Setting] = []

    def add(node: ast.AST, value: Any, name: str) -> None:
        found.append(Setting(value, name, source.path, getattr(node, "lineno", 1)))

    for node in source.nodes(ast.Assign, ast.AnnAssign, ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if _is_conf_item(target, key):
                plain = isinstance(node, ast.Assign) or (isinstance(node, ast.AnnAssign) and node.value is not None)
                add(node, _value(source, node.value) if plain else UNKNOWN, ast.unparse(target))
    for call in source.nodes(ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute) and _is_conf(func.value):
            if func.attr in ("update", "setdefault"):
                _mapping(call, call.args, call.keywords, f"conf.{func.attr}", key, add)
            elif func.attr == "add_defaults":
                add(call, UNKNOWN, "conf.add_defaults()")
        elif isinstance(func, ast.Attribute) and func.attr == "add_defaults":
            add(call, UNKNOWN, "add_defaults()")
        elif source.local_qualname(func) in celery_classes:
            _constructor(source, call, key, add)
    return found


def _constructor(source: SourceModule, call: ast.Call, key: str, add: Any) -> None:
    """`Celery(broker=..., backend=..., changes={...}, **options)`: the arguments that
    become settings (`celery/app/base.py`, `__autoset`)."""
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            add(call, UNKNOWN, "Celery(*...)")
        elif index < len(_CELERY_POSITIONAL) and _CELERY_KWARGS.get(_CELERY_POSITIONAL[index]) == key:
            add(call, _value(source, arg), f"Celery({_CELERY_POSITIONAL[index]}=...)")
    for keyword in call.keywords:
        if keyword.arg is None:
            add(call, UNKNOWN, "Celery(**...)")
        elif keyword.arg == "changes":
            _mapping(call, [keyword.value], [], "Celery(changes=...)", key, add)
        elif _CELERY_KWARGS.get(keyword.arg, keyword.arg) == key:
            add(call, _value(source, keyword.value), f"Celery({keyword.arg}=...)")


def _mapping(call: ast.Call, args: list[ast.expr], keywords: list[ast.keyword], label: str, key: str, add: Any) -> None:
    """`update(key=v)`, `update({"key": v})`, `setdefault("key", v)` and the forms that hide keys."""
    if label == "conf.setdefault":
        first = args[0] if args else None
        if not isinstance(first, ast.Constant):
            add(call, UNKNOWN, label)
        elif first.value == key:
            add(call, _literal(args[1]) if len(args) > 1 else None, label)
        return
    for keyword in keywords:
        if keyword.arg is None:
            add(call, UNKNOWN, label)
        elif keyword.arg == key:
            add(call, _literal(keyword.value), label)
    for arg in args:
        if not (isinstance(arg, ast.Dict) and all(isinstance(k, ast.Constant) for k in arg.keys)):
            add(call, UNKNOWN, label)
            continue
        for k, v in zip(arg.keys, arg.values):
            if isinstance(k, ast.Constant) and k.value == key:
                add(call, _literal(v), label)


def _is_conf(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "conf"


def _is_conf_item(target: ast.expr, key: str) -> bool:
    if isinstance(target, ast.Attribute):
        return target.attr == key and _is_conf(target.value)
    if isinstance(target, ast.Subscript):
        return _is_conf(target.value) and isinstance(target.slice, ast.Constant) and target.slice.value == key
    return False


def _value(source: SourceModule, node: ast.expr) -> Any:
    """A literal, a reference to a library object (`DatabaseScheduler`), else UNKNOWN."""
    literal = _literal(node)
    if literal is not UNKNOWN:
        return literal
    qualname = source.qualname(node)
    return Ref(qualname) if qualname else UNKNOWN


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN
