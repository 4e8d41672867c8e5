"""CEL501: pickle accepted or used as a serializer, in the configuration the app runs with."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the appended line
CELERY_PY = BASE["proj/celery.py"]


def cel501(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL501")


def with_app_line(line: str) -> str:
    return CELERY_PY.replace("app.autodiscover_tasks()", f"{line}\napp.autodiscover_tasks()")


def split(base: str, production: str = "", local: str = "") -> dict[str, str]:
    return {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent") + base,
        "proj/settings/production.py": "from .base import *  # noqa: F403\n\nDEBUG = False\n" + production,
        "proj/settings/local.py": "from .base import *  # noqa: F403\n" + local,
        "manage.py": BASE["manage.py"].replace('"proj.settings"', '"proj.settings.local"'),
        "proj/celery.py": CELERY_PY.replace('"proj.settings"', '"proj.settings.production"'),
    }


@pytest.mark.parametrize(
    "setting",
    [
        'CELERY_ACCEPT_CONTENT = ["json", "pickle"]',
        'CELERY_ACCEPT_CONTENT = ("application/x-python-serialize",)',
        'CELERY_ACCEPT_CONTENT = ["json", env("EXTRA"), "pickle"]',  # the known entry says it
        'CELERY_RESULT_ACCEPT_CONTENT = ["pickle"]',
        'CELERY_TASK_SERIALIZER = "pickle"',
        'CELERY_RESULT_SERIALIZER = "pickle"',
        'CELERY_EVENT_SERIALIZER = "pickle"',
    ],
)
def test_fires_at_the_setting(project, setting):
    assert cel501(project, {"+proj/settings.py": setting + "\n"}) == [("proj/settings.py", LINE, "CEL501")]


def test_fires_once_in_a_base_the_production_settings_import(project):
    base_lines = len(BASE["proj/settings.py"].splitlines())
    files = split('CELERY_ACCEPT_CONTENT = ["pickle"]\n')
    assert cel501(project, files) == [("proj/settings/base.py", base_lines + 1, "CEL501")]


def test_fires_at_an_app_conf_write(project):
    celery_py = with_app_line('app.conf.update(accept_content=["pickle", "json"])')
    line = celery_py.splitlines().index('app.conf.update(accept_content=["pickle", "json"])') + 1
    assert cel501(project, {"proj/celery.py": celery_py}) == [("proj/celery.py", line, "CEL501")]


def test_fires_under_the_old_name_without_a_namespace(project):
    files = {
        "proj/celery.py": CELERY_PY.replace(', namespace="CELERY"', ""),
        "+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["pickle"]\n',  # the Celery 3 name, read without a namespace
    }
    assert cel501(project, files) == [("proj/settings.py", LINE, "CEL501")]


def test_messages(project):
    write_files(project, {"+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["pickle"]\nCELERY_TASK_SERIALIZER = "pickle"\n'})
    accept, serializer = sorted(lint_paths([project], select_rules(["CEL501"])).findings, key=lambda f: f.line)
    assert accept.message.startswith("CELERY_ACCEPT_CONTENT accepts pickle: a worker unpickles every task message")
    assert "anyone who can reach the broker runs code in the worker" in accept.message
    assert serializer.message.startswith("CELERY_TASK_SERIALIZER = 'pickle': the messages are pickled")


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="unset-json-by-default"),
        pytest.param({"+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["json", "msgpack"]\n'}, id="no-pickle"),
        pytest.param({"+proj/settings.py": 'ACCEPT_CONTENT = ["pickle"]\n'}, id="unprefixed-ignored-by-celery"),
        pytest.param({"+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["PICKLE"]\n'}, id="not-a-kombu-name"),
        pytest.param(split("", local='CELERY_ACCEPT_CONTENT = ["pickle"]\n'), id="local-settings"),
        pytest.param({"proj/settings/test.py": 'from proj.settings import *\n\nCELERY_TASK_SERIALIZER = "pickle"\n'},
                     id="test-settings"),
        pytest.param({"tests/conftest.py": 'from proj.celery import app\n\napp.conf.accept_content = ["pickle"]\n'},
                     id="test-module-write"),
        pytest.param({"+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["json"]\n',
                      "proj/celery.py": with_app_line('app.conf.accept_content = ["json"]')}, id="app-conf-json"),
    ],
)
def test_silent(project, files):
    assert cel501(project, files) == []


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": 'import os\nCELERY_ACCEPT_CONTENT = os.environ["ACCEPT"].split(",")\n'},
                     id="environment"),
        pytest.param({"+proj/settings.py": 'import os\nCELERY_TASK_SERIALIZER = os.environ.get("SER", "json")\n'},
                     id="environment-default"),
        pytest.param({"+proj/settings.py": 'import os\nif os.environ.get(\"PICKLE\"):\n    CELERY_TASK_SERIALIZER = "pickle"\n'},
                     id="branch-json-or-pickle"),
        pytest.param({"proj/celery.py": with_app_line("app.conf.update(**OPTIONS)") .replace(
            "app = Celery", "OPTIONS = {}\napp = Celery"), "+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["pickle"]\n'},
            id="hidden-app-write-wins"),
        pytest.param({"proj/celery.py": CELERY_PY.replace('namespace="CELERY"', "namespace=NS"),
                      "+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["pickle"]\n'}, id="unreadable-namespace"),
    ],
)
def test_unknown_is_silent(project, files):
    assert cel501(project, files) == []
