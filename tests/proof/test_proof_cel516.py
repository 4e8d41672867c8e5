"""CEL516 proof: a real worker start logs the pending-deprecation warning where the rule says it does.

A real `celery -A proj worker` (in-memory broker) is started on the canonical project
and killed once ready. With `CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP` unset, Celery
5.3 and 5.4 log the warning (ending "set broker_connection_retry_on_startup to True"),
5.5 and later do not; with `CELERY_BROKER_CONNECTION_RETRY = False` too, every minor
logs it; with the setting given, none does. Each project is linted against the
installed Celery (no pin): the rule reports exactly where the worker warned.
"""

from __future__ import annotations

import celery
import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.helpers import start_worker

load_rules()

RULE = REGISTRY["CEL516"]
INSTALLED = tuple(int(p) for p in celery.__version__.split(".")[:2])
WARNING = "The broker_connection_retry configuration setting will no longer determine"


@pytest.mark.parametrize(
    ("settings", "warns", "advice"),
    [
        pytest.param("", INSTALLED < (5, 5), "you should set broker_connection_retry_on_startup to True", id="unset"),
        pytest.param("CELERY_BROKER_CONNECTION_RETRY = False\n", True,
                     "broker_connection_retry_on_startup to False", id="unset-no-retries"),
        pytest.param("CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True\n", False, "", id="set"),
    ],
)
def test_the_worker_warns_where_the_rule_reports(tmp_path, settings, warns, advice):
    root = write_project(Example({"+proj/settings.py": settings}), tmp_path).resolve()
    ready, output = start_worker(root)
    assert ready, output[-2000:]
    assert (WARNING in output) == warns, output[-2000:]
    if warns:
        assert "CPendingDeprecationWarning" in output and advice in output, output[-2000:]
    findings = lint_paths([root], select_rules([RULE.code])).findings
    assert len(findings) == warns
    if warns:
        (finding,) = findings
        assert f"every worker start on Celery {celery.__version__} from the installed package logs a " \
               f"CPendingDeprecationWarning ('{WARNING}" in finding.message
