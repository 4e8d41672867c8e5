"""CEL512 (a route or queue= naming an undeclared queue, missing queues not created) and
CEL513 (task_queues without the default queue)."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the first appended line
TASKS = BASE["demoapp/tasks.py"]
ADD_LINE = TASKS.splitlines().index("def add(x, y):")  # the decorator's line
IMPORT = "from kombu import Queue\n"
QUEUES = 'CELERY_TASK_QUEUES = (Queue("celery"), Queue("reports"))\n'
STRICT = "CELERY_TASK_CREATE_MISSING_QUEUES = False\n"


def found(project, code: str, settings: str, files: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    write_files(project, {"+proj/settings.py": IMPORT + settings, **(files or {})})
    return lint(project, code)


# -- CEL512 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("routes", [
    'CELERY_TASK_ROUTES = {"demoapp.tasks.add": {"queue": "report"}}\n',
    'CELERY_TASK_ROUTES = {"demoapp.tasks.*": "report"}\n',
    'CELERY_TASK_ROUTES = [{"demoapp.tasks.add": {"queue": "report"}}]\n',
])
def test_cel512_fires_at_the_routes(project, routes):
    assert found(project, "CEL512", QUEUES + STRICT + routes) == [("proj/settings.py", LINE + 3, "CEL512")]


def test_cel512_fires_at_a_task_queue_option(project):
    tasks = TASKS.replace("@shared_task\ndef add", '@shared_task(queue="report")\ndef add', 1)
    assert found(project, "CEL512", QUEUES + STRICT, {"demoapp/tasks.py": tasks}) == [("demoapp/tasks.py", ADD_LINE, "CEL512")]


def test_cel512_with_a_dict_of_queues(project):
    settings = 'CELERY_TASK_QUEUES = {"celery": {}, "reports": {}}\n' + STRICT + 'CELERY_TASK_ROUTES = {"x": {"queue": "bulk"}}\n'
    assert found(project, "CEL512", settings) == [("proj/settings.py", LINE + 3, "CEL512")]


def test_cel512_message(project):
    found(project, "CEL512", QUEUES + STRICT + 'CELERY_TASK_ROUTES = {"demoapp.tasks.add": "report"}\n')
    (finding,) = lint_paths([project], select_rules(["CEL512"])).findings
    assert finding.message == (
        "CELERY_TASK_ROUTES['demoapp.tasks.add']: queue 'report' is not in task_queues ('celery', 'reports') and "
        "CELERY_TASK_CREATE_MISSING_QUEUES is False: sending the task raises "
        "QueueNotFound(\"Queue 'report' missing from task_queues\"); declare the queue"
    )


@pytest.mark.parametrize("settings", [
    pytest.param(QUEUES + 'CELERY_TASK_ROUTES = {"demoapp.tasks.add": "report"}\n', id="missing-queues-created"),
    pytest.param(QUEUES + STRICT + 'CELERY_TASK_ROUTES = {"demoapp.tasks.add": "reports"}\n', id="declared"),
    pytest.param(STRICT + 'CELERY_TASK_ROUTES = {"demoapp.tasks.add": "report"}\n', id="queues-unset"),
    pytest.param('import os\nCELERY_TASK_QUEUES = (Queue("celery"), Queue(os.environ["Q"]))\n' + STRICT
                 + 'CELERY_TASK_ROUTES = {"demoapp.tasks.add": "report"}\n', id="queue-name-from-environment"),
    pytest.param('CELERY_TASK_QUEUES = QUEUES\n' + STRICT + 'CELERY_TASK_ROUTES = {"a": "report"}\n',
                 id="queues-not-literal"),
    pytest.param(QUEUES + STRICT + 'CELERY_TASK_ROUTES = (route_task,)\n', id="router-function"),
    pytest.param(QUEUES + 'import os\nCELERY_TASK_CREATE_MISSING_QUEUES = bool(os.environ.get("STRICT"))\n'
                 + 'CELERY_TASK_ROUTES = {"a": "report"}\n', id="strictness-unknown"),
])
def test_cel512_silent(project, settings):
    assert found(project, "CEL512", settings) == []


# -- CEL513 ---------------------------------------------------------------------------------


def test_cel513_fires_at_task_queues(project):
    assert found(project, "CEL513", 'CELERY_TASK_QUEUES = (Queue("default"), Queue("reports"))\n') == [
        ("proj/settings.py", LINE + 1, "CEL513")
    ]


@pytest.mark.parametrize(("strict", "words"), [
    ("", "a task without a route is sent to 'celery', which a worker started with these queues never consumes"),
    (STRICT, "every task without a route raises QueueNotFound"),
])
def test_cel513_messages(project, strict, words):
    found(project, "CEL513", 'CELERY_TASK_QUEUES = (Queue("default"),)\n' + strict)
    (finding,) = lint_paths([project], select_rules(["CEL513"])).findings
    assert finding.message.startswith("CELERY_TASK_QUEUES does not declare the default queue 'celery': " + words)


@pytest.mark.parametrize(("settings", "files"), [
    pytest.param(QUEUES, {}, id="declared"),
    pytest.param('CELERY_TASK_QUEUES = (Queue("default"),)\nCELERY_TASK_DEFAULT_QUEUE = "default"\n', {}, id="own-default"),
    pytest.param("", {}, id="unset"),
    pytest.param('CELERY_TASK_QUEUES = (Queue("default"),)\n',
                 {"Procfile": "worker: celery -A proj worker -Q default,celery\n"}, id="worker-chooses-queues"),
    pytest.param('CELERY_TASK_QUEUES = make_queues()\n', {}, id="unknown"),
])
def test_cel513_silent(project, settings, files):
    assert found(project, "CEL513", settings, files) == []
