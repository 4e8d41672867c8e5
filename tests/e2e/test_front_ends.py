"""The docs say which front end reports each rule (front-ends.md, each rule page's
"Reported by" and its SILENCED_SYSTEM_CHECKS advice): the real `manage.py check`
on each rule's bad example agrees."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from celery_lint import rule_docs
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Rule
from celery_lint.rules import load_rules
from tests.helpers import run

load_rules()
STATIC = [rule for rule in REGISTRY if not rule.live_only]  # live-only: tests/test_docs.py runs their command
PAGES = rule_docs.pages()


def manage_check_reports(rule: Rule, root: Path) -> bool:
    pytest.importorskip("django")
    write_project(rule.bad, root)
    if not rule.default_enabled:  # an opt-in rule: the table turns it on
        (root / "pyproject.toml").write_text(f'[tool.celery-lint]\nextend-select = ["{rule.code}"]\n')
    for step in rule.bad.setup:
        assert run([sys.executable, "manage.py", *step.split()], root).returncode == 0
    command = [sys.executable, *rule_docs.LIVE_COMMAND.split()[1:]]
    result = run(command, root)
    return f"({rule.django_id})" in result.stdout + result.stderr


@pytest.mark.parametrize("rule", STATIC, ids=lambda r: r.code)
def test_silenced_system_checks_is_advised_only_where_manage_py_check_reports(rule: Rule, tmp_path: Path):
    page = PAGES[f"rules/{rule.code}.md"]
    advised = "SILENCED_SYSTEM_CHECKS" in page
    reported = manage_check_reports(rule, tmp_path / "project")
    assert advised == ("manage.py check" in rule_docs.reported_by(rule))
    if rule.code in rule_docs.LIVE_CHECKS:
        # a live check: reported once the running process shows it (tests/test_cel201_live.py)
        assert advised and not reported
    else:
        assert advised == reported, f"page advises it: {advised}; manage.py check reports it: {reported}"


def test_the_front_ends_page_is_the_registry():
    page = PAGES[rule_docs.FRONT_ENDS_PAGE]
    rows = re.findall(r"^\| \[(CEL\d{3})\]\(rules/\1\.md\) \| .*? \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", page, re.M)
    assert [code for code, *_ in rows] == [rule.code for rule in REGISTRY]
    for code, *marks in rows:
        rule = REGISTRY[code]
        expected = [
            rule_docs.LIVE_CHECKS[code] if name == "manage.py check" and code in rule_docs.LIVE_CHECKS
            else ("yes" if name in rule_docs.reported_by(rule) else "no")
            for name in rule_docs.FRONT_ENDS
        ]
        assert [mark.strip() for mark in marks] == expected, code
    assert [rule.code for rule in REGISTRY if not rule.in_manage_check] == ["CEL006", "CEL007", "CEL008", "CEL009"]
