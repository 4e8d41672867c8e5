"""CEL307: enabled django-celery-beat periodic tasks naming no task (live, with a database)."""

from __future__ import annotations

from celery_lint.registry import Example, Rule, register

_BEAT_INSTALLED = {
    "+proj/settings.py": """\
    INSTALLED_APPS += ["django_celery_beat"]
    CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
    """
}
# a schedule row as `manage.py loaddata` loads it: every 10 seconds, the task named
_FIXTURE = """\
[
  {{"model": "django_celery_beat.intervalschedule", "pk": 1, "fields": {{"every": 10, "period": "seconds"}}}},
  {{"model": "django_celery_beat.periodictask", "pk": 1,
   "fields": {{"name": "nightly totals", "task": "{task}", "interval": 1, "enabled": true,
              "date_changed": "2026-01-01T00:00:00Z"}}}}
]
"""


def _with_row(task: str) -> dict[str, str]:
    return {**_BEAT_INSTALLED, "demoapp/fixtures/schedule.json": _FIXTURE.format(task=task)}


RULE = register(
    Rule(
        code="CEL307",
        severity="E",
        name="stale-periodic-task",
        summary="an enabled django-celery-beat periodic task names no task of the project",
        why="""\
django-celery-beat keeps the schedule in the database: a `PeriodicTask` row names
its task by string. Renaming a task, moving its module or deleting it leaves the
rows behind, and nothing notices: beat keeps sending the old name at every run, and
the worker discards each message with "Received unregistered task of type ...".

Live only, and only when the check is given a database (`manage.py check --database
default`): the check imports the tasks as the worker does and compares every
enabled row with the tasks the project's Celery app registers. A row is reported
when its name points into the project (a module of the project) or is close to a
registered task; a name the project cannot place may be another service's task and
is left alone.""",
        bad=Example(_with_row("demoapp.tasks.total"), findings=(("", "CEL307"),), setup=("migrate", "loaddata schedule")),
        good=Example(_with_row("demoapp.tasks.xsum"), setup=("migrate", "loaddata schedule")),
        silent_on=(
            "manage.py check without --database, and migrate",
            "disabled rows; rows on a database whose django_celery_beat migrations are not applied (CEL305)",
            "task names that point outside the project and are close to no registered task (another service's)",
        ),
        live_only=True,
    )
)
