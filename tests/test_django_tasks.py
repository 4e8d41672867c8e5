"""Django 6 `django.tasks` (and the django-tasks backport): CEL212, CEL213, CEL308 and
the Celery-backend shapes of CEL004, CEL204 and CEL205. Static only: these run on
any Django (the source is read, never imported); tests/proof/test_proof_django_tasks.py
runs the same shapes against Django 6."""

from __future__ import annotations

import pytest

from celery_lint.examples import BASE
from celery_lint.rules.cel401 import _WSGI
from tests.helpers import lint, write_files

IMMEDIATE = '"django.tasks.backends.immediate.ImmediateBackend"'
CELERY_BACKEND = 'TASKS = {"default": {"BACKEND": "django_tasks_celery.CeleryBackend"}}\n'
TASKS = """\
from celery import shared_task
from django.tasks import task


@shared_task
def add(x, y):
    return x + y


@task
def report(user_id):
    return user_id
"""


def view(body: str, head: str = "from demoapp.tasks import add, report\n") -> str:
    return head + "\n\ndef go(request):\n" + "".join(f"    {line}\n" for line in body.splitlines())


# ---- CEL212


@pytest.mark.parametrize(
    ("body", "head"),
    [
        pytest.param("report.delay(1)", None, id="delay-on-django-task"),
        pytest.param("report.apply_async((1,))", None, id="apply-async-on-django-task"),
        pytest.param("report.s(1).delay()", None, id="signature-on-django-task"),
        pytest.param("return report.map([1, 2])", None, id="map-on-django-task"),
        pytest.param("add.enqueue(1, 2)", None, id="enqueue-on-celery-task"),
        pytest.param("add.using(priority=1)", None, id="using-on-celery-task"),
        pytest.param("add.get_result('x')", None, id="get-result-on-celery-task"),
        pytest.param("tasks.report.delay(1)", "from demoapp import tasks\n", id="module-attribute"),
        pytest.param("r.delay(1)", "from demoapp.tasks import report as r\n", id="alias"),
        pytest.param("report.delay(1)", "from demoapp import report\n", id="re-exported"),
    ],
)
def test_cel212_fires(project, body, head):
    files = {"demoapp/tasks.py": TASKS, "demoapp/views.py": view(body, head or "from demoapp.tasks import add, report\n")}
    files["demoapp/__init__.py"] = "from demoapp.tasks import report\n"
    write_files(project, files)
    assert lint(project, "CEL212") == [("demoapp/views.py", 5, "CEL212")]


def test_cel212_backport_spelling_and_a_task_of_the_same_module(project):
    tasks = "from django_tasks import task\n\n\n@task()\ndef report(x):\n    return x\n\n\ndef go():\n    report.delay(1)\n"
    write_files(project, {"demoapp/reports.py": tasks})
    assert lint(project, "CEL212") == [("demoapp/reports.py", 10, "CEL212")]


@pytest.mark.parametrize(
    ("body", "tasks", "settings"),
    [
        pytest.param("report.enqueue(1)\nadd.delay(1, 2)", TASKS, "", id="right-apis"),
        pytest.param("report.call(1)\nreport.name", TASKS, "", id="django-methods"),
        pytest.param("add.delay(1, 2)", TASKS, 'TASKS = {"default": {"BACKEND": "myproj.backends.Mine"}}\n',
                     id="custom-backend-unknown"),
        pytest.param("report.delay(1)", TASKS, "import os\nTASKS = os.environ['TASKS']\n", id="tasks-unreadable"),
        pytest.param("add.enqueue(1)", TASKS.replace("@shared_task\n", "@shared_task(base=Mine)\n"), "",
                     id="celery-task-with-base"),
        pytest.param("report = make()\nreport.delay(1)", TASKS, "", id="local-variable"),
    ],
)
def test_cel212_silent(project, body, tasks, settings):
    files = {"demoapp/tasks.py": tasks, "demoapp/views.py": view(body)}
    if settings:
        files["+proj/settings.py"] = settings
    write_files(project, files)
    assert lint(project, "CEL212") == []


def test_cel212_parameter_is_unknown(project):
    write_files(project, {"demoapp/tasks.py": TASKS, "demoapp/views.py": "def go(report):\n    report.delay(1)\n"})
    assert lint(project, "CEL212") == []


# ---- CEL213


def reports(decorator: str, signature: str = "user_id", nested: bool = False, method: bool = False) -> str:
    head = "from django.tasks import task\n\n\n"
    body = f"{decorator}\ndef send_report({signature}):\n    return 1\n"
    if nested:
        return head + "def make():\n" + "".join(f"    {line}\n" for line in body.splitlines()) + "    return send_report\n"
    if method:
        return head + "class Reports:\n" + "".join(f"    {line}\n" for line in body.splitlines())
    return head + body


@pytest.mark.parametrize(
    ("text", "settings", "quoted"),
    [
        pytest.param(reports('@task(queue_name="emails")'), "", "Queue 'emails' is not valid for backend.",
                     id="queue-not-in-default-queues"),
        pytest.param(reports('@task(queue_name="emails")'),
                     f'TASKS = {{"default": {{"BACKEND": {IMMEDIATE}, "QUEUES": ["default", "bulk"]}}}}\n',
                     "Queue 'emails' is not valid for backend.", id="queue-not-in-queues"),
        pytest.param(reports('@task(backend="worker")'), "", "The connection 'worker' doesn't exist.",
                     id="alias-with-tasks-unset"),
        pytest.param(reports("@task(takes_context=True)"), "",
                     "Task takes context but does not have a first argument of 'context'.", id="no-context"),
        pytest.param(reports("@task(takes_context=True)", "user_id, context"), "",
                     "Task takes context but does not have a first argument of 'context'.", id="context-second"),
        pytest.param(reports("@task", nested=True), "", "Task function must be defined at a module level.",
                     id="nested"),
        pytest.param(reports('@task(queue_name="emails")'), CELERY_BACKEND, "Queue 'emails' is not valid for backend.",
                     id="django-tasks-celery"),
    ],
)
def test_cel213_fires(project, text, settings, quoted):
    files = {"demoapp/reports.py": text}
    if settings:
        files["+proj/settings.py"] = settings
    write_files(project, files)
    from celery_lint.engine import lint_paths, select_rules

    [finding] = lint_paths([project], select_rules(["CEL213"])).findings
    assert finding.path.name == "reports.py" and f'("{quoted}")' in finding.message
    assert ("when make() runs" in finding.message) is ("module level" in quoted)


@pytest.mark.parametrize(
    ("text", "settings"),
    [
        pytest.param(reports('@task(queue_name="emails")'),
                     f'TASKS = {{"default": {{"BACKEND": {IMMEDIATE}, "QUEUES": ["default", "emails"]}}}}\n',
                     id="queue-listed"),
        pytest.param(reports('@task(queue_name="emails")'),
                     f'TASKS = {{"default": {{"BACKEND": {IMMEDIATE}, "QUEUES": []}}}}\n', id="empty-queues"),
        pytest.param(reports('@task(backend="worker")'),
                     f'TASKS = {{"default": {{"BACKEND": {IMMEDIATE}}}, "worker": {{"BACKEND": {IMMEDIATE}}}}}\n',
                     id="alias-defined"),
        pytest.param(reports("@task(takes_context=True)", "context, user_id"), "", id="context-first"),
        pytest.param(reports("@task(takes_context=True)", "*, context"), "", id="context-keyword-only"),
        pytest.param(reports("@task", method=True), "", id="method-accepted-at-import"),
        pytest.param(reports('@task(queue_name="emails")'), "import os\nTASKS = os.environ['X']\n",
                     id="tasks-unreadable"),
        pytest.param(reports('@task(queue_name="emails")'),
                     'TASKS = {"default": {"BACKEND": "myproj.backends.Mine"}}\n', id="custom-backend"),
        pytest.param(reports("@task(queue_name=QUEUE)"), "", id="queue-a-variable"),
        pytest.param(reports('@task(**OPTIONS)'), "", id="star-options"),
    ],
)
def test_cel213_silent(project, text, settings):
    files = {"demoapp/reports.py": text}
    if settings:
        files["+proj/settings.py"] = settings
    write_files(project, files)
    assert lint(project, "CEL213") == []


# ---- CEL308

REPORTS = reports("@task")


@pytest.mark.parametrize(
    ("settings", "line"),
    [
        pytest.param("", 1, id="tasks-unset"),
        pytest.param('TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}\n', 33,
                     id="dummy-backend"),
        pytest.param(f'TASKS = {{"default": {{"BACKEND": {IMMEDIATE}}}}}\n', 33, id="immediate-backend"),
    ],
)
def test_cel308_fires(project, settings, line):
    files = {"demoapp/reports.py": REPORTS, "proj/wsgi.py": _WSGI}
    if settings:
        files["+proj/settings.py"] = settings
    write_files(project, files)
    assert lint(project, "CEL308") == [("proj/settings.py", line, "CEL308")]


def test_cel308_split_settings_production_module(project):
    write_files(project, {
        "demoapp/reports.py": REPORTS,
        "-proj/settings.py": "",
        "manage.py": BASE["manage.py"].replace('"proj.settings"', '"proj.settings.local"'),
        "proj/celery.py": BASE["proj/celery.py"].replace('"proj.settings"', '"proj.settings.local"'),
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent"),
        "proj/settings/local.py": f"from .base import *\n\nTASKS = {{\"default\": {{\"BACKEND\": {IMMEDIATE}}}}}\n",
        "proj/settings/production.py": "from .base import *\n",
        "proj/wsgi.py": _WSGI.replace('"proj.settings"', '"proj.settings.production"'),
    })
    assert lint(project, "CEL308") == [("proj/settings/production.py", 1, "CEL308")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"proj/wsgi.py": _WSGI, "+proj/settings.py": CELERY_BACKEND}, id="celery-backend"),
        pytest.param({}, id="no-wsgi-no-deployed-settings"),
        pytest.param({"proj/wsgi.py": _WSGI, "+proj/settings.py": "import os\nTASKS = os.environ['T']\n"},
                     id="tasks-unreadable"),
        pytest.param({"proj/wsgi.py": _WSGI.replace('"proj.settings"', '"proj.settings_dev"'),
                      "proj/settings_dev.py": "from .settings import *\n"}, id="wsgi-names-dev-settings"),
        pytest.param({"proj/wsgi.py": _WSGI, "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings\n"},
                     id="settings-serve-the-tests"),
    ],
)
def test_cel308_silent(project, files):
    write_files(project, {"demoapp/reports.py": REPORTS, **files})
    assert lint(project, "CEL308") == []


def test_cel308_silent_without_django_tasks(project):
    write_files(project, {"proj/wsgi.py": _WSGI})
    assert lint(project, "CEL308") == []


# ---- CEL204, CEL205, CEL004 with a Celery backend of django.tasks

ATOMIC = """\
from functools import partial

from django.db import transaction

from demoapp.tasks import report


def go(request):
    with transaction.atomic():
        report.enqueue(1)
        transaction.on_commit(partial(report.enqueue, 2))
"""


@pytest.mark.parametrize(("settings", "expected"), [
    pytest.param(CELERY_BACKEND, [("demoapp/views.py", 10, "CEL204")], id="celery-backend"),
    pytest.param('TASKS = {"default": {"BACKEND": "django_tasks_fennel.CeleryBackend"}}\n',
                 [("demoapp/views.py", 10, "CEL204")], id="fennel"),
    pytest.param("", [], id="immediate-backend-runs-inline"),
    pytest.param("import os\nTASKS = os.environ['T']\n", [], id="tasks-unreadable"),
])
def test_cel204_enqueue_in_atomic(project, settings, expected):
    files = {"demoapp/tasks.py": TASKS, "demoapp/views.py": ATOMIC}
    if settings:
        files["+proj/settings.py"] = settings
    write_files(project, files)
    assert lint(project, "CEL204") == expected


JOBS = "from django.tasks import task\n\n\n@task\ndef nightly():\n    return 0\n"


@pytest.mark.parametrize(("settings", "expected"), [
    pytest.param(CELERY_BACKEND, [("demoapp/jobs.py", 5, "CEL205")], id="celery-backend"),
    pytest.param(CELERY_BACKEND + 'CELERY_IMPORTS = ["demoapp.jobs"]\n', [], id="imported-by-the-worker"),
    pytest.param("", [], id="immediate-backend"),
])
def test_cel205_django_task_never_imported(project, settings, expected):
    files = {"demoapp/jobs.py": JOBS}
    if settings:
        files["+proj/settings.py"] = settings
    write_files(project, files)
    assert lint(project, "CEL205") == expected


@pytest.mark.parametrize(("settings", "fires"), [
    pytest.param(CELERY_BACKEND, True, id="celery-backend-without-an-app"),
    pytest.param('TASKS = {"default": {"BACKEND": "django_tasks_fennel.CeleryBackend"}}\n', True, id="fennel"),
    pytest.param('TASKS = {"default": {"BACKEND": "django_tasks_celery.CeleryBackend", '
                 '"OPTIONS": {"CELERY_APP": "proj.celery.app"}}}\n', False, id="app-given"),
    pytest.param("", False, id="immediate-backend"),
    pytest.param("import os\nTASKS = os.environ['T']\n", False, id="tasks-unreadable"),
])
def test_cel004_celery_backend_on_the_current_app(project, settings, fires):
    files = {"proj/__init__.py": "", "demoapp/tasks.py": JOBS}
    if settings:
        files["+proj/settings.py"] = settings
    write_files(project, files)
    found = lint(project, "CEL004")
    assert found == ([("proj/__init__.py", 1, "CEL004")] if fires else [])


def test_cel004_message_names_the_backend(project):
    write_files(project, {"proj/__init__.py": "", "demoapp/tasks.py": JOBS, "+proj/settings.py": CELERY_BACKEND})
    from celery_lint.engine import lint_paths, select_rules

    [finding] = lint_paths([project], select_rules(["CEL004"])).findings
    assert "django_tasks_celery.CeleryBackend use Celery's current app (no OPTIONS['CELERY_APP']" in finding.message
    assert finding.message.endswith("add 'from .celery import app as celery_app'")


def test_cel204_fix_sends_the_django_task_on_commit(project, capsys):
    from celery_lint import cli
    from tests.helpers import forget_the_filesystem

    views = ATOMIC.replace("from functools import partial\n\n", "")
    views = views.replace("        transaction.on_commit(partial(report.enqueue, 2))\n", "        report.enqueue(1, key='x')\n")
    write_files(project, {"demoapp/tasks.py": TASKS, "demoapp/views.py": views, "+proj/settings.py": CELERY_BACKEND})
    assert len(lint(project, "CEL204")) == 2
    forget_the_filesystem()
    cli.main([str(project), "--fix", "--unsafe-fixes", "--isolated", "--select", "CEL204"])
    capsys.readouterr()
    text = (project / "demoapp/views.py").read_text()
    assert text == (
        "from django.db import transaction\n\nfrom demoapp.tasks import report\nfrom functools import partial\n\n\n"
        "def go(request):\n    with transaction.atomic():\n        transaction.on_commit(partial(report.enqueue, 1))\n"
        "        transaction.on_commit(partial(report.enqueue, 1, key='x'))\n"
    )
    assert lint(project, "CEL204") == []
