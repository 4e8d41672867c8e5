"""CEL511: CELERY_RESULT_EXPIRES = None or 0 with a database or cache result backend."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from celery_lint.rules.cel511 import backend_kind
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the first appended line


def cel511(project, settings: str, files: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    write_files(project, {"+proj/settings.py": settings, **(files or {})})
    return lint(project, "CEL511")


@pytest.mark.parametrize("settings", [
    "CELERY_RESULT_EXPIRES = None\n",
    "CELERY_RESULT_EXPIRES = 0\n",
    "CELERY_RESULT_EXPIRES = None\nCELERY_RESULT_BACKEND = 'db+postgresql://db/results'\n",
    "CELERY_RESULT_EXPIRES = None\nCELERY_RESULT_BACKEND = 'django-cache'\n",
])
def test_fires_at_result_expires(project, settings):
    assert cel511(project, settings) == [("proj/settings.py", LINE, "CEL511")]


def test_fires_at_an_app_conf_write(project):
    celery_py = BASE["proj/celery.py"].replace("app.autodiscover_tasks()", "app.conf.result_expires = None\napp.autodiscover_tasks()")
    line = celery_py.splitlines().index("app.conf.result_expires = None") + 1
    assert cel511(project, "", {"proj/celery.py": celery_py}) == [("proj/celery.py", line, "CEL511")]


def test_message(project):
    cel511(project, "CELERY_RESULT_EXPIRES = None\n")
    (finding,) = lint_paths([project], select_rules(["CEL511"])).findings
    assert finding.message.startswith("CELERY_RESULT_EXPIRES = None with the 'django-db' result backend: results are never deleted")
    assert "the result table grows with every task" in finding.message


@pytest.mark.parametrize("settings", [
    pytest.param("", id="unset-one-day"),
    pytest.param("CELERY_RESULT_EXPIRES = 3600\n", id="an-hour"),
    pytest.param("CELERY_RESULT_EXPIRES = None\nCELERY_RESULT_BACKEND = 'redis://r:6379/1'\n", id="redis"),
    pytest.param("CELERY_RESULT_EXPIRES = None\nCELERY_TASK_IGNORE_RESULT = True\n", id="results-ignored"),
    pytest.param("RESULT_EXPIRES = None\n", id="unprefixed-ignored"),
])
def test_silent(project, settings):
    assert cel511(project, settings) == []


@pytest.mark.parametrize("settings", [
    'import os\nCELERY_RESULT_EXPIRES = os.environ.get("EXPIRES")\n',
    'import os\nCELERY_RESULT_EXPIRES = None\nCELERY_RESULT_BACKEND = os.environ["RESULTS"]\n',
    'import os\nCELERY_RESULT_EXPIRES = None\nCELERY_TASK_IGNORE_RESULT = bool(os.environ.get("IGNORE"))\n',
])
def test_unknown_is_silent(project, settings):
    assert cel511(project, settings) == []


@pytest.mark.parametrize(("backend", "kind"), [
    ("django-db", "database"), ("db+sqlite:///r.db", "database"), ("django-cache", "cache"),
    ("cache+memcached://m:11211/", "cache"), ("redis://r", None), ("rpc://", None), (None, None),
])
def test_backend_kind(backend, kind):
    assert backend_kind(backend) == kind
