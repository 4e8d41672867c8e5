"""CEL005 proof: a real worker lists the tasks it registered at start.

`celery --skip-checks` keeps Django's system checks from importing the URLconf (which
imports views, which import the tasks): what is left is what autodiscovery imports.
"""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.engine import lint_paths, select_rules
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import lint, start_worker

load_rules()
RULE = REGISTRY["CEL005"]
SKIP_CHECKS = ("--skip-checks",)


def registered_tasks(output: str) -> list[str]:
    """The task names of the worker's start-up banner ("[tasks]" then "  . name" lines)."""
    lines = output.split("[tasks]", 1)[1].splitlines() if "[tasks]" in output else []
    return [line.strip()[2:] for line in lines if line.strip().startswith(". ")]


def test_legacy_lambda_does_not_discover_an_appconfig_path_app(tmp_path):
    ready, output = start_worker(write_project(RULE.bad, tmp_path / "bad"), options=SKIP_CHECKS)
    assert ready and "[tasks]" in output, output[-2000:]
    assert "demoapp.tasks.add" not in registered_tasks(output)


def test_argless_autodiscover_finds_the_app_by_its_appconfig_name(tmp_path):
    ready, output = start_worker(write_project(RULE.good, tmp_path / "good"), options=SKIP_CHECKS)
    assert ready, output[-2000:]
    assert {"demoapp.tasks.add", "demoapp.tasks.mul", "demoapp.tasks.xsum"} <= set(registered_tasks(output))


def test_no_autodiscover_call_registers_nothing(tmp_path):
    no_call = RULE.good.texts()["proj/celery.py"].replace("app.autodiscover_tasks()\n", "")
    root = write_project(RULE.good, tmp_path / "none")
    (root / "proj/celery.py").write_text(no_call, encoding="utf-8")
    assert [code for _, _, code in lint(root, "CEL005")] == ["CEL005"]
    ready, output = start_worker(root, options=SKIP_CHECKS)
    assert ready and "[tasks]" in output, output[-2000:]
    assert "demoapp.tasks.add" not in registered_tasks(output)


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (the worker's [tasks] list)."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL005"], extend_select=["CEL005"])).findings
    for phrase in ("the worker rejects them as unregistered",):
        assert phrase in finding.message, finding.message
