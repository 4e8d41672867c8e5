"""Static values of module-level names, for settings modules and Celery app modules.

A tiny abstract interpreter over `ast`: literals, names, star and named imports of
project modules, concatenation, `+=`, list mutation, `Path(__file__).parent`,
`os.path.join`, and branches (an `if` whose test is unknown yields `OneOf` its
outcomes). Anything else -- `env()`, `os.environ.get()`, a property, a call -- is
`UNKNOWN`, and a question about an unknown value answers `UNKNOWN`: the rules
turn that into silence, never into a finding.

Why not astroid: its inference offers several candidate values where a branch
or an environment read is involved, and resolving a project's absolute imports
needs the project on `sys.path`. Settings need exactly "known, or unknown".
"""

from __future__ import annotations

import ast
import os.path
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, Protocol


class _Unknown:
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("the truth of UNKNOWN is unknown; test `is UNKNOWN` first")


UNKNOWN: Any = _Unknown()
MAX_OPTIONS = 8
MAX_ITEMS = 10_000
MAX_CHARS = 1_000_000
MAX_INT_BITS = 4096


class _StandIn:
    """A value the evaluation stands in for with one field (its one slot): equal to a
    stand-in of the same kind holding an equal field, never to a plain value (a
    `OneOf` is not a tuple)."""

    __slots__: tuple[str, ...] = ()

    def _field(self) -> Any:
        return getattr(self, self.__slots__[0])

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._field() == self._field()

    def __hash__(self) -> int:
        return hash((type(self), self._field()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._field()!r})"


class OneOf(_StandIn):
    """The value is one of these, depending on a branch the analysis cannot decide."""

    __slots__ = ("options",)

    def __init__(self, options: tuple[Any, ...]) -> None:
        self.options = options


class FsPath(_StandIn):
    """A filesystem path built from `__file__` (`Path(__file__).resolve().parent`, ...)."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path


class Ref(_StandIn):
    """A name bound to something outside the evaluated code: `os`, `django.conf.settings`."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname


class Binding(NamedTuple):
    value: Any
    path: Path
    line: int
    col: int


class Namespace:
    """Module-level bindings after the module body ran."""

    def __init__(
        self,
        module: str,
        path: Path,
        bindings: dict[str, Binding] | None = None,
        open: bool = False,
        dynamic: bool = False,
    ) -> None:
        self.module = module
        self.path = path
        self.bindings: dict[str, Binding] = {} if bindings is None else bindings
        # Names may exist that the analysis cannot see (globals() writes, split-settings
        # include(), star imports from outside the project): an absent name is unknown.
        self.open = open
        # Some writes could not be followed: any value may have been replaced.
        self.dynamic = dynamic
        # Other files whose code ran in these globals, in order (split-settings `include()`).
        self.ran: list[Path] = []
        # Lists and dicts an evaluator made for one name here and nothing read since
        # (id -> value, weight, known): `X += [...]`, `X.append(...)` and `X[key] = ...`
        # grow them in place instead of copying and re-measuring them, which made a
        # settings module repeating such a statement N times cost N^2. Kept on the
        # namespace, for every evaluator running code in it (split-settings components);
        # a copy owns nothing.
        self.owned: dict[int, tuple[Any, int, bool]] = {}

    def __repr__(self) -> str:
        return f"Namespace({self.module!r}, {self.path!r}, open={self.open}, dynamic={self.dynamic})"

    def value(self, name: str) -> Any:
        if self.dynamic:
            return UNKNOWN
        binding = self.bindings.get(name)
        return UNKNOWN if binding is None else binding.value

    def has(self, name: str) -> bool | Any:
        if name in self.bindings:
            return True
        return UNKNOWN if (self.open or self.dynamic) else False

    def copy(self) -> Namespace:
        copied = Namespace(self.module, self.path, dict(self.bindings), self.open, self.dynamic)
        copied.ran = list(self.ran)
        return copied


# -- questions about values ---------------------------------------------------------


def is_known(value: Any) -> bool:
    """True when the value, and everything inside it, is known."""
    if value is UNKNOWN or isinstance(value, OneOf):
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(k) and is_known(v) for k, v in value.items())
    return True


def options(value: Any) -> tuple[Any, ...]:
    return value.options if isinstance(value, OneOf) else (value,)


def contains(container: Any, item: Any) -> bool | Any:
    """`item in container`: True, False, or UNKNOWN."""
    answers = set()
    for option in options(container):
        if isinstance(option, (list, tuple, set, frozenset)):
            if item in [v for v in option if v is not UNKNOWN and not isinstance(v, OneOf)]:
                answers.add(True)
            elif all(is_known(v) for v in option):
                answers.add(False)
            else:
                return UNKNOWN
        else:
            return UNKNOWN
    return answers.pop() if len(answers) == 1 else UNKNOWN


def known_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def one_of(values: Iterable[Any]) -> Any:
    flat: list[Any] = []
    for value in values:
        for option in options(value):
            if option is UNKNOWN:
                return UNKNOWN
            if not any(_same(option, seen) for seen in flat):
                flat.append(option)
    if len(flat) > MAX_OPTIONS or not flat:
        return UNKNOWN
    return flat[0] if len(flat) == 1 else OneOf(tuple(flat))


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - UNKNOWN inside containers refuses truth
        return False


# -- the interpreter ---------------------------------------------------------------------

# Resolves an absolute module name to the Namespace of a project module, or None when
# the module is not part of the project (a library: names from it become `Ref`s).
ModuleLoader = Callable[[str], "Namespace | None"]
# Runs a statement-level call of a library function the evaluator is taught about
# (`split_settings.tools.include`), by the function's qualified name.
CallHook = Callable[["ModuleEvaluator", ast.Call, "Namespace"], None]

_SAFE_CALLS: dict[str, Callable[..., Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "dict": dict,
    "sorted": sorted,
    "len": len,
}
_PATH_FUNCS: dict[str, Callable[..., str]] = {
    "os.path.join": os.path.join,
    "os.path.dirname": os.path.dirname,
    "os.path.abspath": os.path.normpath,
    "os.path.realpath": os.path.normpath,
    "os.path.normpath": os.path.normpath,
    "os.path.basename": os.path.basename,
    "os.fspath": lambda p: p,
}
_DYNAMIC_CALLS = {"globals", "locals", "vars", "exec", "eval", "setattr", "include", "optional"}
_LIST_METHODS = {"append", "extend", "insert", "remove", "update", "setdefault", "sort", "reverse"}


def package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


class RelativeImport(Protocol):
    """A `from ... import` (an `ast.ImportFrom`, or a released module's `Imported`)."""

    @property
    def module(self) -> str | None: ...

    @property
    def level(self) -> int: ...


def absolute_module(module: str, path: Path, node: RelativeImport) -> str | None:
    """The absolute name a `from ... import` refers to, inside module `module` at `path`."""
    if not node.level:
        return node.module
    parts = package_of(module, path).split(".") if module else []
    if node.level - 1 > len(parts) or not module:
        return None
    base = parts[: len(parts) - (node.level - 1)]
    if node.module:
        base.append(node.module)
    return ".".join(base) or None


class ModuleEvaluator:
    def __init__(
        self,
        module: str,
        path: Path,
        loader: ModuleLoader,
        hooks: dict[str, CallHook] | None = None,
        location: Path | None = None,
    ) -> None:
        self.module = module
        self.path = path  # the module's file: `__file__`, relative imports
        self.loader = loader
        self.hooks = hooks or {}
        # the file the statements are in, where bindings point: the module's own, or a
        # file run in the module's globals (a split-settings component)
        self.location = location or path
        self._binding_functions: set[str] = set()  # local functions that write module names

    def run(self, tree: ast.Module, ns: Namespace | None = None) -> Namespace:
        """Run a module body in a new namespace, or in `ns` (a file exec'd in another's globals)."""
        ns = Namespace(self.module, self.path) if ns is None else ns
        self._block(tree.body, ns)
        # a function declaring `global X` may rebind X (or bind new names) whenever it is called
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Global):
                        ns.open = True
                        for name in node.names:
                            if name in ns.bindings:
                                old = ns.bindings[name]
                                ns.bindings[name] = Binding(UNKNOWN, old.path, old.line, old.col)
        return ns

    # statements

    def _block(self, body: list[ast.stmt], ns: Namespace) -> None:
        for stmt in body:
            self.statement(stmt, ns)

    def _bind(self, ns: Namespace, name: str, value: Any, node: ast.AST) -> None:
        ns.bindings[name] = Binding(value, self.location, node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def statement(self, stmt: ast.stmt, ns: Namespace) -> None:
        """Run one statement against `ns` (callers may inspect `ns` between statements)."""
        if self._binding_functions and _calls(stmt, self._binding_functions):
            ns.open = ns.dynamic = True  # `load_env()` running `globals()[key] = value`
        if isinstance(stmt, ast.Assign):
            value = self.expr(stmt.value, ns)
            for target in stmt.targets:
                self._assign(target, value, ns)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._assign(stmt.target, self.expr(stmt.value, ns), ns)
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.target, ast.Name):
                current = ns.value(stmt.target.id)
                right = self.expr(stmt.value, ns)
                if id(current) in ns.owned and isinstance(stmt.op, ast.Add) and type(right) is list:
                    value = self._grown(ns, current, lambda: current.extend(right), _weight(right) - 1, is_known(right))
                else:
                    value = self._own(ns, _binop(stmt.op, current, right))
                self._bind(ns, stmt.target.id, value, stmt.target)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                bound = alias.asname or alias.name.partition(".")[0]
                self._bind(ns, bound, Ref(alias.name if alias.asname else bound), stmt)
        elif isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt, ns)
        elif isinstance(stmt, ast.Expr):
            self._expr_stmt(stmt.value, ns)
        elif isinstance(stmt, ast.If):
            self._if(stmt, ns)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self._try(stmt, ns)  # type: ignore[arg-type]
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self._loop(stmt, ns)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self._block(stmt.body, ns)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._bind(ns, stmt.name, Ref(f"{self.module}.{stmt.name}"), stmt)
            if not isinstance(stmt, ast.ClassDef) and _writes_names(stmt):
                self._binding_functions.add(stmt.name)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    ns.bindings.pop(target.id, None)
        elif isinstance(stmt, (ast.Global, ast.Nonlocal)):
            ns.dynamic = True
        elif type(stmt).__name__ == "Match":
            self._loop(stmt, ns)  # like a loop: what it binds becomes unknown

    def _assign(self, target: ast.expr, value: Any, ns: Namespace) -> None:
        if isinstance(target, ast.Name):
            self._bind(ns, target.id, value, target)
        elif isinstance(target, (ast.Tuple, ast.List)):
            elts = target.elts
            seq = value if isinstance(value, (list, tuple)) and len(value) == len(elts) else None
            if any(isinstance(e, ast.Starred) for e in elts):
                seq = None
            for i, elt in enumerate(elts):
                inner = elt.value if isinstance(elt, ast.Starred) else elt
                self._assign(inner, seq[i] if seq is not None else UNKNOWN, ns)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            name = target.value.id
            current = ns.value(name)
            key = self.expr(target.slice, ns)
            if isinstance(current, dict) and is_known(key) and id(current) in ns.owned:
                removed = _weight(key) + _weight(current[key]) if key in current else 0

                def store() -> None:
                    current[key] = value

                grown = self._grown(ns, current, store, _weight(key) + _weight(value) - removed, is_known(value))
                self._bind(ns, name, grown, target.value)
            elif isinstance(current, dict) and is_known(key):
                updated = dict(current)
                updated[key] = value
                self._bind(ns, name, self._own(ns, updated), target.value)
            elif name in ns.bindings:
                self._bind(ns, name, UNKNOWN, target.value)
            elif name == "globals":
                ns.open = ns.dynamic = True
        elif isinstance(target, ast.Subscript) and _is_globals_call(target.value):
            ns.open = ns.dynamic = True

    def _import_from(self, stmt: ast.ImportFrom, ns: Namespace) -> None:
        module = absolute_module(self.module, self.path, stmt)
        source = self.loader(module) if module else None
        for alias in stmt.names:
            if alias.name == "*":
                if source is None:
                    unseen_code_ran(ns)
                    continue
                public = source.value("__all__")
                if isinstance(public, (list, tuple)) and is_known(public):
                    for name, binding in source.bindings.items():
                        if name in public:
                            ns.bindings[name] = binding
                elif "\0_" not in "\0".join(["", *source.bindings]):
                    # no name starting with "_": copied whole, without a Python step per name
                    # (each link of a star-import chain copies the names of every link below it)
                    ns.bindings.update(source.bindings)
                else:
                    for name, binding in source.bindings.items():
                        if not name.startswith("_"):
                            ns.bindings[name] = binding
                ns.open |= source.open
                ns.dynamic |= source.dynamic
                continue
            bound = alias.asname or alias.name
            if source is not None and alias.name in source.bindings and not source.dynamic:
                ns.bindings[bound] = source.bindings[alias.name]
            elif source is not None and (source.open or source.dynamic):
                self._bind(ns, bound, UNKNOWN, stmt)
            else:
                self._bind(ns, bound, Ref(f"{module or '?'}.{alias.name}"), stmt)

    def _expr_stmt(self, call: ast.expr, ns: Namespace) -> None:
        if not isinstance(call, ast.Call):
            return
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            name = func.value.id
            if _is_globals_call(func.value):
                ns.open = ns.dynamic = True
                return
            if name in ns.bindings and func.attr in _LIST_METHODS:
                self._bind(ns, name, self._mutate(ns.value(name), func.attr, call, ns), func.value)
                return
        if isinstance(func, ast.Attribute) and _is_globals_call(func.value):
            ns.open = ns.dynamic = True
            return
        qualname = self.qualname(func, ns)
        if qualname in self.hooks:
            self.hooks[qualname](self, call, ns)
        elif qualname and qualname.rpartition(".")[2] in _DYNAMIC_CALLS:
            ns.open = ns.dynamic = True

    def _own(self, ns: Namespace, value: Any) -> Any:
        """`value` (`bounded`), made here for one name of `ns`: kept to be grown in place."""
        if type(value) is not list and type(value) is not dict:
            return bounded(value)
        weight = _weight(value)
        if weight > MAX_ITEMS:
            return UNKNOWN
        ns.owned[id(value)] = (value, weight, is_known(value))
        return value

    def _grown(self, ns: Namespace, value: Any, change: Callable[[], None], added: int, known: bool) -> Any:
        """An owned `value` after `change` (which adds `added` to its weight), or UNKNOWN
        when it grows past MAX_ITEMS."""
        _, weight, was_known = ns.owned.pop(id(value))
        if weight + added > MAX_ITEMS:
            return UNKNOWN
        change()
        ns.owned[id(value)] = (value, weight + added, was_known and known)
        return value

    def _mutate(self, current: Any, method: str, call: ast.Call, ns: Namespace) -> Any:
        args = [self.expr(a, ns) for a in call.args]
        owned = ns.owned.get(id(current))
        if owned is not None and type(current) is list:
            grown = self._grow_list(ns, current, method, call, args, owned[2])
            if grown is not _NOT_GROWN:
                return grown
        if call.keywords or not is_known(current) or any(a is UNKNOWN for a in args):
            if isinstance(current, list) and method in {"append", "extend", "insert"}:
                return self._own(ns, list(current) + [UNKNOWN])  # known items stay known
            return UNKNOWN
        value = current.copy() if isinstance(current, (list, dict, set)) else None
        if value is None:
            return UNKNOWN
        try:
            getattr(value, method)(*args)
        except Exception:  # noqa: BLE001 - the project's code would fail here too
            return UNKNOWN
        return self._own(ns, value)  # bounded: X.extend(X) in a loop

    def _grow_list(self, ns: Namespace, current: list[Any], method: str, call: ast.Call, args: list[Any],
                   known: bool) -> Any:
        """`_mutate` of an owned list, in place, for the calls that add to it (else
        `_NOT_GROWN`: the copying path decides)."""
        if method not in ("append", "extend", "insert"):
            return _NOT_GROWN
        if call.keywords or not known or any(a is UNKNOWN for a in args):
            return self._grown(ns, current, lambda: current.append(UNKNOWN), 1, False)
        if method == "append" and len(args) == 1:
            return self._grown(ns, current, lambda: current.append(args[0]), _weight(args[0]), is_known(args[0]))
        if method == "extend" and len(args) == 1 and type(args[0]) in (list, tuple):
            added = _weight(args[0]) - 1
            return self._grown(ns, current, lambda: current.extend(args[0]), added, is_known(args[0]))
        if method == "insert" and len(args) == 2 and type(args[0]) is int:
            added = _weight(args[1])
            return self._grown(ns, current, lambda: current.insert(args[0], args[1]), added, is_known(args[1]))
        return _NOT_GROWN

    def _if(self, stmt: ast.If, ns: Namespace) -> None:
        test = self.expr(stmt.test, ns)
        if test is not UNKNOWN and not isinstance(test, (OneOf, Ref)):
            self._block(stmt.body if test else stmt.orelse, ns)
            return
        states = []
        for body in (stmt.body, stmt.orelse):
            branch = ns.copy()
            self._block(body, branch)
            states.append(branch)
        _merge_into(ns, states)

    def _try(self, stmt: ast.Try, ns: Namespace) -> None:
        body = ns.copy()
        self._block(stmt.body, body)
        self._block(stmt.orelse, body)
        states = [body]
        for handler in stmt.handlers:
            branch = ns.copy()
            self._block(handler.body, branch)
            states.append(branch)
        _merge_into(ns, states)
        self._block(stmt.finalbody, ns)

    def _loop(self, stmt: ast.stmt, ns: Namespace) -> None:
        if _writes_names(stmt):  # `for key in os.environ: globals()[key] = ...`
            ns.open = ns.dynamic = True
        for node in ast.walk(stmt):
            targets: list[ast.expr] = []
            if isinstance(node, (ast.Assign,)):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
                targets = [node.target]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                targets = [node.func.value]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and name.id in ns.bindings:
                        self._bind(ns, name.id, UNKNOWN, name)
                    elif isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                        self._bind(ns, name.id, UNKNOWN, name)

    # expressions

    def qualname(self, node: ast.expr, ns: Namespace) -> str | None:
        if isinstance(node, ast.Name):
            value = ns.value(node.id) if node.id in ns.bindings else None
            if isinstance(value, Ref):
                return value.qualname
            return node.id if node.id not in ns.bindings else None
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, ns)
            return f"{base}.{node.attr}" if base else None
        return None

    def expr(self, node: ast.expr, ns: Namespace) -> Any:
        try:
            return bounded(self._expr(node, ns))
        except RecursionError:
            return UNKNOWN

    def _expr(self, node: ast.expr, ns: Namespace) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return FsPath(str(self.path))
            if node.id == "__name__":
                return self.module
            if node.id in ns.bindings:
                value = ns.value(node.id)
                ns.owned.pop(id(value), None)  # held by more than its name now: copied to grow
                return value
            return Ref(node.id) if node.id in _SAFE_CALLS or node.id in _DYNAMIC_CALLS else UNKNOWN
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items: list[Any] = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    inner = self._expr(elt.value, ns)
                    if not isinstance(inner, (list, tuple)):
                        return UNKNOWN
                    items.extend(inner)
                else:
                    items.append(self._expr(elt, ns))
            if isinstance(node, ast.List):
                return items
            if isinstance(node, ast.Tuple):
                return tuple(items)
            return set(items) if all(is_known(i) for i in items) else UNKNOWN
        if isinstance(node, ast.Dict):
            result: dict[Any, Any] = {}
            for key, value in zip(node.keys, node.values):
                if key is None:
                    spread = self._expr(value, ns)
                    if not isinstance(spread, dict):
                        return UNKNOWN
                    result.update(spread)
                    continue
                k = self._expr(key, ns)
                if not is_known(k):
                    return UNKNOWN
                result[k] = self._expr(value, ns)
            return result
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                part = self._expr(value.value, ns) if isinstance(value, ast.FormattedValue) else value.value  # type: ignore[attr-defined]
                if isinstance(value, ast.FormattedValue) and (value.format_spec or value.conversion != -1):
                    return UNKNOWN
                if not isinstance(part, (str, int, float)) or isinstance(part, bool):
                    return UNKNOWN
                if isinstance(part, int) and part.bit_length() > MAX_INT_BITS:
                    return UNKNOWN  # str() refuses ints of more than 4300 digits
                parts.append(str(part))
            return "".join(parts)
        if isinstance(node, ast.BinOp):
            return _binop(node.op, self._expr(node.left, ns), self._expr(node.right, ns))
        if isinstance(node, ast.UnaryOp):
            operand = self._expr(node.operand, ns)
            if not is_known(operand) or isinstance(operand, (Ref, FsPath)):
                return UNKNOWN
            try:
                if isinstance(node.op, ast.Not):
                    return not operand
                if isinstance(node.op, ast.USub):
                    return -operand
                if isinstance(node.op, ast.UAdd):
                    return +operand
            except TypeError:
                return UNKNOWN
            return UNKNOWN
        if isinstance(node, ast.BoolOp):
            values = [self._expr(v, ns) for v in node.values]
            if not all(is_known(v) and not isinstance(v, (Ref, FsPath)) for v in values):
                return UNKNOWN
            result_value = values[0]
            for v in values[1:]:
                result_value = (result_value and v) if isinstance(node.op, ast.And) else (result_value or v)
            return result_value
        if isinstance(node, ast.Compare):
            return self._compare(node, ns)
        if isinstance(node, ast.IfExp):
            test = self._expr(node.test, ns)
            if is_known(test) and not isinstance(test, (Ref, FsPath)):
                return self._expr(node.body if test else node.orelse, ns)
            return one_of([self._expr(node.body, ns), self._expr(node.orelse, ns)])
        if isinstance(node, ast.Attribute):
            base = self._expr(node.value, ns)
            if isinstance(base, FsPath):
                if node.attr == "parent":
                    return FsPath(os.path.dirname(base.path))
                if node.attr == "name":
                    return os.path.basename(base.path)
                return UNKNOWN
            if isinstance(base, Ref):
                return Ref(f"{base.qualname}.{node.attr}")
            return UNKNOWN
        if isinstance(node, ast.Subscript):
            base = self._expr(node.value, ns)
            key = self._expr(node.slice, ns)
            if isinstance(base, (dict, list, tuple, str)) and is_known(key) and not isinstance(key, slice):
                try:
                    return base[key]
                except (KeyError, IndexError, TypeError):
                    return UNKNOWN
            return UNKNOWN
        if isinstance(node, ast.Call):
            return self._call(node, ns)
        return UNKNOWN

    def _compare(self, node: ast.Compare, ns: Namespace) -> Any:
        left = self._expr(node.left, ns)
        for op, comparator in zip(node.ops, node.comparators):
            right = self._expr(comparator, ns)
            if isinstance(op, (ast.In, ast.NotIn)):
                found = contains(right, left)
                if found is UNKNOWN:
                    return UNKNOWN
                ok = found if isinstance(op, ast.In) else not found
            else:
                if not (is_known(left) and is_known(right)) or isinstance(left, Ref) or isinstance(right, Ref):
                    return UNKNOWN
                try:
                    ok = _COMPARE[type(op)](left, right)
                except (TypeError, KeyError):
                    return UNKNOWN
            if not ok:
                return False
            left = right
        return True

    def _call(self, node: ast.Call, ns: Namespace) -> Any:
        func = node.func
        if isinstance(func, ast.Attribute):
            base = self._expr(func.value, ns)
            if isinstance(base, FsPath) and func.attr == "resolve" and not node.args:
                if all(k.arg == "strict" for k in node.keywords):  # `resolve(strict=True)`: the same path or an error
                    return base
            if isinstance(base, FsPath) and not node.keywords:
                args = [self._expr(a, ns) for a in node.args]
                if func.attr in {"resolve", "absolute"} and not args:
                    return base
                if func.attr == "joinpath" and all(isinstance(a, (str, FsPath)) for a in args):
                    return FsPath(os.path.join(base.path, *[_fs(a) for a in args]))
                return UNKNOWN
            if isinstance(base, str) and func.attr in {"format", "join", "lower", "upper", "strip", "split"}:
                return UNKNOWN
        qualname = self.qualname(func, ns)
        if qualname is None:
            return UNKNOWN
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return UNKNOWN
        args = [self._expr(a, ns) for a in node.args]
        if qualname in {"pathlib.Path", "Path", "pathlib.PurePath"}:
            if args and all(isinstance(a, (str, FsPath)) for a in args):
                return FsPath(os.path.join(*[_fs(a) for a in args]))
            return UNKNOWN
        if qualname in _PATH_FUNCS:
            if args and all(isinstance(a, (str, FsPath)) for a in args):
                try:
                    return _PATH_FUNCS[qualname](*[_fs(a) for a in args])
                except TypeError:
                    return UNKNOWN
            return UNKNOWN
        if qualname in _SAFE_CALLS and qualname not in ns.bindings:
            if qualname == "str" and len(args) == 1 and isinstance(args[0], FsPath):
                return args[0].path
            if all(is_known(a) and not isinstance(a, (Ref, FsPath)) for a in args):
                try:
                    return _SAFE_CALLS[qualname](*args)
                except Exception:  # noqa: BLE001 - the project's code would fail here too
                    return UNKNOWN
        return UNKNOWN


def _fs(value: str | FsPath) -> str:
    return value.path if isinstance(value, FsPath) else value


def _writes_names(node: ast.AST) -> bool:
    """Whether code the evaluator does not run step by step (a loop, a function body)
    may bind module names it cannot see: `global`, `globals()`, `exec`, `setattr`..."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Global):
            return True
        if isinstance(inner, ast.Call):
            func = inner.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name in _DYNAMIC_CALLS:
                return True
    return False


def _calls(stmt: ast.stmt, functions: set[str]) -> bool:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions
        for node in ast.walk(stmt)
    )


def _is_globals_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"globals", "locals", "vars"}


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}


def _binop(op: ast.operator, left: Any, right: Any) -> Any:
    if isinstance(left, OneOf) or isinstance(right, OneOf):
        return one_of(_binop(op, a, b) for a in options(left) for b in options(right))
    if isinstance(op, ast.Div) and isinstance(left, FsPath) and isinstance(right, (str, FsPath)):
        return FsPath(os.path.join(left.path, _fs(right)))
    if left is UNKNOWN or right is UNKNOWN or isinstance(left, (Ref, FsPath)) or isinstance(right, (Ref, FsPath)):
        return UNKNOWN
    if _too_big(op, left, right):
        return UNKNOWN
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)) and isinstance(op, ast.Add):
        if type(left) is not type(right):
            return UNKNOWN
        return [*left, *right] if isinstance(left, list) else (*left, *right)
    if not (is_known(left) and is_known(right)):
        return UNKNOWN
    try:
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            result = left * right
            return result if not hasattr(result, "__len__") or len(result) <= MAX_ITEMS else UNKNOWN
        if isinstance(op, ast.FloorDiv):
            return left // right
        if isinstance(op, ast.Div):
            return left / right
        if isinstance(op, ast.BitOr) and isinstance(left, dict) and isinstance(right, dict):
            return {**left, **right}
    except Exception:  # noqa: BLE001 - the project's code would fail here too
        return UNKNOWN
    return UNKNOWN


def _too_big(op: ast.operator, left: Any, right: Any) -> bool:
    """Whether `left op right` would be larger than any setting: code that doubles a
    string or a list in a loop must exhaust neither memory nor time here."""
    if isinstance(op, ast.Add):
        return _size(left) + _size(right) > _limit(left)
    if isinstance(op, ast.Mult):
        if isinstance(left, int) and isinstance(right, int):
            return left.bit_length() + right.bit_length() > MAX_INT_BITS
        count = right if isinstance(right, int) else left if isinstance(left, int) else 1
        sized = left if isinstance(right, int) else right
        return _size(sized) * max(count, 0) > _limit(sized)
    return False


def bounded(value: Any) -> Any:
    """`value`, or UNKNOWN when it holds more than MAX_ITEMS items counting nested ones
    again each time they are shared: `X = [X, X]` forty times is a value of 2**40
    items that every later question (is it known? is it equal?) would walk."""
    if not isinstance(value, (list, tuple, dict, set, frozenset, OneOf)):
        return value
    return value if _weight(value) <= MAX_ITEMS else UNKNOWN


_NOT_GROWN = object()  # `_grow_list`: not a call it grows a list by


def _weight(value: Any) -> int:
    """The items of `value`, itself included, counting shared ones each time they are
    held, up to MAX_ITEMS + 1 (what `bounded` limits)."""
    pending, count = [value], 0
    while pending:
        item = pending.pop()
        count += 1
        if count > MAX_ITEMS:
            return count
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            pending.extend(item)
        elif isinstance(item, OneOf):
            pending.extend(item.options)
    return count


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) else 0


def _limit(value: Any) -> int:
    return MAX_CHARS if isinstance(value, (str, bytes)) else MAX_ITEMS


def unseen_code_ran(ns: Namespace) -> None:
    """Code the analysis cannot read (a library's star import, a git-ignored local.py)
    ran in `ns`: it may rebind any name bound so far, or bind new ones; names bound
    after it stay known."""
    for name, binding in ns.bindings.items():
        ns.bindings[name] = Binding(UNKNOWN, binding.path, binding.line, binding.col)
    ns.open = True


def _merge_into(ns: Namespace, states: list[Namespace]) -> None:
    ns.owned.clear()  # a path may have bound its value to another name too
    names = set().union(*(s.bindings for s in states))
    for name in names:
        present = [s.bindings[name] for s in states if name in s.bindings]
        if len(present) < len(states):
            # bound on some paths only: the name may be absent, its value unknown
            last = present[-1]
            ns.bindings[name] = Binding(UNKNOWN, last.path, last.line, last.col)
            continue
        value = one_of(b.value for b in present)
        first = next((b for b in present if b not in ns.bindings.values()), present[0])
        ns.bindings[name] = Binding(value, first.path, first.line, first.col)
    ns.open = any(s.open for s in states)
    ns.dynamic = any(s.dynamic for s in states)
    ns.ran = list(dict.fromkeys(path for s in states for path in s.ran))
