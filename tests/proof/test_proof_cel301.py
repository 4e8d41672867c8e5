"""CEL301 proof: 'django-db' without django_celery_results installed raises on first use.

In a Django process, the first use of the result backend -- a view's `.delay()`
(which registers the pending result) or a result access -- imports
django_celery_results' models and raises Django's RuntimeError about TaskResult not
being in an installed app.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL301"]

FIRST_USE = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from proj.celery import app
from demoapp.tasks import add


def attempt(action):
    try:
        return {"ok": action(), "error": None}
    except Exception as exc:
        return {"ok": None, "error": {"type": type(exc).__name__, "message": str(exc)}}


print(json.dumps({
    "delay": attempt(lambda: type(add.delay(2, 3)).__name__),
    "backend": attempt(lambda: type(app.backend).__module__ + "." + type(app.backend).__name__),
}))
"""
NOT_INSTALLED = {
    "type": "RuntimeError",
    "message": "Model class django_celery_results.models.TaskResult doesn't declare an explicit app_label "
    "and isn't in an application in INSTALLED_APPS.",
}


def test_first_delay_and_result_access_raise_runtime_error(tmp_path):
    seen = probe(RULE.bad, tmp_path, FIRST_USE)
    assert seen["delay"] == {"ok": None, "error": NOT_INSTALLED}
    assert seen["backend"] == {"ok": None, "error": NOT_INSTALLED}


def test_installed_app_gives_the_database_backend(tmp_path):
    seen = probe(RULE.good, tmp_path, FIRST_USE)
    assert seen["delay"] == {"ok": "AsyncResult", "error": None}  # sent to the memory broker
    assert seen["backend"] == {"ok": "django_celery_results.backends.database.DatabaseBackend", "error": None}


def test_message_says_what_the_proof_shows(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL301"])).findings
    assert finding.message.endswith(
        "the first .delay() or result access raises RuntimeError (TaskResult is not in an installed app)"
    )
