"""CEL305: django_celery_beat migrations not applied (live, with a database)."""

from __future__ import annotations

from celery_lint.registry import Example, Rule, register

_BEAT_INSTALLED = {
    "+proj/settings.py": """\
    INSTALLED_APPS += ["django_celery_beat"]
    CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
    """
}

RULE = register(
    Rule(
        code="CEL305",
        severity="E",
        name="beat-unmigrated",
        summary="django_celery_beat migrations not applied on a database",
        why="""\
The DatabaseScheduler reads its schedule from the tables of django-celery-beat
(`django_celery_beat_periodictask`, `_crontabschedule`, `_intervalschedule`, ...).
Until its migrations are applied, `celery beat` fails on its first database access
with `no such table: django_celery_beat_periodictask`, and the admin pages of
periodic tasks fail the same way.

Live only, and only when the check is given a database (`manage.py check
--database default`, and the test runner): a plain `manage.py check` never touches
a database. `manage.py migrate` runs the checks too, and is never blocked by this
one, since it is the command that applies the migrations.""",
        bad=Example(_BEAT_INSTALLED, findings=(("", "CEL305"),)),
        good=Example(_BEAT_INSTALLED, setup=("migrate",)),
        silent_on=(
            "manage.py check without --database, runserver and the worker (no database given)",
            "manage.py migrate (which applies the migrations)",
            "projects without django_celery_beat in INSTALLED_APPS (CEL304 covers a scheduler that needs it)",
            "a database that cannot be reached: a message of level Warning, with the same id (celery_lint.E305), says its migrations "
            "could not be checked",
        ),
        live_only=True,
    )
)
