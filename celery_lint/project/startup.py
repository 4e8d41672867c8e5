"""Start-up code: what `manage.py`, wsgi/asgi, the Celery app module and the settings
put on `sys.path`, and what they set `DJANGO_SETTINGS_MODULE` to.

Start-up code does this at module level, under `if __name__ == "__main__":` (as
cookiecutter-django's `manage.py` does) and in functions called from either (Django's
`startproject` template calls `main()`). Each file is run once, in order, by
`ModuleEvaluator`: a function called from code that runs is followed into (its
parameters unknown), both branches of an undecided `if` are followed on copies, and
the `__main__` guard is taken: `manage.py` runs as a script, and a wsgi or app module
run as one (`python proj/celery.py worker`) makes what its guard adds importable in
that process. The spellings read: `sys.path.insert/append/extend`, `sys.path[0:0] = [..]`,
`sys.path += [..]`, `sys.path = [X] + sys.path`, and `site.addsitedir(X)` (X, then the
directories X's `.pth` files name). A value the evaluator cannot resolve (`os.environ["APPS"]`, `env("X")`)
adds nothing.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from celery_lint import layout
from celery_lint.evaluate import UNKNOWN, Binding, FsPath, ModuleEvaluator, Namespace, Ref, known_str

if TYPE_CHECKING:
    from celery_lint.project.core import Project
    from celery_lint.project.modules import SourceModule

DSM = "DJANGO_SETTINGS_MODULE"
STARTUP_NAMES = ("wsgi.py", "asgi.py", "celery.py", "celery_app.py")
_MAX_CALL_DEPTH = 4
_BRANCHING = frozenset({"TryStar", "Match"})  # statements of newer Pythons, by name


class StartupCode(NamedTuple):
    """What one start-up file does, in the order it does it (known values only)."""

    sys_path: list[str]  # directories added to sys.path, as written (absolute or relative)
    settings: list[str]  # values DJANGO_SETTINGS_MODULE is set to
    first: list[str]  # those of sys_path put before the installed libraries (`sys.path.insert(0, X)`)


def startup_files(project: Project) -> list[Path]:
    """`manage.py`, every wsgi/asgi module, and the Celery app modules (by name, and the
    configured `--app`): files start-up code lives in, known before import roots are."""
    paths = [project.root / "manage.py"] if project.has_manage else []
    paths += [p for p in project.files if p.name in STARTUP_NAMES]
    app = project.resolve_file(project.options.app.partition(":")[0]) if project.options.app else None
    return paths + ([app] if app and app not in paths else [])


def read(project: Project, path: Path) -> StartupCode:
    """What the start-up file at `path` adds to `sys.path` and sets the settings module to."""
    found = project._startup.get(path)
    if found is None:
        found = project._startup[path] = _read(project, path)
    return found


def _read(project: Project, path: Path) -> StartupCode:
    code = StartupCode([], [], [])
    text = project.text(path) if path.is_file() else None
    if not text or ("sys.path" not in text and DSM not in text and "addsitedir" not in text):
        return code
    source = project.source(path)
    if source is not None:
        _Walker(project, source, code).run()
    return code


def sys_path_additions(project: Project) -> list[Path]:
    """Directories that start-up code or the settings put on `sys.path`, in order."""
    roots: list[Path] = []
    settings = [project.resolve_file(n) for n in [*project.found_settings_names, *project.configured_settings]]
    for path in [*startup_files(project), *(p for p in settings if p)]:
        for value in read(project, path).sys_path:
            found = directory(project.root, value)
            if found is not None and found not in roots:
                roots.append(found)
    return roots


def directory(root: Path, value: str) -> Path | None:
    """The existing directory a `sys.path` entry names, else None (also for a string no
    filesystem accepts: a NUL byte, a name too long). A relative entry is relative to
    the working directory, the project root as start-up scripts are run."""
    try:
        directory = (root / value).resolve()
        return directory if directory.is_dir() else None
    except (OSError, ValueError):
        return None


class _Walker:
    """Runs a start-up module's code in order, recording `sys.path` additions and
    DJANGO_SETTINGS_MODULE values on the way."""

    def __init__(self, project: Project, source: SourceModule, code: StartupCode) -> None:
        self.root = project.root
        self.source = source
        self.code = code
        self.module = project.module_name(source.path) or "__main__"
        self.evaluator = ModuleEvaluator(self.module, source.path, lambda _: None)
        self.functions = {
            s.name: s for s in source.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.running: list[str] = []  # the functions being followed, innermost last

    def run(self) -> None:
        self.block(self.source.tree.body, Namespace(self.module, self.source.path))

    def block(self, body: list[ast.stmt], ns: Namespace) -> None:
        for stmt in body:
            self.statement(stmt, ns)

    def statement(self, stmt: ast.stmt, ns: Namespace) -> None:
        if isinstance(stmt, ast.If) and _is_main_guard(stmt.test):
            self.block(stmt.body, ns)
            return
        if isinstance(stmt, (ast.If, ast.Try, ast.For, ast.AsyncFor, ast.While)) or type(stmt).__name__ in _BRANCHING:
            if not isinstance(stmt, ast.If) or self._undecided(stmt.test, ns):
                for body in _bodies(stmt):
                    path = ns.copy()  # for what each path does; the merge is the evaluator's
                    for name in ast.walk(stmt.target) if isinstance(stmt, (ast.For, ast.AsyncFor)) else ():
                        if isinstance(name, ast.Name):  # a loop's variables: unknown
                            path.bindings[name.id] = Binding(UNKNOWN, self.source.path, name.lineno, name.col_offset)
                    self.block(body, path)
            else:
                self.block(stmt.body if self.evaluator.expr(stmt.test, ns) else stmt.orelse, ns)
                return
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self.block(stmt.body, ns)
            return
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._effects(stmt, ns)
        self.evaluator.statement(stmt, ns)

    def _undecided(self, test: ast.expr, ns: Namespace) -> bool:
        value = self.evaluator.expr(test, ns)
        return value is UNKNOWN or not isinstance(value, (bool, int, str, type(None)))

    def _effects(self, stmt: ast.stmt, ns: Namespace) -> None:
        """Record what a simple statement does; follow the local functions it calls."""
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and self.source.qualname(func) == "site.addsitedir" and node.args:
                self._add_site_dir(self.evaluator.expr(node.args[0], ns))
            elif isinstance(func, ast.Name) and func.id in self.functions:
                if ns.value(func.id) == Ref(f"{self.module}.{func.id}"):  # the function, defined by now
                    self._follow(self.functions[func.id], ns)
            elif isinstance(func, ast.Attribute):
                self._call(node, func, ns)
        if isinstance(stmt, ast.Assign) and any(self._is_dsm_item(t) for t in stmt.targets):
            self._settings(stmt.value, ns)
        if isinstance(stmt, (ast.Assign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(self._is_sys_path(t) or isinstance(t, ast.Subscript) and self._is_sys_path(t.value) for t in targets):
                for value in self._entries(stmt.value, ns):  # `sys.path[0:0] = [X]`, `sys.path = [X] + sys.path`
                    self._add(value)

    def _is_sys_path(self, node: ast.expr) -> bool:
        return self.source.qualname(node) == "sys.path"

    def _entries(self, node: ast.expr, ns: Namespace) -> list[Any]:
        """The values of the entries a list expression adds to `sys.path` (its own
        entries left out: `[X] + sys.path`)."""
        if self._is_sys_path(node):
            return []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._entries(node.left, ns) + self._entries(node.right, ns)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.evaluator.expr(e, ns) for e in node.elts if not isinstance(e, ast.Starred)]
        value = self.evaluator.expr(node, ns)
        return list(value) if isinstance(value, (list, tuple)) else []

    def _add(self, value: Any, first: bool = False) -> None:
        text = value.path if isinstance(value, FsPath) else known_str(value)
        if text:
            self.code.sys_path.append(text)
            if first:
                self.code.first.append(text)

    def _add_site_dir(self, value: Any) -> None:
        """`site.addsitedir(X)`: appends X, then what X's `.pth` files name (CPython's
        `site.addpackage`: a line is a directory relative to X, added when it exists;
        `import` lines run code, whose effect is unknown)."""
        self._add(value)
        text = value.path if isinstance(value, FsPath) else known_str(value)
        found = directory(self.root, text) if text else None
        if found is None:
            return
        for name in sorted(layout.walk_listing(str(found)).files):
            if name.endswith(".pth") and not name.startswith("."):
                try:
                    lines = (found / name).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    continue
                for line in lines:
                    line = line.strip()
                    if line and not line.startswith(("#", "import ", "import\t")):
                        self._add(os.path.join(str(found), line))

    def _call(self, call: ast.Call, func: ast.Attribute, ns: Namespace) -> None:
        owner = self.source.qualname(func.value)
        if owner == "sys.path" and func.attr in ("insert", "append") and call.args and not call.keywords:
            self._add(self.evaluator.expr(call.args[-1], ns), first=func.attr == "insert" and _before_libraries(call))
        elif owner == "sys.path" and func.attr == "extend" and len(call.args) == 1 and not call.keywords:
            for value in self._entries(call.args[0], ns):
                self._add(value)
        elif f"{owner}.{func.attr}" == "site.addsitedir" and call.args:
            self._add_site_dir(self.evaluator.expr(call.args[0], ns))
        elif _is_environ(owner) and func.attr == "setdefault" and len(call.args) == 2 and _is_dsm(call.args[0]):
            self._settings(call.args[1], ns)
        elif _is_environ(owner) and func.attr == "update":
            for keyword in call.keywords:
                if keyword.arg == DSM:
                    self._settings(keyword.value, ns)

    def _settings(self, node: ast.expr, ns: Namespace) -> None:
        value = known_str(self.evaluator.expr(node, ns))
        if value:
            self.code.settings.append(value)

    def _is_dsm_item(self, target: ast.expr) -> bool:
        return (
            isinstance(target, ast.Subscript)
            and _is_environ(self.source.qualname(target.value))
            and _is_dsm(target.slice)
        )

    def _follow(self, function: ast.FunctionDef | ast.AsyncFunctionDef, ns: Namespace) -> None:
        """Run a local function's body as the call runs it: module names as bound now,
        its parameters unknown. A recursive call, or one too deep, is not followed."""
        if function.name in self.running or len(self.running) >= _MAX_CALL_DEPTH:
            return
        local = ns.copy()
        arguments = function.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]:
            if arg is not None:
                local.bindings[arg.arg] = Binding(UNKNOWN, self.source.path, arg.lineno, arg.col_offset)
        self.running.append(function.name)
        try:
            self.block(function.body, local)
        finally:
            self.running.pop()


def _before_libraries(insert: ast.Call) -> bool:
    """`sys.path.insert(0, X)` or `insert(1, X)` (after the script's directory): X comes
    before the standard library and site-packages. Any other index is not known to."""
    index = insert.args[0] if len(insert.args) == 2 else None
    return isinstance(index, ast.Constant) and type(index.value) is int and index.value in (0, 1)


def _bodies(stmt: ast.stmt) -> list[list[ast.stmt]]:
    bodies = [getattr(stmt, attr, None) or [] for attr in ("body", "orelse", "finalbody")]
    bodies += [handler.body for handler in getattr(stmt, "handlers", ())]
    bodies += [case.body for case in getattr(stmt, "cases", ())]  # `match`
    return [b for b in bodies if b]


def _is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"`, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _is_environ(qualname: str | None) -> bool:
    return qualname == "os.environ" or (qualname or "").endswith(".environ")


def _is_dsm(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == DSM
