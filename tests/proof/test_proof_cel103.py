"""CEL103 proof: a lowercase setting in settings.py never reaches Celery.

Django's settings object takes only UPPERCASE names of the module
(`django/conf/__init__.py`: `if setting.isupper()`), so `broker_transport_options`
is not even an attribute of `django.conf.settings`, and Celery keeps its default.
"""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL103"]

READ_CONF = """\
import json
from proj.celery import app
import proj.settings as module
from django.conf import settings

print(json.dumps({
    "in_module": hasattr(module, "broker_transport_options"),
    "django_exposes": [hasattr(settings, n) for n in ("broker_transport_options", "CELERY_BROKER_TRANSPORT_OPTIONS")],
    "celery_reads": app.conf.broker_transport_options,
}))
"""


def test_lowercase_setting_is_never_seen(tmp_path):
    conf = probe(RULE.bad, tmp_path, READ_CONF)
    assert conf["in_module"] is True
    assert conf["django_exposes"] == [False, False]
    assert conf["celery_reads"] == {}  # Celery's default


def test_uppercase_setting_is_read(tmp_path):
    conf = probe(RULE.good, tmp_path, READ_CONF)
    assert conf["django_exposes"] == [False, True]
    assert conf["celery_reads"] == {"visibility_timeout": 3600}


def test_message_says_what_the_proof_shows(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL103"])).findings
    assert finding.message == (
        "broker_transport_options is ignored: Django settings only expose UPPERCASE names; "
        "use CELERY_BROKER_TRANSPORT_OPTIONS"
    )
