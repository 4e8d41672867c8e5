"""CEL509 proof: without retry_backoff every automatic retry waits the same 180 s.

The bad example's task fails; each failure is retried by Celery's autoretry wrapper,
which calls `Task.retry` and sends the retry to the broker (in memory) with its
countdown. Run as the worker runs it (a request with retries 0 to 4), the five
retries are all scheduled 180 s ahead. With the good example's `retry_backoff=True`
the delays grow (1, 2, 4, 8, 16 s at most, jitter making them random below that).
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL509"]

RETRY_DELAYS = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.exceptions import Retry

from demoapp.tasks import sync_inventory

delays = []
for retries in range(5):
    sync_inventory.push_request(id=f"task-{retries}", retries=retries, called_directly=False, is_eager=False)
    try:
        sync_inventory.run()
    except Retry as retry:
        delays.append(retry.when)
    finally:
        sync_inventory.pop_request()
print(json.dumps({"delays": delays}))
"""


def test_bad_example_retries_at_a_fixed_delay(tmp_path):
    assert probe(RULE.bad, tmp_path, RETRY_DELAYS) == {"delays": [180, 180, 180, 180, 180]}


def test_good_example_backs_off(tmp_path):
    delays = probe(RULE.good, tmp_path, RETRY_DELAYS)["delays"]
    assert len(delays) == 5 and all(0 <= d <= 2 ** i for i, d in enumerate(delays))


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code], extend_select=[RULE.code])).findings
    assert "autoretry_for without retry_backoff retries every 180 s" in finding.message
