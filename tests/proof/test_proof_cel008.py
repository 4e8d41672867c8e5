"""CEL008 proof: a settings module name the project does not have stops Django and the worker.

With no DJANGO_SETTINGS_MODULE in the environment (a new shell, a worker started by
hand), the setdefault's value is what Django imports: `manage.py check` and a real
`celery -A proj worker` both die with ModuleNotFoundError, as the message says.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE, write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, clean_env, run, start_worker

load_rules()
RULE = REGISTRY["CEL008"]
APP_TYPO = Example({"proj/celery.py": BASE["proj/celery.py"].replace('"proj.settings"', '"proj.settngs"')})


def manage_check(root):
    assert "DJANGO_SETTINGS_MODULE" not in clean_env()
    return run([PYTHON, "manage.py", "check"], root)


def test_manage_py_stops_with_module_not_found(tmp_path):
    bad = manage_check(write_project(RULE.bad, tmp_path / "bad"))
    assert bad.returncode != 0
    assert "ModuleNotFoundError: No module named 'proj.settngs'" in bad.stderr, bad.stderr[-2000:]
    good = manage_check(write_project(RULE.good, tmp_path / "good"))
    assert good.returncode == 0, good.stderr[-2000:]


def test_the_worker_does_not_start(tmp_path):
    root = write_project(APP_TYPO, tmp_path / "bad")
    (finding,) = lint_paths([root], select_rules(["CEL008"])).findings
    assert finding.path.name == "celery.py"
    assert "Django stops with ModuleNotFoundError when it loads the settings" in finding.message
    ready, output = start_worker(root)
    assert not ready
    assert "No module named 'proj.settngs'" in output, output[-2000:]
