"""CEL302 proof: with django_celery_results migrations not applied, storing a result fails.

The base project uses the `django-db` backend on sqlite. Before `manage.py migrate`
the backend's first write fails with "no such table:
django_celery_results_taskresult"; after it, the same write succeeds.
"""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL302"]

STORE_RESULT = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from proj.celery import app

try:
    app.backend.store_result("proof-task-id", 5, "SUCCESS")
    stored, error = app.backend.get_task_meta("proof-task-id")["result"], None
except Exception as exc:
    stored, error = None, f"{type(exc).__name__}: {exc}"
print(json.dumps({"stored": stored, "error": error}))
"""


def test_unmigrated_database_has_no_result_table(tmp_path):
    seen = probe(RULE.bad, tmp_path, STORE_RESULT)
    assert seen == {"stored": None, "error": "OperationalError: no such table: django_celery_results_taskresult"}


def test_migrated_database_stores_the_result(tmp_path):
    assert RULE.good.setup == ("migrate",)
    write_project(RULE.good, tmp_path)
    migrated = run([PYTHON, "manage.py", "migrate", "--noinput"], tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    seen = probe(RULE.good, tmp_path, STORE_RESULT)
    assert seen == {"stored": 5, "error": None}


def test_the_message_says_what_the_proof_shows(tmp_path):
    """`manage.py check --database default` on the bad example names the missing tables."""
    root = write_project(RULE.bad, tmp_path / "message")
    check = run([PYTHON, "manage.py", "check", "--database", "default"], root)
    assert "(celery_lint.E302)" in check.stderr and "its tables do not exist yet" in check.stderr, check.stderr
