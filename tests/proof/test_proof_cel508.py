"""CEL508 proof: with max_retries=None an automatic retry never gives up.

The bad example's task `sync_inventory` is run (`apply()`: Celery's own eager run,
which performs each retry at once) with its body made to fail 20 times: Celery
retries all 20 times and the task ends in SUCCESS on the 21st attempt; nothing in
the task's options would have stopped it. With the good example's `max_retries=5`
Celery gives up after the sixth attempt and the task fails with the error.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL508"]

FAILS_TWENTY_TIMES = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from demoapp.tasks import sync_inventory

attempts = []


def flaky():
    attempts.append(1)
    if len(attempts) <= 20:
        raise ConnectionError("the inventory service is down")
    return "synced"


sync_inventory._orig_run = flaky  # the body autoretry_for wraps
result = sync_inventory.apply()
print(json.dumps({"max_retries": sync_inventory.max_retries, "attempts": len(attempts), "state": result.state}))
"""


def test_bad_example_retries_without_end(tmp_path):
    assert probe(RULE.bad, tmp_path, FAILS_TWENTY_TIMES) == {"max_retries": None, "attempts": 21, "state": "SUCCESS"}


def test_good_example_gives_up(tmp_path):
    assert probe(RULE.good, tmp_path, FAILS_TWENTY_TIMES) == {"max_retries": 5, "attempts": 6, "state": "FAILURE"}


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "autoretry_for with max_retries=None retries for ever" in finding.message
