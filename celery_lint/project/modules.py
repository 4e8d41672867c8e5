"""Parsed modules and what is kept of them: the memory-saving summaries in one place.

A `SourceModule` is one parsed file with an index of its nodes by type. Once the
file's own rules have run, `release()` lets the tree go and keeps what the
whole-project analyses ask of every module (imports as `Imported` records, aliases,
decorated defs as `Decorated` records): trees are most of a large project's memory.
"""

from __future__ import annotations

import ast
import re
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint.evaluate import absolute_module

# every parse of the project model goes through this name (tests count them here)
from celery_lint.sources import parse_text as parse_text

# Every question about tasks (decorators, names, registrations) first asks whether a
# module's text spells this: nothing else can define or register one.
TASK_WORD = "task"


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


# what a released module keeps: its imports, decorated defs, `name = dotted.name` aliases
Summary = tuple[list[Imported], list[Decorated], list[tuple[str, str, list[str]]]]


class SourceModule:
    """One parsed file, with an index of its nodes by type built in a single walk
    (of the statements only, when only statement types are asked for: most files
    are asked only for their imports and defs, and expressions are most of a tree).

    `release()` lets the tree go once the file's own rules have run, keeping what
    whole-project analyses ask of every module (its imports as `Imported` records,
    its aliases, its decorated defs): trees are most of the memory of a large
    project. A released tree asked for again is parsed again from the kept text."""

    def __init__(self, path: Path, module: str | None, text: str, tree: ast.Module | None) -> None:
        self.path = path
        self.module = module
        self.text = text
        self._tree: ast.Module | None = tree
        self._by_type: dict[tuple[bool, type], list[ast.AST]] = {}
        self._method_calls: dict[frozenset[str], list[int]] = {}  # see `method_call_lines`
        # answers rules derive from this tree's nodes, by (question, id of the node): let go with the tree
        self.derived: dict[tuple[str, int], Any] = {}
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
        self._method_calls = {}
        self.derived = {}
        self._tree = self._walked = self._block_nodes = None
        self.__dict__.pop("lines", None)  # split again from the text if asked

    def summary(self) -> Summary | None:
        """What `release()` keeps of the tree, once read (None: not yet): the on-disk
        cache keeps it by the text's digest (`cache.summaries`)."""
        if self._imports is None or self._decorated is None or self._assigned is None:
            return None
        return self._imports, self._decorated, self._assigned

    @classmethod
    def summarised(cls, path: Path, module: str | None, text: str, summary: Summary) -> SourceModule:
        """The module of `text` known by its `summary`: its tree is parsed if asked for."""
        source = cls(path, module, text, None)
        source._imports, source._decorated, source._assigned = summary
        return source

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

    def method_call_lines(self, methods: frozenset[str]) -> list[int]:
        """The sorted lines on which `.<method>` of one of `methods` is written, read from
        the text: a superset of what the calls `<expr>.<method>(...)` of a def or block
        hold (a call's `.method` lies within the call), so that rules following the
        calls of each function (the sends) walk only the functions spanning one, and a
        module without one is neither walked nor parsed for them."""
        lines = self._method_calls.get(methods)
        if lines is None:
            lines = self._method_calls[methods] = _lines_of(self.text, _method_pattern(methods))
        return lines

    def spans_method_call(self, node: ast.stmt, methods: frozenset[str]) -> bool:
        """Whether a call of one of `methods` starts on a line of `node` (its decorators aside)."""
        lines = self.method_call_lines(methods)
        i = bisect_left(lines, node.lineno)
        return i < len(lines) and lines[i] <= (node.end_lineno or node.lineno)

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


@lru_cache(maxsize=16)
def _method_pattern(methods: frozenset[str]) -> re.Pattern[str]:
    """`.name` of one of `methods`, with what Python allows between the dot and the name
    (spaces, newlines inside brackets, a backslash continuation)."""
    return re.compile(r"\.(?:\s|\\)*(?:" + "|".join(sorted(map(re.escape, methods))) + r")\b")


def _lines_of(text: str, pattern: re.Pattern[str]) -> list[int]:
    """The (1-based, sorted) lines on which `pattern` matches in `text`."""
    lines: list[int] = []
    line, at = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", at, match.end())
        at = match.end()
        lines.append(line)
    return lines


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


def walk_pruned(roots: list[ast.AST], prune: Callable[[ast.AST], bool]) -> Iterator[ast.AST]:
    """The nodes below and at `roots` in the order of a recursive pre-order visit
    (`ast.iter_child_nodes` order), leaving out each node `prune` says and all below it:
    a loop with the field lists of `walk_all`, no recursion and no generator per node."""
    stack = roots[::-1]
    while stack:
        node = stack.pop()
        if prune(node):
            continue
        yield node
        kind = type(node)
        names = _NODE_FIELDS.get(kind)
        if names is None:
            names = _NODE_FIELDS[kind] = tuple(n for n in kind._fields if n not in _NEVER_NODES)
        children: list[ast.AST] = []
        for name in names:
            value = getattr(node, name, None)
            if type(value) is list:
                children += [item for item in value if isinstance(item, ast.AST)]
            elif isinstance(value, ast.AST):
                children.append(value)
        stack += children[::-1]


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


def flatten(stmt: ast.stmt) -> Iterator[ast.stmt]:
    """A statement and the statements nested in its if/try/with blocks (not in defs)."""
    yield stmt
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return  # a def's body runs later, or binds class attributes: not module-level names
    for attr in ("body", "orelse", "finalbody", "handlers"):
        for child in getattr(stmt, attr, []) or []:
            if isinstance(child, ast.ExceptHandler):
                for inner in child.body:
                    yield from flatten(inner)
            elif isinstance(child, ast.stmt) and not isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ):
                yield from flatten(child)


def module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Module-level statements, including those nested in if/try/with blocks."""
    for stmt in tree.body:
        yield from flatten(stmt)

