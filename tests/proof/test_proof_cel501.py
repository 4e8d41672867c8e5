"""CEL501 proof: with pickle in CELERY_ACCEPT_CONTENT, a message on the broker runs code in the worker.

A message whose body is a pickle calling `os.mkdir("pwned")` is published to the
worker's queue (memory transport: anyone who can reach the broker can do this).
The worker's task consumer (`app.amqp.TaskConsumer`, which takes its `accept` from
`app.conf.accept_content`) decodes it before any task code runs: with the bad example
the directory is created; with the good one kombu refuses the content type.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL501"]

CONSUME = """\
import json, os, pickle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from proj.celery import app


class Payload:
    def __reduce__(self):
        return (os.mkdir, ("pwned",))


queue = app.amqp.queues[app.conf.task_default_queue]
decoded = []
with app.connection_for_write() as connection:
    connection.Producer().publish(
        pickle.dumps(Payload()), routing_key=queue.routing_key, exchange=queue.exchange, declare=[queue],
        content_type="application/x-python-serialize", content_encoding="binary",
    )
    consumer = app.amqp.TaskConsumer(connection.default_channel, queues=[queue])
    consumer.register_callback(lambda body, message: decoded.append(True))
    consumer.on_decode_error = lambda message, exc: decoded.append(type(exc).__name__)
    with consumer:
        connection.drain_events(timeout=5)
print(json.dumps({
    "accept_content": sorted(app.conf.accept_content),
    "decoded": decoded,
    "code_ran": os.path.isdir("pwned"),
}))
"""


def test_bad_example_a_message_runs_code(tmp_path):
    assert probe(RULE.bad, tmp_path, CONSUME) == {
        "accept_content": ["json", "pickle"], "decoded": [True], "code_ran": True,
    }


def test_good_example_the_message_is_refused(tmp_path):
    assert probe(RULE.good, tmp_path, CONSUME) == {
        "accept_content": ["json"], "decoded": ["ContentDisallowed"], "code_ran": False,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "a worker unpickles every task message" in finding.message
    assert "anyone who can reach the broker runs code in the worker" in finding.message
