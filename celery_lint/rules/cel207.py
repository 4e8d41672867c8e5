"""CEL207: a task decorator option that replaces a method of Celery's Task with a value."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._task_keywords import keywords
from celery_lint.tasks import may_define_tasks

# the methods the worker calls itself, for every run of the task
CALLED_BY_THE_WORKER = frozenset({"run", "before_start", "on_success", "on_failure", "on_retry", "after_return"})
MEANT = {
    "retry": "; the option for the number of retries is max_retries",
    "delay": "; the option for the delay between retries is default_retry_delay (a call's is countdown=)",
}


def _value_type(node: ast.expr) -> str | None:
    """The type of a literal that is no callable; None for anything that may be one."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        return type(node.value).__name__
    kinds = {ast.Tuple: "tuple", ast.List: "list", ast.Dict: "dict", ast.Set: "set", ast.JoinedStr: "str"}
    return kinds.get(type(node))


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    for task, keyword, table in keywords(project, source):
        name = keyword.arg
        kind = _value_type(keyword.value)
        if name not in table.methods or kind is None:
            continue
        when = " (the worker calls it for every run)" if name in CALLED_BY_THE_WORKER else ""
        if name == "apply_async":
            when = " (.delay() calls it too)"
        yield RULE.finding(
            source.path, keyword,
            f"{name}={ast.unparse(keyword.value)} replaces the Task method {name}() of {task.function.name} with that "
            f"value: every call of it{when} raises TypeError: '{kind}' object is not callable{MEANT.get(name, '')}",
            subject=f"{source.module}.{task.function.name}",
        )


RULE = register(
    Rule(
        code="CEL207",
        severity="E",
        name="task-option-shadows-method",
        summary="a task decorator option that replaces a method of the Task class with a value",
        why="""\
Celery builds each task as a class: every keyword of `@shared_task(...)` or
`@app.task(...)` that the decorator does not consume itself becomes a class
attribute of that task. An option named after a method of `celery.app.task.Task`
replaces the method: `retry=3` (meant as a retry count) makes `self.retry()` and the
auto-retry raise `TypeError: 'int' object is not callable`; `delay=10` breaks
`.delay()`; `run=` or `on_failure=` given a value breaks every run in the worker.

The methods are read from the installed Celery's `Task` class. Only literal values
are reported: a function given as `on_failure=handler` becomes a method of the task,
which is how Celery is meant to be extended.""",
        bad=Example(
            {
                "+demoapp/tasks.py": """\


                @shared_task(bind=True, retry=3)
                def fetch(self, number):
                    try:
                        return int(number)
                    except ValueError as exc:
                        raise self.retry(exc=exc)
                """,
            },
            findings=(("demoapp/tasks.py", "CEL207"),),
        ),
        good=Example(
            {
                "+demoapp/tasks.py": """\


                @shared_task(bind=True, max_retries=3)
                def fetch(self, number):
                    try:
                        return int(number)
                    except ValueError as exc:
                        raise self.retry(exc=exc)
                """,
            }
        ),
        silent_on=(
            "a function or any value that may be callable (on_failure=handler, run=make_run())",
            "options the decorator consumes itself (bind=True, name=, shared=, lazy=)",
            "decorators given base= (a Task class the analysis does not read) or **options",
        ),
        check_module=check,
        module_text=may_define_tasks,
    )
)
