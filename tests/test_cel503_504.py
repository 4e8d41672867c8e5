"""CEL503 (no time limit anywhere, opt-in) and CEL504 (soft limit at or above the hard one)."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from celery_lint.rules.cel504 import consequence
from celery_lint.versions import TargetVersion
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the first appended line
CELERY_PY = BASE["proj/celery.py"]
APP_LINE = CELERY_PY.splitlines().index('app = Celery("proj")') + 1
TASKS = BASE["demoapp/tasks.py"]
LIMITS = "CELERY_TASK_TIME_LIMIT = {hard}\nCELERY_TASK_SOFT_TIME_LIMIT = {soft}\n"


def found(project, code: str, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, code)


def task_options(options: str) -> str:
    """demoapp/tasks.py with `add` decorated @shared_task(<options>)."""
    return TASKS.replace("@shared_task\ndef add", f"@shared_task({options})\ndef add", 1)


ADD_LINE = TASKS.splitlines().index("def add(x, y):")  # the decorator's line


# -- CEL503 ---------------------------------------------------------------------------------


def test_cel503_fires_at_the_app_when_nothing_sets_a_limit(project):
    assert found(project, "CEL503", {}) == [("proj/celery.py", APP_LINE, "CEL503")]


def test_cel503_is_opt_in(project):
    write_files(project, {})
    assert [f.code for f in lint_paths([project], select_rules([])).findings if f.code == "CEL503"] == []


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n"}, id="hard-setting"),
        pytest.param({"+proj/settings.py": "CELERY_TASK_SOFT_TIME_LIMIT = 300\n"}, id="soft-setting"),
        pytest.param({"proj/celery.py": CELERY_PY.replace("app.autodiscover_tasks()",
                                                          "app.conf.task_time_limit = 60\napp.autodiscover_tasks()")},
                     id="app-conf"),
        pytest.param({"demoapp/tasks.py": task_options("time_limit=30")}, id="one-task"),
        pytest.param({"demoapp/tasks.py": task_options("soft_time_limit=LIMIT").replace(
            "from celery", "LIMIT = 5\nfrom celery")}, id="one-task-unknown-value"),
        pytest.param({"Procfile": "worker: celery -A proj worker --time-limit=300\n"}, id="command-line"),
        pytest.param({"+proj/settings.py": 'import os\nCELERY_TASK_TIME_LIMIT = int(os.environ["LIMIT"])\n'},
                     id="environment"),
        pytest.param({"+proj/settings.py": 'CELERY_TASK_ANNOTATIONS = {"*": {"time_limit": 60}}\n'},
                     id="annotations"),
    ],
)
def test_cel503_silent(project, files):
    assert found(project, "CEL503", files) == []


# -- CEL504 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("hard", "soft"), [(300, 600), (300, 300), (60, "60.0"), ("5 * 60", "10 * 60")])
def test_cel504_fires_at_the_soft_setting(project, hard, soft):
    files = {"+proj/settings.py": LIMITS.format(hard=hard, soft=soft)}
    assert found(project, "CEL504", files) == [("proj/settings.py", LINE + 1, "CEL504")]


def test_cel504_fires_in_the_base_of_split_settings_once(project):
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent")
        + "CELERY_TASK_TIME_LIMIT = 300\n",
        "proj/settings/production.py": "from .base import *  # noqa: F403\n\nCELERY_TASK_SOFT_TIME_LIMIT = 900\n",
        "proj/settings/staging.py": "from .production import *  # noqa: F403\n",
        "manage.py": BASE["manage.py"].replace('"proj.settings"', '"proj.settings.production"'),
        "proj/celery.py": CELERY_PY.replace('"proj.settings"', '"proj.settings.production"'),
    }
    assert found(project, "CEL504", files) == [("proj/settings/production.py", 3, "CEL504")]


@pytest.mark.parametrize(
    ("settings", "options"),
    [
        ("", "time_limit=60, soft_time_limit=60"),
        ("CELERY_TASK_TIME_LIMIT = 300\n", "soft_time_limit=600"),
        ("CELERY_TASK_SOFT_TIME_LIMIT = 120\n", "time_limit=60"),
    ],
)
def test_cel504_fires_at_the_task_whose_options_make_it_wrong(project, settings, options):
    files = {"+proj/settings.py": settings, "demoapp/tasks.py": task_options(options)}
    assert found(project, "CEL504", files) == [("demoapp/tasks.py", ADD_LINE, "CEL504")]


REFUSED = "raises ValueError ('soft_time_limit must be less than or equal to time_limit') on Celery"
KILLED = "kills the process as SoftTimeLimitExceeded is raised"


@pytest.mark.parametrize(
    ("pin", "settings_refused", "own_refused"),
    [("celery==5.3.6", False, False), ("celery==5.4.0", False, False), ("celery==5.5.3", False, True),
     ("celery==5.6.3", False, True), ("celery==5.7.0", True, True)],
)
def test_cel504_messages_follow_the_target_version(project, pin, settings_refused, own_refused):
    """5.5 refuses a task's own pair in apply_async; the settings' pair only from 5.7,
    which copies the settings into the task (tests/proof/test_proof_cel504.py)."""
    write_files(project, {"+proj/settings.py": LIMITS.format(hard=300, soft=600), "requirements.txt": pin + "\n"})
    (finding,) = lint_paths([project], select_rules(["CEL504"])).findings
    assert finding.message.startswith("CELERY_TASK_SOFT_TIME_LIMIT (600 s) is not below CELERY_TASK_TIME_LIMIT (300 s)")
    assert (REFUSED in finding.message, KILLED in finding.message) == (settings_refused, not settings_refused)
    if settings_refused:
        assert "every .delay()/.apply_async() of a task without limits of its own raises" in finding.message
        assert f"on Celery {pin[8:]} from requirements.txt" in finding.message
    write_files(project, {"-proj/settings.py": "", "proj/settings.py": BASE["proj/settings.py"],
                          "demoapp/tasks.py": task_options("soft_time_limit=600, time_limit=300")})
    (finding,) = lint_paths([project], select_rules(["CEL504"])).findings
    assert (REFUSED in finding.message, KILLED in finding.message) == (own_refused, not own_refused)


@pytest.mark.parametrize(
    ("settings", "options", "refused"),
    [
        ("CELERY_TASK_TIME_LIMIT = 300\n", "soft_time_limit=600", False),
        ("CELERY_TASK_SOFT_TIME_LIMIT = 600\n", "time_limit=300", False),
        ("CELERY_TASK_TIME_LIMIT = 300\n", "soft_time_limit=600, time_limit=0", False),
        ("", "soft_time_limit=600, time_limit=300", True),
    ],
)
def test_cel504_on_celery_5_5_only_the_tasks_own_pair_is_refused(project, settings, options, refused):
    write_files(project, {"+proj/settings.py": settings, "demoapp/tasks.py": task_options(options),
                          "requirements.txt": "celery==5.5.3\n"})
    found = [f for f in lint_paths([project], select_rules(["CEL504"])).findings if f.path.name == "tasks.py"]
    (finding,) = found
    assert (REFUSED in finding.message) == refused


def test_consequence():
    assert consequence(60, 60, TargetVersion((5, 7, 0), "x"), (5, 5, 0)).startswith("the worker's hard limit kills")
    assert consequence(90, 60, None, (5, 5, 0)).endswith(
        "from Celery 5.5 every .delay()/.apply_async() of the task raises "
        "ValueError ('soft_time_limit must be less than or equal to time_limit')")
    assert "from Celery 5.7 every" in consequence(90, 60, None, (5, 7, 0))
    assert consequence(90, 60, TargetVersion((5, 7, 0), "x"), None).startswith("the worker's hard limit kills")
    assert "ValueError" not in consequence(90, 60, None, None)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": LIMITS.format(hard=300, soft=240)}, id="soft-below-hard"),
        pytest.param({"+proj/settings.py": "CELERY_TASK_SOFT_TIME_LIMIT = 600\n"}, id="no-hard-limit"),
        pytest.param({"+proj/settings.py": LIMITS.format(hard=0, soft=600)}, id="hard-zero-is-none"),
        pytest.param({"+proj/settings.py": LIMITS.format(hard=300, soft=600),
                      "proj/celery.py": CELERY_PY.replace("app.autodiscover_tasks()",
                                                          "app.conf.task_soft_time_limit = 200\napp.autodiscover_tasks()"),
                      "requirements.txt": "celery==5.7.0\n"},
                     id="app-conf-wins"),
        pytest.param({"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n",
                      "demoapp/tasks.py": task_options("soft_time_limit=200")}, id="task-below-global"),
        pytest.param({"demoapp/tasks.py": task_options("soft_time_limit=200")}, id="task-soft-only"),
        pytest.param({"proj/settings_test.py": "from proj.settings import *\n\n"
                      + LIMITS.format(hard=1, soft=1)}, id="test-settings"),
    ],
)
def test_cel504_silent(project, files):
    assert found(project, "CEL504", files) == []


def test_cel504_before_celery_5_7_the_settings_beat_the_app_conf_write(project):
    """Celery 5.3-5.6 read the namespaced CELERY_TASK_SOFT_TIME_LIMIT before app.conf's."""
    files = {"+proj/settings.py": LIMITS.format(hard=300, soft=600), "requirements.txt": "celery==5.6.3\n",
             "proj/celery.py": CELERY_PY.replace("app.autodiscover_tasks()",
                                                 "app.conf.task_soft_time_limit = 200\napp.autodiscover_tasks()")}
    assert [code for _, _, code in found(project, "CEL504", files)] == ["CEL504"]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": 'import os\nCELERY_TASK_TIME_LIMIT = 300\n'
                      'CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ["SOFT"])\n'}, id="environment"),
        pytest.param({"+proj/settings.py": LIMITS.format(hard=300, soft=600)
                      + 'CELERY_TASK_ANNOTATIONS = {"demoapp.tasks.add": {"soft_time_limit": 10}}\n'},
                     id="annotations"),
        pytest.param({"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n",
                      "demoapp/tasks.py": task_options("base=Limited, soft_time_limit=600").replace(
                          "from celery import shared_task", "from celery import Task, shared_task\n\n\n"
                          "class Limited(Task):\n    time_limit = 900")}, id="base-class"),
        pytest.param({"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n",
                      "demoapp/tasks.py": task_options("**OPTIONS").replace(
                          "from celery import shared_task", "from celery import shared_task\n\nOPTIONS = {}")},
                     id="star-options"),
    ],
)
def test_cel504_unknown_is_silent(project, files):
    assert found(project, "CEL504", files) == []
