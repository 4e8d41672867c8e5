"""CEL203: a bind=True task with no positional parameter for the task instance."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.tasks import TaskDef, may_define_tasks, task_defs


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
        good=Example(
            {
                "+demoapp/tasks.py": """\

                @shared_task(bind=True)
                def ping(self):
                    return "pong"
                """
            }
        ),
        silent_on=(
            "a first positional parameter of any name, or *args",
            "bind given by a variable or through **options (unknown)",
            "a function wrapped by another decorator below the task decorator (the signature Celery sees is unknown)",
            "bind=False or no bind",
        ),
        check_module=check,
        module_text=_may_bind_tasks,
    )
)
