"""Proofs of CEL212, CEL213, CEL308 and of the django.tasks shapes of CEL004, CEL204
and CEL205, against the real Django 6 (`django.tasks`), Celery and django-tasks-celery:
each bad example is run in a fresh interpreter and what it does is compared with what
the finding's message says. Skipped before Django 6 (no `django.tasks`); the Celery
backend's proofs are skipped without django-tasks-celery (Python 3.12+)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest.importorskip("django.tasks", reason="django.tasks arrived in Django 6.0")

from celery_lint.engine import lint_paths, select_rules  # noqa: E402
from celery_lint.examples import write_project  # noqa: E402
from celery_lint.findings import Finding  # noqa: E402
from celery_lint.registry import REGISTRY, Example  # noqa: E402
from celery_lint.rules import load_rules  # noqa: E402
from tests.helpers import PYTHON, clean_env, forget_the_filesystem, run_python  # noqa: E402
from tests.proof import probe  # noqa: E402
from tests.proof.worker import use_filesystem_broker, worker_log  # noqa: E402
from tests.test_django_tasks import CELERY_BACKEND, JOBS, reports  # noqa: E402

load_rules()
SETUP = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
"""


def findings(root: Path, code: str) -> list[Finding]:
    forget_the_filesystem()
    return lint_paths([root], select_rules([code])).findings


def needs_celery_backend() -> None:
    pytest.importorskip("django_tasks_celery", reason="django-tasks-celery needs Python 3.12 and Django 6")


# ---- CEL212: the other framework's method is an AttributeError


def test_cel212_bad_example_raises_attribute_error_where_the_message_says(tmp_path):
    rule = REGISTRY["CEL212"]
    raised = probe(rule.bad, tmp_path, SETUP + """
from demoapp.tasks import add, send_report
out = {}
for name, obj, attr in (("send_report", send_report, "delay"), ("add", add, "enqueue")):
    try:
        getattr(obj, attr)
        out[f"{name}.{attr}"] = None
    except AttributeError as exc:
        out[f"{name}.{attr}"] = type(exc).__name__
print(json.dumps(out))
""")
    assert raised == {"send_report.delay": "AttributeError", "add.enqueue": "AttributeError"}
    messages = sorted(f.message for f in findings(tmp_path, "CEL212"))
    assert [m.split(":")[0] for m in messages] == ["add.enqueue", "send_report.delay"]
    assert all("(AttributeError when this runs)" in m for m in messages)
    assert "is a Celery task" in messages[0] and "is a django.tasks Task" in messages[1]


def test_cel212_good_example_runs(tmp_path):
    status = probe(REGISTRY["CEL212"].good, tmp_path, SETUP + """
from demoapp.tasks import add, send_report
result = send_report.enqueue(7)
add.delay(2, 3)  # the memory broker of the base project
print(json.dumps([result.status, result.return_value]))
""")
    assert status == ["SUCCESSFUL", 7]


# ---- CEL213: the decorator raises, with the message the finding quotes

RAISE = SETUP.replace("django.setup()\n", """\
try:
    django.setup()
    import demoapp.reports
    {call}
    print(json.dumps(None))
except Exception as exc:
    print(json.dumps([f"{{type(exc).__module__}}.{{type(exc).__qualname__}}", str(exc)]))
""")


@pytest.mark.parametrize(
    ("text", "settings", "call"),
    [
        pytest.param(reports('@task(queue_name="emails")'), "", "", id="queue"),
        pytest.param(reports('@task(backend="worker")'), "", "", id="alias"),
        pytest.param(reports("@task(takes_context=True)"), "", "", id="context"),
        pytest.param(reports("@task", nested=True), "", "demoapp.reports.make()", id="nested"),
        pytest.param(reports('@task(queue_name="emails")'), CELERY_BACKEND, "", id="django-tasks-celery"),
    ],
)
def test_cel213_django_raises_what_the_message_quotes(tmp_path, text, settings, call):
    if settings:
        needs_celery_backend()
    files = {"demoapp/reports.py": text, **({"+proj/settings.py": settings} if settings else {})}
    raised = probe(Example(files), tmp_path, RAISE.format(call=call))
    assert raised is not None, "Django accepted the task"
    exception, text_ = raised
    [finding] = findings(tmp_path, "CEL213")
    assert f'{exception}("{text_}")' in finding.message
    if call:  # raised when the enclosing function runs, not at import
        assert probe(Example(files), tmp_path, RAISE.format(call="")) is None
        assert "when make() runs" in finding.message
    else:
        assert "when demoapp.reports is imported" in finding.message


def test_cel213_silent_cases_are_accepted_by_django(tmp_path):
    """A method, `context` first, a queue the backend lists: Django creates the task."""
    files = {"demoapp/reports.py": reports("@task", method=True) + "\n\n" + reports(
        "@task(takes_context=True)", "context, user_id").replace("from django.tasks import task\n", "")
        .replace("send_report", "other")}
    assert probe(Example(files), tmp_path, RAISE.format(call="")) is None
    assert findings(tmp_path, "CEL213") == []


def test_cel213_bad_and_good_examples(tmp_path):
    rule = REGISTRY["CEL213"]
    assert probe(rule.bad, tmp_path / "bad", RAISE.format(call="")) is not None
    assert probe(rule.good, tmp_path / "good", RAISE.format(call="")) is None


# ---- CEL308: the ImmediateBackend runs the task inside enqueue(); the DummyBackend never

RUN = SETUP + """
from demoapp.reports import send_report
result = send_report.enqueue(5)  # returns when the backend is done with it
value = result.return_value if result.is_finished else None
print(json.dumps([type(send_report.get_backend()).__name__, result.status, value]))
"""


def test_cel308_bad_example_runs_the_task_inside_enqueue(tmp_path):
    rule = REGISTRY["CEL308"]
    assert probe(rule.bad, tmp_path, RUN) == ["ImmediateBackend", "SUCCESSFUL", 5]
    [finding] = findings(tmp_path, "CEL308")
    assert "ImmediateBackend, which runs each task inline in enqueue()" in finding.message


def test_cel308_dummy_backend_never_runs_it(tmp_path):
    rule = REGISTRY["CEL308"]
    dummy = 'TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}\n'
    example = Example({**rule.bad.files, "+proj/settings.py": dummy})
    assert probe(example, tmp_path, RUN) == ["DummyBackend", "READY", None]
    [finding] = findings(tmp_path, "CEL308")
    assert "DummyBackend, which stores each result as READY and never runs the task" in finding.message


def manage_check(root: Path, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", "check", *args], cwd=root, capture_output=True, text=True,
                            timeout=120, env=clean_env())
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout + result.stderr


def test_cel308_live_under_check_deploy(tmp_path):
    """TASKS read from the environment: the source cannot tell (silent), the running
    settings can -- `check --deploy` reports the DummyBackend they give; plain
    `check` does not run the live check."""
    rule = REGISTRY["CEL308"]
    settings = 'import json, os\nTASKS = json.loads(os.environ.get("TASKS_JSON", "{}")) or {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}\n'
    root = write_project(Example({**rule.bad.files, "+proj/settings.py": settings}), tmp_path)
    assert findings(root, "CEL308") == []
    assert "celery_lint.W308" in manage_check(root, "--deploy")
    assert "celery_lint.W308" not in manage_check(root)


def test_cel308_in_manage_check_static_once(tmp_path):
    root = write_project(REGISTRY["CEL308"].bad, tmp_path)
    output = manage_check(root, "--deploy")
    assert output.count("celery_lint.W308") == 1, output


# ---- the Celery backend: CEL004, CEL204, CEL205


def test_cel004_celery_backend_uses_celerys_default_app(tmp_path):
    needs_celery_backend()
    files = {"proj/__init__.py": "", "demoapp/tasks.py": JOBS, "+proj/settings.py": CELERY_BACKEND}
    code = SETUP + """
from django.tasks import default_task_backend
app = default_task_backend._get_celery_app()
print(json.dumps([app.main, app.connection_for_write().as_uri()]))
"""
    assert probe(Example(files), tmp_path, code) == ["default", "amqp://guest:**@localhost:5672//"]
    [finding] = findings(tmp_path, "CEL004")
    assert "use Celery's current app" in finding.message and "(broker amqp://guest@localhost)" in finding.message
    files["proj/__init__.py"] = "from .celery import app as celery_app\n"
    assert probe(Example(files), tmp_path, code)[0] == "proj"
    assert findings(tmp_path, "CEL004") == []


ATOMIC = """\
from functools import partial

from django.db import transaction

from demoapp.jobs import nightly


def run():
    with transaction.atomic():
        nightly.enqueue()
        transaction.on_commit(partial(nightly.enqueue))
"""


def test_cel204_enqueue_publishes_inside_the_transaction(tmp_path):
    needs_celery_backend()
    files = {"demoapp/jobs.py": JOBS, "demoapp/later.py": ATOMIC, "+proj/settings.py": CELERY_BACKEND}
    code = SETUP + """
from celery.signals import before_task_publish
from django.db import transaction
from demoapp.later import run
seen = []
before_task_publish.connect(lambda **kw: seen.append(transaction.get_connection().in_atomic_block), weak=False)
run()
print(json.dumps(seen))
"""
    assert probe(Example(files), tmp_path, code) == [True, False]  # enqueue() in the block; on_commit after it
    [finding] = findings(tmp_path, "CEL204")
    assert finding.line == 10 and "sends the django.tasks task to Celery while the transaction is open" in finding.message
    assert "transaction.on_commit(partial(nightly.enqueue, ...))" in finding.message


WORKER_START = """\
import json
from proj.celery import app

app.loader.import_default_modules()  # what the worker does at start-up
print(json.dumps(sorted(name for name in app.tasks if not name.startswith("celery."))))
"""


@pytest.mark.parametrize("imported", [False, True])
def test_cel205_worker_registers_the_django_task_only_when_it_imports_the_module(tmp_path, imported):
    needs_celery_backend()
    settings = CELERY_BACKEND + ('CELERY_IMPORTS = ["demoapp.jobs"]\n' if imported else "")
    tasks = probe(Example({"demoapp/jobs.py": JOBS, "+proj/settings.py": settings}), tmp_path, WORKER_START)
    assert "demoapp.tasks.add" in tasks
    assert ("demoapp.jobs.nightly" in tasks) is imported
    found = findings(tmp_path, "CEL205")
    assert len(found) == (0 if imported else 1)
    assert imported or "which the worker never imports" in found[0].message


ENQUEUE = SETUP + """
from demoapp.jobs import nightly

nightly.enqueue()
"""


@pytest.mark.parametrize("imported", [False, True])
def test_cel205_a_real_worker_rejects_the_django_task_it_never_imported(tmp_path, imported):
    """`.enqueue()` from a second process through django-tasks-celery, received by a real
    worker (solo pool, filesystem broker): "Received unregistered task" unless the worker
    imports the task's module."""
    needs_celery_backend()
    settings = CELERY_BACKEND + ('CELERY_IMPORTS = ["demoapp.jobs"]\n' if imported else "")
    root = write_project(Example({"demoapp/jobs.py": JOBS, "+proj/settings.py": settings}), tmp_path)
    use_filesystem_broker(root)
    sent = run_python(ENQUEUE, root)
    assert sent.returncode == 0, sent.stderr[-3000:]
    log = worker_log(root)
    assert ("Received unregistered task of type 'demoapp.jobs.nightly'" in log) is not imported, log[-3000:]
    assert not imported or "succeeded in" in log, log[-3000:]
    assert len(findings(root, "CEL205")) == (0 if imported else 1)
