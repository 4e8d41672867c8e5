"""CEL402: DatabaseScheduler with CELERY_TIMEZONE unset and TIME_ZONE not UTC."""

from __future__ import annotations

import pytest
from django.conf import global_settings

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from celery_lint.rules.cel402 import DJANGO_DEFAULT_TIME_ZONE, is_utc
from tests.helpers import lint, write_files

SETTINGS = BASE["proj/settings.py"].replace('    "django_celery_results",\n', '    "django_celery_results",\n    "django_celery_beat",\n')
PARIS = SETTINGS.replace('TIME_ZONE = "UTC"', 'TIME_ZONE = "Europe/Paris"')
SCHEDULER = 'CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"\n'


def appended_line(settings: str) -> int:
    return len(settings.splitlines()) + 2  # the line after `settings` and a blank line


def cel402(project, settings: str, extra: str = SCHEDULER, files: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    write_files(project, {"proj/settings.py": settings + "\n" + extra, **(files or {})})
    return lint(project, "CEL402")


def test_default_time_zone_is_djangos():
    assert DJANGO_DEFAULT_TIME_ZONE == global_settings.TIME_ZONE


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param(PARIS, id="paris"),
        pytest.param(SETTINGS.replace('TIME_ZONE = "UTC"\n', ""), id="unset-is-america-chicago"),
        pytest.param(SETTINGS.replace('"UTC"', '"Europe/London"'), id="london-is-not-utc-in-summer"),
    ],
)
def test_fires_at_the_scheduler(project, settings):
    assert cel402(project, settings) == [("proj/settings.py", appended_line(settings), "CEL402")]


def test_fires_without_a_namespace(project):
    """Without a namespace Celery still reads TIME_ZONE; the crontab default is always UTC then."""
    files = {"proj/celery.py": BASE["proj/celery.py"].replace(', namespace="CELERY"', "")}
    assert cel402(project, PARIS, 'CELERYBEAT_SCHEDULER = "django"\n', files) == [("proj/settings.py", appended_line(PARIS), "CEL402")]


def test_message_names_both_zones(project):
    write_files(project, {"proj/settings.py": SETTINGS.replace('TIME_ZONE = "UTC"\n', "") + "\n" + SCHEDULER})
    (finding,) = lint_paths([project], select_rules(["CEL402"])).findings
    assert "Django's default TIME_ZONE ('America/Chicago')" in finding.message
    assert "crontab schedules in 'UTC'" in finding.message and "set CELERY_TIMEZONE = TIME_ZONE" in finding.message


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "GMT", "Zulu", "utc"])
def test_utc_spellings(zone):
    assert is_utc(zone)


@pytest.mark.parametrize(
    ("settings", "extra"),
    [
        pytest.param(SETTINGS, SCHEDULER, id="utc"),
        pytest.param(SETTINGS.replace('"UTC"', '"Etc/UTC"'), SCHEDULER, id="etc-utc"),
        pytest.param(PARIS, SCHEDULER + "CELERY_TIMEZONE = TIME_ZONE\n", id="celery-timezone-set"),
        pytest.param(PARIS, SCHEDULER + 'CELERY_TIMEZONE = "UTC"\n', id="both-utc"),
        pytest.param(PARIS, "", id="no-scheduler"),
        pytest.param(PARIS, 'CELERY_BEAT_SCHEDULER = "celery.beat:PersistentScheduler"\n', id="persistent-scheduler"),
        pytest.param(PARIS.replace('    "django_celery_beat",\n', ""), SCHEDULER, id="beat-not-installed-is-cel304"),
        pytest.param(SETTINGS.replace('"UTC"', "None"), SCHEDULER, id="time-zone-none"),
    ],
)
def test_silent(project, settings, extra):
    assert cel402(project, settings, extra) == []


def test_silent_when_the_app_sets_its_timezone(project):
    celery_py = BASE["proj/celery.py"].replace("app.autodiscover_tasks()", 'app.conf.timezone = "UTC"\napp.autodiscover_tasks()')
    assert cel402(project, PARIS, SCHEDULER, {"proj/celery.py": celery_py}) == []


@pytest.mark.parametrize(
    ("settings", "extra"),
    [
        pytest.param(SETTINGS.replace('TIME_ZONE = "UTC"', 'import os\nTIME_ZONE = os.environ["TZ"]'), SCHEDULER, id="env-tz"),
        pytest.param(PARIS, SCHEDULER + 'import os\nif os.environ.get("X"):\n    CELERY_TIMEZONE = "Europe/Paris"\n',
                     id="timezone-on-some-paths"),
        pytest.param(PARIS, 'import os\nCELERY_BEAT_SCHEDULER = os.environ["SCHEDULER"]\n', id="env-scheduler"),
        pytest.param(PARIS, SCHEDULER + "from .tz import *  # noqa\n", id="star-import-from-outside"),
    ],
)
def test_unknown_is_silent(project, settings, extra):
    assert cel402(project, settings, extra) == []
