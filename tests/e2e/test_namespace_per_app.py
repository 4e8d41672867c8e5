"""The shapes of tests/test_namespace_per_app.py (several apps, several namespaces)
through the real `celery-lint` command and the real flake8."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import parse_findings, shape_findings, write_shapes
from tests.e2e.test_cli import celery_lint
from tests.e2e.test_django_checks import ANY_ID, manage
from tests.e2e.test_flake8 import flake8
from tests.test_namespace_per_app import CODES, SHAPES


@pytest.fixture(scope="module")
def top(tmp_path_factory) -> Path:
    return write_shapes(tmp_path_factory.mktemp("namespaces"), SHAPES)


@pytest.mark.parametrize("name", list(SHAPES))
def test_command(top, name):
    result = celery_lint(top / name, "--select", ",".join(CODES), ".")
    expected = SHAPES[name][1]
    assert parse_findings(result.stdout, CODES) == expected, result.stdout + result.stderr
    assert result.returncode == (1 if expected else 0), result.stderr


def test_flake8(top):
    result = flake8(top, "-j", "1", ".")
    assert sorted(parse_findings(result.stdout, CODES)) == shape_findings(SHAPES), result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "ids"),
    [("cel301-bad", ["E301"]), ("cel301-clean", []), ("cel402-bad", ["W402"]), ("cel402-clean", [])],
)
def test_manage_py_check(top, name, ids):
    """`manage.py check` decides CEL301 and CEL402 in the running process (`celery_lint.live`),
    for the app Django loads (proj.celery:app, namespace 'CELERY'): as the source says for it."""
    result = manage(top / name, "check")
    found = [i for i in ANY_ID.findall(result.stdout + result.stderr) if i in ("E301", "W402")]
    assert found == ids, result.stdout + result.stderr
