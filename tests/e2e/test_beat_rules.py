"""The beat rules (CEL309, CEL514, CEL515, CEL206 on PeriodicTask rows) through the real
`celery-lint` command, real flake8 and the real `manage.py check`: a bad project gives
the same findings at the same lines in all three, the good and the unknown ones none."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from celery_lint.rules.cel309 import example as cel309_example
from tests.e2e import parse_findings
from tests.helpers import BIN, PYTHON, clean_env, lint, run
from tests.test_cel206_periodic import in_migration

load_rules()
CODES = ("CEL206", "CEL309", "CEL514", "CEL515")
CHECK_ID = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): \(celery_lint\.[EW](?P<number>\d\d\d)\)", re.M)
PERIODIC_BAD = Example(in_migration('PeriodicTask.objects.create(name="x", task="tasks.add")'))
PERIODIC_GOOD = Example(in_migration('PeriodicTask.objects.create(name="x", task="demoapp.tasks.add")'))
PERIODIC_UNKNOWN = Example(in_migration('PeriodicTask.objects.create(name="x", task=NAME)'))
UNKNOWN_USE_TZ = cel309_example(False).texts()["proj/settings.py"].replace(
    "USE_TZ = False", 'import os\nUSE_TZ = os.environ.get("USE_TZ") == "1"'
)
UNKNOWN_LIMIT = REGISTRY["CEL514"].bad.texts()["+demoapp/tasks.py"].replace(
    "time_limit=600", 'time_limit=int(__import__("os").environ.get("LIMIT", "600"))'
)


def command(root: Path, *args: str) -> set[tuple[str, int, str]]:
    result = run([str(BIN / "celery-lint"), *args, "."], root)
    assert result.returncode in (0, 1), result.stderr
    return set(parse_findings(result.stdout, CODES))


def flake8(root: Path, select: str) -> set[tuple[str, int, str]]:
    result = run([str(BIN / "flake8"), f"--select={select}", "."], root)
    assert result.returncode in (0, 1), result.stderr
    return set(parse_findings(result.stdout, CODES))


def manage_check(root: Path) -> set[tuple[str, int, str]]:
    result = subprocess.run([PYTHON, "manage.py", "check"], cwd=root, capture_output=True, text=True, timeout=120,
                            env=clean_env())
    assert "Traceback" not in result.stderr, result.stderr
    found = {(m["path"], int(m["line"]), f"CEL{m['number']}") for m in CHECK_ID.finditer(result.stdout + result.stderr)}
    return {f for f in found if f[2] in CODES}


@pytest.mark.parametrize(
    ("code", "bad", "good", "unknown"),
    [
        pytest.param("CEL309", REGISTRY["CEL309"].bad, REGISTRY["CEL309"].good,
                     Example({**REGISTRY["CEL309"].bad.files, "proj/settings.py": UNKNOWN_USE_TZ}), id="CEL309"),
        pytest.param("CEL514", REGISTRY["CEL514"].bad, REGISTRY["CEL514"].good,
                     Example({**REGISTRY["CEL514"].bad.files, "+demoapp/tasks.py": UNKNOWN_LIMIT}), id="CEL514"),
        pytest.param("CEL206", PERIODIC_BAD, PERIODIC_GOOD, PERIODIC_UNKNOWN, id="CEL206-periodic-task"),
    ],
)
def test_reported_alike_everywhere(tmp_path, code, bad, good, unknown):
    root = write_project(bad, tmp_path / "bad")
    expected = {f for f in lint(root) if f[2] in CODES}
    assert {c for _, _, c in expected} == {code}
    assert command(root) == flake8(root, "CEL") == manage_check(root) == expected
    for kind, example in (("good", good), ("unknown", unknown)):
        quiet = write_project(example, tmp_path / kind)
        assert command(quiet) == flake8(quiet, "CEL") == manage_check(quiet) == set(), kind


def test_cel515_only_when_selected(tmp_path):
    rule = REGISTRY["CEL515"]
    root = write_project(rule.bad, tmp_path / "bad")
    assert command(root) == set()
    assert {c for _, _, c in command(root, "--extend-select", "CEL515")} == {"CEL515"}
    assert {c for _, _, c in flake8(root, "CEL515")} == {"CEL515"}
    assert manage_check(root) == set()
    good = write_project(rule.good, tmp_path / "good")
    assert command(good, "--extend-select", "CEL515") == flake8(good, "CEL515") == set()
    unknown = write_project(Example({"+proj/settings.py": rule.bad.texts()["+proj/settings.py"].replace(
        '"schedule": 60.0', '"schedule": EVERY')}), tmp_path / "unknown")
    assert command(unknown, "--extend-select", "CEL515") == flake8(unknown, "CEL515") == set()
