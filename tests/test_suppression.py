"""`celery_lint.suppression`: the one decision every front end asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from flake8.violation import Violation

from celery_lint.config import parse_table
from celery_lint.suppression import Reporting, noqa_suppresses, select_rules

LINES = [
    "X = 1  # noqa",
    "X = 1  # NOQA",
    "X = 1  #noqa",  # no space: not a noqa comment for flake8
    "X = 1  # noqa: CEL104",
    "X = 1  # noqa:CEL104",
    "X = 1  # noqa:  CEL104",  # two spaces: flake8 reads a bare noqa
    "X = 1  # noqa : CEL104",  # likewise
    "X = 1  # noqa: CEL1",
    "X = 1  # noqa: CEL10",
    "X = 1  # noqa: CEL",
    "X = 1  # noqa: cel104",  # flake8 compares codes as written
    "X = 1  # NOQA:E501,CEL104",
    "X = 1  # noqa: E501 CEL101",
    "X = 1  # noqa: E501",
    "X = 1  # noqa: CEL102",
    "X = 1  # a comment, noqa: CEL104",
    "X = 1",
]


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("code", ["CEL104", "CEL101"])
def test_noqa_is_read_as_flake8_reads_it(line, code):
    """flake8 applies its own noqa to the plugin's findings: the command and Django must agree."""
    violation = Violation(code, "proj/settings.py", 1, 0, "text", line + "\n")
    assert noqa_suppresses(line, code) is violation.is_inline_ignored(disable_noqa=False)


def test_one_decision(tmp_path: Path):
    config = parse_table(
        {"ignore": ["CEL103"], "per-file-ignores": {"proj/settings.py": ["CEL101"]}, "exclude": ["legacy/**"]},
        tmp_path / "pyproject.toml",
    )
    reporting = Reporting.configured(config)
    settings = tmp_path / "proj" / "settings.py"
    text = "A = 1\nB = 2  # noqa: CEL104\n"
    assert reporting.reports("CEL104", settings, 1, text)
    assert not reporting.reports("CEL104", settings, 2, text)  # noqa
    assert not reporting.reports("CEL101", settings, 1, text)  # per-file-ignores
    assert reporting.reports("CEL101", tmp_path / "proj" / "celery.py", 1, text)
    assert not reporting.reports("CEL103")  # ignore: with no file too (a live finding)
    assert not reporting.reports("CEL104", tmp_path / "legacy" / "settings.py", 1, text)  # exclude
    assert not reporting.reports("CEL202")  # opt-in
    assert Reporting(reporting.rules, config, noqa=False).reports("CEL104", settings, 2, text)  # --disable-noqa


def test_front_end_options_over_the_table(tmp_path: Path):
    config = parse_table({"select": ["CEL1"], "ignore": ["CEL104"]}, tmp_path / "pyproject.toml")
    group = {"CEL101", "CEL102", "CEL103", "CEL105", "CEL106", "CEL107"}  # CEL1 selects the opt-in CEL106 too
    assert Reporting.configured(config).codes == group
    assert Reporting.configured(config, select=["CEL2"]).codes == {r.code for r in select_rules(["CEL2"], ["CEL104"])}
    assert Reporting.configured(config, ignore=["CEL101"], extend_select=["CEL202"]).codes == group - {"CEL101"} | {
        "CEL202",
    }
    assert Reporting.configured(config).narrowed(["CEL10"]).codes == group
    assert Reporting.configured(config).narrowed(["CEL102"]).codes == {"CEL102"}
