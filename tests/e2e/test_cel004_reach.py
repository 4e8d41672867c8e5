"""CEL004's start-up reach through the real `celery-lint`, flake8 and `manage.py check`.

Every shape of tests/test_cel004.py is its own project (proj/__init__.py empty) under
one directory: those Django loads the app through and those it cannot be told for are
silent, the others report CEL004 at proj/__init__.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import Example
from tests.e2e import parse_findings
from tests.e2e.test_django_checks import manage, our_ids
from tests.helpers import BIN, run
from tests.test_cel004 import LOADED, NOT_LOADED, UNKNOWN_REACH

SHAPES = {**LOADED, **NOT_LOADED, **UNKNOWN_REACH}


def expected(name: str) -> list[tuple[str, int, str]]:
    return [("proj/__init__.py", 1, "CEL004")] if name in NOT_LOADED else []


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("reach")
    for name, files in SHAPES.items():
        write_project(Example({"proj/__init__.py": "", **files}), top / name)
    return top


@pytest.mark.parametrize("name", SHAPES)
def test_command(tree, name):
    result = run([str(BIN / "celery-lint"), "--select", "CEL004"], tree / name)
    assert parse_findings(result.stdout) == expected(name), result.stdout + result.stderr
    assert result.returncode == (1 if expected(name) else 0)


def test_flake8(tree):
    result = run([str(BIN / "flake8"), "--select=CEL004", "."], tree)
    found = parse_findings(result.stdout)
    assert sorted(found) == sorted((f"{n}/{p}", line, c) for n in SHAPES for p, line, c in expected(n)), result.stderr


@pytest.mark.parametrize("name", ["models-package", "admin", "admin-not-installed"])
def test_manage_py_check(tree, name):
    result = manage(tree / name, "check")
    output = result.stdout + result.stderr
    assert ("E004" in our_ids(output)) is (name in NOT_LOADED), output
