"""CEL403 proof: with no broker configured, Celery connects to amqp://guest@localhost.

Neither the settings nor the environment name a broker: kombu's default
`amqp://guest:**@localhost:5672//` is what `.delay()` connects to (and with no
RabbitMQ there, fails with a connection error). The `CELERY_BROKER_URL` environment
variable, which the check honours, does configure it; so does the good example.
"""

from __future__ import annotations

import os

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, run, run_python
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL403"]

BROKER = """\
import json, os, socket

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from demoapp.tasks import add
from proj.celery import app

uri = app.connection_for_write().as_uri()
sent = None
if uri.startswith("amqp://") and socket.socket().connect_ex(("127.0.0.1", 5672)) != 0:
    try:
        add.apply_async((2, 3), retry=False)
        sent = "sent"
    except Exception as exc:
        sent = type(exc).__module__ + "." + type(exc).__name__
print(json.dumps({"broker": uri, "delay": sent}))
"""


def test_bad_example_uses_amqp_on_localhost(tmp_path):
    found = probe(RULE.bad, tmp_path, BROKER)
    assert found["broker"] == "amqp://guest:**@localhost:5672//"
    assert found["delay"] in ("kombu.exceptions.OperationalError", None)  # None: something listens on 5672


def test_environment_variable_configures_the_broker(tmp_path):
    write_project(RULE.bad, tmp_path)
    env_code = "import os\nos.environ['CELERY_BROKER_URL'] = 'memory://'\n" + BROKER
    result = run_python(env_code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"broker": "memory://' in result.stdout
    assert "CELERY_BROKER_URL" not in os.environ  # the test process itself was not configured


def test_good_example_uses_its_broker(tmp_path):
    assert probe(RULE.good, tmp_path, BROKER)["broker"].startswith("memory://")


def test_the_message_says_what_the_proof_shows(tmp_path):
    """`manage.py check --deploy` on the bad example names the broker the probe found."""
    check = run([PYTHON, "manage.py", "check", "--deploy"], write_project(RULE.bad, tmp_path / "message"))
    assert "(celery_lint.W403)" in check.stderr, check.stderr
    assert "Celery uses amqp://guest@localhost:5672//" in check.stderr
