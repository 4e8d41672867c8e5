"""CEL508: automatic retries without a ceiling (`max_retries=None`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._per_module import each_module
from celery_lint.rules._retries import RETRY_WORDS, autoretry_tasks, may_autoretry, retry_kwargs_keys


def _module_findings(project: Project, source: SourceModule) -> Iterator[Finding]:
    for task in autoretry_tasks(project, source):
        node = task.options.get("max_retries")
        if not (isinstance(node, ast.Constant) and node.value is None):
            continue  # absent: Task.max_retries, 3; a number; or not a constant
        keys = retry_kwargs_keys(task)
        if keys is None or "max_retries" in keys:
            continue  # retry_kwargs may set the ceiling
        yield RULE.finding(
            task.source.path, node,
            f"task {task.function.name}: autoretry_for with max_retries=None retries for ever: a failure that "
            f"does not go away (a bad row, a revoked credential) sends the task back to the queue every "
            f"retry delay, for good; give max_retries a number",
            subject=str(task.function.name),
        )


_TASK = '''\
@shared_task(autoretry_for=(ConnectionError,), max_retries={retries}, retry_backoff=True)
def sync_inventory():
    raise ConnectionError("the inventory service is down")
'''

RULE = register(
    Rule(
        code="CEL508",
        severity="W",
        name="unbounded-autoretry",
        summary="autoretry_for with max_retries=None: the task retries for ever",
        why="""\
`autoretry_for` makes Celery call `self.retry()` whenever the task raises one of
those exceptions (`celery/app/autoretry.py`). `Task.retry` gives up after
`max_retries` attempts, 3 by default (`celery/app/task.py`); `max_retries=None`
removes the ceiling. A failure that never goes away then keeps the task in the
queue for ever, one attempt per retry delay, and every attempt ties up a worker.

A task without `max_retries` is bounded (3) and silent; so is one whose
`retry_kwargs` give `max_retries`.

Celery versions: `autoretry_for`, `max_retries` (3) and the retry delay are the same on
every minor from 5.3 to 5.7 (5.7 only stops one attempt's countdown leaking into the
next): the message names no version.""",
        bad=Example({"+demoapp/tasks.py": _TASK.format(retries=None)}, findings=(("demoapp/tasks.py", "CEL508"),)),
        good=Example({"+demoapp/tasks.py": _TASK.format(retries=5)}),
        silent_on=(
            "autoretry_for without max_retries (Celery's default ceiling, 3), or a number",
            "retry_kwargs={'max_retries': ...}, max_retries that is not a constant",
            "tasks with **options or a base= class, and CELERY_TASK_ANNOTATIONS set",
            "tasks in test modules",
        ),
        check_project=each_module(RETRY_WORDS, _module_findings),
        project_module=_module_findings,
        module_text=may_autoretry,
    )
)
