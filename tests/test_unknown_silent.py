"""Unknown stays silent, across every rule: healthy layouts whose values come from
places the static analysis cannot read (the environment, properties, classes,
globals(), split-settings include(), computed INSTALLED_APPS) produce no finding.

Each variation keeps the bait a rule would bite on if the value were known (a
'django-db' backend, the DatabaseScheduler, CELERY_ names) and hides the fact that
decides it, so a rule that treats "unknown" as "absent" shows up here.
"""

from __future__ import annotations

import pytest

from celery_lint.examples import BASE
from tests.helpers import lint, write_files

ALL_RULES = "CEL"  # select every rule, the opt-in ones included

CANONICAL_APPS = '["django.contrib.contenttypes", "django.contrib.auth", "django_celery_results", "celery_lint", "demoapp"]'
BAIT = """\
CELERY_RESULT_BACKEND = "django-db"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_CACHE_BACKEND = "default"
CELERY_TASK_ROUTES = {"demoapp.tasks.add": {"queue": "math"}}
"""
HEAD = """\
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "not-a-secret"
ROOT_URLCONF = "proj.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
"""

SETTINGS = {
    "env-values": HEAD + """\
import environ

env = environ.Env()
INSTALLED_APPS = env.list("INSTALLED_APPS")
TIME_ZONE = env("TIME_ZONE")
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="django-db")
CELERY_BEAT_SCHEDULER = env("CELERY_BEAT_SCHEDULER", default="django_celery_beat.schedulers:DatabaseScheduler")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_CACHE_BACKEND = env("CELERY_CACHE_BACKEND")
""",
    "os-environ": HEAD + """\
INSTALLED_APPS = os.environ["DJANGO_APPS"].split(",")
TIME_ZONE = os.environ.get("TZ", "Europe/Paris")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "django-db")
CELERY_BEAT_SCHEDULER = os.getenv("CELERY_BEAT_SCHEDULER", "django_celery_beat.schedulers:DatabaseScheduler")
CELERY_TASK_ALWAYS_EAGER = os.environ.get("EAGER") == "1"
""",
    "apps-extended-from-env": HEAD + f"""\
INSTALLED_APPS = {CANONICAL_APPS[:-1]}]
INSTALLED_APPS += [app for app in os.environ.get("EXTRA_APPS", "").split(",") if app]
""" + BAIT,
    "apps-from-a-function": HEAD + """\
from proj.plugins import discover_apps

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "celery_lint", "demoapp"]
INSTALLED_APPS.extend(discover_apps())
""" + BAIT,
    "apps-comprehension": HEAD + """\
import importlib.util

OPTIONAL = ["django_celery_results", "django_celery_beat", "debug_toolbar"]
INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"] + [
    app for app in OPTIONAL if importlib.util.find_spec(app)
]
""" + BAIT,
    "apps-by-a-loop": HEAD + """\
INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
for app in os.environ.get("APPS", "").split():
    INSTALLED_APPS.append(app)
""" + BAIT,
    "globals-update": HEAD + """\
import json

INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
globals().update(json.loads(Path(BASE_DIR, "settings.json").read_text()))
""" + BAIT,
    "globals-item": HEAD + """\
INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
for key, value in os.environ.items():
    if key.startswith("DJANGO_"):
        globals()[key[len("DJANGO_"):]] = value
""" + BAIT,
    "split-settings-include": """\
from split_settings.tools import include, optional

include(
    "components/base.py",
    "components/celery.py",
    optional("local_settings.py"),
)
""",
    "star-import-of-a-library-last": HEAD + """\
INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
""" + BAIT + """\
from company_defaults.django import *  # noqa: E402,F403
""",
    "git-ignored-local-settings": HEAD + """\
INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
""" + BAIT + """\
try:
    from .local_settings import *  # noqa: F403
except ImportError:
    pass
""",
    "globals-written-by-a-function": HEAD + """\
INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
""" + BAIT + """\


def _load_environment():
    for key, value in os.environ.items():
        if key.startswith("DJANGO_"):
            globals()[key[len("DJANGO_"):]] = value


_load_environment()
""",
    "global-statement-in-a-function": HEAD + """\
INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
""" + BAIT + """\


def _enable_results():
    global INSTALLED_APPS
    INSTALLED_APPS = INSTALLED_APPS + os.environ.get("RESULT_APPS", "").split()


_enable_results()
""",
    "conditional-on-env": HEAD + f"""\
INSTALLED_APPS = {CANONICAL_APPS}
if os.environ.get("LIGHT"):
    INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
    CELERY_RESULT_BACKEND = os.environ["RESULTS"]
else:
    CELERY_RESULT_BACKEND = "django-db"
""",
}

COMPONENTS = {
    # django-split-settings runs these in the settings module's namespace: names they
    # read (BASE_DIR, INSTALLED_APPS) come from one another, never from an import.
    "proj/components/__init__.py": "",
    "proj/components/base.py": HEAD + 'INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]\n',
    "proj/components/celery.py": 'INSTALLED_APPS += ["django_celery_results", "django_celery_beat"]\n' + BAIT
    + "CELERY_TIMEZONE = TIME_ZONE\n",
}

APP_MODULES = {
    "namespace-from-env": """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
app = Celery("proj")
app.config_from_object("django.conf:settings", namespace=os.environ.get("CELERY_NAMESPACE", "CELERY"))
app.autodiscover_tasks()
""",
    "settings-module-set-by-a-helper": """\
from celery import Celery

from proj.env import configure

configure()
app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
""",
    "config-source-from-env": """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
app = Celery("proj")
app.config_from_object(os.environ.get("CELERY_CONFIG", "django.conf:settings"), namespace="CELERY")
app.autodiscover_tasks()
""",
    "factory-with-options": """\
import os

from celery import Celery


def make_app(**options):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    app = Celery("proj", **options)
    app.config_from_object("django.conf:settings", **options.get("config", {"namespace": "CELERY"}))
    app.autodiscover_tasks()
    return app


app = make_app()
""",
}

TASK_MODULES = {
    "decorator-chosen-at-runtime": """\
import os

from celery import shared_task

from proj.celery import app

task = app.task if os.environ.get("STRICT") else shared_task


@task(bind=os.environ.get("BIND") == "1")
def add(x, y):
    return x + y
""",
    "options-from-a-dict": """\
from celery import shared_task

OPTIONS = {"bind": True, "name": "demoapp.tasks.add"}


@shared_task(**OPTIONS)
def add(self, x, y):
    return x + y
""",
    "names-from-settings": """\
from celery import current_app, shared_task
from django.conf import settings


@shared_task
def add(x, y):
    return x + y


def later():
    current_app.send_task(settings.ADD_TASK_NAME, args=(1, 2))
""",
}


def _settings_files(name: str) -> dict[str, str]:
    files = {"proj/settings.py": SETTINGS[name]}
    if name == "split-settings-include":
        files.update(COMPONENTS)
    if name == "apps-from-a-function":
        files["proj/plugins.py"] = "def discover_apps():\n    return []\n"
    return files


@pytest.mark.parametrize("name", SETTINGS)
def test_unknown_settings_are_silent(project, name):
    write_files(project, _settings_files(name))
    assert lint(project, ALL_RULES) == []


@pytest.mark.parametrize("name", APP_MODULES)
def test_unknown_app_configuration_is_silent(project, name):
    files = {"proj/celery.py": APP_MODULES[name]}
    if name == "settings-module-set-by-a-helper":
        files["proj/env.py"] = 'import os\n\n\ndef configure():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    write_files(project, files)
    assert lint(project, ALL_RULES) == []


@pytest.mark.parametrize("name", TASK_MODULES)
def test_unknown_task_definitions_are_silent(project, name):
    write_files(project, {"demoapp/tasks.py": TASK_MODULES[name]})
    assert lint(project, ALL_RULES) == []


def test_class_based_settings_are_silent(project):
    """django-configurations: settings are class attributes and properties of the class
    DJANGO_CONFIGURATION names; values from the environment (`values.Value`), properties
    and `Base.INSTALLED_APPS + [...]` are unknown (tests/test_configurations.py reads the rest)."""
    manage = BASE["manage.py"].replace(
        "    from django.core.management import execute_from_command_line",
        '    os.environ.setdefault("DJANGO_CONFIGURATION", "Dev")\n'
        "    from configurations.management import execute_from_command_line",
    )
    settings = HEAD + """\
from configurations import Configuration, values


class Base(Configuration):
    INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
    CELERY_RESULT_BACKEND = "django-db"
    BROKER_URL = values.Value("memory://")

    @property
    def CELERY_BROKER_URL(self):
        return self.BROKER_URL


class Dev(Base):
    INSTALLED_APPS = Base.INSTALLED_APPS + ["django_celery_results"]
    CELERY_TASK_ALWAYS_EAGER = True
"""
    write_files(project, {"manage.py": manage, "proj/settings.py": settings})
    assert lint(project, ALL_RULES) == []


@pytest.mark.parametrize("name", ["env-values", "globals-update", "split-settings-include"])
def test_a_split_layout_with_unknown_values_is_silent(project, name):
    """The same variations in a base/production layout with a star import."""
    files = _settings_files(name)
    files = {path.replace("proj/settings.py", "proj/settings/base.py"): text for path, text in files.items()}
    files["proj/settings/base.py"] = files["proj/settings/base.py"].replace(".parent.parent", ".parent.parent.parent")
    files.update(
        {
            "-proj/settings.py": "",
            "proj/settings/__init__.py": "",
            "proj/settings/production.py": "from .base import *  # noqa: F403\n\nDEBUG = False\n",
            "manage.py": BASE["manage.py"].replace('"proj.settings"', '"proj.settings.production"'),
            "proj/celery.py": BASE["proj/celery.py"].replace('"proj.settings"', '"proj.settings.production"'),
        }
    )
    write_files(project, files)
    assert lint(project, ALL_RULES) == []
