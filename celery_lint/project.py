"""The project model: one Django+Celery project, read from source, built once per process.

A `Project` is rooted at the directory of its `manage.py` (or at a directory the
caller names). It knows its import roots, parses each file at most once, and
answers the questions rules ask: which settings modules exist and what they
bind, which apps are installed, where the Celery app is created and how it is
configured, which modules define tasks. Every answer may be `UNKNOWN`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from celery_lint import layout
from celery_lint.evaluate import (
    UNKNOWN,
    FsPath,
    ModuleEvaluator,
    Namespace,
    Ref,
    absolute_module,
    contains,
    is_known,
    known_str,
    options,
)
from celery_lint.sources import SourceError, parse_file, parse_text

CELERY_CLASSES = frozenset({"celery.Celery", "celery.app.Celery", "celery.app.base.Celery"})
SHARED_TASK = frozenset({"celery.shared_task", "celery.app.shared_task"})
DJANGO_SETTINGS_OBJECT = "django.conf.settings"
DJANGO_CONFIG_STRING = "django.conf:settings"
# Celery's loader falls back from a module import to module + attribute: the same object
DJANGO_CONFIG_STRINGS = frozenset({DJANGO_CONFIG_STRING, "django.conf.settings"})
_DSM_RE = re.compile(
    r"""DJANGO_SETTINGS_MODULE["']?\s*(?:["']\s*,\s*|\]\s*=\s*|=\s*|:\s*)["']?([A-Za-z_][\w.]*)"""
)


@dataclass
class SourceModule:
    """One parsed file, with an index of its nodes by type built in a single walk."""

    path: Path
    module: str | None
    text: str
    tree: ast.Module

    @cached_property
    def _index(self) -> dict[type, list[ast.AST]]:
        index: dict[type, list[ast.AST]] = {}
        for node in ast.walk(self.tree):
            index.setdefault(type(node), []).append(node)
        return index

    def nodes(self, *types: type) -> list[Any]:
        if len(types) == 1:
            return self._index.get(types[0], [])
        found = [n for t in types for n in self._index.get(t, [])]
        return sorted(found, key=lambda n: (n.lineno, n.col_offset))

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Local name -> qualified name, from the imports anywhere in the module and
        simple module-level aliases (`task = shared_task`)."""
        names: dict[str, str] = {}
        for node in self.nodes(ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.partition(".")[0]
                    names[top] = top
        for node in self.nodes(ast.ImportFrom):
            base = absolute_module(self.module or "", self.path, node) if node.level else node.module
            if not base:
                continue
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{base}.{alias.name}"
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                target = stmt.targets[0].id
                if target not in names and isinstance(stmt.value, (ast.Name, ast.Attribute)):
                    qualname = self.qualname(stmt.value, names)
                    if qualname:
                        names[target] = qualname
        return names

    def qualname(self, node: ast.expr, names: dict[str, str] | None = None) -> str | None:
        names = self.aliases if names is None else names
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, names)
            return f"{base}.{node.attr}" if base else None
        return None

    def local_qualname(self, node: ast.expr) -> str | None:
        """Like `qualname`, but a module-level name defined here is `<module>.<name>`."""
        found = self.qualname(node)
        if found is not None or not self.module:
            return found
        if isinstance(node, ast.Name):
            return f"{self.module}.{node.id}"
        if isinstance(node, ast.Attribute):
            base = self.local_qualname(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass
class ConfigCall:
    """`app.config_from_object(source, namespace=...)`."""

    node: ast.Call
    source: Any  # DJANGO_CONFIG_STRING, a `Ref`, another string, or UNKNOWN
    namespace: Any  # a string, None (not given), or UNKNOWN
    # the Django settings module Celery reads directly ('proj.settings', or the module object)
    settings_module: str | None = None


@dataclass
class CeleryApp:
    """A `Celery(...)` instance created in a project module."""

    source: SourceModule
    call: ast.Call
    variable: str | None
    scope: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef
    config_calls: list[ConfigCall] = field(default_factory=list)
    autodiscover_calls: list[ast.Call] = field(default_factory=list)

    @property
    def from_django(self) -> bool:
        """Configured from Django settings (in any spelling)."""
        for config in self.config_calls:
            if config.source in DJANGO_CONFIG_STRINGS or config.settings_module is not None:
                return True
            if isinstance(config.source, Ref) and config.source.qualname == DJANGO_SETTINGS_OBJECT:
                return True
        return False

    @property
    def namespace(self) -> Any:
        """The namespace of the Django configuration: a string, None, or UNKNOWN."""
        found = [c.namespace for c in self.config_calls if c.source is not UNKNOWN]
        if len(found) != 1:
            return UNKNOWN
        return found[0]


@dataclass
class Settings:
    """A Django settings module, evaluated."""

    module: str
    path: Path
    ns: Namespace
    files: list[Path]  # the module and every module it star-imports, in order

    def value(self, name: str) -> Any:
        return self.ns.value(name)

    def binding(self, name: str):
        return self.ns.bindings.get(name)


class Project:
    """Everything the rules know about one project. Build with `Project.get(root)`."""

    _cache: dict[tuple[Path, tuple[str, ...]], Project] = {}

    def __init__(self, root: Path, settings_modules: tuple[str, ...] = ()) -> None:
        self.root = root
        self.has_manage = (root / "manage.py").is_file()
        self.configured_settings = settings_modules
        self.errors: list[SourceError] = []
        self._sources: dict[Path, SourceModule | None] = {}
        self._namespaces: dict[str, Namespace | None] = {}
        self._evaluating: set[str] = set()
        self._texts: dict[Path, str | None] = {}

    @classmethod
    def get(cls, root: Path, settings_modules: tuple[str, ...] = ()) -> Project:
        """The project at `root`, built once per process."""
        key = (root.resolve(), settings_modules)
        project = cls._cache.get(key)
        if project is None:
            project = cls._cache[key] = cls(key[0], settings_modules)
        return project

    # -- files and modules ------------------------------------------------------------------

    @cached_property
    def files(self) -> list[Path]:
        return list(layout.iter_python_files(self.root))

    @cached_property
    def import_roots(self) -> list[Path]:
        """Where Python finds this project's top-level modules: the `manage.py`
        directory first, then directories the settings add to `sys.path`, then the
        enclosing directories up to the repository top."""
        roots = [self.root]
        for extra in self._sys_path_additions():
            if extra not in roots:
                roots.append(extra)
        top = layout.repository_top(self.root)
        if top in self.root.parents:
            for parent in self.root.parents:
                if parent not in roots:
                    roots.append(parent)
                if parent == top:
                    break
        return roots

    def module_name(self, path: Path) -> str | None:
        return layout.module_name(self.root, path)

    def resolve(self, dotted: str, roots: list[Path] | None = None) -> tuple[Path, Path] | None:
        """(import root, file) that `import dotted` finds, trying roots in order."""
        for root in roots if roots is not None else self.import_roots:
            found = layout.resolve_module(root, dotted)
            if found is not None:
                return root, found
        return None

    def resolve_file(self, dotted: str) -> Path | None:
        found = self.resolve(dotted, [self.root])
        if found is None or found[1].is_dir():
            return None
        return found[1]

    def text(self, path: Path) -> str | None:
        """The text of a file, or None (recorded as an error) when it cannot be read."""
        if path not in self._texts:
            from celery_lint.sources import read_text

            try:
                self._texts[path] = read_text(path)
            except SourceError:
                self._texts[path] = None
        return self._texts[path]

    def source(self, path: Path, tree: ast.Module | None = None, needed: bool = False) -> SourceModule | None:
        """The parsed module at `path`; pass `tree` when the caller parsed it already."""
        if path in self._sources:
            return self._sources[path]
        module: SourceModule | None = None
        try:
            if tree is not None:
                text = self.text(path) or ""
            else:
                cached = self._texts.get(path)
                if cached is not None:
                    text, tree = cached, parse_text(path, cached)
                else:
                    text, tree = parse_file(path)
            module = SourceModule(path, self.module_name(path), text, tree)
        except SourceError as exc:
            if needed:
                self.errors.append(exc)
        self._sources[path] = module
        return module

    def source_of(self, dotted: str, needed: bool = False) -> SourceModule | None:
        path = self.resolve_file(dotted)
        return self.source(path, needed=needed) if path else None

    def files_mentioning(self, *words: str) -> Iterator[Path]:
        """Files whose text contains any of `words`: a cheap filter before parsing."""
        for path in self.files:
            text = self.text(path)
            if text is not None and any(w in text for w in words):
                yield path

    # -- settings ----------------------------------------------------------------------------

    def namespace(self, dotted: str) -> Namespace | None:
        """The evaluated module-level names of project module `dotted` (None: not ours)."""
        if dotted in self._namespaces:
            return self._namespaces[dotted]
        if dotted in self._evaluating:  # an import cycle: what it binds is unknown
            return Namespace(dotted, Path(), open=True, dynamic=True)
        found = self.resolve(dotted)
        if found is None or found[1].is_dir():
            self._namespaces[dotted] = None
            return None
        source = self.source(found[1])
        if source is None:
            ns = Namespace(dotted, found[1], open=True, dynamic=True)
        else:
            self._evaluating.add(dotted)
            try:
                ns = ModuleEvaluator(dotted, found[1], self.namespace).run(source.tree)
            finally:
                self._evaluating.discard(dotted)
        self._namespaces[dotted] = ns
        return ns

    @cached_property
    def settings_module_names(self) -> list[str]:
        """Settings modules named by DJANGO_SETTINGS_MODULE in `manage.py`, wsgi/asgi,
        the Celery app modules, and test configuration (or given by configuration)."""
        if self.configured_settings:
            return list(self.configured_settings)
        names: list[str] = []
        candidates = [self.root / "manage.py"]
        candidates += [p for p in self.files if p.name in ("wsgi.py", "asgi.py", "celery.py", "celery_app.py")]
        configs = [self.root / n for n in ("pytest.ini", "setup.cfg", "tox.ini", "pyproject.toml")]
        for path in candidates + configs:
            if not path.is_file():
                continue
            text = self.text(path) if path.suffix == ".py" else _read_config(path)
            for match in _DSM_RE.finditer(text or ""):
                name = match.group(1)
                if name not in names and self.resolve_file(name):
                    names.append(name)
        return names

    @cached_property
    def settings(self) -> list[Settings]:
        found = []
        for name in self.settings_module_names:
            path = self.resolve_file(name)
            if path is None or self.source(path, needed=True) is None:
                continue
            ns = self.namespace(name)
            if ns is None:
                continue
            files = [path] + [p for p in self._star_chain(name) if p != path]
            found.append(Settings(name, path, ns, files))
        return found

    def _star_chain(self, dotted: str, seen: set[str] | None = None) -> list[Path]:
        seen = set() if seen is None else seen
        if dotted in seen:
            return []
        seen.add(dotted)
        path = self.resolve_file(dotted)
        source = self.source(path) if path else None
        if source is None:
            return []
        chain = [source.path]
        for node in source.tree.body:
            for stmt in _flatten(node):
                if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
                    target = absolute_module(dotted, source.path, stmt)
                    if target:
                        chain += self._star_chain(target, seen)
        return chain

    @cached_property
    def settings_files(self) -> set[Path]:
        return {p for s in self.settings for p in s.files}

    def installed_apps(self, settings: Settings) -> Any:
        """INSTALLED_APPS of `settings` as a list (items may be unknown), or UNKNOWN."""
        value = settings.value("INSTALLED_APPS")
        if value is UNKNOWN or settings.ns.has("INSTALLED_APPS") is not True:
            return UNKNOWN
        if all(isinstance(o, (list, tuple)) for o in options(value)):
            return value
        return UNKNOWN

    def app_name(self, entry: str) -> str | None:
        """The AppConfig.name of an INSTALLED_APPS entry of this project, else None."""
        if self.resolve(entry) is not None:
            return entry
        module, _, cls = entry.rpartition(".")
        source = self.source_of(module) if module else None
        if source is None:
            return None
        for node in source.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == cls:
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "name" for t in stmt.targets)
                        and isinstance(stmt.value, ast.Constant)
                        and isinstance(stmt.value.value, str)
                    ):
                        return stmt.value.value
        return None

    def project_apps(self, settings: Settings) -> list[str] | Any:
        """Names of the installed apps that live in this project; UNKNOWN when not all
        entries are known."""
        apps = self.installed_apps(settings)
        if apps is UNKNOWN or not all(is_known(o) for o in options(apps)) or len(options(apps)) != 1:
            return UNKNOWN
        names = []
        for entry in apps:
            if not isinstance(entry, str):
                return UNKNOWN
            name = self.app_name(entry)
            if name is not None and name not in names:
                names.append(name)
        return names

    def is_installed(self, settings: Settings, app: str) -> Any:
        """Whether `app` (a module name) is in INSTALLED_APPS: True, False or UNKNOWN."""
        apps = self.installed_apps(settings)
        if apps is UNKNOWN:
            return UNKNOWN
        direct = contains(apps, app)
        if direct is True:
            return True
        answers = set()
        for option in options(apps):
            found: Any = False
            for entry in option:
                if not isinstance(entry, str):
                    found = UNKNOWN
                elif entry == app or entry.startswith(app + ".apps."):
                    found = True
                    break
            if found is UNKNOWN:
                return UNKNOWN
            answers.add(found)
        return answers.pop() if len(answers) == 1 else UNKNOWN

    def _sys_path_additions(self) -> list[Path]:
        """Directories that `manage.py` or the settings put on `sys.path`."""
        roots: list[Path] = []
        paths = [self.root / "manage.py"]
        for name in self.settings_module_names_raw():
            path = self.resolve_file(name)
            if path:
                paths.append(path)
        for path in paths:
            text = self.text(path) if path.is_file() else None
            if not text or "sys.path" not in text:
                continue
            source = self.source(path)
            if source is None:
                continue
            module = self.module_name(path) or "__main__"
            ns = ModuleEvaluator(module, path, lambda _: None).run(ast.Module(body=[], type_ignores=[]))
            evaluator = ModuleEvaluator(module, path, lambda _: None)
            for stmt in source.tree.body:
                evaluator._stmt(stmt, ns)
                call = stmt.value if isinstance(stmt, ast.Expr) else None
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                    continue
                if source.qualname(call.func.value) != "sys.path" or call.func.attr not in ("insert", "append"):
                    continue
                arg = evaluator.expr(call.args[-1], ns) if call.args else UNKNOWN
                value = arg.path if isinstance(arg, FsPath) else known_str(arg)
                if value:
                    directory = Path(value).resolve()
                    if directory.is_dir() and directory not in roots:
                        roots.append(directory)
        return roots

    def settings_module_names_raw(self) -> list[str]:
        """Settings module names from `manage.py` alone (used before import roots exist)."""
        text = self.text(self.root / "manage.py") if (self.root / "manage.py").is_file() else None
        names = [m.group(1) for m in _DSM_RE.finditer(text or "")]
        return names + [n for n in self.configured_settings if n not in names]

    # -- Celery ---------------------------------------------------------------------------------

    @cached_property
    def celery_classes(self) -> frozenset[str]:
        """Qualified names that construct a Celery app: Celery and project subclasses."""
        classes = set(CELERY_CLASSES)
        sources = [s for p in self.files_mentioning("Celery") if (s := self.source(p)) is not None]
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

    @cached_property
    def celery_apps(self) -> list[CeleryApp]:
        apps: list[CeleryApp] = []
        short = {c.rpartition(".")[2] for c in self.celery_classes}
        for path in self.files_mentioning(*short):
            source = self.source(path, needed=path.name in ("celery.py", "celery_app.py"))
            if source is not None:
                apps.extend(self._apps_in(source))
        return apps

    def _apps_in(self, source: SourceModule) -> list[CeleryApp]:
        found = []
        scopes: list[Any] = [source.tree] + source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
        for scope in scopes:
            for stmt in scope.body:
                for node in ast.walk(stmt) if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else ():
                    if not isinstance(node, ast.Call):
                        continue
                    qualname = source.local_qualname(node.func)
                    if qualname not in self.celery_classes:
                        continue
                    variable = None
                    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is node:
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        if len(targets) == 1 and isinstance(targets[0], ast.Name):
                            variable = targets[0].id
                    app = CeleryApp(source, node, variable, scope)
                    if variable:
                        self._collect_app_calls(app)
                    found.append(app)
        return found

    def _collect_app_calls(self, app: CeleryApp) -> None:
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
                    app.config_calls.append(self._config_call(app.source, node))
                elif node.func.attr == "autodiscover_tasks":
                    app.autodiscover_calls.append(node)

    def _config_call(self, source: SourceModule, node: ast.Call) -> ConfigCall:
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
        named = value if isinstance(value, str) and ":" not in value else getattr(value, "qualname", None)
        return ConfigCall(node, value, namespace, named if named and self.is_settings_module(named) else None)

    def is_settings_module(self, dotted: str) -> bool:
        """Whether `dotted` is one of the project's Django settings modules (or a module they star-import)."""
        if dotted in self.settings_module_names:
            return True
        path = self.resolve_file(dotted)
        return path is not None and path in self.settings_files

    @cached_property
    def django_apps(self) -> list[CeleryApp]:
        """The Celery apps configured from Django settings."""
        return [a for a in self.celery_apps if a.from_django]

    @cached_property
    def namespace_value(self) -> Any:
        """The namespace Celery reads Django settings with: a string, None, or UNKNOWN
        (no app, several that disagree, or one the analysis cannot read)."""
        values = {a.namespace for a in self.django_apps if a.namespace is not UNKNOWN}
        if len(values) != 1 or any(a.namespace is UNKNOWN for a in self.django_apps):
            return UNKNOWN
        return values.pop()

    # -- imports -------------------------------------------------------------------------------

    def imported_modules(self, source: SourceModule) -> Iterator[tuple[ast.stmt, str]]:
        """(statement, absolute module name) for every module an import may load."""
        for node in source.nodes(ast.Import, ast.ImportFrom):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield node, alias.name
                continue
            base = absolute_module(source.module or "", source.path, node)
            if not base:
                continue
            yield node, base
            for alias in node.names:
                if alias.name != "*":
                    yield node, f"{base}.{alias.name}"

    def imports_module(self, source: SourceModule, target: str) -> bool:
        return any(name == target for _, name in self.imported_modules(source))

    def uses_decorator(self, source: SourceModule, qualnames: frozenset[str]) -> bool:
        for node in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if source.qualname(target) in qualnames:
                    return True
        return False


def _flatten(stmt: ast.stmt) -> Iterator[ast.stmt]:
    """A statement and the statements nested in its if/try/with blocks (not in defs)."""
    yield stmt
    for attr in ("body", "orelse", "finalbody", "handlers"):
        for child in getattr(stmt, attr, []) or []:
            if isinstance(child, ast.ExceptHandler):
                for inner in child.body:
                    yield from _flatten(inner)
            elif isinstance(child, ast.stmt) and not isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ):
                yield from _flatten(child)


def module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Module-level statements, including those nested in if/try/with blocks."""
    for stmt in tree.body:
        yield from _flatten(stmt)


def _read_config(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
