"""The start-up shapes of `tests/startup_shapes.py` through the installed `celery-lint`
command and the real flake8 (each variant is its own project under one directory,
and one run of each tool reports them all), and `manage.py check` for the shapes
whose start-up code Django runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from tests.e2e import parse_findings
from tests.helpers import BIN, PYTHON, run
from tests.startup_shapes import (
    ALL_SHAPES,
    CEL001_LOCAL_TEXT,
    CEL001_FIX_TEXT,
    MANAGE_INSIDE_PACKAGE,
    MANAGE_INSIDE_SCRIPT,
)

SHAPES = ALL_SHAPES
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
    assert result.stdout.count(CEL001_FIX_TEXT) == 2  # cel001-fix, cel001-fix-production
    assert result.stdout.count(CEL001_LOCAL_TEXT) == 1


def test_flake8(tree):
    top, expected = tree
    result = run([str(BIN / "flake8"), "--select=CEL", "-j", "1", "."], top)
    assert result.returncode == 1, result.stderr
    assert sorted(parse_findings(result.stdout, CODES)) == expected
    assert result.stdout.count(CEL001_FIX_TEXT) == 2
    assert result.stdout.count(CEL001_LOCAL_TEXT) == 1


# The URLconf imports the view, so that the Django process loads the tasks module under
# the view's name as well as autodiscovery's.
VIEW_LOADED = {"+proj/urls.py": "from demoapp import billing_views  # noqa: E402,F401\n"}


@pytest.mark.parametrize("name", ["manage-guard", "manage-main", "manage-helper-called-from-guard", "sys-path-extend",
                                  "sys-path-slice", "sys-path-rebound", "sys-path-augmented", "site-addsitedir",
                                  "site-addsitedir-imported", "site-addsitedir-pth"])
@pytest.mark.parametrize("variant", ["bad", "clean"])
def test_manage_py_check_agrees(tmp_path, name, variant):
    """`python manage.py check` runs the start-up code for real: the apps directory is on
    sys.path, and CEL201 live sees the bad variant's file loaded as two modules."""
    shape = SHAPES[name]
    write_project(Example({**(shape.bad if variant == "bad" else shape.clean), **VIEW_LOADED}), tmp_path)
    result = run([PYTHON, "manage.py", "check"], tmp_path)
    ids = re.findall(r"\(celery_lint\.([EW]\d{3})\)", result.stdout + result.stderr)
    assert ids == (["E201"] if variant == "bad" else []), result.stdout + result.stderr


@pytest.mark.parametrize("variant", ["bad", "clean"])
def test_manage_inside_package_runs_as_module(tmp_path, variant):
    """`python -m proj.manage check` from the parent: the clean variant passes (no E006:
    proj/celery.py is proj.celery there), and in the bad one, whose settings put proj/ on
    sys.path, CEL201 live sees the tasks module loaded as two modules. `python
    proj/manage.py` cannot import proj at all."""
    shape = MANAGE_INSIDE_PACKAGE
    views = {"+proj/urls.py": "from proj.billing import views  # noqa: E402,F401\n"}
    write_project(Example({**(shape.bad if variant == "bad" else shape.clean), **views}), tmp_path)
    result = run([PYTHON, "-m", "proj.manage", "check"], tmp_path)
    ids = re.findall(r"\(celery_lint\.([EW]\d{3})\)", result.stdout + result.stderr)
    assert ids == (["E201"] if variant == "bad" else []), result.stdout + result.stderr
    assert "is loaded as 2 modules (billing.tasks, proj.billing.tasks)" in result.stderr or variant == "clean"
    script = run([PYTHON, "proj/manage.py", "check"], tmp_path)
    assert "No module named 'proj'" in script.stderr


@pytest.mark.parametrize("variant", ["bad", "clean"])
def test_manage_inside_package_run_as_script(tmp_path, variant):
    """manage.py putting its parent on sys.path runs as `python proj/manage.py`, proj/
    first on sys.path: proj/celery.py is then the `celery` every import finds (bad)."""
    shape = MANAGE_INSIDE_SCRIPT
    write_project(Example(shape.bad if variant == "bad" else shape.clean), tmp_path)
    result = run([PYTHON, "proj/manage.py", "check"], tmp_path)
    if variant == "bad":
        assert "cannot import name 'Celery' from partially initialized module 'celery'" in result.stderr
    else:
        assert result.returncode == 0 and "no issues" in result.stdout, result.stdout + result.stderr
