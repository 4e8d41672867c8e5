"""The transaction proofs' scaffold (CEL204, CEL209, CEL210): a script that runs each
task it publishes at once, the way a worker runs it, on another database connection."""

from __future__ import annotations

import importlib.util
import subprocess
import textwrap

import pytest

_PRELUDE = """\
import os
import threading

os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django

django.setup()
from celery.signals import after_task_publish
from django.core.management import call_command
from django.db import connection, connections
"""
_RECEIVER = """


@after_task_publish.connect
def run_like_a_worker(sender=None, body=None, **kwargs):
    print("published inside a transaction:", connection.in_atomic_block)
    args = body[0]  # task protocol 2: (args, kwargs, embed)

    def work():  # another thread has its own database connection, as a worker process has
        result = {task}.apply(args=args)
        print("task at publish time:", result.status, repr(result.result))
        connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


"""


def script(setup: str, task: str, action: str) -> str:
    """Code for `run_python` in a project of proj.settings: Django set up, `setup` run
    (migrations, imports; `call_command` is imported), then `action`. Each time `task` (an
    expression: `tasks.confirm`) is published it runs in another thread, which has its own
    database connection, and the script prints "published inside a transaction: <bool>"
    and "task at publish time: <status> <repr of the result>"."""
    return _PRELUDE + textwrap.dedent(setup) + _RECEIVER.format(task=task) + textwrap.dedent(action)


# the good examples' delay_on_commit() is DjangoTask's, new in Celery 5.4
needs_on_commit_methods = pytest.mark.skipif(
    importlib.util.find_spec("celery.contrib.django") is None, reason="no DjangoTask.delay_on_commit before Celery 5.4"
)


def ran_before_the_commit(result: subprocess.CompletedProcess[str], model: str) -> None:
    """The `script` published the task inside the transaction, and run then the task
    did not find the `model` row the transaction wrote."""
    assert "published inside a transaction: True" in result.stdout, result.stdout + result.stderr
    assert f"task at publish time: FAILURE DoesNotExist('{model} matching query does not exist.')" in result.stdout


def ran_after_the_commit(result: subprocess.CompletedProcess[str], value: str) -> None:
    """The `script` published the task after the commit, and the task returned `value` (a repr)."""
    assert "published inside a transaction: False" in result.stdout, result.stdout + result.stderr
    assert f"task at publish time: SUCCESS {value}" in result.stdout
