"""CEL209 proof: a task sent from a post_save receiver, for a save inside a transaction
(a view's atomic(), any view under ATOMIC_REQUESTS), is published before the commit;
run the way a worker runs it (its own database connection) it does not find the row.
Sent with delay_on_commit() it is published after the commit and finds it."""

from __future__ import annotations

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import run_python
from tests.proof.like_a_worker import needs_on_commit_methods, ran_after_the_commit, ran_before_the_commit, script

load_rules()
RULE = REGISTRY["CEL209"]
SAVE_IN_A_TRANSACTION = script(
    """\
    from django.db import transaction

    call_command("migrate", run_syncdb=True, verbosity=0)  # demoapp's Order table
    from demoapp import tasks
    from demoapp.models import Order
    """,
    "tasks.confirm",
    """\
    with transaction.atomic():  # what ATOMIC_REQUESTS wraps every view in
        order = Order.objects.create(total=3)
    print("after the commit:", tasks.confirm.apply(args=(order.pk,)).result)
    """,
)


def test_task_sent_from_post_save_runs_before_the_commit(tmp_path):
    result = run_python(SAVE_IN_A_TRANSACTION, write_project(RULE.bad, tmp_path / "bad"))
    ran_before_the_commit(result, "Order")
    assert "after the commit: 1" in result.stdout
    (finding,) = lint_paths([tmp_path / "bad"], select_rules(["CEL209"])).findings
    assert "(DoesNotExist)" in finding.message


@needs_on_commit_methods
def test_delay_on_commit_publishes_after_the_commit(tmp_path):
    result = run_python(SAVE_IN_A_TRANSACTION, write_project(RULE.good, tmp_path / "good"))
    ran_after_the_commit(result, '1')
