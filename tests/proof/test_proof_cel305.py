"""CEL305 proof: without its migrations, the DatabaseScheduler cannot start.

With `django_celery_beat` installed but never migrated, creating the scheduler --
what `celery beat` does at start -- fails with `no such table`. After `migrate` it
starts and reads an empty schedule (plus Celery's own default entry).
"""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL305"]

START_SCHEDULER = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from django_celery_beat.schedulers import DatabaseScheduler

from proj.celery import app

try:
    scheduler = DatabaseScheduler(app=app)
    print(json.dumps({"entries": sorted(scheduler.schedule)}))
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
"""


def test_bad_example_scheduler_fails_on_missing_tables(tmp_path):
    # Which table the scheduler reads first differs between django-celery-beat versions.
    error = probe(RULE.bad, tmp_path, START_SCHEDULER)["error"]
    assert error.startswith("OperationalError: no such table: django_celery_beat_"), error


def test_good_example_scheduler_starts_after_migrate(tmp_path):
    assert RULE.good.setup == ("migrate",)
    write_project(RULE.good, tmp_path)
    migrated = run([PYTHON, "manage.py", "migrate"], tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert probe(RULE.good, tmp_path, START_SCHEDULER) == {"entries": ["celery.backend_cleanup"]}


def test_the_message_says_what_the_proof_shows(tmp_path):
    """`manage.py check --database default` on the bad example names the missing tables."""
    root = write_project(RULE.bad, tmp_path / "message")
    check = run([PYTHON, "manage.py", "check", "--database", "default"], root)
    assert "(celery_lint.E305)" in check.stderr and "its tables do not exist yet" in check.stderr, check.stderr
