"""CEL511 proof: with CELERY_RESULT_EXPIRES = None, django-db results are never deleted.

In the bad example's configuration beat's default schedule has no
`celery.backend_cleanup` entry (beat's default `PersistentScheduler`, `install_default_entries`), and running
that cleanup by hand deletes nothing: a result stored (in a migrated sqlite
database) and dated 30 days back is still there. With the good example's seven
days, beat schedules the cleanup and the cleanup deletes the old result. Beat's
default entries are the same on Celery 5.3 to 5.7; the cleanup without an expiry
returns at once from django-celery-results 2.6 and fails with TypeError (`now() - None`)
before, deleting nothing either way.
"""

from __future__ import annotations

from importlib.metadata import version

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()

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
try:
    app.tasks["celery.backend_cleanup"]()
    cleanup = "ran"
except TypeError:  # django-celery-results before 2.6 subtracts None from now()
    cleanup = "TypeError"
print(json.dumps({
    "cleanup": cleanup,
    "cleanup_scheduled": "celery.backend_cleanup" in schedule,
    "old_result_kept": TaskResult.objects.filter(task_id="old-task").exists(),
}))
"""


#: django-celery-results 2.6 made `cleanup()` return at once without an expiry
RETURNS_AT_ONCE = tuple(int(p) for p in version("django-celery-results").split(".")[:2]) >= (2, 6)


def test_bad_example_results_are_never_deleted(tmp_path):
    assert probe(RULE.bad, tmp_path, STORE_AND_CLEAN) == {
        "cleanup": "ran" if RETURNS_AT_ONCE else "TypeError", "cleanup_scheduled": False, "old_result_kept": True,
    }


def test_good_example_old_results_are_deleted(tmp_path):
    assert probe(RULE.good, tmp_path, STORE_AND_CLEAN) == {
        "cleanup": "ran", "cleanup_scheduled": True, "old_result_kept": False,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "results are never deleted (beat schedules celery.backend_cleanup only when result_expires is set" in finding.message
