"""CEL307 through the real `manage.py check --database default` on a migrated sqlite database."""

from __future__ import annotations

import json

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run

load_rules()
RULE = REGISTRY["CEL307"]


def rows(*tasks: tuple[str, str, bool]) -> str:
    fixture = [{"model": "django_celery_beat.intervalschedule", "pk": 1, "fields": {"every": 10, "period": "seconds"}}]
    for pk, (name, task, enabled) in enumerate(tasks, 1):
        fixture.append({"model": "django_celery_beat.periodictask", "pk": pk, "fields": {
            "name": name, "task": task, "interval": 1, "enabled": enabled, "date_changed": "2026-01-01T00:00:00Z"}})
    return json.dumps(fixture)


def checked(tmp_path, fixture: str, *command: str) -> str:
    files = {**RULE.bad.files, "demoapp/fixtures/schedule.json": fixture}
    root = write_project(Example(files), tmp_path)
    for step in ("migrate", "loaddata schedule"):
        assert run([PYTHON, "manage.py", *step.split()], root).returncode == 0
    result = run([PYTHON, "manage.py", *(command or ("check", "--database", "default"))], root)
    return result.stdout + result.stderr


def test_only_the_projects_stale_enabled_rows(tmp_path):
    output = checked(tmp_path, rows(
        ("stale", "demoapp.tasks.total", True),       # a module of the project, no such task
        ("typo", "demoapp.tasks.xsun", True),         # close to demoapp.tasks.xsum
        ("off", "demoapp.tasks.gone", False),         # disabled
        ("other service", "billing.tasks.charge", True),  # not the project's
        ("fine", "demoapp.tasks.add", True),
        ("builtin", "celery.backend_cleanup", True),
    ))
    assert "Traceback" not in output, output
    assert output.count("(celery_lint.E307)") == 2, output
    assert "periodic task 'stale' (enabled, database 'default') sends 'demoapp.tasks.total'" in output
    assert "Point it at 'demoapp.tasks.xsum'" in output
    for silent in ("'off'", "'other service'", "'fine'", "'builtin'"):
        assert f"periodic task {silent}" not in output


def test_silent_without_a_database_and_never_blocks_migrate(tmp_path):
    fixture = rows(("stale", "demoapp.tasks.total", True))
    assert "E307" not in checked(tmp_path / "plain", fixture, "check")
    migrate = checked(tmp_path / "migrate", fixture, "migrate")
    assert "E307" not in migrate and "Traceback" not in migrate
