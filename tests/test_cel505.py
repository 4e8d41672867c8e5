"""CEL505: time_limit=0 on a task while a global limit is set."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

TASKS = BASE["demoapp/tasks.py"]
ADD_LINE = TASKS.splitlines().index("def add(x, y):")  # the decorator's line


def cel505(project, settings: str, options: str, extra: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    tasks = TASKS.replace("@shared_task\ndef add", f"@shared_task({options})\ndef add", 1)
    write_files(project, {"+proj/settings.py": settings, "demoapp/tasks.py": tasks, **(extra or {})})
    return lint(project, "CEL505")


@pytest.mark.parametrize(
    ("settings", "options"),
    [
        ("CELERY_TASK_TIME_LIMIT = 300\n", "time_limit=0"),
        ("CELERY_TASK_TIME_LIMIT = 300\n", "bind=True, time_limit=0.0"),
        ("CELERY_TASK_SOFT_TIME_LIMIT = 240\n", "soft_time_limit=0"),
    ],
)
def test_fires_at_the_decorator(project, settings, options):
    assert cel505(project, settings, options) == [("demoapp/tasks.py", ADD_LINE, "CEL505")]


def test_fires_with_the_limit_set_on_the_app(project):
    celery_py = BASE["proj/celery.py"].replace("app.autodiscover_tasks()", "app.conf.task_time_limit = 60\napp.autodiscover_tasks()")
    assert cel505(project, "", "time_limit=0", {"proj/celery.py": celery_py}) == [("demoapp/tasks.py", ADD_LINE, "CEL505")]


def test_message(project):
    cel505(project, "CELERY_TASK_TIME_LIMIT = 300\n", "time_limit=0")
    (finding,) = lint_paths([project], select_rules(["CEL505"])).findings
    assert finding.message.startswith("task add: time_limit=0 does not lift CELERY_TASK_TIME_LIMIT (300 s)")
    assert "the worker still stops the task after 300 s" in finding.message


@pytest.mark.parametrize(
    ("settings", "options"),
    [
        pytest.param("", "time_limit=0", id="no-global-limit"),
        pytest.param("CELERY_TASK_TIME_LIMIT = 0\n", "time_limit=0", id="global-zero"),
        pytest.param("CELERY_TASK_TIME_LIMIT = 300\n", "time_limit=3600", id="own-limit"),
        pytest.param("CELERY_TASK_TIME_LIMIT = 300\n", "time_limit=None", id="none"),
        pytest.param("CELERY_TASK_TIME_LIMIT = 300\n", "time_limit=False", id="false"),
        pytest.param("CELERY_TASK_SOFT_TIME_LIMIT = 240\n", "time_limit=0", id="only-a-soft-global"),
    ],
)
def test_silent(project, settings, options):
    assert cel505(project, settings, options) == []


@pytest.mark.parametrize(
    ("settings", "options"),
    [
        pytest.param('import os\nCELERY_TASK_TIME_LIMIT = int(os.environ["LIMIT"])\n', "time_limit=0", id="environment"),
        pytest.param('CELERY_TASK_TIME_LIMIT = 300\nCELERY_TASK_ANNOTATIONS = {"*": {"time_limit": 10}}\n',
                     "time_limit=0", id="annotations"),
        pytest.param("CELERY_TASK_TIME_LIMIT = 300\n", "time_limit=0, **{}", id="star-options"),
    ],
)
def test_unknown_is_silent(project, settings, options):
    assert cel505(project, settings, options) == []
