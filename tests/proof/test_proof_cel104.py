"""CEL104 proof: a misspelt CELERY_ setting is silently ignored.

`CELERY_TASK_TIME_LIMT = 300` is a Django setting Celery never asks for; it raises
no warning, and `task_time_limit` keeps its default (no limit).
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL104"]

READ_CONF = """\
import json, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from proj.celery import app
    limit = app.conf.task_time_limit
    app.conf.maybe_warn_deprecated_settings()
from django.conf import settings
print(json.dumps({
    "written": getattr(settings, "CELERY_TASK_TIME_LIMT", None),
    "task_time_limit": limit,
    "warnings": [str(w.message) for w in caught if "TIME_LIMT" in str(w.message)],
}))
"""


def test_typo_leaves_the_setting_at_its_default(tmp_path):
    conf = probe(RULE.bad, tmp_path, READ_CONF)
    assert conf["written"] == 300
    assert conf["task_time_limit"] is None
    assert conf["warnings"] == []  # silently


def test_real_name_is_read(tmp_path):
    conf = probe(RULE.good, tmp_path, READ_CONF)
    assert conf["task_time_limit"] == 300


def test_message_says_what_the_proof_shows(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL104"])).findings
    assert finding.message == (
        "CELERY_TASK_TIME_LIMT is not a Celery setting and is silently ignored; did you mean CELERY_TASK_TIME_LIMIT?"
    )
