"""CEL204 proof: with real Django (sqlite) and real Celery, a task sent inside
transaction.atomic() is published while the transaction is open, and the task run
the way a worker runs it (its own database connection) does not find the row; sent
with delay_on_commit() it is published after the commit and finds it."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.helpers import run_python
from tests.proof import probe
from tests.proof.like_a_worker import needs_on_commit_methods, ran_after_the_commit, ran_before_the_commit, script

load_rules()
RULE = REGISTRY["CEL204"]
SIGNUP = script(
    """\
    from django.test import RequestFactory

    call_command("migrate", "auth", verbosity=0)  # the User table
    from demoapp import tasks, views
    """,
    "tasks.send_welcome_email",
    """\
    views.signup(RequestFactory().post("/signup/", {"username": "ada"}))
    print("after the view:", tasks.send_welcome_email.apply(args=(1,)).result)
    """,
)


def test_task_sent_inside_atomic_runs_before_the_commit(tmp_path):
    result = run_python(SIGNUP, write_project(RULE.bad, tmp_path / "bad"))
    ran_before_the_commit(result, "User")
    assert "after the view: Welcome, ada" in result.stdout  # the row exists once committed


@needs_on_commit_methods
def test_delay_on_commit_publishes_after_the_commit(tmp_path):
    result = run_python(SIGNUP, write_project(RULE.good, tmp_path / "good"))
    ran_after_the_commit(result, "'Welcome, ada'")


ROLLBACK = """\
import os

os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django

django.setup()
from celery.signals import after_task_publish
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory

call_command("migrate", "auth", verbosity=0)  # the User table
from demoapp import views

published = []
after_task_publish.connect(lambda sender=None, **kwargs: published.append(sender), weak=False)
try:
    with transaction.atomic():  # the caller's transaction, rolled back after the view
        views.signup(RequestFactory().post("/signup/", {"username": "ada"}))
        raise RuntimeError("payment failed")
except RuntimeError:
    pass
print("user exists:", User.objects.filter(username="ada").exists())
print("published:", published)
"""


def test_rolled_back_transaction_still_sent_the_task(tmp_path):
    bad = run_python(ROLLBACK, write_project(RULE.bad, tmp_path / "bad"))
    assert "user exists: False" in bad.stdout, bad.stdout + bad.stderr
    assert "published: ['demoapp.tasks.send_welcome_email']" in bad.stdout


@needs_on_commit_methods
def test_rolled_back_transaction_sends_nothing_on_commit(tmp_path):
    good = run_python(ROLLBACK, write_project(RULE.good, tmp_path / "good"))
    assert "user exists: False" in good.stdout, good.stdout + good.stderr
    assert "published: []" in good.stdout


REPLICA = """\
import json, os

os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django

django.setup()
from celery.signals import after_task_publish
from django.db import transaction

from demoapp.tasks import add

published = []
after_task_publish.connect(lambda sender=None, **kwargs: published.append(sender), weak=False)
with transaction.atomic(using="replica"):
    add.delay_on_commit(1, 2)
    on_commit_fix = list(published)
    transaction.on_commit(lambda: add.delay(3, 4), using="replica")
    on_the_alias = list(published)
print(json.dumps({"on_commit_fix": on_commit_fix, "on_the_alias": on_the_alias, "after": published}))
"""
REPLICA_DATABASE = 'DATABASES["replica"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "r.sqlite3"}\n'


@needs_on_commit_methods
def test_delay_on_commit_does_not_wait_for_a_block_on_another_alias(tmp_path):
    """Why CEL204 is silent in atomic(using="replica"): delay_on_commit() registers on the
    default connection, which has no transaction open, so it publishes at once."""
    found = probe(Example({"+proj/settings.py": REPLICA_DATABASE}), tmp_path, REPLICA)
    assert found["on_commit_fix"] == ["demoapp.tasks.add"]  # published inside the block: the fix did nothing
    assert found["on_the_alias"] == ["demoapp.tasks.add"]  # on_commit(using="replica") waits...
    assert found["after"] == ["demoapp.tasks.add", "demoapp.tasks.add"]  # ...for that alias's commit


@pytest.mark.parametrize("words", ["can run it before the transaction commits", "a transaction that rolls back"])
def test_message_says_what_the_proof_shows(words, tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL204"])).findings
    assert words in finding.message
