"""CEL513 proof: with task_queues lacking the default queue, unrouted tasks are never consumed.

With the bad example's settings the queues a worker consumes (`app.amqp.queues`,
read before anything is sent, as a starting worker reads them) are 'default' and
'reports', while `add.delay()` (no route) is sent to 'celery': a worker of this
configuration never receives it. With 'celery' declared, the worker consumes the
queue the task goes to.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL513"]

WHERE_IT_GOES = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from demoapp.tasks import add
from proj.celery import app

consumed = sorted(app.amqp.queues.consume_from)  # what `celery worker` reads
sent_to = app.amqp.router.route({}, add.name)["queue"].name
print(json.dumps({"worker_consumes": consumed, "sent_to": sent_to, "received": sent_to in consumed}))
"""


def test_bad_example_the_task_goes_where_no_worker_reads(tmp_path):
    assert probe(RULE.bad, tmp_path, WHERE_IT_GOES) == {
        "worker_consumes": ["default", "reports"], "sent_to": "celery", "received": False,
    }


def test_good_example_the_worker_reads_it(tmp_path):
    assert probe(RULE.good, tmp_path, WHERE_IT_GOES) == {
        "worker_consumes": ["celery", "reports"], "sent_to": "celery", "received": True,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "a task without a route is sent to 'celery', which a worker started with these queues never consumes" in finding.message
