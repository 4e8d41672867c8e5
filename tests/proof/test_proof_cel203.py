"""CEL203 proof: a bound task without a parameter for the instance fails on every call
with the real Celery; with `self` it runs."""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.engine import lint_paths, select_rules
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import run_python

load_rules()
RULE = REGISTRY["CEL203"]
CALLS = """\
import os

os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django

django.setup()
from demoapp.tasks import ping

try:
    result = ping.delay()
    print("delay: sent", bool(result.id))
except TypeError as exc:
    print("delay: TypeError:", exc)

# apply() runs the task through the tracer a worker uses
outcome = ping.apply()
print("apply:", outcome.status, repr(outcome.result))
"""


def test_bound_task_without_self_fails_on_every_call(tmp_path):
    result = run_python(CALLS, write_project(RULE.bad, tmp_path / "bad"))
    assert "delay: TypeError: ping() takes 0 positional arguments but 1 was given" in result.stdout, result.stderr
    assert "apply: FAILURE TypeError('ping() takes 0 positional arguments but 1 was given')" in result.stdout


def test_bound_task_with_self_runs(tmp_path):
    result = run_python(CALLS, write_project(RULE.good, tmp_path / "good"))
    assert "delay: sent True" in result.stdout, result.stderr
    assert "apply: SUCCESS 'pong'" in result.stdout, result.stderr


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (the TypeError of .delay() and .apply())."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL203"], extend_select=["CEL203"])).findings
    for phrase in ("every call (.delay(), .apply(), the worker) raises TypeError",):
        assert phrase in finding.message, finding.message
