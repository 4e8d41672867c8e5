"""CEL401: CELERY_TASK_ALWAYS_EAGER = True in the settings the web server runs."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from celery_lint.rules.cel401 import named_for_tests_or_development
from tests.helpers import lint, write_files

EAGER = "CELERY_TASK_ALWAYS_EAGER = True\n"
SETTINGS_LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the appended line
WSGI = 'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{}")\n\napplication = get_wsgi_application()\n'
MANAGE = BASE["manage.py"]


def cel401(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL401")


def split_settings(module_words: str, eager_in: str = "production", wsgi: str | None = None) -> dict[str, str]:
    """proj/settings/{base,production,<module_words>}.py, wsgi naming production (or `wsgi`)."""
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent"),
        "proj/settings/production.py": "from .base import *  # noqa: F403\n\nDEBUG = False\n",
        f"proj/settings/{module_words}.py": "from .base import *  # noqa: F403\n",
        "proj/wsgi.py": WSGI.format(wsgi or "proj.settings.production"),
        "manage.py": MANAGE.replace('"proj.settings"', f'"proj.settings.{module_words}"'),
        "proj/celery.py": BASE["proj/celery.py"].replace('"proj.settings"', '"proj.settings.production"'),
    }
    files[f"proj/settings/{eager_in}.py"] += EAGER
    return files


def test_fires_in_the_settings_wsgi_names(project):
    assert cel401(project, {"proj/wsgi.py": WSGI.format("proj.settings"), "+proj/settings.py": EAGER}) == [
        ("proj/settings.py", SETTINGS_LINE, "CEL401")
    ]


def test_fires_for_asgi_and_the_old_name_without_namespace(project):
    files = {
        "proj/asgi.py": WSGI.format("proj.settings").replace("wsgi", "asgi"),
        "+proj/settings.py": "CELERY_ALWAYS_EAGER = True\n",
        "proj/celery.py": BASE["proj/celery.py"].replace(', namespace="CELERY"', ""),
    }
    assert cel401(project, files) == [("proj/settings.py", SETTINGS_LINE, "CEL401")]


def test_fires_in_production_settings(project):
    assert cel401(project, split_settings("local")) == [("proj/settings/production.py", 4, "CEL401")]


def test_fires_in_the_base_the_production_settings_import(project):
    base_lines = len(BASE["proj/settings.py"].splitlines())
    assert cel401(project, split_settings("local", eager_in="base")) == [
        ("proj/settings/base.py", base_lines + 1, "CEL401")
    ]


def test_fires_at_an_app_conf_write(project):
    celery_py = BASE["proj/celery.py"].replace("app.autodiscover_tasks()", "app.conf.task_always_eager = True\napp.autodiscover_tasks()")
    line = celery_py.splitlines().index("app.conf.task_always_eager = True") + 1
    assert cel401(project, {"proj/wsgi.py": WSGI.format("proj.settings"), "proj/celery.py": celery_py}) == [
        ("proj/celery.py", line, "CEL401")
    ]


def test_message(project):
    write_files(project, {"proj/wsgi.py": WSGI.format("proj.settings"), "+proj/settings.py": EAGER})
    (finding,) = lint_paths([project], select_rules(["CEL401"])).findings
    assert finding.message.startswith("CELERY_TASK_ALWAYS_EAGER = True in settings the web server runs (proj.settings")
    assert "runs the task inline" in finding.message


@pytest.mark.parametrize(
    "module",
    ["proj.settings.test", "proj.test_settings", "proj.settings_ci", "config.settings.testing", "proj.settings.local",
     "proj.settings.dev", "proj.settings.development", "proj.settings_pytest"],
)
def test_test_and_development_names(module):
    assert named_for_tests_or_development(module)


@pytest.mark.parametrize("module", ["proj.settings", "config.settings.production", "contest.settings", "proj.settings.staging"])
def test_other_names(module):
    assert not named_for_tests_or_development(module)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": EAGER}, id="no-wsgi-cannot-tell-what-is-deployed"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings")}, id="not-eager"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings"), "+proj/settings.py": "CELERY_TASK_ALWAYS_EAGER = False\n"},
                     id="false"),
        pytest.param(split_settings("test", eager_in="test"), id="test-settings"),
        pytest.param(split_settings("local", eager_in="local"), id="local-settings"),
        pytest.param(split_settings("local", wsgi="proj.settings.local", eager_in="local"), id="wsgi-names-local"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings"), "+proj/settings.py": EAGER,
                      "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings\n"}, id="same-settings-serve-pytest"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings"), "+proj/settings.py": EAGER,
                      "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--ds=proj.settings"\n'}, id="pytest-ds-option"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings"), "+proj/settings.py": EAGER,
                      "conftest.py": 'import os\n\nos.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"\n'},
                     id="named-by-conftest"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings"), "proj/local_settings.py": EAGER,
                      "+proj/settings.py": "from .local_settings import *  # noqa: F403\n"},
                     id="from-a-developers-local-settings"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings"),
                      "tests/conftest.py": "from proj.celery import app\n\napp.conf.task_always_eager = True\n"},
                     id="eager-in-a-conftest"),
        pytest.param({"proj/wsgi.py": WSGI.format("proj.settings"), "+proj/settings.py": EAGER,
                      "proj/celery.py": BASE["proj/celery.py"].replace('namespace="CELERY"', 'namespace="OTHER"')},
                     id="other-namespace-reads-other-names"),
    ],
)
def test_silent(project, files):
    assert cel401(project, files) == []


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param("CELERY_TASK_ALWAYS_EAGER = DEBUG\n", id="follows-debug-unknown"),
        pytest.param('import os\nCELERY_TASK_ALWAYS_EAGER = os.environ.get("EAGER") == "1"\n', id="env"),
        pytest.param('import sys\nif "test" in sys.argv:\n    CELERY_TASK_ALWAYS_EAGER = True\n', id="test-argv-branch"),
        pytest.param("import os\nCELERY_TASK_ALWAYS_EAGER = True if os.environ.get('CI') else False\n", id="conditional"),
    ],
)
def test_unknown_is_silent(project, extra):
    settings = BASE["proj/settings.py"].replace("DEBUG = True", "import os\nDEBUG = bool(os.environ.get('DEBUG'))")
    assert cel401(project, {"proj/wsgi.py": WSGI.format("proj.settings"), "proj/settings.py": settings + extra}) == []
