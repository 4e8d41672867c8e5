"""CEL207 and CEL208 proofs: what the real Celery makes of the examples' decorator options.

CEL207: `retry=3` becomes the task's `retry` attribute, so `self.retry(...)` raises
TypeError, as the message says; with `max_retries=3` the task retries. CEL208:
`max_retry=5` is set as an attribute nothing reads and `max_retries` stays 3.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
SETUP = """\
import json, os

os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django

django.setup()
"""
RETRYING = SETUP + """\
from demoapp.tasks import fetch

outcome = fetch.apply(args=("not a number",))
print(json.dumps({"status": outcome.status, "result": repr(outcome.result), "retries": fetch.max_retries}))
"""
MAX_RETRIES = SETUP + """\
from demoapp.tasks import sync

print(json.dumps({"max_retries": sync.max_retries, "max_retry": getattr(sync, "max_retry", None)}))
"""


def test_cel207_retry_option_breaks_self_retry(tmp_path):
    rule = REGISTRY["CEL207"]
    bad = probe(rule.bad, tmp_path / "bad", RETRYING)
    assert bad["status"] == "FAILURE"
    assert bad["result"] == "TypeError(\"'int' object is not callable\")"
    good = probe(rule.good, tmp_path / "good", RETRYING)
    assert good["status"] == "FAILURE" and good["result"].startswith("ValueError(")  # retried 3 times, then raised
    (finding,) = lint_paths([write_project(rule.bad, tmp_path / "lint")], select_rules(["CEL207"])).findings
    assert "raises TypeError: 'int' object is not callable" in finding.message


def test_cel208_the_typo_is_never_read(tmp_path):
    rule = REGISTRY["CEL208"]
    assert probe(rule.bad, tmp_path / "bad", MAX_RETRIES) == {"max_retries": 3, "max_retry": 5}
    assert probe(rule.good, tmp_path / "good", MAX_RETRIES) == {"max_retries": 5, "max_retry": None}
    (finding,) = lint_paths([write_project(rule.bad, tmp_path / "lint")], select_rules(["CEL208"])).findings
    assert "max_retries keeps its default" in finding.message
