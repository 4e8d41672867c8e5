"""CEL206 proof: a beat entry or send_task name that names no task is not in the
worker's registry (the worker rejects it as unregistered), and a 're:' task_routes key
routes nothing while a compiled regular expression does."""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe
from tests.proof.worker import send, use_filesystem_broker, worker_log

load_rules()
RULE = REGISTRY["CEL206"]
WORKER_START = """\
import json
from proj.celery import app
from celery.exceptions import NotRegistered

app.loader.import_default_modules()  # what the worker does at start-up
beat = {key: entry["task"] for key, entry in app.conf.beat_schedule.items()}
lookups = {}
for name in beat.values():
    try:
        app.tasks[name]  # the worker's lookup for an incoming message
        lookups[name] = "registered"
    except NotRegistered:
        lookups[name] = "NotRegistered"
print(json.dumps({"beat": beat, "lookups": lookups}))
"""


def test_bad_beat_entry_names_no_registered_task(tmp_path):
    seen = probe(RULE.bad, tmp_path, WORKER_START)
    assert seen["beat"] == {"add-every-minute": "tasks.add"}  # beat reads the entry
    assert seen["lookups"] == {"tasks.add": "NotRegistered"}


def test_good_beat_entry_is_registered(tmp_path):
    seen = probe(RULE.good, tmp_path, WORKER_START)
    assert seen["lookups"] == {"demoapp.tasks.add": "registered"}


ROUTE = """\
import json
from proj.celery import app

app.loader.import_default_modules()
print(json.dumps(app.amqp.router.route({}, "demoapp.tasks.add")["queue"].name))
"""


def routes(key: str) -> Example:
    return Example({"+proj/settings.py": f'import re\nCELERY_TASK_ROUTES = {{{key}: {{"queue": "special"}}}}\n'})


def test_re_prefixed_route_key_routes_nothing(tmp_path):
    assert probe(routes('"re:demoapp\\\\..*"'), tmp_path / "prefix", ROUTE) == "celery"
    assert probe(routes('re.compile(r"demoapp\\..*")'), tmp_path / "compiled", ROUTE) == "special"
    assert probe(routes('"demoapp.*"'), tmp_path / "glob", ROUTE) == "special"


def test_a_real_worker_rejects_what_the_message_says(tmp_path):
    """A real worker (solo pool, filesystem broker) given the beat entry's name, as beat sends it: "Received unregistered
    task"; with the good example it runs it."""
    for example, rejected, name in ((RULE.bad, True, "tasks.add"), (RULE.good, False, "demoapp.tasks.add")):
        root = write_project(example, tmp_path / ("bad" if rejected else "good"))
        use_filesystem_broker(root)
        send(root, name, (1, 2))
        log = worker_log(root)
        assert (f"Received unregistered task of type '{name}'" in log) is rejected, log[-3000:]
        assert rejected or "succeeded in" in log, log[-3000:]
