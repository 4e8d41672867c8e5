"""CEL510 proof: autoretry_for=(Exception,) retries a bug.

The bad example's task has a bug: it reads `order["sku"]` from an order that has
no such key. Run with `apply()` (Celery's eager run, retries at once), the KeyError
is retried: four attempts (the first and `max_retries`, 3), and the KeyError is
reported only after the last. With the good example's transient errors only, the
task fails on the first attempt.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL510"]

RUN_THE_BUG = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from demoapp.tasks import sync_inventory

attempts = []
body = sync_inventory._orig_run  # the example's own body, counted


def counted(order):
    attempts.append(1)
    return body(order)


sync_inventory._orig_run = counted
result = sync_inventory.apply(({"id": 1},))
print(json.dumps({"attempts": len(attempts), "state": result.state, "error": type(result.result).__name__}))
"""


def test_bad_example_retries_the_bug(tmp_path):
    assert probe(RULE.bad, tmp_path, RUN_THE_BUG) == {"attempts": 4, "state": "FAILURE", "error": "KeyError"}


def test_good_example_fails_at_once(tmp_path):
    assert probe(RULE.good, tmp_path, RUN_THE_BUG) == {"attempts": 1, "state": "FAILURE", "error": "KeyError"}


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "retries every error, bugs included" in finding.message
    assert "run again max_retries times, and reported only after the last" in finding.message
