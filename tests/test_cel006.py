"""CEL006: a celery.py beside manage.py shadows the celery library."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from tests.helpers import lint, write_files

APP_MODULE = """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""


@pytest.mark.parametrize(
    ("files", "where"),
    [
        pytest.param({"celery.py": "from proj.celery import app  # noqa: F401\n"}, "celery.py", id="re-export"),
        pytest.param(
            {"celery.py": APP_MODULE, "-proj/celery.py": "", "proj/__init__.py": "from celery import app\n"},
            "celery.py",
            id="app-module-at-root",
        ),
        pytest.param({"celery.py": ""}, "celery.py", id="empty-file"),
        pytest.param({"celery/__init__.py": "", "celery/beat.py": ""}, "celery/__init__.py", id="package"),
        pytest.param({"celery.py": "", "__init__.py": ""}, "celery.py", id="manage-inside-a-package"),
    ],
)
def test_fires_at_line_1(project, files, where):
    write_files(project, files)
    assert lint(project, "CEL006") == [(where, 1, "CEL006")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="canonical"),
        pytest.param({"proj/celery.py": APP_MODULE}, id="app-module-in-package"),
        pytest.param({"celery/tasks.py": "x = 1\n"}, id="namespace-directory"),
        pytest.param({"scripts/celery.py": "print('hi')\n"}, id="other-directory"),
        pytest.param({"demoapp/celery.py": "x = 1\n"}, id="inside-an-app"),
        pytest.param({"celery_app.py": APP_MODULE}, id="other-name"),
        pytest.param({"celeryconfig.py": "broker_url = 'memory://'\n"}, id="celeryconfig"),
        pytest.param({"celery.txt": "notes\n"}, id="not-python"),
    ],
)
def test_silent(project, files):
    write_files(project, files)
    assert lint(project, "CEL006") == []


def test_no_manage_py_is_unknown(project):
    """Without manage.py, where the code runs from (hence what shadows) is unknown."""
    write_files(project, {"celery.py": "from proj.celery import app\n", "proj/__init__.py": ""}, base=False)
    assert lint(project, "CEL006") == []


def test_reported_once_per_file_with_several_linted_paths(project):
    write_files(project, {"celery.py": ""})
    report = lint_paths([project, project / "celery.py"], select_rules(["CEL006"]))
    assert [(f.path.name, f.line) for f in report.findings] == [("celery.py", 1)]
