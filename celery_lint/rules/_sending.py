"""What the rules about sending tasks share: which `.delay()` / `.apply_async()` receivers
are surely Celery tasks (or signatures and canvases of them)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from celery_lint.project import Project, SourceModule, walk_all, walk_pruned
from celery_lint.tasks import canonical, task_defs, wraps_task_decorator

SEND = {"delay": "delay_on_commit", "apply_async": "apply_async_on_commit"}
SEND_METHODS = frozenset(SEND)
SIGNATURE_METHODS = frozenset({"s", "si", "signature"})
CANVAS = frozenset(
    f"celery.{name}" for name in ("group", "chain", "chord", "signature", "canvas.group", "canvas.chain",
                                  "canvas.chord", "canvas.signature", "canvas.Signature")
)
# Bodies that run later (or lazily), not while the enclosing block runs: `on_commit` callbacks among them.
DEFERRED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.GeneratorExp)


def module_tasks(project: Project, module: str) -> set[str] | None:
    """Names of the module-level tasks of a project module (none when it cannot be read),
    or None when `module` is not part of the project."""
    if project.resolve(module) is None:
        return None
    source = project.source_of(module)
    if source is None:
        return set()
    names = {t.function.name for t in task_defs(project, source) if t.col_offset == 0}  # module-level defs
    for function in source.decorated:
        if function.col_offset == 0 and not function.is_class and function.name not in names:
            if any(wraps_task_decorator(project, source, d) for d in function.decorators):
                names.add(function.name)  # a project decorator around shared_task / app.task
    return names


def scope_nodes(source: SourceModule, scope: ast.AST) -> list[ast.AST]:
    """Every node of a function of `source` (`walk_all`), walked once for every send in it."""
    key = ("scope nodes", id(scope))
    nodes: list[ast.AST] | None = source.derived.get(key)
    if nodes is None:
        nodes = source.derived[key] = walk_all(scope)
    return nodes


def local_names(source: SourceModule, scopes: list[ast.AST]) -> set[str]:
    """Names bound in the enclosing functions (parameters, assignments): they may hide a module-level task."""
    names: set[str] = set()
    for scope in scopes:
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = scope.args
            every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            names.update(a.arg for a in every)
            for node in scope_nodes(source, scope):
                if type(node) is ast.Name and type(node.ctx) is ast.Store:
                    names.add(node.id)
    return names


def module_level_name(source: SourceModule, node: ast.expr, scopes: list[ast.AST]) -> bool:
    """Whether `node` (`x` or `x.y.z`) starts at a module-level name: not a call's result,
    and not a name the enclosing functions bind, which may hide a module-level task."""
    root = node
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id not in local_names(source, scopes)


def is_task(project: Project, source: SourceModule, node: ast.expr, scopes: list[ast.AST]) -> bool:
    """Whether `node` is surely a Celery task: a task the analysis recognises in this module
    or another project module (under any import alias or re-export), or a name imported
    from a library's `tasks` module."""
    if not module_level_name(source, node, scopes):
        return False
    qualname = source.local_qualname(node)
    if qualname is None:
        return False
    qualname = canonical(project, qualname)
    module, _, name = qualname.rpartition(".")
    if not module:
        return False
    tasks = module_tasks(project, module)
    if tasks is not None:
        return name in tasks
    return "tasks" in module.split(".")  # a library's tasks module


def only_value(source: SourceModule, scope: ast.AST, name: str) -> ast.expr | None:
    """The value of `name = <value>` when that is the only binding of `name` in the function `scope`."""
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    values = []
    bindings = 0
    for node in scope_nodes(source, scope):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            bindings += 1
        elif isinstance(node, ast.arg) and node.arg == name:
            return None  # a parameter
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == [name]:
            values.append(node.value)
    return values[0] if bindings == len(values) == 1 else None


def sends_a_task(
    project: Project, source: SourceModule, receiver: ast.expr, scopes: list[ast.AST], follow: bool = True
) -> str | None:
    """"task" when `receiver.delay()` sends a task, "canvas" for a signature, group, chain
    or chord of tasks (also one bound to a variable of the function, when `follow`),
    None when the receiver is not surely Celery's."""
    if isinstance(receiver, ast.Name) and follow and scopes:
        value = only_value(source, scopes[-1], receiver.id)  # `sig = add.s(1, 2)` ... `sig.apply_async()`
        if isinstance(value, ast.Call) and sends_a_task(project, source, value, scopes, follow=False):
            return "canvas"
    if isinstance(receiver, (ast.Name, ast.Attribute)) and is_task(project, source, receiver, scopes):
        return "task"
    if isinstance(receiver, ast.Call):
        func = receiver.func
        if isinstance(func, ast.Attribute) and func.attr in SIGNATURE_METHODS:
            return "canvas" if sends_a_task(project, source, func.value, scopes, follow=False) == "task" else None
        if source.qualname(func) in CANVAS:
            return "canvas"
    return None


def sends_run_by(
    project: Project, source: SourceModule, function: ast.FunctionDef | ast.AsyncFunctionDef,
    skip: Callable[[ast.AST], bool] = lambda node: False,
    want: Callable[[ast.Call], bool] = lambda call: True,
) -> Iterator[ast.Call]:
    """The `.delay()` / `.apply_async()` of tasks that `function` runs itself: not in the
    nested functions and lambdas it hands on (`on_commit` callbacks), nor under a node
    `skip` leaves out (an atomic block CEL204 reports); only the calls `want` keeps,
    asked before the costlier question whether the receiver is a task."""
    if not source.spans_method_call(function, SEND_METHODS):
        return  # no `.delay(` or `.apply_async(` call on its lines: nothing to follow

    def pruned(node: ast.AST) -> bool:
        return isinstance(node, DEFERRED) or skip(node)

    for node in walk_pruned(list(function.body), pruned):
        if type(node) is ast.Call and isinstance(node.func, ast.Attribute) and node.func.attr in SEND and want(node):
            # CEL209, CEL210 and CEL211 ask of the same sends: answered once per call node
            key = ("sends a task", id(node))
            sent = source.derived.get(key)
            if sent is None:
                sent = source.derived[key] = bool(sends_a_task(project, source, node.func.value, [function]))
            if sent:
                yield node


def sent_after_commit(project: Project, call: ast.Call) -> tuple[str, str]:
    """(`receiver.method` of a `.delay()` / `.apply_async()` call, how to send it once the
    transaction commits): `receiver.delay_on_commit(...)` where the target Celery has it
    (DjangoTask's, 5.4 and later), else `transaction.on_commit(lambda: ...)`."""
    method = call.func.attr  # type: ignore[attr-defined]
    receiver = ast.unparse(call.func.value)  # type: ignore[attr-defined]
    later = f"transaction.on_commit(lambda: {receiver}.{method}(...))"
    if project.celery_version is None or project.celery_version.version >= (5, 4, 0):
        return f"{receiver}.{method}", f"use {receiver}.{SEND[method]}(...) or {later}"
    return f"{receiver}.{method}", f"use {later}"
