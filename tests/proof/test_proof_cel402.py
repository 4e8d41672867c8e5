"""CEL402 proof: with CELERY_TIMEZONE unset, beat's crontabs and Celery disagree on the zone.

Celery's app timezone follows TIME_ZONE ('Europe/Paris'), while the default of
`CrontabSchedule.timezone` (computed by `crontab_schedule_celery_timezone` from
`<namespace>_TIMEZONE`) is UTC: a crontab created without a zone -- as the admin
form does by default -- "at 9:00" is 9:00 UTC, an hour or two off Paris. With
`CELERY_TIMEZONE = TIME_ZONE` both are Paris.
"""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import fixed_example, write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL402"]

ZONES = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from django_celery_beat.models import CrontabSchedule

from proj.celery import app

crontab = CrontabSchedule(minute="0", hour="9")  # a new row, as the admin form creates it
print(json.dumps({
    "celery": str(app.timezone),
    "crontab_default": str(CrontabSchedule._meta.get_field("timezone").get_default()),
    "crontab_runs_in": str(crontab.schedule.tz),
}))
"""


def test_bad_example_crontabs_run_in_utc_while_celery_uses_time_zone(tmp_path):
    assert probe(RULE.bad, tmp_path, ZONES) == {
        "celery": "Europe/Paris",
        "crontab_default": "UTC",
        "crontab_runs_in": "UTC",
    }


@pytest.mark.parametrize("fixed", [False, True], ids=["good", "fixed"])
def test_good_example_both_use_time_zone(tmp_path, fixed):
    """The good example, and the bad one as `celery-lint --fix` leaves it."""
    assert probe(fixed_example(RULE) if fixed else RULE.good, tmp_path, ZONES) == {
        "celery": "Europe/Paris",
        "crontab_default": "Europe/Paris",
        "crontab_runs_in": "Europe/Paris",
    }


def test_unset_time_zone_is_america_chicago_for_celery(tmp_path):
    """Django's default TIME_ZONE (the rule's other case) is what Celery then uses."""
    settings = RULE.bad.texts()["proj/settings.py"].replace('TIME_ZONE = "Europe/Paris"\n', "")
    found = probe(Example({"proj/settings.py": settings}), tmp_path, ZONES)
    assert (found["celery"], found["crontab_default"]) == ("America/Chicago", "UTC")


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (the zones)."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL402"], extend_select=["CEL402"])).findings
    for phrase in ("crontabs added in the admin fire at UTC times",):
        assert phrase in finding.message, finding.message
