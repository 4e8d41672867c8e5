"""CEL101: a new-style Celery setting without the CELERY_ prefix."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

# an appended settings text ("+proj/settings.py") starts on this line
FIRST = BASE["proj/settings.py"].count("\n") + 2
NO_NAMESPACE = 'app.config_from_object("django.conf:settings")\n'
CELERY_PY = (
    'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    'app = Celery("proj")\n'
)


def cel101(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL101")


@pytest.mark.parametrize(
    ("appended", "lines"),
    [
        pytest.param("TASK_ALWAYS_EAGER = True\n", [FIRST], id="task-always-eager"),
        pytest.param("RESULT_EXPIRES = 3600\n", [FIRST], id="result-expires"),
        pytest.param('BEAT_SCHEDULE = {"tick": {"task": "demoapp.tasks.add", "schedule": 10.0}}\n', [FIRST],
                     id="beat-schedule"),
        pytest.param("WORKER_PREFETCH_MULTIPLIER: int = 1\n", [FIRST], id="annotated"),
        pytest.param("if DEBUG:\n    TASK_ALWAYS_EAGER = True\n", [FIRST + 1], id="under-if"),
        pytest.param("try:\n    import redis\nexcept ImportError:\n    TASK_ALWAYS_EAGER = True\n", [FIRST + 3],
                     id="under-except"),
        pytest.param("TASK_ALWAYS_EAGER = TASK_EAGER_PROPAGATES = True\n", [FIRST, FIRST], id="chained"),
        pytest.param("TASK_ROUTES = {}\nTASK_ROUTES |= {'demoapp.tasks.add': {'queue': 'math'}}\n", [FIRST, FIRST + 1],
                     id="augmented"),
        pytest.param("BROKER_CONNECTION_RETRY_ON_STARTUP = True\nBROKER_POOL_LIMIT = 3\n", [], id="old-names-are-cel102"),
        pytest.param("import os\n\nTASK_ALWAYS_EAGER = os.environ.get('EAGER') == '1'\n", [FIRST + 2],
                     id="env-driven-value-of-a-wrong-name"),
    ],
)
def test_fires_at_each_assignment(project, appended, lines):
    assert cel101(project, {"+proj/settings.py": appended}) == [("proj/settings.py", n, "CEL101") for n in lines]


def test_message_names_the_prefixed_setting(project):
    write_files(project, {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"})
    (finding,) = lint_paths([project], select_rules(["CEL101"])).findings
    assert "TASK_ALWAYS_EAGER is ignored" in finding.message
    assert "CELERY_TASK_ALWAYS_EAGER" in finding.message


def test_split_settings_are_followed(project):
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent")
        + "TASK_ALWAYS_EAGER = True\n",
        "proj/settings/production.py": "from .base import *  # noqa: F403\n\nRESULT_EXPIRES = 60\n",
        "manage.py": BASE["manage.py"].replace('"proj.settings"', '"proj.settings.production"'),
        "proj/celery.py": BASE["proj/celery.py"].replace('"proj.settings"', '"proj.settings.production"'),
    }
    base_line = files["proj/settings/base.py"].count("\n")
    assert cel101(project, files) == [
        ("proj/settings/base.py", base_line, "CEL101"),
        ("proj/settings/production.py", 3, "CEL101"),
    ]


@pytest.mark.parametrize(
    "appended",
    [
        pytest.param("CELERY_TASK_ALWAYS_EAGER = True\nCELERY_RESULT_EXPIRES = 60\n", id="prefixed"),
        pytest.param("CELERY_ALWAYS_EAGER = True\nBROKER_URL = 'memory://'\n", id="old-names"),
        pytest.param("DEBUG = False\nLANGUAGE_CODE = 'en-us'\nSTATIC_URL = '/static/'\n", id="django-settings"),
        pytest.param("task_always_eager = True\n", id="lowercase-is-cel103"),
        pytest.param("import os\n\nDATABASE_URL = os.environ.get('DATABASE_URL', 'sqlite://')\n", id="database-url"),
        pytest.param("REDIS_HOST = 'localhost'\nREDIS_PORT = 6379\nREDIS_DB = 0\nREDIS_PASSWORD = ''\n", id="redis-helpers"),
        pytest.param("CACHE_BACKEND = 'locmem://'\nSECURITY_KEY = 'k'\nELASTICSEARCH_TIMEOUT = 10\n", id="other-libraries"),
        pytest.param("TIMEZONE = 'UTC'\nIMPORTS = ()\nINCLUDE = []\n", id="generic-words"),
        pytest.param("TASK_SOFT_TIME_LIMIT = 60\nCELERY_TASK_SOFT_TIME_LIMIT = TASK_SOFT_TIME_LIMIT\n",
                     id="helper-read-in-settings"),
        pytest.param("def eager():\n    TASK_ALWAYS_EAGER = True\n    return TASK_ALWAYS_EAGER\n", id="function-local"),
        pytest.param("class Celery:\n    TASK_ALWAYS_EAGER = True\n", id="class-attribute"),
        pytest.param("import environ\n\nenv = environ.Env()\nCELERY_TASK_ALWAYS_EAGER = env.bool('EAGER', False)\n"
                     "CELERY_BROKER_URL = env('BROKER_URL')\n", id="env-driven-values"),
    ],
)
def test_silent(project, appended):
    assert cel101(project, {"+proj/settings.py": appended}) == []


def test_silent_on_a_name_the_project_reads(project):
    files = {
        "+proj/settings.py": "TASK_DEFAULT_PRIORITY = 5\n",
        "demoapp/priorities.py": "from django.conf import settings\n\n\ndef p():\n    return settings.TASK_DEFAULT_PRIORITY\n",
    }
    assert cel101(project, files) == []


def test_silent_outside_settings_modules(project):
    files = {"demoapp/celeryconfig.py": "TASK_ALWAYS_EAGER = True\n", "proj/local.py": "RESULT_EXPIRES = 1\n"}
    assert cel101(project, files) == []


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(NO_NAMESPACE, id="no-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="celery")\n', id="lowercase-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="DJANGO")\n', id="other-namespace"),
        pytest.param('app.config_from_object("proj.celeryconfig", namespace="CELERY")\n', id="not-django"),
    ],
)
def test_silent_unless_the_namespace_is_celery(project, config):
    files = {"proj/celery.py": CELERY_PY + config, "+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"}
    assert cel101(project, files) == []


@pytest.mark.parametrize(
    "config",
    [
        pytest.param('NS = os.environ["CELERY_NAMESPACE"]\napp.config_from_object("django.conf:settings", namespace=NS)\n',
                     id="namespace-from-env"),
        pytest.param('app.config_from_object("django.conf:settings", **OPTIONS)\n', id="star-kwargs"),
    ],
)
def test_unknown_namespace_is_silent(project, config):
    files = {"proj/celery.py": CELERY_PY + config, "+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"}
    assert cel101(project, files) == []


def test_unknown_settings_module_is_silent(project):
    dynamic = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", os.environ["SETTINGS"])'
    files = {
        "manage.py": BASE["manage.py"].replace('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")', dynamic),
        "proj/celery.py": BASE["proj/celery.py"].replace('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")', dynamic),
        "+proj/settings.py": "TASK_ALWAYS_EAGER = True\n",
    }
    assert cel101(project, files) == []


def test_namespace_with_trailing_underscore_is_celery(project):
    config = 'app.config_from_object("django.conf:settings", namespace="CELERY_")\n'
    files = {"proj/celery.py": CELERY_PY + config, "+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"}
    assert cel101(project, files) == [("proj/settings.py", FIRST, "CEL101")]


def test_namespace_given_to_the_constructor(project):
    """Celery keeps the constructor's namespace when config_from_object gives none."""
    config = 'app = Celery("proj", namespace="CELERY")\napp.config_from_object("django.conf:settings")\n'
    celery_py = CELERY_PY.replace('app = Celery("proj")\n', "") + config
    files = {"proj/celery.py": celery_py, "+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"}
    assert cel101(project, files) == [("proj/settings.py", FIRST, "CEL101")]
