"""CEL003: the config_from_object namespace does not match the settings."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

HEAD = (
    'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\n'
    'app = Celery("proj")\n'
)
CONFIG_LINE = 8  # the line after HEAD


def celery_py(config: str) -> str:
    """HEAD and `config`; a `config` that creates the app itself replaces HEAD's app."""
    return (HEAD.replace('app = Celery("proj")\n', "") if config.startswith("app = Celery(") else HEAD) + config


def cel003(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL003")


def messages(project, files: dict[str, str]) -> list[str]:
    write_files(project, files)
    return [f.message for f in lint_paths([project], select_rules(["CEL003"])).findings]


@pytest.mark.parametrize(
    "config",
    [
        pytest.param('app.config_from_object("django.conf:settings", namespace="celery")\n', id="lowercase"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="Celery")\n', id="capitalised"),
        pytest.param('app.config_from_object("django.conf:settings")\n', id="no-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace=None)\n', id="explicit-none"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="")\n', id="empty-string"),
        pytest.param('app = Celery("proj", namespace="celery")\napp.config_from_object("django.conf:settings")\n',
                     id="lowercase-given-to-the-constructor"),
        pytest.param('app.config_from_object(obj="django.conf:settings")\n', id="keyword-obj"),
        pytest.param(
            "from django.conf import settings\n\napp.config_from_object(settings)\n", id="settings-object"
        ),
    ],
)
def test_fires_at_the_call(project, config):
    text = celery_py(config)
    assert cel003(project, {"proj/celery.py": text}) == [("proj/celery.py", text.count("\n"), "CEL003")]


@pytest.mark.parametrize(
    ("pin", "effect"),
    [
        pytest.param("celery==5.7.0\n", "Celery 5.7.0 from requirements.txt reads only the old setting names and ignores "
                     "CELERY_BROKER_URL;", id="celery-5.7"),
        pytest.param("celery==5.6.3\n", "Celery 5.6.3 from requirements.txt ignores every Celery setting but "
                     "CELERY_RESULT_BACKEND;", id="celery-5.6"),
        pytest.param("celery>=6.0\n", ": CELERY_BROKER_URL are ignored, and old ones are read only by Celery 5.7 "
                     "(CELERY_RESULT_BACKEND by every version);", id="celery-6-not-known-yet"),
    ],
)
def test_lowercase_namespace_message_follows_the_celery_version(project, pin, effect):
    config = 'app.config_from_object("django.conf:settings", namespace="Celery")\n'
    (message,) = messages(project, {"proj/celery.py": HEAD + config, "requirements.txt": pin})
    # Celery lower-cases the prefix to match it (celery.utils.text.match_case)
    assert "celery_broker_url, which Django never exposes" in message
    assert effect in message
    assert message.endswith("use namespace='CELERY'")


def test_no_namespace_message_lists_the_ignored_names(project):
    appended = "".join(f"CELERY_WORKER_{n} = 1\n" for n in ("CONCURRENCY", "PREFETCH_MULTIPLIER", "MAX_TASKS_PER_CHILD"))
    appended += "CELERY_TASK_ALWAYS_EAGER = True\nCELERY_RESULT_EXPIRES = 1\nCELERY_TIMEZONE = 'UTC'\n"
    (message,) = messages(
        project, {"proj/celery.py": HEAD + 'app.config_from_object("django.conf:settings")\n', "+proj/settings.py": appended}
    )
    assert message.startswith("no namespace: Celery reads only old setting names and ignores CELERY_BROKER_URL, ")
    assert "and 1 more" in message  # six ignored names, five shown
    assert "CELERY_TIMEZONE" not in message and "CELERY_RESULT_BACKEND" not in message
    assert message.endswith("add namespace='CELERY'")


def test_no_namespace_with_split_settings(project):
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "from .base import *  # noqa: F403\n",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent"),
        "manage.py": BASE["manage.py"],
        "proj/celery.py": HEAD + 'app.config_from_object("django.conf:settings")\n',
    }
    assert cel003(project, files) == [("proj/celery.py", CONFIG_LINE, "CEL003")]


@pytest.mark.parametrize(
    ("config", "settings"),
    [
        pytest.param('app.config_from_object("django.conf:settings", namespace="CELERY")\n', "", id="canonical"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="CELERY_")\n', "", id="trailing-underscore"),
        pytest.param(
            'app.config_from_object("django.conf:settings")\n',
            "BROKER_URL = 'memory://'\nCELERY_ALWAYS_EAGER = True\n",
            id="no-namespace-old-names-only",
        ),
        pytest.param('app.config_from_object("proj.celeryconfig", namespace="celery")\n', "", id="not-django"),
        pytest.param(
            'app.config_from_object("django.conf:settings", namespace="CELERY")\n'
            'app.config_from_object("proj.celeryconfig")\n',
            "",
            id="second-call-not-django",
        ),
        pytest.param('app.conf.update(broker_url="memory://")\n', "", id="not-configured-from-django"),
        pytest.param('app = Celery("proj", namespace="CELERY")\napp.config_from_object("django.conf:settings")\n', "",
                     id="namespace-given-to-the-constructor"),
    ],
)
def test_silent(project, config, settings):
    files = {"proj/celery.py": celery_py(config), "proj/celeryconfig.py": "broker_url = 'memory://'\n"}
    if settings:
        files["proj/settings.py"] = BASE["proj/settings.py"].replace(
            'CELERY_BROKER_URL = "memory://"\nCELERY_RESULT_BACKEND = "django-db"\nCELERY_TASK_SERIALIZER = "json"\n',
            'CELERY_RESULT_BACKEND = "django-db"\nCELERY_TASK_SERIALIZER = "json"\n',
        ) + settings
    assert cel003(project, files) == []


@pytest.mark.parametrize(
    "config",
    [
        pytest.param('app.config_from_object("django.conf:settings", namespace=os.environ["NS"])\n', id="from-env"),
        pytest.param('NS = "celery"\napp.config_from_object("django.conf:settings", namespace=NS)\n', id="variable"),
        pytest.param('app.config_from_object("django.conf:settings", **OPTIONS)\n', id="star-kwargs"),
        pytest.param('app.config_from_object(CONFIG_SOURCE, namespace="celery")\n', id="unknown-source"),
        pytest.param('app = Celery("proj", **OPTIONS)\napp.config_from_object("django.conf:settings")\n',
                     id="constructor-star-kwargs"),
        pytest.param('app = Celery("proj", namespace=NS)\napp.config_from_object("django.conf:settings")\n',
                     id="constructor-namespace-variable"),
    ],
)
def test_unknown_is_silent(project, config):
    assert cel003(project, {"proj/celery.py": celery_py(config)}) == []
