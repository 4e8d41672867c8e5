"""The django.tasks rules (CEL212, CEL213, CEL308) and the Celery-backend shapes of
CEL004, CEL204 and CEL205 through the real `celery-lint` command and real flake8:
violating, clean and unknown minimal projects, side by side in one directory, give in
both exactly the findings the engine gives (`manage.py check`, live and static, is in
tests/proof/test_proof_django_tasks.py: it needs Django 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.e2e import parse_findings
from tests.helpers import BIN, lint, run
from tests.test_django_tasks import ATOMIC, CELERY_BACKEND, JOBS, TASKS

load_rules()
UNREADABLE = "import os\nTASKS = os.environ['TASKS']\n"
PROJECTS: dict[str, tuple[str, Example]] = {
    "cel212-bad": ("CEL212", REGISTRY["CEL212"].bad),
    "cel212-good": ("CEL212", REGISTRY["CEL212"].good),
    "cel212-unknown": ("CEL212", Example({"demoapp/tasks.py": TASKS, "+proj/settings.py": UNREADABLE,
                                          "demoapp/views.py": "from demoapp.tasks import report\n\n\n"
                                          "def go(request, task):\n    task.delay(1)\n    report.delay(1)\n"})),
    "cel213-bad": ("CEL213", REGISTRY["CEL213"].bad),
    "cel213-good": ("CEL213", REGISTRY["CEL213"].good),
    "cel213-unknown": ("CEL213", Example({**REGISTRY["CEL213"].bad.files, "+proj/settings.py": UNREADABLE})),
    "cel308-bad": ("CEL308", REGISTRY["CEL308"].bad),
    "cel308-good": ("CEL308", REGISTRY["CEL308"].good),
    "cel308-unknown": ("CEL308", Example({**REGISTRY["CEL308"].bad.files, "+proj/settings.py": UNREADABLE})),
    "cel204-celery": ("CEL204", Example({"demoapp/tasks.py": TASKS, "demoapp/views.py": ATOMIC,
                                         "+proj/settings.py": CELERY_BACKEND})),
    "cel204-immediate": ("CEL204", Example({"demoapp/tasks.py": TASKS, "demoapp/views.py": ATOMIC})),
    "cel204-unknown": ("CEL204", Example({"demoapp/tasks.py": TASKS, "demoapp/views.py": ATOMIC,
                                          "+proj/settings.py": UNREADABLE})),
    "cel205-celery": ("CEL205", Example({"demoapp/jobs.py": JOBS, "+proj/settings.py": CELERY_BACKEND})),
    "cel205-imported": ("CEL205", Example({"demoapp/jobs.py": JOBS, "+proj/settings.py": CELERY_BACKEND
                                           + 'CELERY_IMPORTS = ["demoapp.jobs"]\n'})),
    "cel205-unknown": ("CEL205", Example({"demoapp/jobs.py": JOBS, "+proj/settings.py": UNREADABLE})),
    "cel004-celery": ("CEL004", Example({"proj/__init__.py": "", "demoapp/tasks.py": JOBS,
                                         "+proj/settings.py": CELERY_BACKEND})),
    "cel004-app-given": ("CEL004", Example({"proj/__init__.py": "", "demoapp/tasks.py": JOBS, "+proj/settings.py":
                                            CELERY_BACKEND.replace('CeleryBackend"', 'CeleryBackend", "OPTIONS": '
                                                                   '{"CELERY_APP": "proj.celery.app"}')})),
    "cel004-unknown": ("CEL004", Example({"proj/__init__.py": "", "demoapp/tasks.py": JOBS,
                                          "+proj/settings.py": UNREADABLE})),
}
CODES = ("CEL004", "CEL204", "CEL205", "CEL212", "CEL213", "CEL308")
# the shapes that must report (the others are clean or unknown, and silent)
REPORTING = {"cel212-bad", "cel213-bad", "cel308-bad", "cel204-celery", "cel205-celery", "cel004-celery"}


@pytest.fixture(scope="module")
def top(tmp_path_factory) -> tuple[Path, set[tuple[str, int, str]]]:
    top = tmp_path_factory.mktemp("django-tasks")
    expected: set[tuple[str, int, str]] = set()
    for name, (code, example) in PROJECTS.items():
        root = write_project(example, top / name)
        found = {(f"{name}/{path}", line, c) for path, line, c in lint(root, code)}
        assert bool(found) is (name in REPORTING), (name, found)
        expected |= found
    return top, expected


def _of_own_code(found: list[tuple[str, int, str]]) -> set[tuple[str, int, str]]:
    """The findings of each project's own rule (a shape may trip another rule too)."""
    return {f for f in found if f[2] == PROJECTS[f[0].split("/")[0]][0]}


def test_the_command_reports_what_the_engine_does(top):
    root, expected = top
    result = run([str(BIN / "celery-lint"), "--select", ",".join(CODES), "."], root)
    assert result.returncode in (0, 1), result.stderr
    assert _of_own_code(parse_findings(result.stdout, CODES)) == expected


def test_flake8_reports_what_the_engine_does(top):
    root, expected = top
    result = run([str(BIN / "flake8"), "--select=CEL", "."], root)
    assert result.returncode in (0, 1), result.stderr
    assert _of_own_code(parse_findings(result.stdout, CODES)) == expected
