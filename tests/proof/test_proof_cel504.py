"""CEL504 proof: a soft time limit at or above the hard one.

With the bad example (soft 600 s, hard 300 s in the settings), `add.delay()` raises
`ValueError` before anything is sent on Celery 5.7, which copies the settings into
the task's attributes; on 5.3 to 5.6 the task keeps no limits of its own and the call
sends. A task whose own options give the pair is refused from 5.5. With the limits
scaled down so that a real worker reaches them (soft = hard = 1 s), a prefork worker
(in-memory broker, `celery.contrib.testing.worker`) kills the task's process as the
soft limit fires, on every minor: the task's `except SoftTimeLimitExceeded` clean-up
never finishes. With soft 1 s below hard 3 s, the same task cleans up. Each message
is checked against the installed minor's behaviour.
"""

from __future__ import annotations

import celery

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE, write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()

RULE = REGISTRY["CEL504"]
INSTALLED = tuple(int(p) for p in celery.__version__.split(".")[:2])
#: Celery 5.7 copies task_time_limit and task_soft_time_limit into the task (`Task.from_config`)
COPIED = INSTALLED >= (5, 7)
REFUSAL = "ValueError: soft_time_limit must be less than or equal to time_limit"

DELAY = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from demoapp.tasks import add

try:
    add.delay(2, 3)
    outcome = "sent"
except ValueError as exc:
    outcome = f"ValueError: {exc}"
print(json.dumps({"limits": [add.soft_time_limit, add.time_limit], "delay": outcome}))
"""

# a task that hangs, and cleans up (0.3 s) when the soft limit interrupts it, run by a prefork worker
WORKER = """\
import json, os, time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.contrib.testing.worker import start_worker
from celery.exceptions import SoftTimeLimitExceeded

from proj.celery import app


@app.task
def hangs():
    try:
        time.sleep(30)
    except SoftTimeLimitExceeded:
        time.sleep(0.3)
        open("cleaned-up", "w").close()
        raise


with start_worker(app, pool="prefork", concurrency=1, perform_ping_check=False, shutdown_timeout=60) as worker:
    hangs.delay()
    deadline = time.monotonic() + {wait}
    while time.monotonic() < deadline and not os.path.exists("cleaned-up"):
        time.sleep(0.1)
    time.sleep(0.5)  # the task re-raises after its clean-up, and its job ends
    pool = worker.pool._pool
    print(json.dumps({{
        "limits": [hangs.soft_time_limit, hangs.time_limit],
        "pool_limits": [pool.soft_timeout, pool.timeout],
        "cleaned_up": os.path.exists("cleaned-up"),
        "still_running": len(pool._cache),
    }}), flush=True)
    for process in pool._pool:  # a hung task would hold the worker's shutdown: end it here
        os.kill(process.pid, 9)
    os._exit(0)
"""


def limits(soft: float, hard: float) -> Example:
    return Example({"+proj/settings.py": f"CELERY_TASK_TIME_LIMIT = {hard}\nCELERY_TASK_SOFT_TIME_LIMIT = {soft}\n"})


def own_limits(soft: float, hard: float) -> Example:
    """The canonical project whose task `add` gives the pair itself."""
    tasks = BASE["demoapp/tasks.py"].replace(
        "@shared_task\ndef add", f"@shared_task(soft_time_limit={soft}, time_limit={hard})\ndef add", 1)
    return Example({"demoapp/tasks.py": tasks})


def test_bad_example_delay_raises_from_celery_5_7(tmp_path):
    assert probe(RULE.bad, tmp_path, DELAY) == (
        {"limits": [600, 300], "delay": REFUSAL} if COPIED else {"limits": [None, None], "delay": "sent"}
    )


def test_a_tasks_own_pair_is_refused_from_celery_5_5(tmp_path):
    assert probe(own_limits(600, 300), tmp_path, DELAY) == {
        "limits": [600, 300], "delay": REFUSAL if INSTALLED >= (5, 5) else "sent",
    }


def test_good_example_delay_sends(tmp_path):
    assert probe(RULE.good, tmp_path, DELAY) == {"limits": [240, 300] if COPIED else [None, None], "delay": "sent"}


def test_equal_limits_the_worker_kills_the_task_before_it_cleans_up(tmp_path):
    assert probe(limits(1, 1), tmp_path, WORKER.format(wait=4)) == {
        "limits": [1, 1] if COPIED else [None, None], "pool_limits": [1, 1], "cleaned_up": False, "still_running": 0,
    }


def test_soft_below_hard_the_task_cleans_up(tmp_path):
    assert probe(limits(1, 3), tmp_path, WORKER.format(wait=4)) == {
        "limits": [1, 3] if COPIED else [None, None], "pool_limits": [1, 3], "cleaned_up": True, "still_running": 0,
    }


KILLED = ("the worker's hard limit kills the process as SoftTimeLimitExceeded is raised, so the task never gets "
          "the soft limit's time to clean up")


def test_messages_say_what_the_installed_celery_does(tmp_path):
    """Each message, linted against the installed Celery (the example pins none), says
    what the proofs above show that minor doing."""
    refused = f"raises ValueError ('soft_time_limit must be less than or equal to time_limit') on Celery {celery.__version__}"
    for name, example, says, not_says in [
        ("bad", RULE.bad, refused if COPIED else KILLED, KILLED if COPIED else "ValueError"),
        ("own", own_limits(600, 300), refused if INSTALLED >= (5, 5) else KILLED,
         KILLED if INSTALLED >= (5, 5) else "ValueError"),
        ("equal", limits(1, 1), KILLED, "ValueError"),
    ]:
        root = write_project(example, tmp_path / name).resolve()
        (finding,) = lint_paths([root], select_rules([RULE.code])).findings
        assert says in finding.message, name
        assert not_says not in finding.message, name
