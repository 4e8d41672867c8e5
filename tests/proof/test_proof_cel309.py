"""CEL309 proof: django-celery-beat's DatabaseScheduler with USE_TZ = False.

A real DatabaseScheduler on sqlite (the example project migrated) loads a periodic
task every 60 s that has not run yet and says when it is due. On the releases the
rule names (2.8.1 to 2.9, the newest session's) the naive `date_changed` is read as
UTC: with TIME_ZONE = 'Europe/Paris' the task is due 60 s plus Paris's UTC offset
later (an hour or two late), with 'America/New_York' it is due at once. With
USE_TZ = True, or on django-celery-beat 2.5 (the oldest session's, which the rule
leaves alone), it is due in 60 s. 2.8.0's failure at start (`ValueError: localtime()
cannot be applied to a naive datetime`) was checked by hand against that release
(`pip download django-celery-beat==2.8.0`): no session installs it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import metadata
from zoneinfo import ZoneInfo

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from celery_lint.rules.cel309 import CHECKED_UP_TO, MISREADS_FROM, example
from celery_lint.versions import parse_version
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL309"]
INSTALLED = metadata.version("django-celery-beat")
AFFECTED = MISREADS_FROM <= parse_version(INSTALLED) <= CHECKED_UP_TO

DUE = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from django.core.management import call_command

call_command("migrate", "django_celery_beat", verbosity=0)
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from proj.celery import app

every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(name="every-minute", task="demoapp.tasks.add", interval=every)
scheduler = DatabaseScheduler(app=app, lazy=True)
scheduler.setup_schedule()
due, remaining = scheduler.all_as_schedule()["every-minute"].is_due()
print(json.dumps({"due": due, "remaining": remaining}))
"""


def zone(name: str, use_tz: bool = False) -> Example:
    settings = example(use_tz).texts()["proj/settings.py"].replace('"Europe/Paris"', f'"{name}"')
    return Example({"proj/settings.py": settings})


def offset(name: str) -> float:
    """The zone's UTC offset now, in seconds."""
    return ZoneInfo(name).utcoffset(datetime.now(timezone.utc).replace(tzinfo=None)).total_seconds()


@pytest.mark.skipif(not AFFECTED, reason=f"django-celery-beat {INSTALLED} is not a release the rule names")
def test_east_of_utc_the_first_run_comes_the_offset_late(tmp_path):
    found = probe(RULE.bad, tmp_path, DUE)
    assert found["due"] is False
    assert found["remaining"] == pytest.approx(60 + offset("Europe/Paris"), abs=5)


@pytest.mark.skipif(not AFFECTED, reason=f"django-celery-beat {INSTALLED} is not a release the rule names")
def test_west_of_utc_the_first_run_is_due_at_once(tmp_path):
    found = probe(zone("America/New_York"), tmp_path, DUE)
    assert found["due"] is True


@pytest.mark.parametrize("name", ["Europe/Paris", "America/New_York"])
def test_with_use_tz_the_first_run_is_due_after_the_period(tmp_path, name):
    found = probe(zone(name, use_tz=True), tmp_path, DUE)
    assert (found["due"], round(found["remaining"])) == (False, 60)


@pytest.mark.skipif(AFFECTED, reason=f"django-celery-beat {INSTALLED} is a release the rule names")
def test_an_older_release_gets_the_first_run_right(tmp_path):
    found = probe(RULE.bad, tmp_path, DUE)
    assert (found["due"], round(found["remaining"])) == (False, 60)


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The rule names the installed release when it misreads, and nothing otherwise."""
    pinned = Example({**example(False, f"django-celery-beat=={INSTALLED}\n").files})
    root = write_project(pinned, tmp_path / "message").resolve()
    found = lint_paths([root], select_rules([RULE.code])).findings
    if not AFFECTED:
        assert found == []
        return
    (finding,) = found
    for phrase in (f"django-celery-beat {INSTALLED} from requirements.txt", "read as UTC",
                   "hours late east of UTC, at once west of it"):
        assert phrase in finding.message, finding.message
