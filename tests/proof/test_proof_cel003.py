"""CEL003 proof: a lowercase namespace hides every setting that is not also an old name.

With `namespace="celery"` Celery looks for `celery_broker_url`, which Django never
exposes: `CELERY_BROKER_URL = "memory://"` is ignored and the broker falls back to
amqp on localhost, while `CELERY_RESULT_BACKEND` (also the Celery 3 name) still
works -- as the message says. Without a namespace the same happens.
"""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL003"]
NO_NAMESPACE = Example(
    {"proj/celery.py": RULE.bad.texts()["proj/celery.py"].replace(', namespace="celery"', "")}
)

READ_CONF = """\
import json
from proj.celery import app

print(json.dumps({
    "broker_url": app.conf.broker_url,
    "broker_uri": app.connection_for_write().as_uri(),
    "result_backend": app.conf.result_backend,
    "task_serializer": app.conf.task_serializer,
}))
"""


def effective_conf(example: Example, root) -> dict:
    return probe(example, root, READ_CONF)


@pytest.mark.parametrize("example", [RULE.bad, NO_NAMESPACE], ids=["lowercase-namespace", "no-namespace"])
def test_new_names_are_ignored_old_names_still_read(example, tmp_path):
    conf = effective_conf(example, tmp_path)
    assert conf["broker_url"] is None  # CELERY_BROKER_URL = "memory://" was never read
    assert conf["broker_uri"] == "amqp://guest:**@localhost:5672//"
    assert conf["result_backend"] == "django-db"  # CELERY_RESULT_BACKEND is an old name too
    assert conf["task_serializer"] == "json"


def test_good_example_reads_the_settings(tmp_path):
    conf = effective_conf(RULE.good, tmp_path)
    assert conf["broker_url"] == "memory://"
    assert conf["broker_uri"].startswith("memory://")


@pytest.mark.parametrize("example", [RULE.bad, NO_NAMESPACE], ids=["lowercase-namespace", "no-namespace"])
def test_message_names_the_ignored_setting_and_not_the_working_ones(example, tmp_path):
    write_project(example, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL003"])).findings
    assert "only old setting names" in finding.message
    assert "CELERY_BROKER_URL" in finding.message
    assert "CELERY_RESULT_BACKEND" not in finding.message and "CELERY_TASK_SERIALIZER" not in finding.message
