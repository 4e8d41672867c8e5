"""CEL009 proof: a models import in the Celery app module stops Django and the worker.

`manage.py check` imports the settings, which imports the project package, its
`__init__` imports the app module, and the models import runs before the app
registry is ready: AppRegistryNotReady. A real worker cannot load the app (here
ImproperlyConfigured: the import runs before the DJANGO_SETTINGS_MODULE line).
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run, start_worker

load_rules()
RULE = REGISTRY["CEL009"]
NOT_READY = "django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet."


def test_manage_py_and_the_worker_fail_to_start(tmp_path):
    bad = write_project(RULE.bad, tmp_path / "bad")
    check = run([PYTHON, "manage.py", "check"], bad)
    assert check.returncode != 0 and NOT_READY in check.stderr, check.stderr[-2000:]
    ready, output = start_worker(bad)
    assert not ready and "Unable to load celery application" in output, output[-2000:]
    good = run([PYTHON, "manage.py", "check"], write_project(RULE.good, tmp_path / "good"))
    assert good.returncode == 0, good.stderr[-2000:]
    (finding,) = lint_paths([bad], select_rules(["CEL009"])).findings
    assert "AppRegistryNotReady: Apps aren't loaded yet" in finding.message
