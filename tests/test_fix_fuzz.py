"""(g) Generated valid programs, through `--fix --unsafe-fixes` (in memory, as `--diff`
runs it): a fix never makes a file unparsable and never touches a file without a
finding, in a healthy project and in each fixable rule's bad example.

Example counts are modest to keep the suite fast; `HYPOTHESIS_PROFILE=thorough` runs
many more (tests/test_fuzz.py registers the profiles).
"""

from __future__ import annotations

import ast
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import given
from hypothesis import strategies as st

from celery_lint.engine import Report, lint_paths, select_rules
from celery_lint.examples import project_files
from celery_lint.fixing import run
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import write_files
from tests.test_fuzz import PROFILE, parses

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
load_rules()
RULES = select_rules(extend_select=["CEL"])
FIXABLE = [rule for rule in REGISTRY if rule.fix is not None]
PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


def fixed_in_memory(root: Path) -> tuple[Report, run.Outcome]:
    found: list[Report] = []

    def lint() -> Report:
        found.append(lint_paths([root], RULES))
        return found[-1]

    outcome = run.fix(lint, unsafe=True, write=False)
    return found[0], outcome


def assert_fixes_are_sound(root: Path) -> None:
    first, outcome = fixed_in_memory(root)
    with_findings = {f.path for f in first.findings}
    for path, text in outcome.texts.items():
        assert path in with_findings, f"{path} had no finding"
        ast.parse(text)


@PROFILE
@given(code=PROGRAMS)
def test_a_generated_module_in_a_healthy_project(tmp_path_factory, code):
    if parses(code) is None:
        return
    root = write_files(tmp_path_factory.mktemp("fixfuzz") / "project", {"demoapp/generated.py": code})
    assert_fixes_are_sound(root)


@PROFILE
@given(code=PROGRAMS, rule=st.sampled_from(FIXABLE))
def test_generated_code_beside_a_fixable_finding(tmp_path_factory, code, rule):
    if parses(code) is None:
        return
    assert rule.fix is not None
    target = next(path.lstrip("+") for path in rule.fix.fixed)
    files = project_files(rule.bad)
    files[target] += ("\n" if files[target].endswith("\n") else "\n\n") + code
    root = write_files(tmp_path_factory.mktemp("fixfuzz") / "project", files, base=False)
    assert_fixes_are_sound(root)
