"""CEL515 (opt-in): a short-period beat entry without `expires`."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._beat import entries, tasks_by_name
from celery_lint.rules._celeryconf import NOT_SET, effective
from celery_lint.rules._effective import production_settings
from celery_lint.rules.cel304 import is_database_scheduler

#: periods at or below this many seconds count as short: after an hour without a
#: worker, at least 12 copies of the run are waiting in the queue
SHORT_PERIOD = 300
OUTAGE = 3600


def expiry_keys(project: Project) -> tuple[str, ...]:
    """The entry options that give beat's messages an expiry: `expires` for Celery's
    schedulers; the DatabaseScheduler keeps only `expire_seconds` of a schedule's options
    (django_celery_beat/schedulers.py, `_unpack_options`), and sends it as `expires`.
    Both when the scheduler is unknown or the settings modules disagree."""
    answers = {
        is_database_scheduler(project, scheduler.value) if scheduler.known else False if scheduler.value is NOT_SET
        else UNKNOWN
        for scheduler in (effective(project, s, "beat_scheduler") for s in production_settings(project))
    }
    if answers == {True}:
        return ("expire_seconds",)
    return ("expires",) if answers == {False} else ("expires", "expire_seconds")


def check(project: Project) -> Iterator[Finding]:
    tasks = tasks_by_name(project) if entries(project) else {}
    keys = expiry_keys(project) if entries(project) else ()
    for entry in entries(project):
        task = tasks.get(entry.task) if isinstance(entry.task, str) else None
        if task is None or not isinstance(entry.period, (int, float)) or entry.period > SHORT_PERIOD:
            continue
        if not isinstance(entry.options, dict) or any(key in entry.options for key in keys):
            continue
        if task.has_star_kwargs or "expires" in task.options or "base" in task.options:
            continue  # the task's own expiry (Task.expires) applies to beat's messages too
        yield RULE.finding(
            entry.source.path, entry.node,
            f"beat sends {entry.task!r} every {entry.period:g} s without an expiry: while no worker consumes "
            f"the queue (a deploy, a crash) beat keeps sending, and every message waiting runs once a worker is "
            f"back ({OUTAGE // entry.period:g} runs after an hour down); set "
            f"{' or '.join(f'options={{{key!r}: {entry.period:g}}}' for key in keys)}{_WHICH.get(keys, '')} "
            f"so that a run nobody picked up in time is discarded",
            subject=str(entry.task),
        )


_WHICH = {
    ("expire_seconds",): " (the DatabaseScheduler drops 'expires')",
    ("expires", "expire_seconds"): " (the latter for the DatabaseScheduler)",
}
_SCHEDULE = """\
CELERY_BEAT_SCHEDULE = {{
    "refresh-rates": {{"task": "demoapp.tasks.add", "schedule": 60.0, "args": (1, 2){options}}},
}}
"""

RULE = register(
    Rule(
        code="CEL515",
        severity="W",
        name="beat-entry-without-expires",
        summary="a beat entry with a short period and no expires: missed runs pile up and run at once later",
        why=f"""\
Celery beat sends each entry when it is due whether or not a worker is there to
take it: the message waits in the broker. After a deploy, a crash or a full queue,
the worker finds every run beat sent meanwhile and executes them back to back --
an hour without a worker and an entry every 60 s gives 60 runs at once. A message
sent with `expires` (`options={{"expires": 60}}` in the entry, `expires=` to
`add_periodic_task`, or the task's own `expires=` option) is discarded by the
worker once that time has passed (`celery/worker/request.py`: the request is
revoked as expired), so only fresh runs execute. With django-celery-beat's
DatabaseScheduler the schedule's entries become `PeriodicTask` rows that keep
`options={{"expire_seconds": 60}}` and drop `"expires"`
(`django_celery_beat/schedulers.py`, `_unpack_options`): the message names the
option the configured scheduler reads.

Reported for periods of {SHORT_PERIOD} s or less (a backlog of at least 12 runs per
hour of outage); the period is read as CEL514 reads it. Off by default: a task
that is cheap and idempotent does not mind the backlog; select it with
`--extend-select CEL515`.""",
        bad=Example({"+proj/settings.py": _SCHEDULE.format(options="")}, findings=(("proj/settings.py", "CEL515"),)),
        good=Example({"+proj/settings.py": _SCHEDULE.format(options=', "options": {"expires": 60}')}),
        silent_on=(
            f"periods above {SHORT_PERIOD} s, or that the analysis cannot read (a crontab with hours or days, "
            f"a solar schedule, a name)",
            "an expires (expire_seconds with the DatabaseScheduler; either when the scheduler is unknown) in "
            "the entry's options or add_periodic_task(...), or expires on the task's decorator; "
            "options that are not literal; a task's base= class or **options",
            "entries whose task is not a task of the project",
        ),
        default_enabled=False,
        check_project=check,
    )
)
