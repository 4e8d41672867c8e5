"""CEL516: CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP unset where the worker warns at every
start (Celery 5.3 and 5.4; from 5.5 only with CELERY_BROKER_CONNECTION_RETRY = False)."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from celery_lint.rules.cel516 import warns
from celery_lint.versions import TargetVersion
from tests.helpers import lint, write_files

CELERY_PY = BASE["proj/celery.py"]
APP_LINE = CELERY_PY.splitlines().index('app = Celery("proj")') + 1
AT_APP = [("proj/celery.py", APP_LINE, "CEL516")]
NO_RETRY = "CELERY_BROKER_CONNECTION_RETRY = False\n"


def cel516(project, pin: str | None, settings: str = "", files: dict[str, str] | None = None) -> list:
    pins = {"requirements.txt": f"celery=={pin}\n"} if pin else {}
    write_files(project, {"+proj/settings.py": settings, **pins, **(files or {})})
    return lint(project, "CEL516")


@pytest.mark.parametrize("pin", ["5.3.0", "5.3.6", "5.4.0"])
def test_fires_on_celery_5_3_and_5_4_when_unset(project, pin):
    assert cel516(project, pin) == AT_APP


@pytest.mark.parametrize("pin", ["5.3.6", "5.5.0", "5.6.3", "5.7.0"])
def test_fires_on_every_minor_when_retries_are_off(project, pin):
    assert cel516(project, pin, NO_RETRY) == AT_APP


@pytest.mark.parametrize("pin", ["5.5.0", "5.5.3", "5.6.3", "5.7.0"])
def test_silent_from_celery_5_5_with_retries_on(project, pin):
    assert cel516(project, pin) == []
    assert cel516(project, pin, "CELERY_BROKER_CONNECTION_RETRY = True\n") == []


@pytest.mark.parametrize("pin", ["5.2.7", "6.0.0"])
def test_silent_outside_the_minors_it_knows(project, pin):
    assert cel516(project, pin, NO_RETRY) == []


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True\n"}, id="true"),
        pytest.param({"+proj/settings.py": "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = False\n"}, id="false"),
        pytest.param({"proj/celery.py": CELERY_PY.replace(
            "app.autodiscover_tasks()", "app.conf.broker_connection_retry_on_startup = True\napp.autodiscover_tasks()")},
            id="app-conf"),
        pytest.param({"proj/celery.py": CELERY_PY.replace(
            'Celery("proj")', 'Celery("proj", broker_connection_retry_on_startup=True)')}, id="celery-keyword"),
        pytest.param({"+proj/settings.py": "BROKER_CONNECTION_RETRY_ON_STARTUP = True\n",
                      "proj/celery.py": CELERY_PY.replace('namespace="CELERY"', "namespace=None")}, id="no-namespace"),
    ],
)
def test_silent_when_the_setting_is_given(project, files):
    assert cel516(project, "5.4.0", files=files) == []


@pytest.mark.parametrize(
    "settings",
    [
        'import os\nCELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = os.environ.get("RETRY_ON_STARTUP") == "1"\n',
        'import os\nCELERY_BROKER_CONNECTION_RETRY = os.environ.get("RETRY") == "1"\n',
    ],
)
def test_unknown_values_are_silent(project, settings):
    assert cel516(project, "5.4.0", settings) == []
    assert cel516(project, "5.7.0", settings) == []


def test_silent_when_the_namespace_is_unknown(project):
    files = {"proj/celery.py": CELERY_PY.replace('namespace="CELERY"', "namespace=NAMESPACE")}
    assert cel516(project, "5.4.0", files=files) == []


def test_silent_when_settings_modules_disagree(project):
    files = {"proj/settings_production.py": "from proj.settings import *\n\nCELERY_BROKER_CONNECTION_RETRY = False\n"}
    assert cel516(project, "5.7.0", files=files) == []


def test_messages_follow_the_target_version(project):
    cel516(project, "5.4.0")
    (finding,) = lint_paths([project], select_rules(["CEL516"])).findings
    assert finding.message.startswith(
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP is unset: every worker start on Celery 5.4.0 from "
        "requirements.txt logs a CPendingDeprecationWarning ('The broker_connection_retry configuration setting "
        "will no longer determine whether broker connection retries are made during startup in Celery 6.0 and above')")
    assert finding.message.endswith("set CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True, which keeps what the worker does now")
    cel516(project, "5.7.0", NO_RETRY)
    (finding,) = lint_paths([project], select_rules(["CEL516"])).findings
    assert "is unset (CELERY_BROKER_CONNECTION_RETRY = False): every worker start on Celery 5.7.0" in finding.message
    assert "set CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = False" in finding.message


def test_warns_by_version():
    assert warns(None, True) is None  # unknown: only 5.3 and 5.4 would warn
    assert warns(None, False) is True  # every minor warns
    for version, retry, expected in [((5, 3, 0), True, True), ((5, 4, 0), True, True), ((5, 5, 0), True, False),
                                     ((5, 7, 0), False, True), ((5, 2, 7), False, None), ((6, 0, 0), False, None)]:
        assert warns(TargetVersion(version, "x"), retry) == expected
