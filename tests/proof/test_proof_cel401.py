"""CEL401 proof: with CELERY_TASK_ALWAYS_EAGER in the settings wsgi.py names, the web
process runs tasks inline.

`.delay()` in the process the web server starts (DJANGO_SETTINGS_MODULE from
`proj/wsgi.py`) returns an `EagerResult`: the task ran right there, in the same
process, and nothing went to the broker. In the good example the web process sends
the task to the broker (an `AsyncResult`, still pending with no worker), while the
test settings pytest uses keep the eager behaviour.
"""

from __future__ import annotations

from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL401"]

WEB_REQUEST = """\
import json, os
{settings}
import proj.wsgi  # what gunicorn proj.wsgi does: sets up Django with the settings wsgi.py names
from demoapp.tasks import add
from proj.celery import app

with app.connection_for_write() as connection:
    queue = connection.SimpleQueue("celery")
    result = add.delay(2, 3)
    print(json.dumps({{
        "settings": os.environ["DJANGO_SETTINGS_MODULE"],
        "result": type(result).__name__,
        "value": result.result if type(result).__name__ == "EagerResult" else None,  # no worker, no stored result
        "messages_on_the_broker": queue.qsize(),
    }}))
"""


def test_bad_example_web_process_runs_tasks_inline(tmp_path):
    assert probe(RULE.bad, tmp_path, WEB_REQUEST.format(settings="")) == {
        "settings": "proj.settings",
        "result": "EagerResult",
        "value": 5,
        "messages_on_the_broker": 0,
    }


def test_good_example_web_process_sends_tasks_to_the_broker(tmp_path):
    assert probe(RULE.good, tmp_path, WEB_REQUEST.format(settings="")) == {
        "settings": "proj.settings",
        "result": "AsyncResult",
        "value": None,
        "messages_on_the_broker": 1,
    }


def test_good_example_tests_still_run_eagerly(tmp_path):
    settings = 'os.environ["DJANGO_SETTINGS_MODULE"] = "proj.test_settings"  # as pytest.ini says'
    found = probe(RULE.good, tmp_path, WEB_REQUEST.format(settings=settings))
    assert (found["settings"], found["result"], found["value"]) == ("proj.test_settings", "EagerResult", 5)
