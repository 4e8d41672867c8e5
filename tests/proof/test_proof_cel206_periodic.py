"""CEL206 proof, PeriodicTask rows: a data migration writes a django-celery-beat row
whose task names no task (`tasks.add` for `demoapp.tasks.add`); after `migrate`, a
real DatabaseScheduler (sqlite) sends it when it is due, and a real worker (solo
pool, filesystem broker) discards it as an unregistered task. The linter reports
the string in the migration."""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import Example
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run, run_python
from tests.proof.worker import use_filesystem_broker, worker_log

load_rules()
MIGRATION = """\
from django.db import migrations


def add_rows(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every = IntervalSchedule.objects.create(every=1, period="seconds")
    PeriodicTask.objects.get_or_create(name="add-every-second", defaults={"task": "tasks.add", "interval": every})


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0018_improve_crontab_helptext")]
    operations = [migrations.RunPython(add_rows, migrations.RunPython.noop)]
"""
EXAMPLE = Example({
    "+proj/settings.py": 'INSTALLED_APPS += ["django_celery_beat"]\n'
                         'CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"\n',
    "demoapp/migrations/__init__.py": "",
    "demoapp/migrations/0001_periodic_tasks.py": MIGRATION,
})
BEAT = """\
import os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from django_celery_beat.schedulers import DatabaseScheduler
from proj.celery import app

scheduler = DatabaseScheduler(app=app)
deadline = time.monotonic() + 3
while time.monotonic() < deadline:  # beat's loop: the row is due after its first second
    scheduler.tick()
    time.sleep(0.1)
"""


def test_beat_sends_the_row_and_the_worker_discards_it(tmp_path):
    root = write_project(EXAMPLE, tmp_path).resolve()
    migrated = run([PYTHON, "manage.py", "migrate"], root)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    use_filesystem_broker(root)
    sent = run_python(BEAT, root)
    assert sent.returncode == 0, sent.stderr[-2000:]
    log = worker_log(root)
    assert "Received unregistered task of type 'tasks.add'" in log, log[-3000:]
    (finding,) = [f for f in lint_paths([root], select_rules(["CEL206"])).findings if f.code == "CEL206"]
    assert finding.path.name == "0001_periodic_tasks.py"
    assert "beat sends it on every run and the worker rejects it as an unregistered task" in finding.message
    assert "did you mean 'demoapp.tasks.add'?" in finding.message
