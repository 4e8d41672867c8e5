"""CEL101 proof: `TASK_ALWAYS_EAGER = True` in the Django settings is never read by Celery.

Django exposes the setting, but with `namespace="CELERY"` Celery looks for
`CELERY_TASK_ALWAYS_EAGER`: `app.conf.task_always_eager` stays False and
`.delay()` sends a message instead of running the task.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL101"]

READ_CONF = """\
import json
import django
from proj.celery import app
from django.conf import settings

django.setup()
from demoapp.tasks import add

result = add.delay(2, 3)
print(json.dumps({
    "written": [getattr(settings, name, None) for name in ("TASK_ALWAYS_EAGER", "CELERY_TASK_ALWAYS_EAGER")],
    "task_always_eager": app.conf.task_always_eager,
    "ran_in_process": type(result).__name__ == "EagerResult",
}))
"""


def test_unprefixed_setting_is_ignored(tmp_path):
    conf = probe(RULE.bad, tmp_path, READ_CONF)
    assert conf["written"] == [True, None]  # Django has it...
    assert conf["task_always_eager"] is False  # ...Celery never reads it
    assert conf["ran_in_process"] is False


def test_prefixed_setting_is_read(tmp_path):
    conf = probe(RULE.good, tmp_path, READ_CONF)
    assert conf["task_always_eager"] is True
    assert conf["ran_in_process"] is True


def test_message_says_what_the_proof_shows(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL101"])).findings
    assert finding.message == (
        "TASK_ALWAYS_EAGER is ignored: with namespace='CELERY' Celery reads CELERY_TASK_ALWAYS_EAGER"
    )
