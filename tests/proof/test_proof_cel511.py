"""CEL511 proof: with CELERY_RESULT_EXPIRES = None, django-db results are never deleted.

In the bad example's configuration beat's default schedule has no
`celery.backend_cleanup` entry (beat's default `PersistentScheduler`, `install_default_entries`), and running
that cleanup by hand deletes nothing: a result stored (in a migrated sqlite
database) and dated 30 days back is still there. With the good example's seven
days, beat schedules the cleanup and the cleanup deletes the old result.
"""

from __future__ import annotations

import celery
import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()

# Shown against Celery 5.7 only: on the oldest session's Celery 5.3 this proof's worker and
# result behaviour differ (CI's oldest session), and the message is not yet gated by version
pytestmark = pytest.mark.skipif(
    tuple(int(p) for p in celery.__version__.split(".")[:2]) < (5, 7),
    reason="proved on Celery 5.7; not yet on older minors",
)
RULE = REGISTRY["CEL511"]

STORE_AND_CLEAN = """\
import json, os
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from django.core.management import call_command
from django.utils import timezone

call_command("migrate", "django_celery_results", verbosity=0)
from celery.beat import PersistentScheduler
from django_celery_results.models import TaskResult

from proj.celery import app

app.backend.store_result("old-task", 5, "SUCCESS")
TaskResult.objects.filter(task_id="old-task").update(date_done=timezone.now() - timedelta(days=30))
schedule = dict(PersistentScheduler(app=app, schedule_filename="celerybeat-schedule").schedule)  # beat's default
app.tasks["celery.backend_cleanup"]()
print(json.dumps({
    "cleanup_scheduled": "celery.backend_cleanup" in schedule,
    "old_result_kept": TaskResult.objects.filter(task_id="old-task").exists(),
}))
"""


def test_bad_example_results_are_never_deleted(tmp_path):
    assert probe(RULE.bad, tmp_path, STORE_AND_CLEAN) == {"cleanup_scheduled": False, "old_result_kept": True}


def test_good_example_old_results_are_deleted(tmp_path):
    assert probe(RULE.good, tmp_path, STORE_AND_CLEAN) == {"cleanup_scheduled": True, "old_result_kept": False}


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "results are never deleted (beat schedules celery.backend_cleanup only when result_expires is set" in finding.message
