"""CEL403: no broker configured (live, `check --deploy`)."""

from __future__ import annotations

from celery_lint.registry import Example, Rule, register

_SETTINGS = """\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "not-a-secret"
INSTALLED_APPS = ["django.contrib.contenttypes", "django_celery_results", "celery_lint", "demoapp"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}}}
TIME_ZONE = "UTC"

CELERY_RESULT_BACKEND = "django-db"
{broker}"""

RULE = register(
    Rule(
        code="CEL403",
        severity="W",
        name="no-broker",
        summary="no broker configured: Celery will use amqp://guest@localhost",
        why="""\
When neither the settings (`CELERY_BROKER_URL`), the Celery app
(`Celery(broker=...)`, `app.conf.broker_url`) nor the environment variable
`CELERY_BROKER_URL` name a broker, kombu falls back to
`amqp://guest:**@localhost:5672//`. In production that is rarely where the broker
runs: every `.delay()` fails with `OperationalError: [Errno 111] Connection
refused`, after retrying.

Live only, with `manage.py check --deploy`: the environment of the deployed
process is what decides, and the check reads it without touching the network or
configuring the app. It stays silent when the app configures itself in an
`on_configure` receiver, which only runs when the app is used.""",
        bad=Example({"proj/settings.py": _SETTINGS.format(broker="")}, findings=(("", "CEL403"),)),
        good=Example({"proj/settings.py": _SETTINGS.format(broker='CELERY_BROKER_URL = "memory://"\n')}),
        silent_on=(
            "a broker given by the CELERY_BROKER_URL (or _READ_/_WRITE_) environment variable, Celery(broker=...), "
            "or app.conf.broker_url in the app module",
            "manage.py check without --deploy",
            "a process that never loaded the project's Celery app (CEL004 reports that)",
            "apps that configure themselves in an on_configure receiver",
        ),
        live_only=True,
    )
)
