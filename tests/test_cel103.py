"""CEL103: a lowercase Celery setting in a Django settings module."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

FIRST = BASE["proj/settings.py"].count("\n") + 2
CELERY_PY = (
    'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    'app = Celery("proj")\n'
)


def cel103(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL103")


@pytest.mark.parametrize(
    ("appended", "suggested"),
    [
        pytest.param("broker_url = 'redis://localhost'\n", "CELERY_BROKER_URL", id="new-name"),
        pytest.param("celery_broker_url = 'redis://localhost'\n", "CELERY_BROKER_URL", id="prefixed-lowercase"),
        pytest.param("task_always_eager = True\n", "CELERY_TASK_ALWAYS_EAGER", id="task-group"),
        pytest.param("broker_transport_options = {'visibility_timeout': 60}\n", "CELERY_BROKER_TRANSPORT_OPTIONS",
                     id="transport-options"),
        pytest.param("celeryd_concurrency = 4\n", "CELERY_WORKER_CONCURRENCY", id="old-name-lowercase"),
        pytest.param("celery_timezone = 'Europe/Paris'\n", "CELERY_TIMEZONE", id="prefixed-generic-key"),
        pytest.param("beat_schedule: dict = {}\n", "CELERY_BEAT_SCHEDULE", id="annotated"),
    ],
)
def test_fires_and_suggests_the_uppercase_name(project, appended, suggested):
    write_files(project, {"+proj/settings.py": appended})
    (finding,) = lint_paths([project], select_rules(["CEL103"])).findings
    assert (finding.path.name, finding.line, finding.code) == ("settings.py", FIRST, "CEL103")
    assert "Django settings only expose UPPERCASE names" in finding.message
    assert finding.message.endswith(f"use {suggested}")


def test_fires_under_if_and_in_star_imported_modules(project):
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "from .base import *  # noqa: F403\n\nif DEBUG:\n    task_always_eager = True\n",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent")
        + "result_expires = 3600\n",
    }
    base_line = files["proj/settings/base.py"].count("\n")
    assert cel103(project, files) == [
        ("proj/settings/__init__.py", 4, "CEL103"),
        ("proj/settings/base.py", base_line, "CEL103"),
    ]


@pytest.mark.parametrize(
    "appended",
    [
        pytest.param("base_dir = BASE_DIR\nhelpers = []\n", id="not-celery-names"),
        pytest.param("timezone = 'UTC'\nimports = []\ninclude = []\n", id="generic-words"),
        pytest.param("import os\n\ndatabase_url = os.environ.get('DATABASE_URL')\nredis_host = 'localhost'\n",
                     id="helpers-named-like-backend-keys"),
        pytest.param("broker_url = 'redis://localhost'\nCELERY_BROKER_URL = broker_url\n", id="helper-read-in-settings"),
        pytest.param("result_backend = 'django-db'\nCELERY_RESULT_BACKEND = f'{result_backend}'\n", id="read-in-fstring"),
        pytest.param("def task_routes():\n    broker_url = 'x'\n    return broker_url\n", id="function"),
        pytest.param("from celery.schedules import crontab as beat_schedule\n", id="import"),
        pytest.param("for worker_concurrency in range(2):\n    pass\n", id="loop-variable"),
        pytest.param("CELERY_BROKER_URL = 'redis://'\n", id="uppercase"),
        pytest.param("import os\n\nCELERY_BROKER_URL = os.environ.get('BROKER')\nCELERY_TASK_ALWAYS_EAGER = env('E')\n",
                     id="env-driven-values"),
    ],
)
def test_silent(project, appended):
    assert cel103(project, {"+proj/settings.py": appended}) == []


def test_silent_outside_settings_modules(project):
    files = {"proj/celeryconfig.py": "broker_url = 'redis://'\ntask_always_eager = True\n"}
    assert cel103(project, files) == []


@pytest.mark.parametrize(
    "config",
    [
        pytest.param('app.config_from_object("django.conf:settings", namespace="celery")\n', id="lowercase-namespace"),
        pytest.param('app.config_from_object("django.conf:settings")\n', id="no-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace=os.environ["NS"])\n', id="unknown"),
    ],
)
def test_silent_unless_the_namespace_is_celery(project, config):
    files = {"proj/celery.py": CELERY_PY + config, "+proj/settings.py": "broker_url = 'redis://'\n"}
    assert cel103(project, files) == []
