"""CEL206 on django-celery-beat PeriodicTask rows written in code and data migrations."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from tests.helpers import lint, write_files

IMPORT = "from django_celery_beat.models import PeriodicTask\n\n\n"
MIGRATION_HEAD = (
    "from django.db import migrations\n\n\n"
    "def add_rows(apps, schema_editor):\n"
    '    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")\n'
)
MIGRATION_TAIL = (
    "\n\nclass Migration(migrations.Migration):\n"
    '    dependencies = [("django_celery_beat", "0018_improve_crontab_helptext")]\n'
    "    operations = [migrations.RunPython(add_rows)]\n"
)


def in_code(call: str) -> dict[str, str]:
    return {"demoapp/schedule.py": IMPORT + f"def install():\n    {call}\n"}


def in_migration(call: str) -> dict[str, str]:
    return {"demoapp/migrations/__init__.py": "", "demoapp/migrations/0001_rows.py": MIGRATION_HEAD + f"    {call}\n" + MIGRATION_TAIL}


def cel206(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return [f for f in lint(project, "CEL206") if f[2] == "CEL206"]


@pytest.mark.parametrize(
    "call",
    [
        'PeriodicTask.objects.create(name="x", task="tasks.add", interval=every)',
        'PeriodicTask.objects.get_or_create(name="x", defaults={"task": "tasks.add"})',
        'PeriodicTask.objects.update_or_create(name="x", defaults=dict(task="demoapp.tasks.ad"))',
        'PeriodicTask(name="x", task="demoapp.task.add").save()',
    ],
)
@pytest.mark.parametrize("where", [in_code, in_migration], ids=["code", "migration"])
def test_fires_on_a_row_naming_no_task(project, call, where):
    files = where(call)
    (path,) = [p for p in files if files[p]]
    line = files[path].splitlines().index(f"    {call}") + 1
    assert cel206(project, files) == [(path, line, "CEL206")]


def test_the_message_says_what_beat_and_the_worker_do(project):
    write_files(project, in_migration('PeriodicTask.objects.create(name="x", task="tasks.add")'))
    (finding,) = [f for f in lint_paths([project], select_rules(["CEL206"])).findings]
    assert finding.message.startswith("periodic task (django-celery-beat PeriodicTask) task 'tasks.add' names no task")
    assert "the worker rejects it as an unregistered task; did you mean 'demoapp.tasks.add'?" in finding.message


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(in_code('PeriodicTask.objects.create(name="x", task="demoapp.tasks.add")'), id="real-name"),
        pytest.param(in_migration('PeriodicTask.objects.get_or_create(name="x", defaults={"task": "demoapp.tasks.mul"})'),
                     id="real-name-migration"),
        pytest.param(in_code('PeriodicTask.objects.create(name="x", task=NAME)'), id="name-in-a-variable"),
        pytest.param(in_code('PeriodicTask.objects.create(name="x", task=f"demoapp.tasks.{op}")'), id="f-string"),
        pytest.param(in_code('PeriodicTask.objects.create(name="x", task="billing.tasks.charge")'),
                     id="another-code-base"),
        pytest.param(in_code('Job.objects.create(name="x", task="tasks.add")'), id="another-model"),
        pytest.param({"demoapp/schedule.py": "from demoapp.models import PeriodicTask\n\n\n"
                      'def install():\n    PeriodicTask.objects.create(name="x", task="tasks.add")\n'},
                     id="a-project-model-of-that-name"),
        pytest.param(in_code('PeriodicTask.objects.filter(task="tasks.add").delete()'), id="a-query"),
        pytest.param({"demoapp/tests/__init__.py": "", "demoapp/tests/test_rows.py": IMPORT
                      + 'def test_x():\n    PeriodicTask.objects.create(name="x", task="tasks.add")\n'}, id="test-module"),
        pytest.param({**in_code('PeriodicTask.objects.create(name="x", task="tasks.add")'),
                      "demoapp/more.py": "from celery import shared_task\n\n\n@shared_task(name=NAME)\ndef f():\n    pass\n"},
                     id="task-names-unknown"),
    ],
)
def test_silent(project, files):
    assert cel206(project, files) == []
