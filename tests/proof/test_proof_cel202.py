"""CEL202 proof: a reusable app whose tasks use the project's `@app.task` cannot be
installed in another project (importing its tasks fails there), and its tasks keep
using the project's app when another app is current; `@shared_task` tasks import
anywhere and follow the current app."""

from __future__ import annotations

import json
import shutil

from celery_lint.examples import write_project
from celery_lint.engine import lint_paths, select_rules
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import run_python
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL202"]
ANOTHER_PROJECT = """\
import json
from celery import Celery

other = Celery("other")  # the app of the project that installs demoapp
try:
    import demoapp.tasks
    print(json.dumps({"import": "ok", "uses_current_app": demoapp.tasks.add.app is other}))
except ModuleNotFoundError as exc:
    print(json.dumps({"import": str(exc)}))
"""
SECOND_APP = """\
import json
from celery import Celery
from proj.celery import app as project_app

other = Celery("tests")  # e.g. a test suite's own app, made current after the project's
other.set_current()
from demoapp.tasks import add

print(json.dumps({"project_app": add.app is project_app, "current_app": add.app is other}))
"""


def reused(example, tmp_path) -> dict:
    """Install the example's demoapp alone in another project directory and import its tasks."""
    write_project(example, tmp_path / "project")
    shutil.copytree(tmp_path / "project" / "demoapp", tmp_path / "other" / "demoapp")
    result = run_python(ANOTHER_PROJECT, tmp_path / "other")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_bad_example_cannot_be_installed_in_another_project(tmp_path):
    assert reused(RULE.bad, tmp_path) == {"import": "No module named 'proj'"}


def test_good_example_imports_anywhere_and_uses_the_current_app(tmp_path):
    assert reused(RULE.good, tmp_path) == {"import": "ok", "uses_current_app": True}


def test_bad_example_tasks_ignore_the_current_app(tmp_path):
    assert probe(RULE.bad, tmp_path, SECOND_APP) == {"project_app": True, "current_app": False}


def test_good_example_tasks_follow_the_current_app(tmp_path):
    assert probe(RULE.good, tmp_path, SECOND_APP) == {"project_app": False, "current_app": True}


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (the two probes)."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL202"], extend_select=["CEL202"])).findings
    for phrase in ("`from proj.celery import app` fails", "its tasks always use this app instead of the current one",):
        assert phrase in finding.message, finding.message
