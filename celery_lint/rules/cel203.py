"""CEL203: a bind=True task with no positional parameter for the task instance."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Edits, Example, Fix, Rule, register
from celery_lint.tasks import TaskDef, may_define_tasks, task_defs

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext


def _takes_instance(task: TaskDef) -> bool:
    """Whether the function accepts a first positional argument (`self`, or `*args`)."""
    args = task.node.args
    return bool(args.posonlyargs or args.args or args.vararg)


def _wrapped(task: TaskDef) -> bool:
    """Decorators below the task decorator replace the function Celery sees: its
    signature is not the one written here."""
    decorators = task.function.decorators
    return decorators.index(task.decorator) != len(decorators) - 1


def _may_bind_tasks(text: str) -> bool:
    return "bind" in text and may_define_tasks(text)


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    for task in task_defs(project, source):
        if task.option("bind") is not True or _takes_instance(task) or _wrapped(task):
            continue
        name = task.function.name
        yield RULE.finding(
            source.path, task,
            f"bind=True passes the task instance as the first argument, but {name}() has no positional parameter "
            f"for it: every call (.delay(), .apply(), the worker) raises TypeError; add `self` as the first parameter",
            subject=f"{source.module}.{name}",
        )


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """`self` as the first parameter, right after the def's `(`."""
    node = ctx.node_at(ast.FunctionDef, finding.line, finding.col) or ctx.node_at(
        ast.AsyncFunctionDef, finding.line, finding.col
    )
    start = ctx.token_index(finding.line, finding.col)
    if node is None or start is None:
        return []
    args = node.args
    if args.posonlyargs or args.args or args.vararg:
        return []
    paren = ctx.next_token(start, src="(")
    if paren is None:
        return []
    at = ctx.token_offset(paren) + 1
    return [(at, at, "self, " if args.kwonlyargs or args.kwarg else "self")]


_FIXED = {
    "+demoapp/tasks.py": """\

    @shared_task(bind=True)
    def ping(self):
        return "pong"
    """
}

RULE = register(
    Rule(
        code="CEL203",
        severity="E",
        name="bound-task-without-self",
        summary="bind=True task with no positional parameter for the task instance",
        why="""\
With `bind=True` Celery calls the function with the task instance as its first
positional argument (the `self` that gives `self.retry()` and `self.request`). A
function with no positional parameter for it fails on every call with `TypeError:
ping() takes 0 positional arguments but 1 was given` — already in `.delay()`, whose
argument check (on by default, `typing=True`) sees the bound signature, as well as
in `.apply()` and in the worker. Keyword-only parameters and `**kwargs` do not take
the instance; `*args` does.""",
        bad=Example(
            {
                "+demoapp/tasks.py": """\

                @shared_task(bind=True)
                def ping():
                    return "pong"
                """
            },
            findings=(("demoapp/tasks.py", "CEL203"),),
        ),
        good=Example(_FIXED),
        silent_on=(
            "a first positional parameter of any name, or *args",
            "bind given by a variable or through **options (unknown)",
            "a function wrapped by another decorator below the task decorator (the signature Celery sees is unknown)",
            "bind=False or no bind",
        ),
        fix=Fix(
            "safe",
            "Adds `self` as the function's first parameter (before any keyword-only ones). Safe: every call "
            "raised TypeError before; the function's body and its other parameters are unchanged.",
            fix,
            _FIXED,
        ),
        check_module=check,
        module_text=_may_bind_tasks,
    )
)
