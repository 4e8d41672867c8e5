"""CEL515 proof: a short-period beat entry without `expires`.

The real Celery beat `Scheduler` ticks for a while with no worker running (an
in-memory broker keeps what it sends); then a worker starts (threads pool,
`celery.contrib.testing.worker`). Without `expires` (the bad example's entry,
scaled down to every 0.5 s) it runs every message beat sent meanwhile, one after
the other; with `options={"expires": ...}` shorter than the outage, it discards
them all as expired (the task never runs). With django-celery-beat's
DatabaseScheduler (sqlite, migrated) an entry's `expires` option is dropped as the
entry becomes a `PeriodicTask` row, and `expire_seconds` is what beat then sends as
`expires`.
"""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL515"]

OUTAGE = """\
import json, os, time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker

from proj.celery import app


@app.task
def refresh_rates():
    with open("runs.txt", "a") as runs:
        runs.write("run\\n")


app.conf.beat_schedule = {{"refresh-rates": {{"task": refresh_rates.name, "schedule": 0.5, "options": {options}}}}}
scheduler = Scheduler(app)
deadline = time.monotonic() + 2.2  # no worker: beat keeps sending
while time.monotonic() < deadline:
    scheduler.tick()
    time.sleep(0.05)
time.sleep(1.6)  # every message sent is older than its expiry
with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
    time.sleep(2)
runs = open("runs.txt").read().count("run") if os.path.exists("runs.txt") else 0
print(json.dumps({{"runs": runs}}))
"""


def test_without_expires_the_worker_runs_every_message_sent_while_it_was_down(tmp_path):
    assert probe(Example({}), tmp_path, OUTAGE.format(options="{}"))["runs"] >= 3


def test_with_expires_the_worker_discards_the_stale_messages(tmp_path):
    assert probe(Example({}), tmp_path, OUTAGE.format(options='{"expires": 1.0}')) == {"runs": 0}


@pytest.mark.parametrize("kind", ["bad", "good"])
def test_the_message_says_what_the_proof_shows(tmp_path, kind):
    root = write_project(getattr(RULE, kind), tmp_path / kind).resolve()
    found = lint_paths([root], select_rules([RULE.code], extend_select=[RULE.code])).findings
    if kind == "good":
        assert found == []
        return
    (finding,) = found
    for phrase in ("every 60 s without an expiry", "every message waiting runs once a worker is back",
                   "set options={'expires': 60}"):
        assert phrase in finding.message, finding.message


DATABASE_OPTIONS = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from django.core.management import call_command

call_command("migrate", "django_celery_beat", verbosity=0)
from django_celery_beat.schedulers import DatabaseScheduler

from proj.celery import app

app.conf.beat_schedule = {
    "with-expires": {"task": "demoapp.tasks.add", "schedule": 60.0, "options": {"expires": 60}},
    "with-expire-seconds": {"task": "demoapp.tasks.add", "schedule": 60.0, "options": {"expire_seconds": 60}},
}
scheduler = DatabaseScheduler(app=app)
entries = scheduler.all_as_schedule()
print(json.dumps({name: entries[name].options.get("expires") for name in ("with-expires", "with-expire-seconds")}))
"""


def test_the_database_scheduler_keeps_expire_seconds_and_drops_expires(tmp_path):
    database = Example({"+proj/settings.py": 'INSTALLED_APPS += ["django_celery_beat"]\n'
                                             'CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"\n'})
    assert probe(database, tmp_path, DATABASE_OPTIONS) == {"with-expires": None, "with-expire-seconds": 60}
