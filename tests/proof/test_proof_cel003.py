"""CEL003 proof: a lowercase namespace, or none, hides the settings Django holds.

With `namespace="celery"` Celery looks for `celery_broker_url`, which Django never
exposes: `CELERY_BROKER_URL = "memory://"` is ignored and the broker falls back to
amqp on localhost. The old (Celery 3) names are tried after the prefixed and the new
one: Celery 5.7 finds them in the settings, earlier versions find the new key's
default first. `CELERY_RESULT_BACKEND` is read by name in every version (a property
of Celery's `Settings`). Without a namespace the old names are read and the new ones
ignored. The message says what the installed version does.
"""

from __future__ import annotations

import celery
import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL003"]
INSTALLED = tuple(int(p) for p in celery.__version__.split(".")[:2])
NO_NAMESPACE = Example(
    {"proj/celery.py": RULE.bad.texts()["proj/celery.py"].replace(', namespace="celery"', "")}
)

# CELERY_RESULT_SERIALIZER is both the old name and CELERY_ + the new one; unlike
# CELERY_RESULT_BACKEND, no property of Celery's Settings asks for it by name
OLD_NAME = "CELERY_RESULT_SERIALIZER = 'pickle'\n"


def with_old_name(example: Example) -> Example:
    return Example({**example.files, "+proj/settings.py": OLD_NAME})


READ_CONF = """\
import json
from proj.celery import app

print(json.dumps({
    "broker_url": app.conf.broker_url,
    "broker_uri": app.connection_for_write().as_uri(),
    "result_backend": app.conf.result_backend,
    "result_serializer": app.conf.result_serializer,
}))
"""


def effective_conf(example: Example, root) -> dict:
    return probe(example, root, READ_CONF)


@pytest.mark.parametrize("example", [RULE.bad, NO_NAMESPACE], ids=["lowercase-namespace", "no-namespace"])
def test_new_names_are_ignored_but_the_result_backend(example, tmp_path):
    conf = effective_conf(with_old_name(example), tmp_path)
    assert conf["broker_url"] is None  # CELERY_BROKER_URL = "memory://" was never read
    assert conf["broker_uri"] == "amqp://guest:**@localhost:5672//"
    assert conf["result_backend"] == "django-db"  # Settings.result_backend asks for CELERY_RESULT_BACKEND by name


def test_without_namespace_old_names_are_read(tmp_path):
    conf = effective_conf(with_old_name(NO_NAMESPACE), tmp_path)
    assert conf["result_serializer"] == "pickle"


def test_lowercase_namespace_reads_old_names_only_on_celery_5_7(tmp_path):
    conf = effective_conf(with_old_name(RULE.bad), tmp_path)
    if (5, 7) <= INSTALLED < (6, 0):
        assert conf["result_serializer"] == "pickle"
    else:  # the default of the new key is found before the old name is tried
        assert conf["result_serializer"] == "json"


def test_good_example_reads_the_settings(tmp_path):
    conf = effective_conf(RULE.good, tmp_path)
    assert conf["broker_url"] == "memory://"
    assert conf["broker_uri"].startswith("memory://")


def test_lowercase_namespace_message_says_what_the_installed_celery_does(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL003"])).findings
    if (5, 7) <= INSTALLED < (6, 0):
        assert f"Celery {celery.__version__} from the installed package reads only the old setting names and ignores " \
            "CELERY_BROKER_URL;" in finding.message
    else:
        assert f"Celery {celery.__version__} from the installed package ignores every Celery setting but " \
            "CELERY_RESULT_BACKEND;" in finding.message


def test_no_namespace_message_names_the_ignored_setting_and_not_the_working_ones(tmp_path):
    write_project(NO_NAMESPACE, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL003"])).findings
    assert finding.message.startswith("no namespace: Celery reads only old setting names and ignores CELERY_BROKER_URL")
    assert "CELERY_RESULT_BACKEND" not in finding.message and "CELERY_TASK_SERIALIZER" not in finding.message
    assert finding.message.endswith("; add namespace='CELERY'")


def test_namespace_given_to_the_constructor_is_kept(tmp_path):
    """config_from_object() without a namespace keeps the constructor's: no finding, and
    Celery reads the settings."""
    celery_py = RULE.good.texts()["proj/celery.py"].replace('Celery("proj")', 'Celery("proj", namespace="CELERY")')
    celery_py = celery_py.replace(
        'config_from_object("django.conf:settings", namespace="CELERY")', 'config_from_object("django.conf:settings")'
    )
    example = Example({"proj/celery.py": celery_py})
    assert 'config_from_object("django.conf:settings")' in example.texts()["proj/celery.py"]
    assert effective_conf(example, tmp_path)["broker_url"] == "memory://"
    assert lint_paths([tmp_path], select_rules(["CEL003"])).findings == []
