"""CEL102: an old (Celery 3) setting name under namespace='CELERY'."""

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


def cel102(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL102")


@pytest.mark.parametrize(
    ("appended", "new_name"),
    [
        pytest.param("BROKER_URL = 'redis://localhost'\n", "CELERY_BROKER_URL", id="broker-url"),
        pytest.param("CELERYD_CONCURRENCY = 4\n", "CELERY_WORKER_CONCURRENCY", id="celeryd-concurrency"),
        pytest.param("CELERY_ALWAYS_EAGER = True\n", "CELERY_TASK_ALWAYS_EAGER", id="always-eager"),
        pytest.param("CELERY_QUEUES = ()\n", "CELERY_TASK_QUEUES", id="queues"),
        pytest.param("CELERY_DEFAULT_QUEUE = 'default'\n", "CELERY_TASK_DEFAULT_QUEUE", id="default-queue"),
        pytest.param("CELERYBEAT_SCHEDULE = {}\n", "CELERY_BEAT_SCHEDULE", id="celerybeat-schedule"),
        pytest.param("CELERY_TASK_RESULT_EXPIRES = 60\n", "CELERY_RESULT_EXPIRES", id="task-result-expires"),
        pytest.param("BROKER_TRANSPORT_OPTIONS: dict = {}\n", "CELERY_BROKER_TRANSPORT_OPTIONS", id="annotated"),
    ],
)
def test_fires_and_names_the_new_setting(project, appended, new_name):
    write_files(project, {"+proj/settings.py": appended})
    (finding,) = lint_paths([project], select_rules(["CEL102"])).findings
    assert (finding.path.name, finding.line, finding.code) == ("settings.py", FIRST, "CEL102")
    name = appended.split()[0].rstrip(":")
    assert finding.message.startswith(f"{name} is a Celery 3 name")
    assert f"use {new_name}" in finding.message


@pytest.mark.parametrize(
    ("appended", "lines"),
    [
        pytest.param("import os\n\nif os.environ.get('EAGER'):\n    CELERY_ALWAYS_EAGER = True\n", [FIRST + 3],
                     id="under-if"),
        pytest.param("CELERY_QUEUES = []\nCELERY_QUEUES += []\n", [FIRST, FIRST + 1], id="augmented"),
        pytest.param("BROKER_URL = CELERY_BROKER_URL\n", [FIRST], id="reads-the-new-name"),
    ],
)
def test_fires_at_each_assignment(project, appended, lines):
    assert cel102(project, {"+proj/settings.py": appended}) == [("proj/settings.py", n, "CEL102") for n in lines]


def test_split_settings_are_followed(project):
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "from .base import *  # noqa: F403\n\nCELERYD_PREFETCH_MULTIPLIER = 1\n",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent"),
    }
    assert cel102(project, files) == [("proj/settings/__init__.py", 3, "CEL102")]


@pytest.mark.parametrize(
    "appended",
    [
        pytest.param("CELERY_RESULT_BACKEND = 'django-db'\nCELERY_TIMEZONE = 'UTC'\nCELERY_IMPORTS = ()\n",
                     id="valid-both-ways"),
        pytest.param("CELERY_TASK_SERIALIZER = 'json'\nCELERY_ACCEPT_CONTENT = ['json']\nCELERY_ENABLE_UTC = True\n",
                     id="more-valid-both-ways"),
        pytest.param("CELERY_WORKER_CONCURRENCY = 4\nCELERY_BEAT_SCHEDULE = {}\n", id="new-names"),
        pytest.param("S3_BUCKET = 'media'\nS3_ACCESS_KEY_ID = 'x'\nGCS_BUCKET = 'b'\nCASSANDRA_SERVERS = []\n",
                     id="storage-settings-of-the-project"),
        pytest.param("CONTROL_EXCHANGE = 'x'\nDATABASE_TABLE_SCHEMAS = {}\n", id="generic-old-names"),
        pytest.param("BROKER_URL = 'redis://localhost'\nCELERY_BROKER_URL = BROKER_URL\n", id="helper-read-in-settings"),
        pytest.param("broker_url = 'redis://'\n", id="lowercase-is-cel103"),
        pytest.param("def old():\n    BROKER_URL = 'x'\n    return BROKER_URL\n", id="function-local"),
        pytest.param("import os\n\nCELERY_BROKER_URL = os.environ['BROKER_URL']\n"
                     "CELERY_RESULT_BACKEND = os.environ.get('RESULTS', 'django-db')\n", id="env-driven-values"),
    ],
)
def test_silent(project, appended):
    assert cel102(project, {"+proj/settings.py": appended}) == []


def test_silent_on_a_name_the_project_reads(project):
    files = {
        "+proj/settings.py": "CELERY_DEFAULT_QUEUE = 'reports'\n",
        "demoapp/routing.py": "from django.conf import settings\n\nQUEUE = getattr(settings, 'CELERY_DEFAULT_QUEUE')\n",
    }
    assert cel102(project, files) == []


@pytest.mark.parametrize(
    "config",
    [
        pytest.param('app.config_from_object("django.conf:settings")\n', id="no-namespace-reads-old-names"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="celery")\n', id="lowercase-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace=NAMESPACE)\n', id="unknown-namespace"),
    ],
)
def test_silent_unless_the_namespace_is_celery(project, config):
    files = {"proj/celery.py": CELERY_PY + config, "+proj/settings.py": "BROKER_URL = 'redis://'\nCELERYD_CONCURRENCY = 2\n"}
    assert cel102(project, files) == []
