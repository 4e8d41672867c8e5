"""CEL512 proof: a route to an undeclared queue, with missing queues not created, fails every send.

With the bad example's settings, `xsum.delay()` (routed to 'reports', which
task_queues spells 'report') raises `QueueNotFound` in the caller; nothing is
sent. With the queue declared, the task goes to the broker (in memory).
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL512"]

SEND = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from demoapp.tasks import xsum

try:
    xsum.delay([1, 2])
    outcome = "sent"
except Exception as exc:
    outcome = f"{type(exc).__name__}: {exc}"
print(json.dumps({"delay": outcome}))
"""


def test_bad_example_every_send_raises(tmp_path):
    assert probe(RULE.bad, tmp_path, SEND) == {"delay": 'QueueNotFound: "Queue \'reports\' missing from task_queues"'}


def test_good_example_sends(tmp_path):
    assert probe(RULE.good, tmp_path, SEND) == {"delay": "sent"}


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert 'sending the task raises QueueNotFound("Queue \'reports\' missing from task_queues")' in finding.message
