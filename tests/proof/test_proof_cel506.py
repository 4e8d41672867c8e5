"""CEL506 proof: with late acknowledgement and the default multiplier, a busy worker holds messages it cannot run.

A worker with one thread (in-memory broker) gets a long task and then four short
ones. (The thread pool, because with the in-memory broker, which has no event
loop, a busy prefork pool blocks the consumer until a process is free; with a
real broker the prefork worker's consumer keeps reading up to the prefetch limit
the same way.) With the bad example (`CELERY_TASK_ACKS_LATE = True`, multiplier
4 by default), while the long task runs the worker has reserved three short
messages that wait, unacknowledged, behind it (`celery.worker.state`): no other
worker can take them. With a multiplier of 1 the worker reserves only the task it
runs.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL506"]

BUSY_WORKER = """\
import json, os, time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.contrib.testing.worker import start_worker
from celery.worker import state

from proj.celery import app


@app.task(ignore_result=True)
def long():
    time.sleep(6)


@app.task(ignore_result=True)
def short():
    pass


with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=60):
    long.delay()
    for _ in range(4):
        short.delay()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not state.active_requests:
        time.sleep(0.05)
    time.sleep(2)  # the long task runs; the worker has fetched what its prefetch allows
    print(json.dumps({
        "acks_late": long.acks_late,
        "multiplier": app.conf.worker_prefetch_multiplier,
        "running": len(state.active_requests),
        "reserved_waiting": len(state.reserved_requests) - len(state.active_requests),
    }))
"""


def test_bad_example_reserved_messages_wait_behind_the_long_task(tmp_path):
    assert probe(RULE.bad, tmp_path, BUSY_WORKER) == {
        "acks_late": True, "multiplier": 4, "running": 1, "reserved_waiting": 3,
    }


def test_good_example_the_worker_reserves_only_what_it_runs(tmp_path):
    assert probe(RULE.good, tmp_path, BUSY_WORKER) == {
        "acks_late": True, "multiplier": 1, "running": 1, "reserved_waiting": 0,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "prefetch multiplier of 4 (Celery's default)" in finding.message
    assert "3 per process wait behind a long task" in finding.message
