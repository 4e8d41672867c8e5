"""CEL507: a countdown or a late-acked task's time limit longer than the Redis/SQS visibility timeout."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the first appended line
REDIS = 'CELERY_BROKER_URL = "redis://redis.internal:6379/0"\n'
VIEWS = BASE["demoapp/views.py"]
VIEW_LINE = VIEWS.splitlines().index("    result = add.delay(2, 3)") + 1
TASKS = BASE["demoapp/tasks.py"]
ADD_LINE = TASKS.splitlines().index("def add(x, y):")  # the decorator's line


def cel507(project, settings: str, call: str = "add.delay(2, 3)", tasks: str = TASKS) -> list[tuple[str, int, str]]:
    write_files(project, {"+proj/settings.py": settings, "demoapp/views.py": VIEWS.replace("add.delay(2, 3)", call),
                          "demoapp/tasks.py": tasks})
    return lint(project, "CEL507")


def with_options(options: str) -> str:
    return TASKS.replace("@shared_task\ndef add", f"@shared_task({options})\ndef add", 1)


@pytest.mark.parametrize(
    ("settings", "call"),
    [
        (REDIS, "add.apply_async((2, 3), countdown=7200)"),
        (REDIS, "add.s(2, 3).set(countdown=2 * 60 * 60).delay()"),
        ('CELERY_BROKER_URL = "rediss://redis:6380/0"\n', "add.apply_async((2, 3), countdown=3601)"),
        ('CELERY_BROKER_URL = "sqs://"\n', "add.apply_async((2, 3), countdown=2400)"),  # SQS: 1800 s
        (REDIS + 'CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}\n', "add.apply_async((2, 3), countdown=900)"),
    ],
)
def test_fires_at_a_long_countdown(project, settings, call):
    assert cel507(project, settings, call) == [("demoapp/views.py", VIEW_LINE, "CEL507")]


def test_fires_at_self_retry(project):
    tasks = TASKS.replace("@shared_task\ndef add(x, y):\n    return x + y",
                          "@shared_task(bind=True)\ndef add(self, x, y):\n    raise self.retry(countdown=4 * 3600)")
    line = tasks.splitlines().index("    raise self.retry(countdown=4 * 3600)") + 1
    assert cel507(project, REDIS, tasks=tasks) == [("demoapp/tasks.py", line, "CEL507")]


def test_fires_at_a_late_acked_time_limit(project):
    settings = REDIS + "CELERY_TASK_ACKS_LATE = True\nCELERY_TASK_TIME_LIMIT = 2 * 3600\n"
    assert cel507(project, settings) == [("proj/settings.py", LINE + 2, "CEL507")]


@pytest.mark.parametrize(("settings", "options"), [
    (REDIS + "CELERY_TASK_ACKS_LATE = True\n", "time_limit=7200"),
    (REDIS, "acks_late=True, time_limit=7200"),
])
def test_fires_at_a_late_acked_task(project, settings, options):
    assert cel507(project, settings, tasks=with_options(options)) == [("demoapp/tasks.py", ADD_LINE, "CEL507")]


def test_message(project):
    cel507(project, REDIS, "add.apply_async((2, 3), countdown=7200)")
    (finding,) = lint_paths([project], select_rules(["CEL507"])).findings
    assert finding.message.startswith("countdown=7200 is longer than the Redis visibility timeout (3600 s, kombu default)")
    assert "the broker hands it to another worker: the task runs twice" in finding.message


@pytest.mark.parametrize(
    ("settings", "call", "options"),
    [
        pytest.param("", "add.apply_async((2, 3), countdown=7200)", "", id="memory-broker"),
        pytest.param('CELERY_BROKER_URL = "amqp://rabbit//"\n', "add.apply_async((2, 3), countdown=7200)", "", id="rabbitmq"),
        pytest.param(REDIS, "add.apply_async((2, 3), countdown=3600)", "", id="countdown-at-the-timeout"),
        pytest.param(REDIS + 'CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 43200}\n',
                     "add.apply_async((2, 3), countdown=7200)", "", id="raised-timeout"),
        pytest.param(REDIS + "CELERY_TASK_TIME_LIMIT = 7200\n", "add.delay(2, 3)", "", id="early-acks-long-limit"),
        pytest.param(REDIS, "add.delay(2, 3)", "time_limit=7200", id="early-acked-task"),
        pytest.param(REDIS + "CELERY_TASK_ACKS_LATE = True\n", "add.delay(2, 3)", "acks_late=False, time_limit=7200",
                     id="task-acked-early"),
    ],
)
def test_silent(project, settings, call, options):
    assert cel507(project, settings, call, with_options(options) if options else TASKS) == []


@pytest.mark.parametrize(
    ("settings", "call"),
    [
        pytest.param('import os\nCELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]\n',
                     "add.apply_async((2, 3), countdown=7200)", id="broker-from-environment"),
        pytest.param(REDIS + 'import os\nCELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ["VT"])}\n',
                     "add.apply_async((2, 3), countdown=7200)", id="timeout-from-environment"),
        pytest.param(REDIS, "add.apply_async((2, 3), countdown=DELAY)", id="countdown-not-constant"),
        pytest.param(REDIS + 'CELERY_BROKER_TRANSPORT = "redis"\n', "add.apply_async((2, 3), countdown=7200)",
                     id="transport-setting"),
    ],
)
def test_unknown_is_silent(project, settings, call):
    assert cel507(project, settings, call) == []
