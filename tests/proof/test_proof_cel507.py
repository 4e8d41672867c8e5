"""CEL507 proof: a countdown longer than the Redis visibility timeout delivers the task twice.

kombu's real Redis transport runs against an in-memory Redis server (fakeredis, the
project's Redis client swapped for it; no broker). The bad example's view sends
`add` with a two-hour countdown; a worker takes the message and, as a worker does
with an ETA task, holds it unacknowledged until the countdown ends. With the
transport's clock moved to one second before the countdown ends, kombu's
`restore_visible` has put the message back, since the visibility timeout (kombu's
default, 3600 s, which the app reads from its configuration) has passed: a second
worker gets the same task while the first still holds it. With the good example's timeout (3 hours) the
message stays with the first worker.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL507"]

TWO_WORKERS = """\
import json, os, time
from datetime import datetime

import fakeredis
from kombu.transport import redis as transport

server = fakeredis.FakeServer()
connection_parameters = transport.Channel._connparams


def in_memory(self, asynchronous=False):
    params = connection_parameters(self, asynchronous)
    params.update(connection_class=fakeredis.FakeConnection, server=server)
    return params


transport.Channel._connparams = in_memory

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from django.test import RequestFactory

from demoapp.views import add_view
from proj.celery import app

sent = json.loads(add_view(RequestFactory().get("/add/")).content)["task_id"]
queue = app.amqp.queues[app.conf.task_default_queue]
with app.connection_for_read() as connection:
    channel = connection.default_channel
    first = queue.bind(channel).get(no_ack=False, accept=["json"])  # held until its countdown ends
    eta = datetime.fromisoformat(first.headers["eta"]).timestamp()
    transport.time = lambda: eta - 1  # the countdown has one second to go
    channel.qos.restore_visible(num=100)
    second = queue.bind(channel).get(no_ack=False, accept=["json"])
    print(json.dumps({
        "visibility_timeout": channel.visibility_timeout,
        "countdown": round(eta - time.time(), -2),
        "first_worker": first.headers["id"] == sent,
        "second_worker_gets_it_too": second is not None and second.headers["id"] == sent,
    }))
"""


def test_bad_example_the_task_is_delivered_twice(tmp_path):
    assert probe(RULE.bad, tmp_path, TWO_WORKERS) == {
        "visibility_timeout": 3600, "countdown": 7200, "first_worker": True, "second_worker_gets_it_too": True,
    }


def test_good_example_the_message_stays_with_the_first_worker(tmp_path):
    assert probe(RULE.good, tmp_path, TWO_WORKERS) == {
        "visibility_timeout": 10800, "countdown": 7200, "first_worker": True, "second_worker_gets_it_too": False,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert finding.message.startswith("countdown=7200 is longer than the Redis visibility timeout (3600 s")
    assert "the broker hands it to another worker: the task runs twice" in finding.message
