"""CEL201 proof: one tasks file imported under two dotted names is two tasks.

In one process, do what the worker does (autodiscovery imports
`<AppConfig.name>.tasks`, here `apps.billing.tasks`) and what the web process does
(the view imports `billing.tasks`, found through the `sys.path` entry the settings
add). The bad example's view holds a task whose name the worker never registered:
the worker would log "Received unregistered task of type 'billing.tasks.charge'".
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe
from tests.proof.worker import send, use_filesystem_broker, worker_log

load_rules()
RULE = REGISTRY["CEL201"]

WORKER_AND_VIEW = """\
import json, sys
from proj.celery import app

app.loader.import_default_modules()  # the worker: django.setup() and autodiscovery
worker_names = sorted(n for n in app.tasks if n.endswith(".charge"))

from apps.billing import views  # the web process
modules = sorted(m for m in sys.modules if m.endswith("billing.tasks"))
print(json.dumps({
    "worker": worker_names,
    "view_sends": views.charge.name,
    "modules": modules,
    "same_file": len({sys.modules[m].__file__ for m in modules}) == 1,
    "registered_after_import": sorted(n for n in app.tasks if n.endswith(".charge")),
}))
"""


def test_two_module_names_give_two_task_names(tmp_path):
    seen = probe(RULE.bad, tmp_path, WORKER_AND_VIEW)
    assert seen["worker"] == ["apps.billing.tasks.charge"]
    assert seen["view_sends"] == "billing.tasks.charge"  # a name the worker does not know
    assert seen["view_sends"] not in seen["worker"]
    assert seen["modules"] == ["apps.billing.tasks", "billing.tasks"] and seen["same_file"]
    assert seen["registered_after_import"] == ["apps.billing.tasks.charge", "billing.tasks.charge"]


def test_one_module_name_gives_one_task(tmp_path):
    seen = probe(RULE.good, tmp_path, WORKER_AND_VIEW)
    assert seen["view_sends"] == "apps.billing.tasks.charge"
    assert seen["view_sends"] in seen["worker"]
    assert seen["modules"] == ["apps.billing.tasks"]


def test_message_says_what_the_proof_shows(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL201"])).findings
    assert finding.message.startswith(
        "billing.tasks is the module autodiscovery imports as apps.billing.tasks: the same file becomes two modules "
        "and two task names"
    )


def test_a_real_worker_rejects_what_the_message_says(tmp_path):
    """A real worker (solo pool, filesystem broker) given the name the web process's view sends: "Received unregistered
    task"; with the good example it runs it."""
    for example, rejected, name in ((RULE.bad, True, "billing.tasks.charge"), (RULE.good, False, "apps.billing.tasks.charge")):
        root = write_project(example, tmp_path / ("bad" if rejected else "good"))
        use_filesystem_broker(root)
        send(root, name, (7,))
        log = worker_log(root)
        assert (f"Received unregistered task of type '{name}'" in log) is rejected, log[-3000:]
        assert rejected or "succeeded in" in log, log[-3000:]
