"""CEL006 proof: run from the project root, `import celery` finds the project's file
and the project no longer starts; with the app module inside the package it does."""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.engine import lint_paths, select_rules
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run, run_python

load_rules()
RULE = REGISTRY["CEL006"]
IMPORT_CELERY = """\
import celery

print("celery from:", celery.__file__)
print("Celery:", celery.Celery)
"""


def test_celery_py_at_root_shadows_the_library(tmp_path):
    root = write_project(RULE.bad, tmp_path / "bad")
    result = run_python(IMPORT_CELERY, root)
    assert result.returncode != 0
    assert "cannot import name 'Celery' from partially initialized module 'celery'" in result.stderr
    assert str(root / "celery.py") in result.stderr

    check = run([PYTHON, "manage.py", "check"], root)
    assert check.returncode != 0
    assert "ImportError" in check.stderr and "partially initialized module" in check.stderr


def test_app_module_inside_the_package_shadows_nothing(tmp_path):
    root = write_project(RULE.good, tmp_path / "good")
    result = run_python(IMPORT_CELERY, root)
    assert result.returncode == 0, result.stderr
    assert "site-packages" in result.stdout and "<class 'celery.app.base.Celery'>" in result.stdout
    assert run([PYTHON, "manage.py", "check"], root).returncode == 0


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (the import error)."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL006"], extend_select=["CEL006"])).findings
    for phrase in ("cannot import name 'Celery' from partially initialized module 'celery'",):
        assert phrase in finding.message, finding.message
