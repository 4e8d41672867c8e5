"""Static analysis never runs the project's code. Every module of this project, if
imported, records its name in a marker file and exits the process: the settings,
the Celery app module, the tasks, manage.py, conftest.py, each package __init__, a
`celery.py` at the root (it shadows the library for code run from there) and a
`django/` package at the root. The command and flake8 lint it from its own
directory (where Python puts the working directory on sys.path) and the marker
file never appears."""

from __future__ import annotations

from pathlib import Path

import pytest

from celery_lint.examples import BASE
from tests.helpers import BIN, PYTHON, run, write_files

TRAP = """\
import sys as _sys
with open({marker!r}, "a") as _marker:
    _marker.write(__name__ + "\\n")
_sys.exit("imported " + __name__)
"""
EXTRA = {
    "conftest.py": "",
    "celery.py": "",  # at the root: `import celery` run from here would import this
    "django/__init__.py": "",
    "django/conf/__init__.py": "settings = None\n",
    "demoapp/apps.py": "from django.apps import AppConfig\n\n\nclass DemoappConfig(AppConfig):\n    name = 'demoapp'\n",
}


def write_trapped(root: Path) -> Path:
    """The trapped project at `root`; returns the marker file's path."""
    marker = root.parent / "imported.txt"
    trap = TRAP.format(marker=str(marker))
    files = {path: trap + text for path, text in {**BASE, **EXTRA}.items()}
    files["proj/settings.py"] += "TASK_ALWAYS_EAGER = True\n"  # one finding, so the analysis ran
    write_files(root, files, base=False)
    return marker


@pytest.fixture(scope="module")
def trapped(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("never-executes") / "project"
    return root, write_trapped(root)


def test_the_traps_work(tmp_path):
    """Importing any module of the project does write the marker and exit."""
    marker = write_trapped(tmp_path / "project")
    result = run([PYTHON, "-c", "import demoapp.tasks"], tmp_path / "project")
    assert result.returncode == 1 and "imported demoapp" in result.stderr
    assert marker.read_text() == "demoapp\n"  # the package __init__ ran first, and stopped it


COMMANDS = {
    "celery-lint": [str(BIN / "celery-lint"), "."],
    "python -m celery_lint": [PYTHON, "-m", "celery_lint", "."],
    "flake8": [str(BIN / "flake8"), "--select=CEL", "."],
    "flake8 --jobs=1": [str(BIN / "flake8"), "--select=CEL", "--jobs=1", "."],
    "python -m flake8": [PYTHON, "-m", "flake8", "--select=CEL", "."],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_linting_imports_nothing_of_the_project(trapped, name):
    root, marker = trapped
    result = run(COMMANDS[name], root)
    assert not marker.exists(), f"{name} imported: {marker.read_text()}"
    assert "imported " not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "CEL101" in result.stdout  # the trap modules were read, and analysed
