"""CEL002: config_from_object() given the settings object or a settings module path."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.project import Project
from celery_lint.registry import REGISTRY, Example
from tests.helpers import lint, write_files

SET = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
HEAD = "import os\n\nfrom celery import Celery\n{imports}\n" + SET + "\n"


def app_module(source: str, imports: str = "") -> str:
    call = f'app.config_from_object({source}, namespace="CELERY")\n'
    return HEAD.format(imports=imports) + 'app = Celery("proj")\n' + call


SPLIT = {
    "-proj/settings.py": "",
    "proj/settings/__init__.py": "",
    "proj/settings/base.py": "SECRET_KEY = 'x'\nINSTALLED_APPS = ['demoapp']\nCELERY_BROKER_URL = 'memory://'\n",
    "proj/settings/production.py": "from .base import *  # noqa: F403\n\nDEBUG = False\n",
    "manage.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.production")\n',
}


def cel002(project, celery_py: str, extra: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    write_files(project, {**(extra or {}), "proj/celery.py": celery_py})
    return lint(project, "CEL002")


@pytest.mark.parametrize(
    ("celery_py", "extra"),
    [
        pytest.param(app_module("settings", "from django.conf import settings\n"), None, id="settings-object"),
        pytest.param(app_module("dj", "from django.conf import settings as dj\n"), None, id="settings-object-alias"),
        pytest.param(app_module("django.conf.settings", "import django.conf\n"), None, id="settings-attribute"),
        pytest.param(app_module('"proj.settings"'), None, id="module-path"),
        pytest.param(app_module("settings", "from proj import settings\n"), None, id="module-object"),
        pytest.param(app_module('"proj.settings.production"'), SPLIT, id="split-module-path"),
        pytest.param(app_module('"proj.settings.base"'), SPLIT, id="star-imported-base"),
        pytest.param(
            HEAD.format(imports="from django.conf import settings\n")
            + 'app = Celery("proj")\napp.config_from_object(obj=settings, namespace="CELERY")\n',
            None,
            id="keyword",
        ),
    ],
)
def test_fires_at_the_call(project, celery_py, extra):
    line = next(n for n, text in enumerate(celery_py.splitlines(), 1) if "config_from_object" in text)
    assert cel002(project, celery_py, extra) == [("proj/celery.py", line, "CEL002")]


def test_messages_name_what_goes_wrong(project):
    write_files(project, {"proj/celery.py": app_module("settings", "from django.conf import settings\n")})
    [finding] = lint_paths([project], select_rules(["CEL002"])).findings
    assert "PicklingError" in finding.message and "'django.conf:settings'" in finding.message
    write_files(project, {"proj/celery.py": app_module('"proj.settings"')})
    [finding] = lint_paths([project], select_rules(["CEL002"])).findings
    assert "DJANGO_SETTINGS_MODULE" in finding.message and "proj.settings" in finding.message


@pytest.mark.parametrize(
    ("celery_py", "extra"),
    [
        pytest.param(app_module('"django.conf:settings"'), None, id="canonical"),
        pytest.param(app_module('"django.conf.settings"'), None, id="dotted-string"),
        pytest.param(app_module('"proj.celeryconfig"'), {"proj/celeryconfig.py": "broker_url = 'memory://'\n"},
                     id="celery-config-module"),
        pytest.param(app_module("celeryconfig", "from proj import celeryconfig\n"),
                     {"proj/celeryconfig.py": "broker_url = 'memory://'\n"}, id="celery-config-object"),
        pytest.param(app_module('"django.conf:settings"'), SPLIT, id="canonical-split"),
        pytest.param(app_module('"proj.local_settings"'), None, id="module-that-does-not-exist"),
        pytest.param(
            HEAD.format(imports="") + 'app = Celery("proj")\n\n\nclass Config:\n    broker_url = "memory://"\n\n\n'
            "app.config_from_object(Config)\n",
            None,
            id="local-class",
        ),
        pytest.param(
            HEAD.format(imports="") + 'app = Celery("proj", broker="memory://")\n', None, id="not-configured"
        ),
    ],
)
def test_silent(project, celery_py, extra):
    assert cel002(project, celery_py, extra) == []


@pytest.mark.parametrize(
    "celery_py",
    [
        pytest.param(app_module('os.environ["CELERY_CONFIG"]'), id="from-environment"),
        pytest.param(app_module("CONFIG", "from proj.conf import CONFIG\n"), id="imported-variable"),
        pytest.param(app_module("get_settings()", "from proj.conf import get_settings\n"), id="call"),
        pytest.param(app_module('f"proj.{NAME}"', "NAME = 'settings'\n"), id="f-string"),
    ],
)
def test_unknown_source_is_silent(project, celery_py):
    assert cel002(project, celery_py, {"proj/conf.py": "CONFIG = 'django.conf:settings'\n"}) == []


def test_settings_module_path_counts_as_django_configured(project):
    """Other rules see an app configured from 'proj.settings' as configured from Django."""
    write_files(project, {"proj/celery.py": app_module('"proj.settings"')})
    [app] = Project.get(project).celery_apps
    assert app.from_django and app.config_calls[0].settings_module == "proj.settings"
    write_files(project, {"proj/celery.py": app_module('"proj.celeryconfig"'), "proj/celeryconfig.py": ""})
    [app] = Project.get(project).celery_apps
    assert not app.from_django


@pytest.mark.parametrize(
    ("pin", "says"),
    [
        pytest.param("celery==5.6.3", "Celery 5.6.3 from requirements.txt forks its worker pool and never pickles "
                     "the app, but from Celery 5.7 a pool with worker_pool_start_method = 'spawn' pickles", id="5.6"),
        pytest.param("celery==5.7.0", "Celery pickles it with the app (Celery 5.7.0 from requirements.txt: a worker "
                     "pool with worker_pool_start_method = 'spawn' does", id="5.7"),
    ],
)
def test_the_pickling_claim_follows_the_target_version(project, pin, says):
    """worker_pool_start_method, the one way a worker pickles the app, is new in Celery 5.7."""
    bad = REGISTRY["CEL002"].bad
    write_project(Example({**bad.files, "requirements.txt": pin + "\n"}), project)
    (finding,) = lint_paths([project], select_rules(["CEL002"])).findings
    assert says in finding.message
