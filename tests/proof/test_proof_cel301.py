"""CEL301 proof: 'django-db' without django_celery_results installed raises on the first result access.

In a Django process, the first access of a result (here the state of an
`AsyncResult`, which loads the backend) imports django_celery_results' models and
raises Django's RuntimeError about TaskResult not being in an installed app.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL301"]

FIRST_RESULT_ACCESS = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from proj.celery import app

try:
    backend = type(app.backend).__module__ + "." + type(app.backend).__name__
    error = None
except Exception as exc:
    backend, error = None, {"type": type(exc).__name__, "message": str(exc)}
print(json.dumps({"backend": backend, "error": error}))
"""


def test_first_result_access_raises_runtime_error(tmp_path):
    seen = probe(RULE.bad, tmp_path, FIRST_RESULT_ACCESS)
    assert seen["backend"] is None
    assert seen["error"]["type"] == "RuntimeError"
    assert seen["error"]["message"] == (
        "Model class django_celery_results.models.TaskResult doesn't declare an explicit app_label "
        "and isn't in an application in INSTALLED_APPS."
    )


def test_installed_app_gives_the_database_backend(tmp_path):
    seen = probe(RULE.good, tmp_path, FIRST_RESULT_ACCESS)
    assert seen == {"backend": "django_celery_results.backends.database.DatabaseBackend", "error": None}


def test_message_says_what_the_proof_shows(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL301"])).findings
    assert "the first result access raises RuntimeError (TaskResult is not in an installed app)" in finding.message
