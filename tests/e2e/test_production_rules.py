"""The production-settings rules (CEL5xx) through the real `celery-lint` command, real
flake8 and the real `manage.py check`: the bad examples of the rules that can share a
project, merged into one, give the same findings at the same lines in all three; the
merged good examples give none; the opt-in rules report only when selected."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.e2e import parse_findings
from tests.helpers import BIN, PYTHON, clean_env, lint, run

load_rules()
MERGED = ("CEL501", "CEL502", "CEL504", "CEL505", "CEL506", "CEL508", "CEL510", "CEL511")
CODES = tuple(rule.code for rule in REGISTRY if rule.code.startswith("CEL5"))
CHECK_ID = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): \(celery_lint\.[EW](?P<number>5\d\d)\)", re.M)


def merged(kind: str) -> Example:
    files: dict[str, str] = {}
    for code in MERGED:
        for path, text in getattr(REGISTRY[code], kind).texts().items():
            assert path.startswith("+"), f"{code}'s {kind} example replaces {path}: it cannot be merged"
            files[path] = files.get(path, "") + text
    return Example(files)


def command(root: Path, *args: str) -> set[tuple[str, int, str]]:
    result = run([str(BIN / "celery-lint"), *args, "."], root)
    assert result.returncode in (0, 1), result.stderr
    return set(parse_findings(result.stdout, CODES))


def flake8(root: Path, select: str = "CEL") -> set[tuple[str, int, str]]:
    result = run([str(BIN / "flake8"), f"--select={select}", "."], root)
    assert result.returncode in (0, 1), result.stderr
    return set(parse_findings(result.stdout, CODES))


def manage_check(root: Path) -> set[tuple[str, int, str]]:
    # CEL502's good example reads the broker URL from the environment
    env = {**clean_env(), "CELERY_BROKER_URL": "memory://"}
    result = subprocess.run([PYTHON, "manage.py", "check"], cwd=root, capture_output=True, text=True, timeout=120, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return {(m["path"], int(m["line"]), f"CEL{m['number']}") for m in CHECK_ID.finditer(result.stdout + result.stderr)}


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> tuple[Path, set[tuple[str, int, str]]]:
    root = write_project(merged("bad"), tmp_path_factory.mktemp("cel5") / "bad")
    expected = {f for f in lint(root) if f[2] in CODES}
    assert {code for _, _, code in expected} == {code for code in MERGED if REGISTRY[code].default_enabled}
    return root, expected


def test_the_command_reports_each_bad_example(bad):
    root, expected = bad
    assert command(root) == expected


def test_flake8_reports_the_same(bad):
    root, expected = bad
    assert flake8(root) == expected


def test_manage_py_check_reports_the_same(bad):
    root, expected = bad
    assert manage_check(root) == expected


def test_the_good_examples_are_quiet_everywhere(tmp_path):
    root = write_project(merged("good"), tmp_path)
    assert command(root) == set()
    assert flake8(root) == set()
    assert manage_check(root) == set()


@pytest.mark.parametrize("code", ["CEL503", "CEL506", "CEL509", "CEL516"])
def test_opt_in_rules_only_when_selected(tmp_path, code):
    root = write_project(REGISTRY[code].bad, tmp_path)
    assert not REGISTRY[code].default_enabled
    assert command(root) == set()
    assert {c for _, _, c in command(root, "--extend-select", code)} == {code}
    assert {c for _, _, c in flake8(root, code)} == {code}
    assert manage_check(root) == set()


@pytest.mark.parametrize("code", ["CEL507", "CEL512", "CEL513"])
def test_a_rule_whose_example_replaces_files_reports_alike_everywhere(tmp_path, code):
    """Examples that replace a file or set the same setting as another: run on their own."""
    root = write_project(REGISTRY[code].bad, tmp_path / "bad")
    expected = {f for f in lint(root) if f[2] in CODES}
    assert {c for _, _, c in expected} == {code}
    assert command(root) == flake8(root) == expected
    # `manage.py check` runs the project rules; a module rule (CEL507) is flake8's and the command's
    assert manage_check(root) == (expected if REGISTRY[code].check_project else set())
    good = write_project(REGISTRY[code].good, tmp_path / "good")
    assert command(good) == flake8(good) == manage_check(good) == set()
