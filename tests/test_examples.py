"""Every rule's documented examples are test inputs: the bad one produces exactly the
findings it declares, the good one none (static rules, through the real engine)."""

from __future__ import annotations

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import lint

load_rules()
STATIC_RULES = [rule for rule in REGISTRY if not rule.live_only]


@pytest.mark.parametrize("rule", STATIC_RULES, ids=lambda r: r.code)
def test_bad_example_reports_exactly_its_findings(rule, project):
    write_project(rule.bad, project)
    found = sorted((path, code) for path, _, code in _lint(project, rule, errors=rule.code == "CEL007"))
    assert found == (sorted(rule.bad.findings) if rule.bad.shown_here else [])
    assert rule.bad.findings, "a bad example must produce at least one finding"
    assert all(code == rule.code for _, code in rule.bad.findings)


@pytest.mark.parametrize("rule", STATIC_RULES, ids=lambda r: r.code)
def test_good_example_is_clean(rule, project):
    write_project(rule.good, project)
    assert _lint(project, rule) == []


def _lint(project, rule, errors=False):
    """The rule alone; a rule about the others' findings (CEL901) with the default set too."""
    return lint(project, rule.code, errors=errors, default_set=rule.after_rules)


def test_codes_are_unique_and_well_formed():
    codes = [rule.code for rule in REGISTRY]
    assert codes == sorted(set(codes))
    for rule in REGISTRY:
        assert rule.code[:3] == "CEL" and rule.code[3:].isdigit() and len(rule.code) == 6
        assert rule.severity in ("E", "W")
        assert rule.django_id == f"celery_lint.{rule.severity}{rule.code[3:]}"
        assert (rule.check_project is None) != (rule.check_module is None) or rule.live_only or rule.after_rules
