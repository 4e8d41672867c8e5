"""CEL204: a task sent inside transaction.atomic()."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from celery_lint import django_tasks
from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.project import BLOCK_NODES, Project, SourceModule
from celery_lint.registry import Edits, Example, Fix, Rule, register
from celery_lint.rules._atomic import atomic_decorated, may_open_atomic, opens_atomic
from celery_lint.rules._sending import DEFERRED, SEND, module_level_name, sends_a_task

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext


def _lines_spelling(lines: list[str], words: Iterable[str]) -> list[int]:
    """The numbers of the lines that spell any of `words`, in order."""
    found: set[int] = set()
    for word in words:
        found.update([i for i, line in enumerate(lines, 1) if word in line])
    return sorted(found)


def _sends_in_atomic(project: Project, source: SourceModule) -> Iterator[tuple[ast.Call, str]]:
    """(call, kind) for every `.delay()` / `.apply_async()` run while an atomic block is open.
    Only statements spanning a line that spells `delay`/`apply_async` can send one, and,
    outside atomic blocks, only those spanning a line that names `atomic` (or a local
    alias of it) or a `with` or decorated def opening one through a project wrapper can
    open a block: the others are not visited."""
    words = ("atomic", *(name for name, qualname in source.aliases.items() if "atomic" in qualname))
    opens = _lines_spelling(source.lines, words)
    sends = _lines_spelling(source.lines, (*SEND, "enqueue"))

    def spans(lines: list[int], node: ast.stmt) -> bool:
        decorators = getattr(node, "decorator_list", None)
        start = decorators[0].lineno if decorators else node.lineno  # the first decorator is the first line
        at = bisect.bisect_left(lines, start)
        return at < len(lines) and lines[at] <= (node.end_lineno or node.lineno)

    # blocks opened through project wrappers, whose names need not spell "atomic"
    withs = source.nodes(ast.With, ast.AsyncWith)
    wrapped = [w.lineno for w in withs if spans(sends, w) and opens_atomic(project, source, w)]
    wrapped += [
        d.lineno for d in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
        if d.decorator_list and spans(sends, d) and atomic_decorated(project, source, d)
    ]
    opens = sorted(set(opens + wrapped))

    def visit(node: ast.AST, atomic: bool, scopes: list[ast.AST]) -> Iterator[tuple[ast.Call, str]]:
        if not isinstance(node, BLOCK_NODES):
            if not atomic:
                return  # an expression opens no block: outside one, nothing in it is reported
        elif isinstance(node, ast.stmt) and (not spans(sends, node) or not atomic and not spans(opens, node)):
            return  # nothing sent in it, or (outside atomic blocks) no atomic block opened in it
        if isinstance(node, DEFERRED):
            inner = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and atomic_decorated(
                project, source, node
            )
            scopes = [*scopes, node]
            for child in ast.iter_child_nodes(node):
                yield from visit(child, inner, scopes)
            return
        if isinstance(node, (ast.With, ast.AsyncWith)) and opens_atomic(project, source, node):
            for item in node.items:
                yield from visit(item, atomic, scopes)
            for stmt in node.body:
                yield from visit(stmt, True, scopes)
            return
        if atomic and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SEND:
            kind = sends_a_task(project, source, node.func.value, scopes)
            if kind is not None:
                yield node, kind
        elif atomic and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "enqueue":
            if _enqueued_to_celery(project, source, node.func.value, scopes):
                yield node, "django"
        for child in ast.iter_child_nodes(node):
            yield from visit(child, atomic, scopes)

    yield from visit(source.tree, False, [])


def _enqueued_to_celery(project: Project, source: SourceModule, receiver: ast.expr, scopes: list[ast.AST]) -> bool:
    """Whether `receiver.enqueue()` sends a django.tasks task to Celery at once: a task of
    a project module whose alias a Celery backend runs (django-tasks-celery's enqueue()
    calls apply_async(), django-tasks-fennel's send_task())."""
    if not django_tasks.may_run_on_celery(project):
        return False
    if not module_level_name(source, receiver, scopes):
        return False
    task = django_tasks.django_task_of(project, source, receiver)
    return task is not None and django_tasks.celery_backend(project, task.alias) is not None


def _has_on_commit_methods(project: Project) -> bool:
    """Whether the target Celery has DjangoTask.delay_on_commit() (5.4 and later)."""
    target = project.celery_version
    return target is None or target.version >= (5, 4, 0)


def _may_send_in_atomic(text: str) -> bool:
    """A module that sends a task (an atomic block may be opened by a project wrapper
    under any name)."""
    return ".delay" in text or ".apply_async" in text or ".enqueue" in text


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    if not may_open_atomic(project, source):
        return
    for call, kind in _sends_in_atomic(project, source):
        method = call.func.attr  # type: ignore[attr-defined]
        receiver = ast.unparse(call.func.value)  # type: ignore[attr-defined]
        if kind == "django":
            yield RULE.finding(
                source.path, call,
                f"{receiver}.enqueue() inside transaction.atomic() sends the django.tasks task to Celery while the "
                f"transaction is open (its Celery backend publishes at once): a worker can run it before the "
                f"transaction commits (without the rows it wrote) or for a transaction that rolls back; use "
                f"transaction.on_commit(partial({receiver}.enqueue, ...))",
                subject=f"{source.path}:{call.lineno}",
            )
            continue
        later = f"transaction.on_commit(lambda: {receiver}.{method}(...))"
        fix = f"use {receiver}.{SEND[method]}(...) (app with the Django fixup) or {later}"
        if not _has_on_commit_methods(project):
            kind = "other"  # delay_on_commit() arrived in Celery 5.4: older targets get on_commit only
        yield RULE.finding(
            source.path, call,
            f"{receiver}.{method}() inside transaction.atomic() sends the task while the transaction is open: "
            f"a worker can run it before the transaction commits (without the rows it wrote) or for a transaction "
            f"that rolls back; "
            + (fix if kind == "task" else f"use {later}"),
            subject=f"{source.path}:{call.lineno}",
        )


def _imported_as(ctx: FixContext, module: str, name: str) -> str | None:
    """The module-level name `from module import name [as x]` binds in the file."""
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == module and not stmt.level:
            for alias in stmt.names:
                if alias.name == name:
                    return alias.asname or name
    return None


def _fix_enqueue(ctx: FixContext, finding: Finding) -> Edits:
    """`task.enqueue(a, b)` (a statement) -> `transaction.on_commit(partial(task.enqueue, a, b))`,
    with `from functools import partial` / `from django.db import transaction` added after
    the file's last module-level import when it lacks them (no such import: not fixed)."""
    stmt = ctx.node_at(ast.Expr, finding.line, finding.col)
    call = stmt.value if stmt is not None else None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or call.func.attr != "enqueue":
        return []
    imports = [s for s in ctx.tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    if not imports:
        return []
    added = []
    transaction = _imported_as(ctx, "django.db", "transaction")
    partial = _imported_as(ctx, "functools", "partial")
    if transaction is None:
        transaction = "transaction"
        added.append(("transaction", "from django.db import transaction"))
    if partial is None:
        partial = "partial"
        added.append(("partial", "from functools import partial"))
    if any(ctx.assigned(name) for name, _ in added):
        return []  # the name is taken in this module
    arguments = ctx.source(call)[len(ctx.source(call.func)):].strip()[1:-1].strip()
    start, end = ctx.span(call)
    later = f"{transaction}.on_commit({partial}({ctx.source(call.func)}{', ' + arguments if arguments else ''}))"
    edits = [(start, end, later)]
    if added:
        at = ctx.after_line(imports[-1].end_lineno or imports[-1].lineno)
        edits.append((at, at, "".join(line + ctx.newline for _, line in added)))
    return edits


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """`task.delay(...)` -> `task.delay_on_commit(...)` for a call whose value is
    dropped (an expression statement), on a known Celery 5.4 or later; a django.tasks
    `task.enqueue(...)` -> `transaction.on_commit(partial(task.enqueue, ...))`."""
    if "on_commit(partial(" in finding.message:
        return _fix_enqueue(ctx, finding)
    target = ctx.project.celery_version
    if target is None or target.version < (5, 4, 0) or ".delay_on_commit(" not in finding.message:
        return []  # not surely a task of an app with the fixup, or no such method
    stmt = ctx.node_at(ast.Expr, finding.line, finding.col)
    call = stmt.value if stmt is not None else None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or call.func.attr != "delay":
        return []
    end = ctx.span(call.func)[1]
    start = end - len("delay")
    if ctx.text[start:end] != "delay":
        return []
    return [(start, end, "delay_on_commit")]


_TASKS = BASE["demoapp/tasks.py"].replace(
    "from celery import shared_task\n", "from celery import shared_task\nfrom django.contrib.auth.models import User\n"
) + """

@shared_task
def send_welcome_email(user_id):
    user = User.objects.get(pk=user_id)
    return f"Welcome, {user.username}"
"""
_VIEWS = """\
from django.contrib.auth.models import User
from django.db import transaction
from django.http import JsonResponse

from demoapp.tasks import add, send_welcome_email


def add_view(request):
    result = add.delay(2, 3)
    return JsonResponse({{"task_id": result.id}})


def signup(request):
    with transaction.atomic():
        user = User.objects.create(username=request.POST["username"])
        send_welcome_email.{send}(user.pk)
    return JsonResponse({{"id": user.pk}})
"""

RULE = register(
    Rule(
        code="CEL204",
        severity="W",
        name="task-sent-in-transaction",
        summary=".delay() / .apply_async() inside transaction.atomic()",
        why="""\
`.delay()` publishes the message at once. Inside `transaction.atomic()` the rows the
view just wrote are not committed yet: a worker that picks the task up at once
reads the database through its own connection and does not see them
(`DoesNotExist`), and if the transaction rolls back the task runs for data that
never existed.

Send the task when the transaction commits: `task.delay_on_commit(...)`
(Celery >= 5.4; the tasks of an app with the Django fixup are `DjangoTask`s) or
`transaction.on_commit(lambda: task.delay(...))`. Calls already inside an
`on_commit` callback are fine. Views decorated with `@transaction.atomic`, and
every view under `ATOMIC_REQUESTS = True`, run inside a transaction too.

A `django.tasks` task whose backend is a Celery backend (django-tasks-celery,
django-tasks-fennel) is published by `.enqueue()` at once the same way: send it
with `transaction.on_commit(partial(task.enqueue, ...))`.""",
        bad=Example(
            {"demoapp/tasks.py": _TASKS, "demoapp/views.py": _VIEWS.format(send="delay")},
            findings=(("demoapp/views.py", "CEL204"),),
        ),
        good=Example({"demoapp/tasks.py": _TASKS, "demoapp/views.py": _VIEWS.format(send="delay_on_commit")}),
        silent_on=(
            "calls inside a callback given to transaction.on_commit() (a lambda, a nested function, a partial): "
            "nested functions, lambdas and generator expressions are not run by the block itself",
            "delay_on_commit() / apply_async_on_commit()",
            "enqueue() of a django.tasks task whose backend alias no Celery backend runs in any settings module "
            "(the ImmediateBackend runs it inline, within the transaction), or not traced to its @task",
            "receivers not surely tasks: only tasks the analysis recognises in the module itself or in project "
            "modules (under any import alias or re-export), names imported from a library's `tasks` module, "
            ".s()/.si()/.signature() of those, and celery's group/chain/chord/signature count; parameters, "
            "attributes and other names of project modules do not; tasks made by a project decorator that "
            "returns shared_task(...)/app.task(...) count, and so does a local variable whose only binding in "
            "the function is such a signature (sig = add.s(...); sig.apply_async())",
            "a block on another database alias: atomic(using=...) with a literal alias other than \"default\" "
            "(a replica: delay_on_commit() waits for the default connection's commit, so the fix would do "
            "nothing), or an alias the analysis cannot read (a variable, **options)",
            "a transaction opened by a helper the analysis does not follow: project functions are followed one "
            "level (one returning transaction.atomic(), a @contextmanager yielding inside it, a decorator "
            "returning transaction.atomic(func)); deeper wrappers, method_decorator on a class and "
            "ATOMIC_REQUESTS are not",
            "calls in functions that are merely called from inside an atomic block",
        ),
        fix=Fix(
            "unsafe",
            "Replaces `.delay(` with `.delay_on_commit(` where the call is a statement of its own (its result "
            "unused) and the target Celery has the method (5.4 and later). Unsafe: `delay_on_commit()` returns "
            "None, not an AsyncResult, and sends nothing when the transaction rolls back -- that is the point, "
            "but it is a change the code around may not expect; a task of an app without the Django fixup has "
            "no such method. A django.tasks `task.enqueue(...)` statement becomes "
            "`transaction.on_commit(partial(task.enqueue, ...))` (the imports added when missing): no "
            "TaskResult, and nothing enqueued on a rollback, either.",
            fix,
            {"demoapp/tasks.py": _TASKS, "demoapp/views.py": _VIEWS.format(send="delay_on_commit")},
        ),
        check_module=check,
        module_text=_may_send_in_atomic,
    )
)
