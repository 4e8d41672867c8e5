"""CEL514: a beat entry whose period is at or below its task's time limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._beat import entries, tasks_by_name
from celery_lint.rules._effective import production_settings
from celery_lint.rules._limits import global_limits, task_limit
from celery_lint.tasks import TaskDef


class RunLimit(NamedTuple):
    """The longest a run may last, and the option or setting that says so."""

    seconds: float
    where: str


def run_limit(project: Project, task: TaskDef) -> Any:
    """The longest a run of `task` may last: its hard limit (own, else the setting),
    else its soft one; None for no limit, UNKNOWN when a settings module disagrees or
    cannot tell."""
    own_hard, own_soft = task_limit(task, "time_limit"), task_limit(task, "soft_time_limit")
    if UNKNOWN in (own_hard, own_soft):
        return UNKNOWN
    answers: set[Any] = set()
    for settings in production_settings(project):
        limits = global_limits(project, settings)
        if limits is None:
            return UNKNOWN
        if own_hard is not None:
            answers.add(RunLimit(own_hard, f"its time_limit={own_hard:g}"))
        elif limits.hard is not None:
            answers.add(RunLimit(limits.hard, f"{limits.hard_value.name} = {limits.hard:g}"))
        elif own_soft is not None:
            answers.add(RunLimit(own_soft, f"its soft_time_limit={own_soft:g}"))
        elif limits.soft is not None:
            answers.add(RunLimit(limits.soft, f"{limits.soft_value.name} = {limits.soft:g}"))
        else:
            answers.add(None)
    return answers.pop() if len(answers) == 1 else UNKNOWN


def check(project: Project) -> Iterator[Finding]:
    tasks = tasks_by_name(project) if entries(project) else {}
    for entry in entries(project):
        task = tasks.get(entry.task) if isinstance(entry.task, str) else None
        if task is None or entry.period is UNKNOWN or entry.options is UNKNOWN:
            continue
        if "time_limit" in entry.options or "soft_time_limit" in entry.options:
            continue  # the entry's own limits: beat passes them to apply_async
        limit = run_limit(project, task)
        if not isinstance(limit, RunLimit) or entry.period > limit.seconds:
            continue
        yield RULE.finding(
            entry.source.path, entry.node,
            f"beat sends {entry.task!r} every {entry.period:g} s but a run may last {limit.seconds:g} s "
            f"({limit.where}): beat sends the next run when the period is up whether or not the last one "
            f"finished, so runs overlap on a worker with a free process (or pile up behind each other); make "
            f"the period longer than the time limit",
            subject=str(entry.task),
        )


_TASK = """\
@shared_task(time_limit={limit})
def sync_accounts():
    return None
"""
_SCHEDULE = """\
CELERY_BEAT_SCHEDULE = {{
    "sync-accounts": {{"task": "demoapp.tasks.sync_accounts", "schedule": {period}}},
}}
"""


def example(period: str, limit: int = 600) -> Example:
    return Example({"+demoapp/tasks.py": _TASK.format(limit=limit), "+proj/settings.py": _SCHEDULE.format(period=period)})


RULE = register(
    Rule(
        code="CEL514",
        severity="W",
        name="beat-period-within-time-limit",
        summary="a beat entry's period is at or below its task's time limit: runs overlap",
        why="""\
Celery beat decides that an entry is due from the time it last *sent* it
(`celery/beat.py`: `Scheduler.reserve` moves `last_run_at` to the send time,
`schedule.is_due` compares the period with it), never from when the last run
finished: it has no idea a run is still going. A task allowed to run for 600 s
(`time_limit=600`, or `CELERY_TASK_TIME_LIMIT`) scheduled every 300 s may be sent
again while the last run still works; on a worker with a free process both run
at once (double charges, double e-mails, rows updated twice), and on a busy worker
the runs pile up behind each other.

The limit is the task's own (`@shared_task(time_limit=...)`), else
`CELERY_TASK_TIME_LIMIT`; without a hard limit, the soft one. The period is the
entry's `schedule`: seconds, `timedelta(...)`, `schedule(run_every=...)`, or a
crontab of evenly spaced minutes only (`crontab(minute="*/5")`: 300 s). Entries are read from
`CELERY_BEAT_SCHEDULE`, `app.conf.beat_schedule` and `add_periodic_task(...)`.
Make the period longer than the limit, or the limit shorter than the period (a
lock, such as a cache `add()`, lets a run skip while the last one holds it).""",
        bad=Example(example("300.0").files, findings=(("proj/settings.py", "CEL514"),)),
        good=example("900.0"),
        silent_on=(
            "tasks with no time limit anywhere (CEL503), limits from the environment or that are not constants, "
            "CELERY_TASK_ANNOTATIONS set, a task's base= class or **options",
            "entries whose task is not a task of the project, whose schedule the analysis cannot read "
            "(a crontab with hours or days, a solar schedule, a name), or whose options are not literal "
            "or give the run its own time_limit",
            "settings modules that disagree on the limit; settings named for tests or development",
        ),
        check_project=check,
    )
)
