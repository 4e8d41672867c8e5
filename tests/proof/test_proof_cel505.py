"""CEL505 proof: time_limit=0 on a task does not lift the global limit in the prefork pool.

The bad example's task, `export` (`time_limit=0`), with the global limit scaled down
to 1 s so that a real worker reaches it, runs 3 s under a prefork worker
(in-memory broker): the worker stops it at the global limit, and its result is a
`TimeLimitExceeded` failure. With `time_limit=5` the same task runs to its end. The same on every minor from 5.3
to 5.7 (the worker's `time_limit or task.time_limit`, billiard's `timeout or self.timeout`).
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()

RULE = REGISTRY["CEL505"]

RUN_EXPORT = """\
import json, os, time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
# results in files, which the worker's processes and this one share (the example's database has no tables);
# from the environment, which every minor reads first (an app.conf write loses to the settings' prefixed
# CELERY_RESULT_BACKEND on Celery 5.3)
os.mkdir("results")
os.environ["CELERY_RESULT_BACKEND"] = "file://" + os.path.abspath("results")
import django

django.setup()
from celery.contrib.testing.worker import start_worker

from demoapp.tasks import export
from proj.celery import app

with start_worker(app, pool="prefork", concurrency=1, perform_ping_check=False, shutdown_timeout=60):
    result = export.delay(3)
    result.get(timeout=10, propagate=False)
    print(json.dumps({
        "time_limit": export.time_limit,
        "state": result.state,
        "error": type(result.result).__name__ if result.failed() else None,
    }))
"""


def example(global_limit: int, task_limit: int) -> Example:
    files = {path: text.replace("= 300", f"= {global_limit}").replace("time_limit=0", f"time_limit={task_limit}")
             for path, text in RULE.bad.files.items()}
    return Example(files)


def test_bad_example_the_global_limit_still_stops_the_task(tmp_path):
    assert probe(example(1, 0), tmp_path, RUN_EXPORT) == {
        "time_limit": 0, "state": "FAILURE", "error": "TimeLimitExceeded",
    }


def test_an_own_limit_replaces_the_global_one(tmp_path):
    assert probe(example(1, 5), tmp_path, RUN_EXPORT) == {
        "time_limit": 5, "state": "SUCCESS", "error": None,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    for name, shown in [("bad", RULE.bad), ("scaled", example(1, 0))]:
        root = write_project(shown, tmp_path / name).resolve()
        (finding,) = lint_paths([root], select_rules([RULE.code])).findings
        assert "the worker still stops the task after" in finding.message
