"""CEL509 (opt-in): automatic retries without backoff."""

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
        backoff = task.options.get("retry_backoff")
        if backoff is not None and not (isinstance(backoff, ast.Constant) and backoff.value in (False, 0, None)):
            continue  # a backoff, or one the analysis cannot read
        keys = retry_kwargs_keys(task)
        if keys is None or "countdown" in keys or "eta" in keys:
            continue  # the task chooses its own delay
        delay = task.options.get("default_retry_delay")
        seconds = 180 if delay is None else delay.value if isinstance(delay, ast.Constant) else None
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            continue
        yield RULE.finding(
            task.source.path, task.decorator,
            f"task {task.function.name}: autoretry_for without retry_backoff retries every {seconds} s: when a "
            f"service goes down, every failed task comes back at the same rhythm and they hit it together; "
            f"add retry_backoff=True (exponential, with jitter)",
            subject=str(task.function.name),
        )


_TASK = '''\
@shared_task(autoretry_for=(ConnectionError,), max_retries=5{backoff})
def sync_inventory():
    raise ConnectionError("the inventory service is down")
'''

RULE = register(
    Rule(
        code="CEL509",
        severity="W",
        name="autoretry-without-backoff",
        summary="autoretry_for without retry_backoff: retries at a fixed delay",
        why="""\
Without `retry_backoff`, an automatic retry waits `default_retry_delay`, 180 s
unless the task says otherwise (`celery/app/task.py`), every time. When a
dependency fails, all the tasks that failed together come back together, every
three minutes, and keep hitting it at the moment it recovers. `retry_backoff=True`
makes the delays grow exponentially (1, 2, 4 ... s, up to `retry_backoff_max`) with
random jitter (`celery/app/autoretry.py`).

Off by default: a fixed delay is a reasonable choice for some tasks; select it with
`--extend-select CEL509`. Silent when `retry_kwargs` give a `countdown` or `eta`.

Celery versions: the default delay (180 s) and the backoff are the same on every minor
from 5.3 to 5.7: the message names no version.""",
        bad=Example({"+demoapp/tasks.py": _TASK.format(backoff="")}, findings=(("demoapp/tasks.py", "CEL509"),)),
        good=Example({"+demoapp/tasks.py": _TASK.format(backoff=", retry_backoff=True")}),
        silent_on=(
            "retry_backoff set (or not a constant), retry_kwargs with countdown or eta",
            "tasks with **options or a base= class, and CELERY_TASK_ANNOTATIONS set",
            "tasks in test modules",
        ),
        default_enabled=False,
        check_project=each_module(RETRY_WORDS, _module_findings),
        project_module=_module_findings,
        module_text=may_autoretry,
    )
)
