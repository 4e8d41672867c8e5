"""CEL001 proof: `Celery()` before DJANGO_SETTINGS_MODULE is set gets no Django fixup.

What `celery -A proj worker` does, in a fresh process without the variable: import
the app module, then `app.loader.import_default_modules()` (which fires the
autodiscovery). With the bad example no `DjangoFixup` is installed, the task class
is plain `Task`, `django.setup()` never runs and no task of the installed apps is
discovered; the good example gets all of them.
"""

from __future__ import annotations

import celery
import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import fixed_example, write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe
from tests.proof.worker import send, use_filesystem_broker, worker_log

load_rules()
RULE = REGISTRY["CEL001"]
INSTALLED = tuple(int(p) for p in celery.__version__.split(".")[:2])

WORKER_START = """\
import json, os
from proj.celery import app

from celery.fixups.django import DjangoFixup

fixup_installed = any(isinstance(f, DjangoFixup) for f in app._fixups)
task_cls = app.task_cls if isinstance(app.task_cls, str) else app.task_cls.__module__ + ":" + app.task_cls.__name__
app.loader.import_default_modules()  # what the worker does at start-up

from django.apps import apps
print(json.dumps({
    "env_set_at_import": "DJANGO_SETTINGS_MODULE" in os.environ,
    "fixup": fixup_installed,
    "task_cls": task_cls,
    "django_ready": apps.ready,
    "discovered": sorted(name for name in app.tasks if name.startswith("demoapp.")),
}))
"""


def worker_view(example, root) -> dict:
    return probe(example, root, WORKER_START)


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict:
    return worker_view(RULE.bad, tmp_path_factory.mktemp("cel001") / "bad")


@pytest.fixture(scope="module", params=["good", "fixed"])
def good(tmp_path_factory, request) -> dict:
    """The good example, and the bad one as `celery-lint --fix` leaves it."""
    example = RULE.good if request.param == "good" else fixed_example(RULE)
    return worker_view(example, tmp_path_factory.mktemp("cel001") / request.param)


def test_bad_example_gets_no_django_fixup(bad):
    assert bad["env_set_at_import"] is True  # the variable is set, only too late
    assert bad["fixup"] is False
    assert bad["task_cls"] == "celery.app.task:Task"


def test_bad_example_never_sets_up_django_nor_discovers_tasks(bad):
    assert bad["django_ready"] is False
    assert bad["discovered"] == []


def test_good_example_gets_the_fixup_and_the_tasks(good):
    assert good["fixup"] is True
    if INSTALLED >= (5, 4):  # the fixup sets DjangoTask (delay_on_commit) since Celery 5.4
        assert good["task_cls"] == "celery.contrib.django.task:DjangoTask"
    assert good["django_ready"] is True
    assert good["discovered"] == ["demoapp.tasks.add", "demoapp.tasks.mul", "demoapp.tasks.xsum"]


def test_message_says_what_the_proof_shows(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL001"])).findings
    assert (
        "a worker started without it in its environment gets no Django fixup (no django.setup(), tasks not discovered)"
        in finding.message
    )


def test_a_real_worker_rejects_what_the_message_says(tmp_path):
    """A real worker (solo pool, filesystem broker) given a task of an installed app: "Received unregistered
    task"; with the good example it runs it."""
    for example, rejected in ((RULE.bad, True), (RULE.good, False)):
        root = write_project(example, tmp_path / ("bad" if rejected else "good"))
        use_filesystem_broker(root)
        send(root, "demoapp.tasks.add", (1, 2))
        log = worker_log(root)
        assert ("Received unregistered task of type 'demoapp.tasks.add'" in log) is rejected, log[-3000:]
        assert rejected or "succeeded in" in log, log[-3000:]
