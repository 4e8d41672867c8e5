"""CEL006: a celery.py on an import root (beside manage.py, or put first on sys.path) shadows the library."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

BASE_MANAGE = BASE["manage.py"]

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


# -- a directory start-up code puts first on sys.path ---------------------------------------

INSERT_PROJ = 'import sys\nsys.path.insert(0, str(BASE_DIR / "proj"))\n'
EMPTY_INIT = {"proj/__init__.py": ""}  # the app is not imported before the settings run


@pytest.mark.parametrize(
    ("files", "where"),
    [
        pytest.param({**EMPTY_INIT, "+proj/settings.py": INSERT_PROJ}, "proj/celery.py", id="settings-insert-package-dir"),
        pytest.param(
            {**EMPTY_INIT, "+proj/settings.py": 'import sys\nsys.path.insert(1, str(BASE_DIR / "proj"))\n'},
            "proj/celery.py", id="insert-after-script-dir",
        ),
        pytest.param(
            {"+proj/settings.py": 'import sys\nsys.path.insert(0, str(BASE_DIR / "lib"))\n',
             **EMPTY_INIT, "lib/celery/__init__.py": "", "lib/celery/app.py": ""},
            "lib/celery/__init__.py", id="celery-package-in-inserted-dir",
        ),
        pytest.param(
            {"manage.py": BASE_MANAGE.replace("def main():", 'sys.path.insert(0, "proj")\n\n\ndef main():')},
            "proj/celery.py", id="manage-py-inserts-even-with-the-canonical-init",
        ),
        pytest.param(
            {"proj/wsgi.py": 'import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n'},
            "proj/celery.py", id="wsgi-inserts-its-own-directory",
        ),
    ],
)
def test_fires_where_a_directory_is_put_first_on_sys_path(project, files, where):
    write_files(project, files)
    assert lint(project, "CEL006") == [(where, 1, "CEL006")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": INSERT_PROJ}, id="canonical-init-imports-the-library-first"),
        pytest.param({**EMPTY_INIT, "+proj/settings.py": 'import sys\nsys.path.append(str(BASE_DIR / "proj"))\n'},
                     id="appended"),
        pytest.param({**EMPTY_INIT, "+proj/settings.py": 'import sys\nsys.path.insert(5, str(BASE_DIR / "proj"))\n'},
                     id="other-index"),
        pytest.param({**EMPTY_INIT, "+proj/settings.py": 'import os, sys\nsys.path.insert(int(os.environ["I"]), '
                                                         'str(BASE_DIR / "proj"))\n'}, id="unknown-index"),
        pytest.param({**EMPTY_INIT, "+proj/settings.py": 'import os, sys\nsys.path.insert(0, os.environ["APPS"])\n'},
                     id="unknown-directory"),
        pytest.param({**EMPTY_INIT, "+proj/settings.py": 'import sys\nsys.path.insert(0, str(BASE_DIR / "lib"))\n',
                      "lib/celery/tasks.py": "x = 1\n"}, id="namespace-directory-in-inserted-dir"),
        pytest.param({**EMPTY_INIT, "+proj/settings.py": 'import sys\nsys.path.insert(0, str(BASE_DIR / "lib"))\n',
                      "lib/helpers.py": "x = 1\n"}, id="inserted-dir-without-celery"),
        pytest.param({"+proj/settings.py": 'import sys\nsys.path.insert(0, str(BASE_DIR / "apps"))\n',
                      "apps/__init__.py": "", "apps/billing/__init__.py": "", "apps/billing/celery.py": "x = 1\n"},
                     id="celery-py-below-the-inserted-dir"),
    ],
)
def test_silent_where_nothing_comes_first(project, files):
    write_files(project, files)
    assert lint(project, "CEL006") == []


MANAGE_IN_PACKAGE = {
    "proj/manage.py": 'import os, sys\n\nif __name__ == "__main__":\n'
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    "    from django.core.management import execute_from_command_line\n\n"
    "    execute_from_command_line(sys.argv)\n",
    "proj/__init__.py": "",
    "proj/settings.py": "INSTALLED_APPS = []\n",
}


def test_fires_in_the_directory_python_m_proj_manage_runs_from(project):
    """A manage.py inside the package it names runs as `python -m proj.manage` from the
    parent, which is sys.path[0]: a celery.py there shadows the library."""
    write_files(project, {**MANAGE_IN_PACKAGE, "celery.py": "x = 1\n"}, base=False)
    assert lint(project, "CEL006") == [("celery.py", 1, "CEL006")]
    (project / "celery.py").unlink()
    assert lint(project, "CEL006") == []
