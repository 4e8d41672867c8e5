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
import sys
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import layout
from celery_lint.evaluate import (
    UNKNOWN,
    Binding,
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
from celery_lint.findings import Finding
from celery_lint.sources import SourceError, check_syntax, parse_text, read_text
from celery_lint.versions import TargetVersion, target_version

CELERY_CLASSES = frozenset({"celery.Celery", "celery.app.Celery", "celery.app.base.Celery"})
SHARED_TASK = frozenset({"celery.shared_task", "celery.app.shared_task"})
DJANGO_SETTINGS_OBJECT = "django.conf.settings"
DJANGO_CONFIG_STRING = "django.conf:settings"
# Celery's loader falls back from a module import to module + attribute: the same object
DJANGO_CONFIG_STRINGS = frozenset({DJANGO_CONFIG_STRING, "django.conf.settings"})
# Every question about tasks (decorators, names, registrations) first asks whether a
# module's text spells this: nothing else can define or register one.
TASK_WORD = "task"
_DSM_RE = re.compile(
    r"""DJANGO_SETTINGS_MODULE["']?\s*(?:["']\s*,\s*|\]\s*=\s*|=\s*|:\s*)["']?([A-Za-z_][\w.]*)"""
)


class Decorated(NamedTuple):
    """A decorated def or class, without its body (a released module keeps these)."""

    is_class: bool
    name: str
    lineno: int
    col_offset: int  # 0 exactly for a module-level statement: nothing else starts a line unindented
    decorators: list[ast.expr]


class Imported(NamedTuple):
    """An import statement without its ast nodes: a released module keeps these."""

    lineno: int
    col_offset: int
    is_from: bool  # `from module import names` (else `import names`)
    module: str | None  # `from`'s module, relative to `level`
    level: int
    names: tuple[tuple[str, str | None], ...]  # (name, asname)


class SourceModule:
    """One parsed file, with an index of its nodes by type built in a single walk
    (of the statements only, when only statement types are asked for: most files
    are asked only for their imports and defs, and expressions are most of a tree).

    `release()` lets the tree go once the file's own rules have run, keeping what
    whole-project analyses ask of every module (its imports as `Imported` records,
    its aliases, its decorated defs): trees are most of the memory of a large
    project. A released tree asked for again is parsed again from the kept text."""

    def __init__(self, path: Path, module: str | None, text: str, tree: ast.Module) -> None:
        self.path = path
        self.module = module
        self.text = text
        self._tree: ast.Module | None = tree
        self._by_type: dict[tuple[bool, type], list[ast.AST]] = {}
        self._walked: list[ast.AST] | None = None  # every node
        self._block_nodes: list[ast.AST] | None = None  # the statements and the nodes holding them
        self._imports: list[Imported] | None = None
        self._decorated: list[Decorated] | None = None
        # module-level `name = dotted.name` statements: (name, the dotted name's parts)
        self._assigned: list[tuple[str, str, list[str]]] | None = None

    def __repr__(self) -> str:
        return f"SourceModule({str(self.path)!r}, {self.module!r})"

    @property
    def tree(self) -> ast.Module:
        if self._tree is None:
            self._tree = parse_text(self.path, self.text)  # parsed before: cannot fail now
            self._decorated = None  # they hold the old tree's decorators
        return self._tree

    def release(self, summarise: bool = True) -> None:
        """Let the tree go, keeping what the aliases, imports and decorators are read
        from (`summarise`: read now, while the tree is here, for analyses to come)."""
        if summarise and self._assigned is None:
            self._read_statements()
        self._by_type = {}
        self._tree = self._walked = self._block_nodes = None
        self.__dict__.pop("lines", None)  # split again from the text if asked

    def _of_type(self, kind: type) -> list[ast.AST]:
        """The nodes of exactly type `kind`, in walk order; only statements (and the
        nodes holding them) are looked for among the statements alone."""
        blocks_only = self._walked is None and issubclass(kind, BLOCK_NODES)
        found = self._by_type.get((blocks_only, kind))
        if found is None:
            if blocks_only:
                if self._block_nodes is None:
                    self._block_nodes = walk_blocks(self.tree)
                nodes = self._block_nodes
            else:
                if self._walked is None:
                    self._walked = walk_all(self.tree)
                nodes = self._walked
            found = self._by_type[(blocks_only, kind)] = [n for n in nodes if type(n) is kind]
        return found

    def nodes(self, *types: type) -> list[Any]:
        if len(types) == 1:
            return self._of_type(types[0])
        found = [n for t in types for n in self._of_type(t)]
        return sorted(found, key=lambda n: (n.lineno, n.col_offset))

    @property
    def decorated(self) -> list[Decorated]:
        """The decorated defs and classes, in source order, kept across `release()`:
        which functions are tasks is read from these alone."""
        if self._decorated is None:
            self._read_statements()
        assert self._decorated is not None
        return self._decorated

    @property
    def imports(self) -> list[Imported]:
        """The import statements anywhere in the module, in source order."""
        if self._imports is None:
            self._read_statements()
        assert self._imports is not None
        return self._imports

    def _read_statements(self) -> None:
        """The imports and the decorated defs, in one look at each statement."""
        if self._block_nodes is None:
            self._block_nodes = walk_blocks(self.tree)
        imports: list[Imported] = []
        decorated: list[Decorated] = []
        nodes: list[Any] = self._block_nodes  # told apart by exact type: statements are never subclassed
        for node in nodes:
            kind = type(node)
            if kind is ast.ImportFrom:
                names = _shared(tuple([(a.name, a.asname) for a in node.names]))
                imports.append(Imported(node.lineno, node.col_offset, True, node.module, node.level, names))
            elif kind is ast.Import:
                names = _shared(tuple([(a.name, a.asname) for a in node.names]))
                imports.append(Imported(node.lineno, node.col_offset, False, None, 0, names))
            elif kind in _DEFS and node.decorator_list:
                decorated.append(
                    Decorated(kind is ast.ClassDef, node.name, node.lineno, node.col_offset, node.decorator_list)
                )
        if self._imports is None:
            self._imports = sorted(imports)  # records order by position first
        self._decorated = sorted(decorated, key=lambda d: (d.lineno, d.col_offset))
        if self._assigned is None:
            self._assigned = []
            for stmt in self.tree.body:
                if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:
                    name, attrs = _dotted(stmt.value)
                    if name is not None:
                        self._assigned.append((stmt.targets[0].id, name, attrs))

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Local name -> qualified name, from the imports anywhere in the module and
        simple module-level aliases (`task = shared_task`)."""
        names: dict[str, str] = {}
        for imported in self.imports:
            if not imported.is_from:
                for name, asname in imported.names:
                    top = name.partition(".")[0]
                    names[asname or top] = name if asname else top
        for imported in self.imports:
            base = absolute_module(self.module or "", self.path, imported) if imported.is_from else None
            for name, asname in imported.names if base else ():
                if name != "*":
                    names[asname or name] = sys.intern(f"{base}.{name}")  # one string for each module's copy
        if self._assigned is None:
            self._read_statements()
        assert self._assigned is not None
        for target, name, attrs in self._assigned:
            base = names.get(name)
            if target not in names and base:
                names[target] = ".".join([base, *attrs])
        return names

    def qualname(self, node: ast.expr, names: dict[str, str] | None = None) -> str | None:
        names = self.aliases if names is None else names
        name, attrs = _dotted(node)
        base = names.get(name) if name else None
        return ".".join([base, *attrs]) if base else None

    def local_qualname(self, node: ast.expr) -> str | None:
        """Like `qualname`, but a module-level name defined here is `<module>.<name>`."""
        found = self.qualname(node)
        if found is not None or not self.module:
            return found
        name, attrs = _dotted(node)
        return ".".join([self.module, name, *attrs]) if name else None

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @cached_property
    def lines(self) -> list[str]:
        return source_lines(self.text)


def _shared(names: tuple[tuple[str, str | None], ...]) -> tuple[tuple[str, str | None], ...]:
    """One object for equal imported-name lists: most are common to many modules
    (`from django.db import models`), and every module keeps its own."""
    return _SHARED_NAMES.setdefault(names, names)


_SHARED_NAMES: dict[tuple[tuple[str, str | None], ...], tuple[tuple[str, str | None], ...]] = {}
_DEFS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
# Nodes that hold statements: every statement sits in one of these, never in an expression.
BLOCK_NODES = (ast.mod, ast.stmt, ast.excepthandler, ast.match_case)
_BLOCK_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")  # in `_fields` order


def walk_all(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` but the `Load`/`Store`/`Del` markers, in `ast.walk` order:
    the same breadth-first walk without its generators and without looking into
    fields that never hold a node, which cost more than the walk on a large project."""
    nodes = [tree]
    for node in nodes:  # the list grows as the walk goes
        kind = type(node)
        names = _NODE_FIELDS.get(kind)
        if names is None:
            names = _NODE_FIELDS[kind] = tuple(n for n in kind._fields if n not in _NEVER_NODES)
        for name in names:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        nodes.append(item)
            elif isinstance(value, ast.AST):
                nodes.append(value)
    return nodes


# Fields holding names, flags and the expression context, never a node worth visiting.
_NEVER_NODES = frozenset(
    {"ctx", "id", "attr", "name", "asname", "module", "arg", "kind", "type_comment", "conversion", "level",
     "is_async", "simple", "tag"}
)
_NODE_FIELDS: dict[type, tuple[str, ...]] = {}


def walk_blocks(tree: ast.Module) -> list[ast.AST]:
    """The `BLOCK_NODES` of `tree` in `ast.walk` order, without visiting expressions.
    Below a module, these fields of a statement, handler or case only ever hold
    statements, handlers and cases (an expression's `body` is never reached)."""
    nodes: list[ast.AST] = [tree]
    for node in nodes:  # the list grows as the walk goes
        kind = type(node)
        names = _BLOCK_FIELDS_OF.get(kind)
        if names is None:
            names = _BLOCK_FIELDS_OF[kind] = tuple(n for n in _BLOCK_FIELDS if n in kind._fields)
        for name in names:
            nodes += getattr(node, name)
    return nodes


_BLOCK_FIELDS_OF: dict[type, tuple[str, ...]] = {}


def _dotted(node: ast.expr) -> tuple[str | None, list[str]]:
    """`a.b.c` -> ("a", ["b", "c"]); (None, []) when the chain does not start at a name.
    A loop, not recursion: generated code can chain thousands of attributes."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    return (node.id, attrs[::-1]) if isinstance(node, ast.Name) else (None, [])


def source_lines(text: str) -> list[str]:
    """The lines of `text` as Python numbers them: only \\n, \\r\\n and \\r end a line
    (`str.splitlines` also splits at form feeds and other separators)."""
    return _LINE_END.split(text)


_LINE_END = re.compile(r"\r\n|\r|\n")


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
    """A `Celery(...)` instance created in a project module."""

    def __init__(
        self,
        source: SourceModule,
        call: ast.Call,
        variable: str | None,
        scope: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef,
    ) -> None:
        self.source = source
        self.call = call
        self.variable = variable
        self.scope = scope
        self.config_calls: list[ConfigCall] = []
        self.autodiscover_calls: list[ast.Call] = []

    def __repr__(self) -> str:
        return f"CeleryApp({self.source!r}, variable={self.variable!r}, line={self.call.lineno})"

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


class Settings(NamedTuple):
    """A Django settings module, evaluated."""

    module: str
    path: Path
    ns: Namespace
    files: list[Path]  # the module and every module it star-imports, in order

    def value(self, name: str) -> Any:
        return self.ns.value(name)

    def binding(self, name: str) -> Binding | None:
        return self.ns.bindings.get(name)


class ProjectOptions(NamedTuple):
    """What configuration (`[tool.celery-lint]`, command options) says instead of the source."""

    app: str | None = None  # the Celery app module, "proj.celery" or "proj.celery:app"
    namespace: str | None = None  # None: read from the source; "": no namespace
    own_settings: frozenset[str] = frozenset()  # the project's own CELERY_* names
    celery_version: str | None = None  # the target Celery version, else pins or installed
    version_source: str = "configuration"  # where celery_version was given, for messages


class Project:
    """Everything the rules know about one project. Build with `Project.get(root)`."""

    _cache: dict[tuple[Path, tuple[str, ...], ProjectOptions, Path | None], Project] = {}
    _by_directory: dict[tuple[Path, tuple[str, ...], ProjectOptions], Project] = {}

    def __init__(
        self,
        root: Path,
        settings_modules: tuple[str, ...] = (),
        options: ProjectOptions = ProjectOptions(),
        scope: Path | None = None,
    ) -> None:
        self.root = root
        # The files of the project: all below `root`, or those of the package tree
        # `scope`, or, when `scope` is no package, those below it outside packages.
        self.scope = scope
        self.has_manage = (root / "manage.py").is_file()
        self.configured_settings = settings_modules
        self.options = options
        self.errors: list[SourceError] = []
        self._sources: dict[Path, SourceModule | None] = {}
        self._namespaces: dict[str, Namespace | None] = {}
        self._evaluating: set[str] = set()
        self._texts: dict[Path, str | None] = {}
        self._failures: dict[Path, SourceError] = {}  # why a file has no text or no tree
        self._resolved: dict[str, tuple[Path, Path] | None] = {}
        self._resolved_files: dict[str, Path | None] = {}
        self._mentioning: dict[tuple[str, ...], list[Path]] = {}
        # the project rules' findings by rule set, and the same by file (see `engine`)
        self.rule_findings: dict[tuple[str, ...], tuple[list[Finding], dict[Path, list[Finding]]]] = {}

    @classmethod
    def get(
        cls,
        root: Path,
        settings_modules: tuple[str, ...] = (),
        options: ProjectOptions = ProjectOptions(),
        scope: Path | None = None,
    ) -> Project:
        """The project at `root` (made of the files below `scope`, default `root`),
        built once per process."""
        project = cls._cache.get((root, settings_modules, options, scope))  # resolved paths: no lookup
        if project is None:
            key = (root.resolve(), settings_modules, options, scope and scope.resolve())
            project = cls._cache.get(key)
            if project is None:
                project = cls._cache[key] = cls(key[0], settings_modules, options, key[3])
        return project

    @classmethod
    def of_directory(
        cls, directory: Path, settings_modules: tuple[str, ...] = (), options: ProjectOptions = ProjectOptions()
    ) -> Project:
        """The project of the files in `directory`, a resolved path: the one whose
        `manage.py` is above it, else its package tree. Looked up once per directory
        (flake8 asks for each file) while that project is the one built."""
        project = cls._by_directory.get((directory, settings_modules, options))
        if project is not None and cls._cache.get((project.root, settings_modules, options, project.scope)) is project:
            return project
        root = layout.find_project_root(directory)
        if root is not None:
            project = cls.get(root, settings_modules, options)
        else:
            root, scope = layout.package_scope(directory)
            project = cls.get(root, settings_modules, options, scope=scope)
        cls._by_directory[(directory, settings_modules, options)] = project
        return project

    @cached_property
    def celery_version(self) -> TargetVersion | None:
        """The Celery version the project targets (configured, pinned, else installed)."""
        top = layout.repository_top(self.root)
        directories = [self.root, *(p for p in self.root.parents if top in p.parents or p == top)]
        return target_version(self.options.celery_version, directories, self.options.version_source)

    # -- files and modules ------------------------------------------------------------------

    @cached_property
    def files(self) -> list[Path]:
        if self.scope is None:
            return list(layout.iter_python_files(self.root, own_project=True))
        whole = (self.scope / "__init__.py").is_file()
        return list(layout.iter_python_files(self.scope, own_project=True, packages=whole))

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
        """The dotted name of a file of the project, from the project root."""
        return layout.module_name(self.root, path)

    def resolve(self, dotted: str, roots: list[Path] | None = None) -> tuple[Path, Path] | None:
        """(import root, file) that `import dotted` finds, trying roots in order
        (the project's import roots unless given; those answers are kept)."""
        if roots is None:
            if dotted not in self._resolved:
                self._resolved[dotted] = self.resolve(dotted, self.import_roots)
            return self._resolved[dotted]
        for root in roots:
            found = layout.resolve_module(root, dotted)
            if found is not None:
                return root, found
        return None

    def resolve_file(self, dotted: str) -> Path | None:
        """The file (not a namespace package) `dotted` names below the project root."""
        if dotted not in self._resolved_files:
            found = self.resolve(dotted, [self.root])
            self._resolved_files[dotted] = None if found is None or layout.is_namespace_package(found[1]) else found[1]
        return self._resolved_files[dotted]

    def text(self, path: Path) -> str | None:
        """The text of a file, read once; None when it cannot be read (the reason is
        kept for `source(needed=True)` to report)."""
        try:
            return self._texts[path]
        except KeyError:
            pass
        text: str | None = None
        try:
            text = read_text(path)
        except SourceError as exc:
            self._failures[path] = exc
        self._texts[path] = text
        return text

    def source(self, path: Path, tree: ast.Module | None = None, needed: bool = False) -> SourceModule | None:
        """The parsed module at `path`, or None when it cannot be read or parsed. A file
        the analysis needs (`needed`) that fails is recorded in `errors`, also when a
        caller that did not need it tried first. Pass `tree` when the caller parsed it."""
        if path not in self._sources:
            self._sources[path] = self._load(path, tree)
        module = self._sources[path]
        if module is None and needed:
            failure = self._failures.get(path)
            if failure is not None and failure not in self.errors:
                self.errors.append(failure)
        return module

    def parses(self, path: Path, needed: bool = False) -> bool:
        """Whether the file at `path` parses, keeping no tree: for a file no module
        rule reads, whose syntax must still be checked. A failure is kept as
        `source` keeps it; the project model parses the file if it asks for it."""
        if path in self._sources:
            return self.source(path, needed=needed) is not None
        text = self.text(path)
        failure = self._failures.get(path) if text is None else check_syntax(path, text)
        if failure is None:
            return True
        self._failures[path] = failure
        self._sources[path] = None
        self.source(path, needed=needed)  # records a needed file's failure
        return False

    def _load(self, path: Path, tree: ast.Module | None) -> SourceModule | None:
        text = self.text(path)
        if tree is None and text is not None:
            try:
                tree = parse_text(path, text)
            except SourceError as exc:
                self._failures[path] = exc
        if tree is None:
            return None
        return SourceModule(path, self.module_name(path), text or "", tree)

    def release(self, source: SourceModule, summarise: bool = True) -> None:
        """Let a module's tree go once its own rules have run. A module whose text
        spells "task" keeps what the project rules ask of task modules (`summarise`:
        its imports, aliases and decorated defs, see `SourceModule.release`). Any other
        is forgotten but for its text and parsed again if asked for: in a healthy
        project only the few modules the model evaluates or follows re-exports through
        are, and summaries of every module cost more than those parses."""
        if summarise and TASK_WORD in source.text:
            source.release()
            return
        source.release(summarise=False)
        if self._sources.get(source.path) is source:
            del self._sources[source.path]

    def failure(self, path: Path) -> SourceError:
        """Why the file at `path` has no text or no tree (after `text` or `source` said None)."""
        return self._failures.get(path) or SourceError(path, "cannot be analysed")

    def source_of(self, dotted: str, needed: bool = False) -> SourceModule | None:
        path = self.resolve_file(dotted)
        return self.source(path, needed=needed) if path else None

    def files_mentioning(self, *words: str) -> list[Path]:
        """Files whose text contains any of `words`: a cheap filter before parsing,
        answered once per set of words (several rules ask the same, some per app)."""
        found = self._mentioning.get(words)
        if found is None:
            texts = self._file_texts
            if len(words) == 1:
                word = words[0]
                found = [path for path, text in texts if word in text]
            else:
                hits = {i for word in words for i, (_, text) in enumerate(texts) if word in text}
                found = [texts[i][0] for i in sorted(hits)]
            self._mentioning[words] = found
        return found

    @cached_property
    def _file_texts(self) -> list[tuple[Path, str]]:
        return [(path, self.text(path) or "") for path in self.files]

    # -- settings ----------------------------------------------------------------------------

    def namespace(self, dotted: str) -> Namespace | None:
        """The evaluated module-level names of project module `dotted` (None: not ours)."""
        if dotted in self._namespaces:
            return self._namespaces[dotted]
        if dotted in self._evaluating:  # an import cycle: what it binds is unknown
            return Namespace(dotted, Path(), open=True, dynamic=True)
        found = self.resolve(dotted)
        if found is None or layout.is_namespace_package(found[1]):
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
        app_file = self.resolve_file(self.options.app.partition(":")[0]) if self.options.app else None
        candidates += [app_file] if app_file else []
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

    def settings_named_in(self, path: Path) -> list[str]:
        """Settings modules of this project that a file (Python or an ini/toml
        configuration) names as DJANGO_SETTINGS_MODULE."""
        text = self.text(path) if path.suffix == ".py" else _read_config(path)
        names = [m.group(1) for m in _DSM_RE.finditer(text or "")]
        return [n for n in dict.fromkeys(names) if self.resolve_file(n)]

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
        return self.appconfig_name(module, cls) if module else None

    def appconfig_name(self, module: str, cls: str) -> str | None:
        """The literal `name = "..."` of AppConfig class `cls` in project module `module`."""
        source = self.source_of(module)
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
            ns = Namespace(module, path)
            evaluator = ModuleEvaluator(module, path, lambda _: None)
            for stmt in source.tree.body:
                evaluator.statement(stmt, ns)
                call = stmt.value if isinstance(stmt, ast.Expr) else None
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                    continue
                if source.qualname(call.func.value) != "sys.path" or call.func.attr not in ("insert", "append"):
                    continue
                arg = evaluator.expr(call.args[-1], ns) if call.args else UNKNOWN
                value = arg.path if isinstance(arg, FsPath) else known_str(arg)
                if value:
                    directory = _directory(value)
                    if directory is not None and directory not in roots:
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
        for path in self.files:  # one that cannot be read or parsed mentions nothing: report it
            if path.name in ("celery.py", "celery_app.py"):
                self.source(path, needed=True)
        if self.options.app:  # configured: only that module's app (and variable) counts
            module, _, variable = self.options.app.partition(":")
            apps = [a for a in apps if a.source.module == module and variable in ("", a.variable)]
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
                    app.config_calls.append(self._config_call(app.source, node, _constructor_namespace(app.call)))
                elif node.func.attr == "autodiscover_tasks":
                    app.autodiscover_calls.append(node)

    def _config_call(self, source: SourceModule, node: ast.Call, default_namespace: Any = None) -> ConfigCall:
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
        (no app, several that disagree, or one the analysis cannot read), unless configured."""
        if self.options.namespace is not None:
            return self.options.namespace or None
        values = {a.namespace for a in self.django_apps if a.namespace is not UNKNOWN}
        if len(values) != 1 or any(a.namespace is UNKNOWN for a in self.django_apps):
            return UNKNOWN
        return values.pop()

    # -- imports -------------------------------------------------------------------------------

    def imported_modules(self, source: SourceModule) -> Iterator[tuple[Imported, str]]:
        """(statement, absolute module name) for every module an import may load."""
        for imported in source.imports:
            for name in modules_loaded(source.module or "", source.path, imported):
                yield imported, name

    def uses_decorator(self, source: SourceModule, qualnames: frozenset[str]) -> bool:
        for node in source.decorated:
            for decorator in node.decorators if not node.is_class else ():
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if source.qualname(target) in qualnames:
                    return True
        return False


def modules_loaded(module: str, path: Path, imported: Imported) -> Iterator[str]:
    """The absolute names of the modules one import statement may load, in module
    `module` at `path`: a `from` import's own module first."""
    if not imported.is_from:
        yield from (name for name, _ in imported.names)
        return
    base = absolute_module(module, path, imported)
    if base:
        yield base
        yield from (f"{base}.{name}" for name, _ in imported.names if name != "*")


def _constructor_namespace(call: ast.Call) -> Any:
    """The `namespace` given to `Celery(...)`: a string, None, or UNKNOWN."""
    for keyword in call.keywords:
        if keyword.arg == "namespace":
            v = keyword.value
            return v.value if isinstance(v, ast.Constant) and isinstance(v.value, (str, type(None))) else UNKNOWN
        if keyword.arg is None:
            return UNKNOWN
    return UNKNOWN if len(call.args) > 16 or any(isinstance(a, ast.Starred) for a in call.args) else None


def _flatten(stmt: ast.stmt) -> Iterator[ast.stmt]:
    """A statement and the statements nested in its if/try/with blocks (not in defs)."""
    yield stmt
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return  # a def's body runs later, or binds class attributes: not module-level names
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


def _directory(value: str) -> Path | None:
    """The existing directory a settings string names, else None (also for a string
    no filesystem accepts: a NUL byte, a name too long)."""
    try:
        directory = Path(value).resolve()
        return directory if directory.is_dir() else None
    except (OSError, ValueError):
        return None


def _read_config(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
