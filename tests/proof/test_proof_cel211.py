"""CEL211 proof: a model instance given to .delay() raises EncodeError at the call, with
the default JSON serializer, sent to a broker and in eager mode alike; its primary key
is sent."""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL211"]
SIGNUP = """\
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "auth", verbosity=0)
from django.test import RequestFactory
from proj.celery import app
from demoapp import views

seen = {}
for eager in (False, True):
    app.conf.task_always_eager = eager
    try:
        views.signup(RequestFactory().post("/signup/", {"username": f"ada{int(eager)}"}))
        seen[str(eager)] = "sent"
    except Exception as exc:
        seen[str(eager)] = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
print(json.dumps(seen))
"""
ENCODE_ERROR = "kombu.exceptions.EncodeError: Object of type User is not JSON serializable"


def test_a_model_instance_cannot_be_sent(tmp_path):
    assert probe(RULE.bad, tmp_path / "bad", SIGNUP) == {"False": ENCODE_ERROR, "True": ENCODE_ERROR}
    assert probe(RULE.good, tmp_path / "good", SIGNUP) == {"False": "sent", "True": "sent"}
    (finding,) = lint_paths([write_project(RULE.bad, tmp_path / "lint")], select_rules(["CEL211"])).findings
    assert "raises kombu.exceptions.EncodeError (in eager mode too)" in finding.message
