"""CEL307 proof: the task name a stale periodic-task row holds is what beat sends, and a
real worker (solo pool, filesystem broker) discards it as an unregistered task."""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run, run_python
from tests.proof.worker import use_filesystem_broker, worker_log

load_rules()
RULE = REGISTRY["CEL307"]
SEND_LIKE_BEAT = """\
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from django_celery_beat.models import PeriodicTask
from proj.celery import app

for row in PeriodicTask.objects.filter(enabled=True):
    app.send_task(row.task)  # what beat's DatabaseScheduler does when the entry is due
"""


def test_the_worker_discards_what_beat_sends(tmp_path):
    root = write_project(RULE.bad, tmp_path)
    for step in RULE.bad.setup:
        assert run([PYTHON, "manage.py", *step.split()], root).returncode == 0
    use_filesystem_broker(root)
    sent = run_python(SEND_LIKE_BEAT, root)
    assert sent.returncode == 0, sent.stderr[-2000:]
    log = worker_log(root)
    assert "Received unregistered task of type 'demoapp.tasks.total'" in log, log[-3000:]
    assert "The message has been ignored and discarded" in log
    check = run([PYTHON, "manage.py", "check", "--database", "default"], root)
    assert "the worker discards each message as an unregistered task" in check.stdout + check.stderr
