"""CEL502 proof: the broker password of the bad example is in the repository, and it is
the one Celery connects with.

The project is committed to a fresh git repository; what the commit holds is read
back with `git show`, and the URL Celery connects to is read from the app after
Django's settings are loaded (`app.connection_for_write().as_uri(include_password=True)`,
no connection is opened). In the good example the URL comes from the environment:
Celery connects with the same password, and the commit holds none.
"""

from __future__ import annotations

import os
import shutil

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL502"]
PASSWORD = "s3cret"

COMMIT_AND_CONNECT = """\
import json, os, subprocess

def git(*args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          capture_output=True, text=True, check=True).stdout

git("init", "-q")
git("add", "-A")
git("commit", "-q", "-m", "the project")
committed = git("show", "HEAD:proj/settings.py")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from proj.celery import app

print(json.dumps({
    "password_in_the_commit": "s3cret" in committed,
    "connects_with_the_password": "s3cret" in app.connection_for_write().as_uri(include_password=True),
}))
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_bad_example_password_in_the_repository_and_used(tmp_path):
    assert probe(RULE.bad, tmp_path, COMMIT_AND_CONNECT) == {
        "password_in_the_commit": True, "connects_with_the_password": True,
    }


def test_good_example_password_only_in_the_environment(tmp_path, monkeypatch):
    monkeypatch.setitem(os.environ, "CELERY_BROKER_URL", f"amqp://app:{PASSWORD}@rabbit.internal:5672//")
    assert probe(RULE.good, tmp_path, COMMIT_AND_CONNECT) == {
        "password_in_the_commit": False, "connects_with_the_password": True,
    }


def test_message_says_what_the_proof_shows(tmp_path):
    root = write_project(RULE.bad, tmp_path).resolve()
    (finding,) = lint_paths([root], select_rules([RULE.code])).findings
    assert "holds a password written in settings.py, a file the repository keeps" in finding.message
    assert "connect to the broker" in finding.message
