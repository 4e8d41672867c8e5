"""README.md tells the truth: its rule table is the registry, its option table is the
command's parser, its example output is what the command prints today, and CI installs
and tests the way it says."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from celery_lint.cli import build_parser
from celery_lint.registry import REGISTRY, Rule
from celery_lint.rules import load_rules
from tests.helpers import run

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
TRY_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/celery-lint example"
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
load_rules()


def table_row(rule: Rule) -> str:
    summary = rule.summary.replace("|", r"\|") + ("" if rule.default_enabled else " (opt-in)")
    return f"| {rule.code} | {rule.severity} | {summary} |"


def text_block_after(text: str, marker: str) -> str:
    """The body of the first ```text block after `marker`."""
    body = text.index("```text\n", text.index(marker)) + len("```text\n")
    return text[body : text.index("```", body)]


def test_rule_table_is_the_registry():
    rows = [line for line in README.splitlines() if re.match(r"^\| CEL\d{3} \|", line)]
    expected = [table_row(rule) for rule in REGISTRY]
    assert rows == expected, "README rule table is stale; the rows should be:\n" + "\n".join(expected)


def test_option_table_is_the_parser():
    """Every long option of `celery-lint` has its row, and every option a row names exists."""
    start = README.index("| option | what it does |")
    table = README[start : README.index("\n\n", start)]
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", table))
    options = {o for action in build_parser()._actions for o in action.option_strings if o.startswith("--")}
    assert shown == options - {"--help"}, f"missing rows: {options - shown - {'--help'}}; unknown: {shown - options}"


def test_newcomer_commands_are_there_as_written():
    assert f"\n{TRY_COMMAND}\n" in README
    assert f"\n{TEST_COMMAND}\n" in README


def test_example_output_is_what_the_command_prints():
    shown = text_block_after(README, TRY_COMMAND)
    result = run([sys.executable, "-m", "celery_lint", "example"], REPO)
    assert result.returncode == 1, result.stderr
    assert shown == result.stdout, "README example output is stale; paste:\n" + result.stdout


def test_ci_installs_and_tests_as_the_readme_says():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test,docs]'" in script or "pip install -e '.[test]'" in script
    assert "-m pytest" in script
    assert "mkdocs build --strict" in script


def refreshed(text: str) -> str:
    """README text with the rule table and the example output regenerated."""
    rows = [i for i, line in enumerate(text.splitlines()) if re.match(r"^\| CEL\d{3} \|", line)]
    lines = text.splitlines()
    lines[rows[0] : rows[-1] + 1] = [table_row(rule) for rule in REGISTRY]
    text = "\n".join(lines) + "\n"
    old = text_block_after(text, TRY_COMMAND)
    new = run([sys.executable, "-m", "celery_lint", "example"], REPO).stdout
    start = text.index(old, text.index(TRY_COMMAND))
    return text[:start] + new + text[start + len(old) :]


if __name__ == "__main__":
    # `python -m tests.test_readme`: rewrite README.md's rule table and example output
    (REPO / "README.md").write_text(refreshed(README), encoding="utf-8")
