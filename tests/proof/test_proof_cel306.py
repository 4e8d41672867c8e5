"""CEL306 proof: without result_extended, django-celery-results stores a bare result.

A real task run in eager mode with `task_store_eager_result` stores its result through
the django-db backend into a migrated sqlite database, as a worker would: with the bad
example the TaskResult row has no task name, arguments or worker, and a failure no
traceback; with CELERY_RESULT_EXTENDED = True it has them.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL306"]
STORED = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "django_celery_results", verbosity=0)
from proj.celery import app
app.conf.task_always_eager = True
app.conf.task_store_eager_result = True
from demoapp.tasks import add
from django_celery_results.models import TaskResult

done = add.apply_async((2, 3))
failed = add.apply_async((2, None))
row, broken = TaskResult.objects.get(task_id=done.id), TaskResult.objects.get(task_id=failed.id)
print(json.dumps({"status": [row.status, broken.status], "task_name": row.task_name, "task_args": row.task_args,
                  "worker": row.worker, "traceback": bool(broken.traceback)}))
"""


def test_results_are_stored_without_name_arguments_or_traceback(tmp_path):
    bad = probe(RULE.bad, tmp_path / "bad", STORED)
    assert bad == {"status": ["SUCCESS", "FAILURE"], "task_name": None, "task_args": None, "worker": None,
                   "traceback": False}
    good = probe(RULE.good, tmp_path / "good", STORED)
    assert good["task_name"] == "demoapp.tasks.add" and good["task_args"] and good["traceback"] is True
    (finding,) = lint_paths([write_project(RULE.bad, tmp_path / "lint")], select_rules(["CEL306"])).findings
    assert "without its task name, arguments, worker or traceback" in finding.message
