"""CEL202 (opt-in): a reusable app's tasks import the project's Celery app."""

from __future__ import annotations

import pytest

from celery_lint.engine import select_rules
from tests.helpers import lint, write_files

APP_TASK = "from proj.celery import app\n\n\n@app.task\ndef add(x, y):\n    return x + y\n"


def cel202(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return [f for f in lint(project, "CEL202") if f[2] == "CEL202"]


def test_off_by_default_and_enabled_by_a_specific_prefix():
    assert "CEL202" not in [r.code for r in select_rules()]
    assert "CEL202" not in [r.code for r in select_rules(["CEL"])]
    assert "CEL202" in [r.code for r in select_rules(["CEL2"])]
    assert "CEL202" in [r.code for r in select_rules(["CEL202"])]
    assert "CEL202" in [r.code for r in select_rules([], extend_select=["CEL202"])]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"demoapp/tasks.py": APP_TASK}, [("demoapp/tasks.py", 1)], id="from-app-module"),
        pytest.param(
            {"demoapp/tasks.py": APP_TASK.replace("from proj.celery import app", "from proj import celery_app as app")},
            [("demoapp/tasks.py", 1)],
            id="re-exported-app",
        ),
        pytest.param(
            {"demoapp/tasks.py": "import proj.celery\n\n\n@proj.celery.app.task(bind=True)\ndef add(self, x):\n"
                                 "    return x\n"},
            [("demoapp/tasks.py", 1)],
            id="import-module",
        ),
        pytest.param(
            {"demoapp/tasks.py": "from celery import shared_task\n\nfrom proj.celery import app\n\n"
                                 "task = app.task\n\n\n@task\ndef add(x, y):\n    return x + y\n"},
            [("demoapp/tasks.py", 3)],
            id="alias-of-task-decorator",
        ),
        pytest.param(
            {"demoapp/jobs.py": APP_TASK, "+proj/settings.py": 'CELERY_IMPORTS = ["demoapp.jobs"]\n'},
            [("demoapp/jobs.py", 1)],
            id="other-module-of-the-app",
        ),
        pytest.param(
            {"demoapp/tasks.py": APP_TASK + "\n\n@app.task\ndef mul(x, y):\n    return x * y\n"},
            [("demoapp/tasks.py", 1)],
            id="one-finding-per-import",
        ),
    ],
)
def test_fires(project, files, expected):
    assert cel202(project, files) == [(path, line, "CEL202") for path, line in expected]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="canonical-shared-task"),
        pytest.param(
            {"proj/reports/__init__.py": "", "proj/reports/tasks.py": APP_TASK,
             "+proj/settings.py": 'INSTALLED_APPS += ["proj.reports"]\n'},
            id="app-inside-project-package",
        ),
        pytest.param(
            {"demoapp/views.py": "from proj.celery import app\n\n\ndef view(request):\n    app.send_task('x')\n"},
            id="imports-app-for-send-task",
        ),
        pytest.param({"otherapp/__init__.py": "", "otherapp/tasks.py": APP_TASK}, id="not-installed"),
        pytest.param(
            {"demoapp/tasks.py": "from celery import current_app\n\n\n@current_app.task\ndef add(x, y):\n"
                                 "    return x + y\n"},
            id="current-app",
        ),
        pytest.param({"demoapp/tests.py": APP_TASK}, id="test-module"),
        pytest.param(
            {"demoapp/tasks.py": "from celery import Celery\n\nlocal = Celery('demoapp')\n\n\n@local.task\n"
                                 "def add(x, y):\n    return x + y\n"},
            id="own-app-not-the-project-app",
        ),
    ],
)
def test_silent(project, files):
    assert cel202(project, files) == []


def test_unknown_installed_apps_is_silent(project):
    files = {"demoapp/tasks.py": APP_TASK, "+proj/settings.py": "import os\nINSTALLED_APPS = os.environ['APPS'].split()\n"}
    assert cel202(project, files) == []
