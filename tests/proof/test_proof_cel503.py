"""CEL503 proof: with no time limit anywhere, nothing stops a task that hangs.

The bad example (the canonical project: no limit set) runs a task that hangs under
a prefork worker (in-memory broker): the task and the worker's pool have no limit,
and after the wait the task still holds the worker's only process. With limits set
(scaled down to 1 s soft, 2 s hard so the worker reaches them), the soft limit
interrupts the same task and it cleans up. The same on every minor from 5.3 to 5.7:
the worker hands the settings' limits to its pool; only 5.7 also copies them into
the task's attributes.
"""

from __future__ import annotations


from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe
from tests.proof.test_proof_cel504 import COPIED, WORKER, limits

load_rules()

RULE = REGISTRY["CEL503"]


def test_bad_example_a_hung_task_keeps_its_process(tmp_path):
    assert probe(RULE.bad, tmp_path, WORKER.format(wait=3)) == {
        "limits": [None, None], "pool_limits": [None, None], "cleaned_up": False, "still_running": 1,
    }


def test_with_limits_the_hung_task_is_interrupted(tmp_path):
    assert probe(limits(1, 2), tmp_path, WORKER.format(wait=4)) == {
        "limits": [1, 2] if COPIED else [None, None], "pool_limits": [1, 2], "cleaned_up": True, "still_running": 0,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code], extend_select=[RULE.code])).findings
    assert "holds its worker process until the worker is restarted" in finding.message
