"""CEL510: `autoretry_for=(Exception,)`: every error is retried."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._per_module import each_module
from celery_lint.rules._retries import RETRY_WORDS, autoretry_tasks, catches_everything, may_autoretry


def _module_findings(project: Project, source: SourceModule) -> Iterator[Finding]:
    for task in autoretry_tasks(project, source):
        if "dont_autoretry_for" in task.options:
            continue  # the task names what it does not retry: a deliberate choice
        entry = catches_everything(task)
        if entry is None:
            continue
        yield RULE.finding(
            task.source.path, entry,
            f"task {task.function.name}: autoretry_for={ast.unparse(task.options['autoretry_for'])} retries every error, bugs included: a TypeError or KeyError that fails the same way each time is "
            f"run again max_retries times, and reported only after the last; name the transient errors "
            f"(ConnectionError, TimeoutError, ...)",
            subject=str(task.function.name),
        )


_TASK = '''\
@shared_task(autoretry_for={exceptions}, retry_backoff=True)
def sync_inventory(order):
    return order["sku"]
'''

RULE = register(
    Rule(
        code="CEL510",
        severity="W",
        name="autoretry-for-everything",
        summary="autoretry_for=(Exception,): every error is retried, bugs included",
        why="""\
`autoretry_for` is meant for transient failures: a timeout, a connection refused.
With `Exception` (or `BaseException`) every error is retried, including the
programming errors that fail the same way every time: the task runs again
`max_retries` times (3 by default), with the retry delays in between, and the
error reaches the logs and the result only after the last attempt. Name the
errors that can go away; let the others fail at once.

Silent when the task also gives `dont_autoretry_for`.

Celery versions: the same on every minor from 5.3 to 5.7: the message names no version.""",
        bad=Example(
            {"+demoapp/tasks.py": _TASK.format(exceptions="(Exception,)")}, findings=(("demoapp/tasks.py", "CEL510"),)
        ),
        good=Example({"+demoapp/tasks.py": _TASK.format(exceptions="(ConnectionError, TimeoutError)")}),
        silent_on=(
            "narrower exceptions (ConnectionError, requests.RequestException), or dont_autoretry_for given",
            "a class of the module named Exception, tasks with **options or a base= class, CELERY_TASK_ANNOTATIONS set",
            "tasks in test modules",
        ),
        check_project=each_module(RETRY_WORDS, _module_findings),
        project_module=_module_findings,
        module_text=may_autoretry,
    )
)
