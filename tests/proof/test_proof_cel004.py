"""CEL004 proof: without the app import in the project package, shared tasks use Celery's default app.

In a Django process (what `manage.py runserver` or a WSGI server runs: settings from
DJANGO_SETTINGS_MODULE, `django.setup()`, a view importing its tasks), the bad
example's `@shared_task` resolves to Celery's implicit `default` app: no Django
settings, broker `amqp://guest@localhost`. No network is touched: the test reads the
configuration and the connection URI, it never connects.
"""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe
from tests.test_cel004 import LOADED, NOT_LOADED

load_rules()
RULE = REGISTRY["CEL004"]

DJANGO_PROCESS = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()

from demoapp.tasks import add  # what demoapp/views.py does

app = add.app
print(json.dumps({
    "main": app.main,
    "broker_url": app.conf.broker_url,
    "broker_uri": app.connection_for_write().as_uri(),
    "result_backend": app.conf.result_backend,
}))
"""


def django_view_of_the_task(example, root) -> dict:
    return probe(example, root, DJANGO_PROCESS)


def test_bad_example_shared_task_uses_the_default_app(tmp_path):
    task_app = django_view_of_the_task(RULE.bad, tmp_path)
    assert task_app["main"] == "default"
    assert task_app["broker_url"] is None  # CELERY_BROKER_URL = "memory://" is not this app's
    assert task_app["broker_uri"] == "amqp://guest:**@localhost:5672//"
    assert task_app["result_backend"] is None


def test_good_example_shared_task_uses_the_project_app(tmp_path):
    task_app = django_view_of_the_task(RULE.good, tmp_path)
    assert task_app["main"] == "proj"
    assert task_app["broker_url"] == "memory://"
    assert task_app["result_backend"] == "django-db"


@pytest.mark.parametrize("words", ["Celery's default app", "broker amqp://guest@localhost"])
def test_message_says_what_the_proof_shows(words, tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL004"])).findings
    assert words in finding.message


@pytest.mark.parametrize("name", LOADED)
def test_django_setup_loads_the_app_in_the_reach_shapes(name, tmp_path):
    """Each shape the start-up reach counts as loading the app does so in real Django."""
    files = {"proj/__init__.py": "", **LOADED[name]}
    # a WSGI server imports the application module, which runs django.setup()
    code = DJANGO_PROCESS.replace("django.setup()", "import proj.wsgi") if "proj/wsgi.py" in files else DJANGO_PROCESS
    task_app = probe(Example(files), tmp_path, code)
    assert (task_app["main"], task_app["broker_url"]) == ("proj", "memory://")
    assert lint_paths([tmp_path], select_rules(["CEL004"])).findings == []


@pytest.mark.parametrize("name", NOT_LOADED)
def test_django_setup_leaves_the_default_app_in_the_other_shapes(name, tmp_path):
    """And the shapes it does not count leave Celery's default app current, as CEL004 says."""
    task_app = django_view_of_the_task(Example({"proj/__init__.py": "", **NOT_LOADED[name]}), tmp_path)
    assert task_app["main"] == "default"
    assert [f.code for f in lint_paths([tmp_path], select_rules(["CEL004"])).findings] == ["CEL004"]
