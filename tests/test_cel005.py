"""CEL005: tasks of installed apps are not autodiscovered."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

APP_HEAD = """\
import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
"""
CELERY_LINE = 8  # app = Celery("proj")
CALL_LINE = 10  # the line after APP_HEAD
APPS_PY = 'from django.apps import AppConfig\n\n\nclass DemoappConfig(AppConfig):\n    name = "demoapp"\n'
SETTINGS = BASE["proj/settings.py"]
APPCONFIG_SETTINGS = SETTINGS.replace('"demoapp",', '"demoapp.apps.DemoappConfig",')


def cel005(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL005")


def legacy(call: str, settings: str = APPCONFIG_SETTINGS, **extra: str) -> dict[str, str]:
    return {"proj/celery.py": APP_HEAD + call + "\n", "demoapp/apps.py": APPS_PY, "proj/settings.py": settings,
            **extra}


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)"), id="lambda"),
        pytest.param(legacy("app.autodiscover_tasks(settings.INSTALLED_APPS)"), id="the-list-itself"),
        pytest.param(legacy("app.autodiscover_tasks(packages=lambda: settings.INSTALLED_APPS)"), id="keyword"),
        pytest.param(legacy("app.autodiscover_tasks(lambda: list(settings.INSTALLED_APPS))"), id="list-of-it"),
        pytest.param(legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS, force=True)"), id="force"),
        pytest.param(
            legacy(
                "app.autodiscover_tasks(lambda: settings.INSTALLED_APPS, related_name='jobs')",
                **{"demoapp/jobs.py": "from celery import shared_task\n\n\n@shared_task\ndef job():\n    pass\n"},
            ),
            id="related-name",
        ),
        pytest.param(
            legacy(
                "app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)",
                SETTINGS.replace('"demoapp",', '"demoapp.config.DemoConfig",'),
                **{"demoapp/config.py": APPS_PY.replace("DemoappConfig", "DemoConfig")},
            ),
            id="appconfig-in-another-module",
        ),
        pytest.param(
            legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)",
                   APPCONFIG_SETTINGS.replace('"django.contrib.auth",', 'ENV_APP,') + "\n",
                   ),
            id="other-entries-unknown",
        ),
    ],
)
def test_legacy_lambda_with_appconfig_paths_fires_at_the_call(project, files):
    assert cel005(project, files) == [("proj/celery.py", CALL_LINE, "CEL005")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)", SETTINGS), id="module-paths"),
        pytest.param(legacy("app.autodiscover_tasks()"), id="argless"),
        pytest.param(legacy("app.autodiscover_tasks(lambda: [c.name for c in apps.get_app_configs()])"),
                     id="app-config-names"),
        pytest.param(legacy("app.autodiscover_tasks(['demoapp'])"), id="explicit-list"),
        pytest.param(
            legacy(
                "app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)",
                SETTINGS.replace('"demoapp",', '"demoapp.DemoappConfig",'),
                **{"demoapp/__init__.py": APPS_PY},
            ),
            id="appconfig-in-the-package",  # find_related_module walks up to 'demoapp'
        ),
        pytest.param(
            legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)", **{"-demoapp/tasks.py": ""}),
            id="no-tasks-module",
        ),
        pytest.param(
            legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)", **{"demoapp/tasks.py": "X = 1\n"}),
            id="tasks-module-without-tasks",
        ),
        pytest.param(
            legacy(
                "app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)",
                SETTINGS.replace('"django.contrib.auth",', '"django.contrib.auth.apps.AuthConfig",'),
            ),
            id="third-party-appconfig",
        ),
    ],
)
def test_legacy_silent(project, files):
    assert cel005(project, files) == []


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(
            legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)",
                   **{"demoapp/apps.py": APPS_PY.replace('"demoapp"', "NAME")}),
            id="appconfig-name-unknown",
        ),
        pytest.param(
            legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)",
                   SETTINGS.replace("INSTALLED_APPS = [", "INSTALLED_APPS = env.list('APPS') + [")),
            id="installed-apps-unknown",
        ),
        pytest.param(
            legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)",
                   SETTINGS + "\nif ENV:\n    INSTALLED_APPS = ['demoapp.apps.DemoappConfig']\n"),
            id="appconfig-only-on-one-branch",
        ),
        pytest.param(legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS, related_name=NAME)"),
                     id="related-name-unknown"),
        pytest.param(legacy("app.autodiscover_tasks(**OPTIONS)"), id="star-kwargs"),
    ],
)
def test_legacy_unknown_is_silent(project, files):
    assert cel005(project, files) == []


NO_CALL = APP_HEAD


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"proj/celery.py": NO_CALL}, id="no-call"),
        pytest.param({"proj/celery.py": NO_CALL, "proj/settings.py": APPCONFIG_SETTINGS, "demoapp/apps.py": APPS_PY},
                     id="no-call-appconfig"),
        pytest.param({"proj/celery.py": NO_CALL, "demoapp/views.py": "from demoapp.tasks import add\n"},
                     id="imported-only-by-views"),
        pytest.param({"proj/celery.py": NO_CALL, "proj/settings.py": SETTINGS + 'CELERY_IMPORTS = ["other.tasks"]\n'},
                     id="imports-list-other-modules"),
    ],
)
def test_no_autodiscover_call_fires_at_celery(project, files):
    assert cel005(project, files) == [("proj/celery.py", CELERY_LINE, "CEL005")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="canonical"),
        pytest.param({"proj/celery.py": NO_CALL, "proj/settings.py": SETTINGS + 'CELERY_IMPORTS = ["demoapp.tasks"]\n'},
                     id="celery-imports"),
        pytest.param({"proj/celery.py": NO_CALL.replace('Celery("proj")', 'Celery("proj", include=["demoapp.tasks"])')},
                     id="include"),
        pytest.param({"proj/celery.py": NO_CALL + 'app.conf.imports = ["demoapp.tasks"]\n'}, id="conf-imports"),
        pytest.param({"proj/celery.py": NO_CALL + 'app.conf.update(include=("demoapp.tasks",))\n'},
                     id="conf-update-include"),
        pytest.param({"proj/celery.py": NO_CALL, "demoapp/models.py": "from . import tasks  # noqa: F401\n"},
                     id="imported-by-models"),
        pytest.param({"proj/celery.py": NO_CALL, "demoapp/apps.py": APPS_PY + "\n    def ready(self):\n"
                      "        from demoapp import tasks  # noqa: F401\n"}, id="imported-in-ready"),
        pytest.param({"proj/celery.py": NO_CALL + "import demoapp.tasks  # noqa: F401,E402\n"},
                     id="imported-by-the-app-module"),
        pytest.param({"proj/celery.py": NO_CALL, "demoapp/apps.py": APPS_PY + "\n    def ready(self):\n"
                      "        from proj.celery import app\n\n        app.autodiscover_tasks()\n"},
                     id="autodiscover-elsewhere"),
        pytest.param({"proj/celery.py": NO_CALL.replace("django.conf:settings", "proj.celeryconfig"),
                      "proj/celeryconfig.py": "broker_url = 'memory://'\n"}, id="not-django-configured"),
        pytest.param({"proj/celery.py": NO_CALL, "demoapp/tasks.py": "def add(x, y):\n    return x + y\n"},
                     id="no-tasks-defined"),
    ],
)
def test_no_autodiscover_call_silent(project, files):
    assert cel005(project, files) == []


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"proj/celery.py": NO_CALL, "proj/settings.py": SETTINGS + "CELERY_IMPORTS = env.list('I')\n"},
                     id="celery-imports-unknown"),
        pytest.param({"proj/celery.py": NO_CALL.replace('Celery("proj")', 'Celery("proj", include=MODULES)')},
                     id="include-unknown"),
        pytest.param({"proj/celery.py": NO_CALL,
                      "proj/settings.py": SETTINGS.replace("INSTALLED_APPS = [", "INSTALLED_APPS = env.list('A') + [")},
                     id="installed-apps-unknown"),
        pytest.param({"proj/celery.py": NO_CALL, "demoapp/models.py": "import importlib\n\n"
                      "importlib.import_module(NAME)\n"}, id="dynamic-import"),
    ],
)
def test_no_autodiscover_call_unknown_is_silent(project, files):
    assert cel005(project, files) == []


def messages(project, files: dict[str, str]) -> list[str]:
    write_files(project, files)
    return [f.message for f in lint_paths([project], select_rules(["CEL005"])).findings]


def test_message_when_the_worker_never_imports_the_tasks(project):
    [message] = messages(project, {"proj/celery.py": NO_CALL, "proj/urls.py": "urlpatterns = []\n"})
    assert "the worker never imports demoapp.tasks" in message and "app.autodiscover_tasks()" in message


def test_message_when_only_the_url_checks_import_the_tasks(project):
    """proj.urls imports demoapp.views, which imports demoapp.tasks: registered by accident."""
    [message] = messages(project, {"proj/celery.py": NO_CALL})
    assert "only because Django's system checks load the URLconf" in message and "--skip-checks" in message


def test_legacy_message_names_both_modules(project):
    [message] = messages(project, legacy("app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)"))
    assert "looks for demoapp.apps.tasks for the entry 'demoapp.apps.DemoappConfig', not demoapp.tasks" in message
