"""CEL514 proof: a beat period at or below the task's time limit.

With the bad example (every 300 s, `time_limit=600`), the real Celery beat
`Scheduler` reserves the entry when it sends it (`last_run_at` becomes the send
time) and finds it due again one period later: nothing in beat knows whether the
run finished, while the real task may run 600 s. Scaled down so that a real
worker shows it (every 1 s, a run of 2.5 s under `time_limit=3`), beat's ticks and a
worker with two processes (threads pool, in-memory broker,
`celery.contrib.testing.worker`) run the task twice at the same time.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL514"]

DUE = """\
import json, os
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.beat import Scheduler

import demoapp.tasks
from proj.celery import app

scheduler = Scheduler(app, lazy=True)
scheduler.setup_schedule()
entry = scheduler.schedule["sync-accounts"]
sent = scheduler.reserve(entry)  # what beat does as it sends the entry
period = sent.schedule.run_every.total_seconds()
due, _ = sent.schedule.is_due(sent.last_run_at - timedelta(seconds=period))  # one period after the send
print(json.dumps({
    "period": period,
    "time_limit": app.tasks[sent.task].time_limit,
    "sent_at_is_last_run": sent.last_run_at >= entry.last_run_at,
    "due_a_period_after_the_send": due,
}))
"""

OVERLAP = """\
import json, os, time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker

from proj.celery import app


@app.task(time_limit=3)
def slow_sync():
    started = time.monotonic()
    time.sleep(2.5)
    with open("runs.txt", "a") as runs:
        runs.write(f"{started} {time.monotonic()}\\n")


app.conf.beat_schedule = {"slow-sync": {"task": slow_sync.name, "schedule": 1.0}}
with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
    scheduler = Scheduler(app)
    deadline = time.monotonic() + 2.2
    while time.monotonic() < deadline:
        scheduler.tick()
        time.sleep(0.05)
    time.sleep(3.5)  # the runs sent finish
with open("runs.txt") as runs:
    spans = sorted(tuple(map(float, line.split())) for line in runs)
print(json.dumps({
    "runs": len(spans),
    "overlapping": sum(1 for (_, end), (start, _) in zip(spans, spans[1:]) if start < end),
}))
"""


def test_bad_example_beat_finds_the_entry_due_a_period_after_sending_it(tmp_path):
    assert probe(RULE.bad, tmp_path, DUE) == {
        "period": 300.0, "time_limit": 600, "sent_at_is_last_run": True, "due_a_period_after_the_send": True,
    }


def test_a_real_worker_runs_the_task_twice_at_once(tmp_path):
    found = probe(Example({}), tmp_path, OVERLAP)  # the canonical project: no schedule of its own
    assert found["runs"] >= 2 and found["overlapping"] >= 1, found


def test_the_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path / "message").resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    for phrase in ("every 300 s but a run may last 600 s (its time_limit=600)",
                   "beat sends the next run when the period is up whether or not the last one finished"):
        assert phrase in finding.message, finding.message
