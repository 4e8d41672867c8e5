"""CEL206: a task name string that names no task of the project."""

from __future__ import annotations

import pytest

from celery_lint.discovery import task_names
from celery_lint.engine import lint_paths, select_rules
from celery_lint.project import Project
from tests.helpers import lint, write_files

VIEWS_HEAD = "from proj.celery import app\n\n\ndef view(request):\n"


def beat(*names: str) -> str:
    entries = "".join(f'    "e{i}": {{"task": "{n}", "schedule": 60.0}},\n' for i, n in enumerate(names))
    return "CELERY_BEAT_SCHEDULE = {\n" + entries + "}\n"


def cel206(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return [f for f in lint(project, "CEL206") if f[2] == "CEL206"]


def messages(project) -> list[str]:
    Project._cache.clear()
    return [f.message for f in lint_paths([project], select_rules(["CEL206"])).findings]


# -- fires ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"+proj/settings.py": beat("tasks.add")}, [("proj/settings.py", 34)], id="beat-suffix-of-real-name"),
        pytest.param({"+proj/settings.py": beat("demoapp.tasks.ad")}, [("proj/settings.py", 34)], id="beat-typo"),
        pytest.param({"+proj/settings.py": beat("demoapp.task.add")}, [("proj/settings.py", 34)], id="beat-wrong-module"),
        pytest.param({"+proj/settings.py": beat("demoap.tasks.add")}, [("proj/settings.py", 34)], id="beat-typo-top-level"),
        pytest.param(
            {"+proj/settings.py": beat("demoapp.tasks.add", "demoapp.tasks.divide")},
            [("proj/settings.py", 35)],
            id="beat-one-bad-entry",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERYBEAT_SCHEDULE = {"x": {"task": "demoapp.tasks.nope", "schedule": 5}}\n'},
            [("proj/settings.py", 33)],
            id="beat-old-name",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_BEAT_SCHEDULE = {}\nCELERY_BEAT_SCHEDULE["x"] = {"task": "demoapp.tasks.nope"}\n'},
            [("proj/settings.py", 34)],
            id="beat-item-assignment",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_BEAT_SCHEDULE = {"x": dict(task="demoapp.tasks.nope", schedule=5)}\n'},
            [("proj/settings.py", 33)],
            id="beat-dict-call",
        ),
        pytest.param(
            {"+proj/celery.py": 'app.conf.beat_schedule = {"x": {"task": "demoapp.tasks.nope", "schedule": 5}}\n'},
            [("proj/celery.py", 22)],
            id="conf-beat-schedule",
        ),
        pytest.param(
            {"+proj/celery.py": 'app.conf.update(beat_schedule={"x": {"task": "demoapp.tasks.nope", "schedule": 5}})\n'},
            [("proj/celery.py", 22)],
            id="conf-update-beat-schedule",
        ),
        pytest.param(
            {"+proj/celery.py": 'app.conf.beat_schedule["x"] = {"task": "demoapp.tasks.nope", "schedule": 5}\n'},
            [("proj/celery.py", 22)],
            id="conf-beat-schedule-item",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_TASK_ROUTES = {"demoapp.tasks.nope": {"queue": "q"}}\n'},
            [("proj/settings.py", 33)],
            id="route-key",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_TASK_ROUTES = {"demoapp.jobs.*": {"queue": "q"}}\n'},
            [("proj/settings.py", 33)],
            id="route-glob-matching-nothing",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_TASK_ROUTES = {"re:demoapp\\\\.tasks\\\\..*": {"queue": "q"}}\n'},
            [("proj/settings.py", 33)],
            id="route-re-prefix",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_TASK_ROUTES = ({"demoapp.tasks.nope": "q"}, "proj.routers.Router")\n'},
            [("proj/settings.py", 33)],
            id="routes-tuple",
        ),
        pytest.param(
            {"+proj/celery.py": 'app.conf.task_routes = {"demoapp.tasks.nope": {"queue": "q"}}\n'},
            [("proj/celery.py", 22)],
            id="conf-task-routes",
        ),
        pytest.param(
            {"demoapp/views.py": VIEWS_HEAD + '    app.send_task("demoapp.tasks.nope")\n'},
            [("demoapp/views.py", 5)],
            id="send-task",
        ),
        pytest.param(
            {"demoapp/views.py": "from proj import celery_app\n\n\ndef view(request):\n"
                                 '    celery_app.send_task(name="demoapp.tasks.nope")\n'},
            [("demoapp/views.py", 5)],
            id="send-task-reexported-app-keyword",
        ),
        pytest.param(
            {"demoapp/views.py": "from celery import current_app\n\n\ndef view(request):\n"
                                 '    current_app.send_task("demoapp.tasks.nope")\n'},
            [("demoapp/views.py", 5)],
            id="send-task-current-app",
        ),
        pytest.param(
            {"demoapp/views.py": "from celery import signature\n\n\ndef view(request):\n"
                                 '    signature("demoapp.tasks.nope").delay()\n'},
            [("demoapp/views.py", 5)],
            id="signature",
        ),
        pytest.param(
            {"demoapp/views.py": "from celery import Signature\n\n\ndef view(request):\n"
                                 '    Signature("demoapp.tasks.nope").delay()\n'},
            [("demoapp/views.py", 5)],
            id="signature-class",
        ),
        pytest.param(
            {"demoapp/views.py": VIEWS_HEAD + '    app.signature("demoap.tasks.add").delay()\n'},
            [("demoapp/views.py", 5)],
            id="app-signature-typo",
        ),
        pytest.param(
            {"demoapp/tasks.py": 'from celery import shared_task\n\n\n@shared_task(name="jobs.add")\n'
                                 "def add(x, y):\n    return x + y\n",
             "demoapp/views.py": VIEWS_HEAD + '    app.send_task("demoapp.tasks.add")\n'},
            [("demoapp/views.py", 5)],
            id="explicit-name-replaces-module-path",
        ),
    ],
)
def test_fires(project, files, expected):
    assert cel206(project, files) == [(path, line, "CEL206") for path, line in expected]


def test_message_suggests_the_nearest_name(project):
    write_files(project, {"+proj/settings.py": beat("tasks.add"), "demoapp/views.py": VIEWS_HEAD
                          + '    app.send_task("demoapp.task.xsum")\n'})
    beat_message, send_message = sorted(messages(project))
    assert beat_message.startswith("beat schedule task 'tasks.add'") and "did you mean 'demoapp.tasks.add'?" in beat_message
    assert send_message.startswith("send_task('demoapp.task.xsum')") and "'demoapp.tasks.xsum'?" in send_message


def test_re_prefix_message(project):
    write_files(project, {"+proj/settings.py": 'CELERY_TASK_ROUTES = {"re:demoapp\\\\..*": "q"}\n'})
    [message] = messages(project)
    assert "no 're:' prefix" in message and "re.compile(" in message


# -- stays silent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="canonical"),
        pytest.param({"+proj/settings.py": beat("demoapp.tasks.add", "demoapp.tasks.mul")}, id="beat-real-names"),
        pytest.param({"+proj/settings.py": beat("proj.celery.debug_task")}, id="task-in-app-module"),
        pytest.param({"+proj/settings.py": beat("celery.backend_cleanup")}, id="celery-builtin"),
        pytest.param({"+proj/settings.py": beat("billing.tasks.charge_all")}, id="other-code-base"),
        pytest.param({"+proj/settings.py": 'CELERY_BEAT_SCHEDULE = {"x": {"task": TASK}}\nTASK = "x"\n'},
                     id="name-in-variable"),
        pytest.param(
            {"demoapp/tasks.py": 'from celery import shared_task\n\n\n@shared_task(name="cleanup")\n'
                                 "def add(x, y):\n    return x + y\n",
             "demoapp/views.py": "def add_view(request):\n    return None\n",
             "+proj/settings.py": beat("cleanup")},
            id="explicit-name",
        ),
        pytest.param(
            {"demoapp/jobs.py": "from celery import shared_task\n\n\n@shared_task\ndef nightly():\n    return 0\n",
             "+proj/settings.py": beat("demoapp.jobs.nightly")},
            id="task-in-unreached-module-is-still-a-name",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_TASK_ROUTES = {"demoapp.tasks.*": {"queue": "q"}, "demoapp.tasks.add": "q"}\n'},
            id="route-glob-matching",
        ),
        pytest.param({"+proj/settings.py": 'CELERY_TASK_ROUTES = {"*.add": "q", "feeds.*": "q"}\n'},
                     id="route-glob-outside-project"),
        pytest.param({"+proj/settings.py": 'CELERY_TASK_ROUTES = ("proj.routers.route_task",)\n'}, id="router-string"),
        pytest.param(
            {"+proj/settings.py": 'import re\nCELERY_TASK_ROUTES = {re.compile(r"demoapp\\..*"): "q"}\n'},
            id="compiled-regex-key",
        ),
        pytest.param({"demoapp/views.py": VIEWS_HEAD + '    app.send_task("tasks.add")\n'},
                     id="send-task-suffix-may-be-another-service"),
        pytest.param({"demoapp/views.py": VIEWS_HEAD + '    app.send_task("reports.build")\n'},
                     id="send-task-other-service"),
        pytest.param({"demoapp/views.py": VIEWS_HEAD + '    app.send_task(NAME)\n'}, id="send-task-variable"),
        pytest.param(
            {"demoapp/views.py": "import requests\n\n\ndef view(request):\n"
                                 '    requests.send_task("demoapp.tasks.nope")\n'},
            id="send-task-on-something-else",
        ),
        pytest.param(
            {"demoapp/tests.py": VIEWS_HEAD + '    app.send_task("demoapp.tasks.nope")\n'},
            id="send-task-in-tests",
        ),
        pytest.param(
            {"other/__init__.py": "", "other/celery.py": "from celery import Celery\n\nworker = Celery('other')\n",
             "demoapp/views.py": "from other.celery import worker\n\n\ndef view(request):\n"
                                 '    worker.send_task("demoapp.tasks.add")\n'},
            id="send-task-real-name-via-another-project-app",
        ),
    ],
)
def test_silent(project, files):
    assert cel206(project, files) == []


# -- unknown: silent ------------------------------------------------------------------------------

BAD_BEAT = {"+proj/settings.py": beat("demoapp.tasks.nope")}


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(
            {"demoapp/more.py": "from celery import shared_task\n\n\n@shared_task(name=NAME)\ndef f():\n    pass\n"},
            id="name-from-variable",
        ),
        pytest.param(
            {"demoapp/more.py": "from celery import shared_task\n\n\n@shared_task(name=f'demoapp.{X}')\n"
                                "def f():\n    pass\n"},
            id="name-from-fstring",
        ),
        pytest.param(
            {"demoapp/more.py": "from celery import shared_task\n\n\ndef f():\n    pass\n\n\nnope = shared_task(f)\n"},
            id="decorator-called-as-function",
        ),
        pytest.param(
            {"demoapp/more.py": "from celery import shared_task as wrap\n\n\ndef f():\n    pass\n\n\nnope = wrap(f)\n"},
            id="aliased-decorator-called-as-function",
        ),
        pytest.param(
            {"demoapp/more.py": "from functools import wraps\n\nfrom celery import shared_task\n\n\ndef f():\n"
                                "    pass\n\n\n@wraps(shared_task(f))\ndef g():\n    pass\n"},
            id="decorator-called-inside-another-decorator",
        ),
        pytest.param(
            {"demoapp/more.py": "from proj.celery import app\n\n\ndef f():\n    pass\n\n\n"
                                "nope = app.task(name='x')(f)\n"},
            id="app-task-called",
        ),
        pytest.param(
            {"demoapp/more.py": "from celery import Task\nfrom proj.celery import app\n\n\nclass Nope(Task):\n"
                                "    name = 'demoapp.tasks.nope'\n\n\napp.register_task(Nope())\n"},
            id="class-based-task",
        ),
        pytest.param(
            {"demoapp/more.py": "from somewhere import celery_app\n\n\n@celery_app.task\ndef nope():\n    pass\n"},
            id="unrecognised-app-decorator",
        ),
        pytest.param(
            {"demoapp/more.py": "from celery.task import periodic_task\n\n\n@periodic_task(run_every=5)\n"
                                "def nope():\n    pass\n"},
            id="periodic-task",
        ),
        pytest.param(
            {"proj/celery.py": "import os\nfrom celery import Celery\n\n"
                               "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\n\n"
                               "class App(Celery):\n    def gen_task_name(self, name, module):\n"
                               "        return module.split('.')[-1] + '.' + name\n\n\n"
                               "app = App('proj')\napp.config_from_object('django.conf:settings', namespace='CELERY')\n"},
            id="custom-gen-task-name",
        ),
        pytest.param({"demoapp/broken.py": "from celery import shared_task\ndef (:\n"}, id="unparsable-task-module"),
    ],
)
def test_unknown_is_silent(project, files):
    write_files(project, {**BAD_BEAT, **files})
    assert [f for f in lint_paths([project], select_rules(["CEL206"])).findings if f.code == "CEL206"] == []
    assert task_names(Project.get(project.resolve())).unknown is not None


def test_bad_beat_alone_fires(project):
    """The unknown cases above are silent because of what they add, not because of BAD_BEAT."""
    assert cel206(project, BAD_BEAT) == [("proj/settings.py", 34, "CEL206")]


def test_a_far_name_of_another_code_base_stays_silent(project):
    """'reports.tasks.build_weekly' is not a typo of the project's 'demoapp.reports.build_monthly'."""
    files = {
        "demoapp/reports.py": "from celery import shared_task\n\n\n@shared_task\ndef build_monthly():\n    pass\n",
        "demoapp/views.py": VIEWS_HEAD + '    app.send_task("reports.build_weekly")\n',
    }
    assert cel206(project, files) == []
