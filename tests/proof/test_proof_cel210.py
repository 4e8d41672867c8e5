"""CEL210 proof: under ATOMIC_REQUESTS = True, a view's .delay() is published inside the
transaction Django opens around the view; run the way a worker runs it (its own
database connection) the task does not find the user the view created. The request
goes through Django's real handler (the test client), which is what applies
ATOMIC_REQUESTS. With delay_on_commit() it is published after the commit."""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import run_python
from tests.proof.like_a_worker import needs_on_commit_methods, ran_after_the_commit, ran_before_the_commit, script

load_rules()
RULE = REGISTRY["CEL210"]
REQUEST = script(
    """\
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host
    call_command("migrate", "auth", verbosity=0)
    from demoapp import tasks
    """,
    "tasks.welcome",
    """\
    response = Client().post("/signup/", {"username": "ada"})
    print("status:", response.status_code)
    """,
)


def test_view_sends_inside_the_request_transaction(tmp_path):
    result = run_python(REQUEST, write_project(RULE.bad, tmp_path / "bad"))
    ran_before_the_commit(result, "User")
    assert "status: 200" in result.stdout
    (finding,) = lint_paths([tmp_path / "bad"], select_rules(["CEL210"])).findings
    assert "ATOMIC_REQUESTS = True for the 'default' database in proj.settings" in finding.message


@needs_on_commit_methods
def test_delay_on_commit_publishes_after_the_commit(tmp_path):
    result = run_python(REQUEST, write_project(RULE.good, tmp_path / "good"))
    ran_after_the_commit(result, "'ada'")
