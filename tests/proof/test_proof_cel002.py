"""CEL002 proof: the settings object travels with the app; a module path bypasses Django.

A real `celery worker` with the 'spawn' pool start method pickles the app for its
children: given the settings object, that pickles every Django setting and dies on
an unpicklable one, while the string 'django.conf:settings' starts. Given
'proj.settings', Celery reads that module even when DJANGO_SETTINGS_MODULE names
another one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from celery.bin.worker import worker as worker_command

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import fixed_example, write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.helpers import lint, run_python, start_worker

load_rules()
RULE = REGISTRY["CEL002"]
SPAWN = ("--pool-start-method", "spawn")
# A callable setting, as django-debug-toolbar documents for SHOW_TOOLBAR_CALLBACK.
LAMBDA_SETTING = '\nDEBUG_TOOLBAR_CONFIG = {"SHOW_TOOLBAR_CALLBACK": lambda request: DEBUG}\n'


# `celery worker --pool-start-method` (the prefork pool's 'spawn') is newer than Celery 5.3.
needs_spawn = pytest.mark.skipif(
    not any(p.name == "pool_start_method" for p in worker_command.params),
    reason="this Celery's worker has no --pool-start-method",
)


def with_lambda_setting(example: Example, root: Path) -> Path:
    write_project(example, root)
    with (root / "proj/settings.py").open("a", encoding="utf-8") as settings:
        settings.write(LAMBDA_SETTING)
    return root


@needs_spawn
def test_settings_object_breaks_a_spawn_worker(tmp_path):
    ready, output = start_worker(with_lambda_setting(RULE.bad, tmp_path / "bad"), worker_options=SPAWN)
    assert not ready
    assert "PicklingError" in output and "lambda" in output, output[-2000:]


@needs_spawn
@pytest.mark.parametrize("fixed", [False, True], ids=["good", "fixed"])
def test_string_source_starts_a_spawn_worker(tmp_path, fixed):
    """The good example, and the bad one as `celery-lint --fix` leaves it."""
    example = fixed_example(RULE) if fixed else RULE.good
    ready, output = start_worker(with_lambda_setting(example, tmp_path / "good"), worker_options=SPAWN)
    assert ready, output[-2000:]


PICKLED_APP = """\
import os
import pickle

os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django

django.setup()
from proj.celery import app

app.conf.broker_url  # configured, as in a running worker
print("SECRET_KEY pickled:", b"not-a-secret" in pickle.dumps(app))
"""


def test_settings_object_pickles_every_setting(tmp_path):
    bad = run_python(PICKLED_APP, write_project(RULE.bad, tmp_path / "bad"))
    good = run_python(PICKLED_APP, write_project(RULE.good, tmp_path / "good"))
    assert "SECRET_KEY pickled: True" in bad.stdout, bad.stderr
    assert "SECRET_KEY pickled: False" in good.stdout, good.stderr


MODULE_PATH = Example(
    {
        "proj/celery.py": RULE.good.texts()["proj/celery.py"].replace('"django.conf:settings"', '"proj.settings"'),
        "proj/settings_production.py": """\
        from .settings import *  # noqa: F403

        CELERY_BROKER_URL = "redis://broker.internal:6379/0"
        """,
    }
)
BROKERS = """\
import os

os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings_production"  # as a deployment sets it
import django

django.setup()
from django.conf import settings
from proj.celery import app

print("django:", settings.CELERY_BROKER_URL)
print("celery:", app.conf.broker_url)
"""


def test_module_path_ignores_the_settings_module_django_uses(tmp_path):
    bad_root = write_project(MODULE_PATH, tmp_path / "bad")
    assert [code for _, _, code in lint(bad_root, "CEL002")] == ["CEL002"]
    bad = run_python(BROKERS, bad_root)
    assert "django: redis://broker.internal:6379/0" in bad.stdout, bad.stderr
    assert "celery: memory://" in bad.stdout, bad.stderr
    fixed = Example({**MODULE_PATH.files, "proj/celery.py": RULE.good.files["proj/celery.py"]})
    good = run_python(BROKERS, write_project(fixed, tmp_path / "good"))
    assert "celery: redis://broker.internal:6379/0" in good.stdout, good.stderr


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (test_settings_object_pickles_every_setting and the spawn worker)."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL002"], extend_select=["CEL002"])).findings
    for phrase in ("PicklingError on any unpicklable setting", "SECRET_KEY included",):
        assert phrase in finding.message, finding.message
