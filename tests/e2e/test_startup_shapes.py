"""The start-up shapes of `tests/startup_shapes.py` through the installed `celery-lint`
command and the real flake8: each variant is its own project under one directory,
and one run of each tool reports them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from tests.e2e import parse_findings
from tests.helpers import BIN, run
from tests.startup_shapes import (
    CEL001_FIX,
    CEL001_FIX_TEXT,
    MANAGE_INSIDE_PACKAGE,
    SETTINGS_NAME_SHAPES,
    SYS_PATH_SHAPES,
)

SHAPES = {**SYS_PATH_SHAPES, **SETTINGS_NAME_SHAPES, "manage-inside-package": MANAGE_INSIDE_PACKAGE,
          "cel001-fix": CEL001_FIX}
CODES = tuple(rule.code for rule in REGISTRY)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> tuple[Path, list[tuple[str, int, str]]]:
    """Every variant in `top/<shape>/<variant>/`; the findings expected, sorted."""
    top = tmp_path_factory.mktemp("startup")
    expected = []
    for name, shape in SHAPES.items():
        variants = {"bad": shape.bad, "clean": shape.clean, **{f"unknown{i}": u for i, u in enumerate(shape.unknown)}}
        for variant, files in variants.items():
            write_project(Example(files), top / name / variant)
        expected += [(f"{name}/bad/{path}", line, code) for path, line, code in shape.findings]
    return top, sorted(expected)


def test_command(tree):
    top, expected = tree
    result = run([str(BIN / "celery-lint"), "."], top)
    assert result.returncode == 1, result.stderr
    assert sorted(parse_findings(result.stdout, CODES)) == expected
    assert "cel001-fix/bad/proj/celery.py:3:7: CEL001 " in result.stdout
    assert result.stdout.count(CEL001_FIX_TEXT) == 1


def test_flake8(tree):
    top, expected = tree
    result = run([str(BIN / "flake8"), "--select=CEL", "-j", "1", "."], top)
    assert result.returncode == 1, result.stderr
    assert sorted(parse_findings(result.stdout, CODES)) == expected
    assert result.stdout.count(CEL001_FIX_TEXT) == 1
