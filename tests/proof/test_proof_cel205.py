"""CEL205 proof: the worker's registry lacks a task whose module it never imports.

In a fresh process, what `celery -A proj worker` does at start-up: import the app
module, then `app.loader.import_default_modules()` (the Django fixup runs
`django.setup()` and the system checks, autodiscovery imports `<app>.tasks`, then
`imports` / `include`). With the bad example `demoapp.jobs.nightly_cleanup` is not
in `app.tasks`; with the good one (`CELERY_IMPORTS`) it is. A module reached only
through the URLconf is registered only while the system checks run.
"""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.project import Project
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe
from tests.proof.worker import send, use_filesystem_broker, worker_log

load_rules()
RULE = REGISTRY["CEL205"]
TASK = "demoapp.jobs.nightly_cleanup"
WORKER_START = """\
import json, os
{env}
from proj.celery import app

app.loader.import_default_modules()  # what the worker does at start-up
print(json.dumps(sorted(name for name in app.tasks if not name.startswith("celery."))))
"""
VIA_URLCONF = Example(
    {
        **RULE.bad.files,
        "demoapp/views.py": """\
        from django.http import JsonResponse

        from demoapp.jobs import nightly_cleanup


        def add_view(request):
            nightly_cleanup.delay()
            return JsonResponse({})
        """,
    }
)


def registered(example: Example, root, skip_checks: bool = False) -> list[str]:
    env = 'os.environ["CELERY_SKIP_CHECKS"] = "1"' if skip_checks else ""
    return probe(example, root, WORKER_START.format(env=env))


def test_bad_example_task_is_not_registered_in_the_worker(tmp_path):
    tasks = registered(RULE.bad, tmp_path)
    assert "demoapp.tasks.add" in tasks  # autodiscovery works: only jobs.py is missed
    assert TASK not in tasks


def test_good_example_task_is_registered(tmp_path):
    assert TASK in registered(RULE.good, tmp_path)


@pytest.mark.parametrize(("skip_checks", "present"), [(False, True), (True, False)])
def test_task_reached_only_through_the_urlconf_depends_on_the_checks(tmp_path, skip_checks, present):
    assert (TASK in registered(VIA_URLCONF, tmp_path, skip_checks)) is present


def test_the_rule_reports_the_urlconf_case(tmp_path):
    registered(VIA_URLCONF, tmp_path)  # writes the project
    Project._cache.clear()
    [finding] = lint_paths([tmp_path], select_rules(["CEL205"])).findings
    assert finding.path.name == "jobs.py" and "--skip-checks" in finding.message


def test_a_real_worker_rejects_what_the_message_says(tmp_path):
    """A real worker (solo pool, filesystem broker) given the module no worker imports: "Received unregistered
    task"; with the good example it runs it."""
    for example, rejected in ((RULE.bad, True), (RULE.good, False)):
        root = write_project(example, tmp_path / ("bad" if rejected else "good"))
        use_filesystem_broker(root)
        send(root, "demoapp.jobs.nightly_cleanup", ())
        log = worker_log(root)
        assert ("Received unregistered task of type 'demoapp.jobs.nightly_cleanup'" in log) is rejected, log[-3000:]
        assert rejected or "succeeded in" in log, log[-3000:]
