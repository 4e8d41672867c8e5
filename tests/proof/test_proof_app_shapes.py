"""Proof for apps built elsewhere (tests/test_app_shapes.py): an app made by a project
factory and configured with `config_from_object("django.conf:settings",
namespace="CELERY")` reads the settings exactly as a `Celery(...)` app does, so an
unprefixed setting is ignored and a factory's constructor namespace stands when
config_from_object gives none."""

from __future__ import annotations

from celery_lint.registry import Example
from tests.proof import probe
from tests.test_app_shapes import app_files

READ_CONF = """\
import json
import django
from proj.celery import app

django.setup()
print(json.dumps({"namespace": app.namespace, "task_always_eager": app.conf.task_always_eager}))
"""


def test_factory_app_ignores_an_unprefixed_setting(tmp_path):
    conf = probe(Example(app_files("factory")), tmp_path, READ_CONF)
    assert conf == {"namespace": "CELERY", "task_always_eager": False}


def test_factory_app_reads_the_prefixed_setting(tmp_path):
    conf = probe(Example(app_files("factory", settings="CELERY_TASK_ALWAYS_EAGER = True\n")), tmp_path, READ_CONF)
    assert conf == {"namespace": "CELERY", "task_always_eager": True}


def test_the_factory_constructor_namespace_stands_without_one_in_config_from_object(tmp_path):
    files = app_files("factory", 'app.config_from_object("django.conf:settings")\n', ', namespace="CELERY"',
                      settings="CELERY_TASK_ALWAYS_EAGER = True\n")
    assert probe(Example(files), tmp_path, READ_CONF) == {"namespace": "CELERY", "task_always_eager": True}


def test_current_app_configured_from_django_settings_ignores_an_unprefixed_setting(tmp_path):
    conf = probe(Example(app_files("current-app")), tmp_path, READ_CONF)
    assert conf == {"namespace": "CELERY", "task_always_eager": False}
