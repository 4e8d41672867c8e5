"""CEL007: a settings or Celery app module the running Python cannot parse."""

from __future__ import annotations

import sys

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.project import Project
from celery_lint.sources import PYTHON
from tests.helpers import lint, write_files

UNCLOSED = "CELERY_BROKER_URL = (\n"  # no Python parses it: the tests hold under every version
NEWER = "type Seconds = int\n"  # Python 3.12 syntax


def messages(root) -> list[str]:
    Project._cache.clear()
    return [f.message for f in lint_paths([root], select_rules(["CEL007"])).findings]


@pytest.mark.parametrize(
    ("files", "what"),
    [
        pytest.param({"+proj/settings.py": UNCLOSED}, "proj/settings.py:33 (the settings module proj.settings)",
                     id="settings"),
        pytest.param({"+proj/celery.py": UNCLOSED}, "proj/celery.py:22 (the Celery app module proj.celery)",
                     id="app-module"),
        pytest.param({"proj/settings/__init__.py": UNCLOSED, "-proj/settings.py": ""},
                     "proj/settings/__init__.py:1 (the settings module proj.settings)", id="settings-package"),
    ],
)
def test_fires_at_the_manage_py_line_naming_the_settings(project, files, what):
    write_files(project, files)
    assert lint(project, "CEL007", errors=True) == [("manage.py", 7, "CEL007")]
    [message] = messages(project)
    assert message.startswith(f"{what} cannot be parsed by Python {PYTHON}: ")
    assert message.endswith("the project may need a newer Python: run celery-lint under the project's Python")


def test_names_requires_python(project):
    write_files(project, {"+proj/settings.py": UNCLOSED})
    (project / "pyproject.toml").write_text('[project]\nname = "proj"\nrequires-python = ">=3.13"\n')
    [message] = messages(project)
    assert "newer Python (requires-python '>=3.13' in pyproject.toml): run celery-lint" in message


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python parses PEP 695 type statements")
def test_newer_syntax(project):
    write_files(project, {"+proj/settings.py": NEWER})
    [message] = messages(project)
    assert message.startswith("proj/settings.py:33 (the settings module proj.settings) cannot be parsed by Python 3.")


def test_without_manage_py_at_the_file_itself(project):
    write_files(project, {"-manage.py": "", "+proj/settings.py": UNCLOSED})
    assert lint(project, "CEL007", errors=True) == [("proj/settings.py", 33, "CEL007")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="canonical"),
        pytest.param({"demoapp/tasks.py": UNCLOSED}, id="a-module-the-analysis-does-not-need"),
        pytest.param({"demoapp/views.py": UNCLOSED}, id="views"),
        pytest.param({"proj/base.py": UNCLOSED, "proj/settings.py": "from .base import *\n"}, id="star-imported"),
    ],
)
def test_silent(project, files):
    write_files(project, files)
    assert lint(project, "CEL007", errors=True) == []


def test_silent_on_a_file_that_cannot_be_decoded(project):
    """Not the parser's verdict: the command's error says why (CEL007 is about syntax)."""
    write_files(project, {})
    (project / "proj" / "settings.py").write_bytes(b"DEBUG = '\xff'\n")
    assert lint(project, "CEL007", errors=True) == []
