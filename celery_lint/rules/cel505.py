"""CEL505: `time_limit=0` on a task, meant to lift the global limit, which prefork keeps."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._effective import production_settings
from celery_lint.rules._limits import LIMIT_WORDS, global_limits, limit_tasks, may_set_limits
from celery_lint.rules._per_module import each_module

#: option -> the setting it falls back to
SETTING = {"time_limit": "CELERY_TASK_TIME_LIMIT", "soft_time_limit": "CELERY_TASK_SOFT_TIME_LIMIT"}


def _module_findings(project: Project, source: SourceModule) -> Iterator[Finding]:
    pairs = [global_limits(project, s) for s in production_settings(project)]
    if not pairs or None in pairs:
        return
    for task in limit_tasks(project, source):
        if task.has_star_kwargs:
            continue
        for option, setting in SETTING.items():
            if task.option(option) != 0 or isinstance(task.option(option), bool):
                continue
            limits = {p.hard if option == "time_limit" else p.soft for p in pairs if p is not None}
            if len(limits) != 1 or None in limits:
                continue  # no global limit (0 changes nothing), or settings that disagree
            (limit,) = limits
            yield RULE.finding(
                task.source.path, task.decorator,
                f"task {task.function.name}: {option}=0 does not lift {setting} ({limit:g} s): the prefork pool "
                f"takes 0 for unset and applies {setting}, so the worker still stops the task after {limit:g} s "
                f"(only the gevent pool runs it without a limit); give the task the limit it needs",
                subject=f"{task.function.name}.{option}",
            )


_TASK = '''\
@shared_task(time_limit={limit})
def export(seconds):
    import time

    time.sleep(seconds)  # a long export, meant to run past the global limit
'''

RULE = register(
    Rule(
        code="CEL505",
        severity="W",
        name="zero-time-limit",
        summary="time_limit=0 on a task does not lift the global time limit in the prefork pool",
        why="""\
`@shared_task(time_limit=0)` looks like "no limit for this task", but the worker
passes `time_limit or task.time_limit` to the pool, and the prefork pool (billiard,
the default) uses `timeout or self.timeout`: a 0 falls through to the pool's own
limit, which the worker takes from `CELERY_TASK_TIME_LIMIT`. The long task is
still killed at the global limit (`TimeLimitExceeded`). Only the gevent pool reads
0 as "no limit" (`celery/concurrency/gevent.py`), so the same task behaves
differently by pool. The same holds for `soft_time_limit=0`.

Reported only when a global limit is set: without one, 0 and None mean the same
everywhere. Give the task the limit it needs (`time_limit=3600`), which does
replace the global one.

Celery versions: the same on every minor from 5.3 to 5.7 (`celery/worker/request.py`,
billiard 4.2 and 4.3, `celery/concurrency/gevent.py`): the message names no version.""",
        bad=Example(
            {"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n", "+demoapp/tasks.py": _TASK.format(limit=0)},
            findings=(("demoapp/tasks.py", "CEL505"),),
        ),
        good=Example(
            {"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n", "+demoapp/tasks.py": _TASK.format(limit=3600)}
        ),
        silent_on=(
            "no global limit (CELERY_TASK_TIME_LIMIT unset, None or 0): 0 then changes nothing",
            "limits the analysis cannot read (the environment, CELERY_TASK_ANNOTATIONS set, **options)",
            "settings modules named for tests or development",
        ),
        check_project=each_module(LIMIT_WORDS, _module_findings),
        project_module=_module_findings,
        module_text=may_set_limits,
    )
)
