"""The example project shipped in example/: what each front end reports on it is
pinned here, so neither the project nor the rules can drift unnoticed."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.project import Project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import lint, run

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example"

# (path relative to example/, line, code) of every finding, in report order
EXPECTED = [
    ("apps/billing/views.py", 3, "CEL201"),
    ("orders/tasks.py", 10, "CEL203"),
    ("orders/views.py", 11, "CEL204"),
    ("proj/__init__.py", 1, "CEL004"),
    ("proj/celery.py", 5, "CEL001"),
    ("proj/settings.py", 39, "CEL301"),
    ("proj/settings.py", 41, "CEL104"),
    ("proj/settings.py", 42, "CEL101"),
]
FLAKE8_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):\d+: (?P<code>CEL\d{3}) ")
CHECK_ID = re.compile(r"\((?P<id>celery_lint\.[EW]\d{3})\)")

load_rules()


def test_example_findings_are_pinned():
    assert lint(EXAMPLE) == EXPECTED


def test_example_is_its_own_project_when_the_repository_is_linted():
    """`celery-lint .` at the repository root reports the example's findings as the
    example alone does, and nothing in the linter's own code."""
    Project._cache.clear()
    report = lint_paths([REPO], select_rules())
    assert not report.errors, report.errors
    found = [(f.path.relative_to(REPO), f.line, f.code) for f in report.findings]
    in_example = [(p.relative_to("example").as_posix(), line, code) for p, line, code in found if p.parts[0] == "example"]
    assert in_example == EXPECTED
    own_code = ("celery_lint", "flake8_plugin", "tests", "docs")
    assert [f for f in found if f[0].parts[0] in own_code] == []


def test_every_planted_mistake_is_described_in_its_readme():
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    for path, _, code in EXPECTED:
        assert code in readme and path in readme


def test_the_command_reports_the_pinned_findings():
    result = run([sys.executable, "-m", "celery_lint", "example"], REPO)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""  # the settings, the app and the version are determined: no warning
    lines = result.stdout.splitlines()
    facts = "settings proj.settings, app proj.celery, Celery 5.4.0 from requirements.txt"
    assert lines[-1] == f"Found {len(EXPECTED)} findings in 15 files ({facts})."
    found = [FLAKE8_LINE.match(line) for line in lines[:-1]]
    assert [(m["path"], int(m["line"]), m["code"]) for m in found if m] == [
        (f"example/{path}", line, code) for path, line, code in EXPECTED
    ]
    assert all(found)


def test_flake8_reports_the_pinned_findings():
    pytest.importorskip("flake8")
    result = run([sys.executable, "-m", "flake8", "--select=CEL", "example"], REPO)
    assert result.returncode == 1, result.stderr
    found = [FLAKE8_LINE.match(line) for line in result.stdout.splitlines()]
    assert all(found), result.stdout
    assert [(m["path"], int(m["line"]), m["code"]) for m in found] == [
        (f"example/{path}", line, code) for path, line, code in EXPECTED
    ]


def test_manage_py_check_reports_the_project_level_findings():
    """The live front end reports the project-level rules (not the per-module CEL201),
    as the rule pages say, and refuses to go on (errors)."""
    pytest.importorskip("django")
    result = run([sys.executable, "manage.py", "check"], EXAMPLE)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    live = [REGISTRY[code] for _, _, code in EXPECTED if REGISTRY[code].check_project is not None]
    assert sorted(m["id"] for m in CHECK_ID.finditer(output)) == sorted(rule.django_id for rule in live)
