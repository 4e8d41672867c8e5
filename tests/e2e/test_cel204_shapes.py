"""CEL204's shapes (other database aliases, project wrappers of atomic, project task
decorators, signature variables) through the real `celery-lint` and flake8.

CEL204 is not live (`manage.py check` runs the project rules only), so these two
are its end-to-end views. Each shape is its own project under one directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import Example
from tests.e2e import parse_findings
from tests.helpers import BIN, run
from tests.test_cel204 import DB, HEAD, TASK_WRAPPERS, view

CODES = ("CEL204",)
WRAPPERS = HEAD + "from proj.db import atomic_block, in_tx, replica_block, tx\n\n\n"
# name -> (files, line of the finding in demoapp/views.py or None)
SHAPES: dict[str, tuple[dict[str, str], int | None]] = {
    "default-alias": ({"demoapp/views.py": view("with transaction.atomic(using='default'):", "    add.delay(1, 2)")},
                      8),
    "replica-alias": ({"demoapp/views.py": view("with transaction.atomic(using='replica'):", "    add.delay(1, 2)")},
                      None),
    "unknown-alias": ({"demoapp/views.py": view("with transaction.atomic(using=alias):", "    add.delay(1, 2)")}, None),
    "wrapper-function": ({"proj/db.py": DB, "demoapp/views.py": view("with atomic_block():", "    add.delay(1, 2)",
                                                                     head=WRAPPERS)}, 11),
    "wrapper-contextmanager": ({"proj/db.py": DB, "demoapp/views.py": view("with tx():", "    add.delay(1, 2)",
                                                                           head=WRAPPERS)}, 11),
    "wrapper-decorator": ({"proj/db.py": DB, "demoapp/views.py": view("add.delay(1, 2)", head=WRAPPERS,
                                                                      decorator="@in_tx\n")}, 11),
    "wrapper-on-a-replica": ({"proj/db.py": DB, "demoapp/views.py": view("with replica_block():", "    add.delay(1, 2)",
                                                                         head=WRAPPERS)}, None),
    "task-decorator-wrapper": ({"demoapp/tasks.py": TASK_WRAPPERS, "demoapp/views.py": view(
        "with transaction.atomic():", "    add.delay(1, 2)",
        head="from django.db import transaction\n\nfrom demoapp.tasks import add, mul, xsum\n\n\n")}, 8),
    "plain-decorator": ({"demoapp/tasks.py": TASK_WRAPPERS, "demoapp/views.py": view(
        "with transaction.atomic():", "    xsum.delay([1])",
        head="from django.db import transaction\n\nfrom demoapp.tasks import add, mul, xsum\n\n\n")}, None),
    "signature-variable": ({"demoapp/views.py": view("with transaction.atomic():", "    sig = add.s(1, 2)",
                                                     "    sig.apply_async()")}, 9),
    "signature-variable-on-commit": ({"demoapp/views.py": view(
        "sig = add.s(1, 2)", "with transaction.atomic():", "    transaction.on_commit(sig.apply_async)")}, None),
}


def expected(name: str, prefix: str = "") -> list[tuple[str, int, str]]:
    line = SHAPES[name][1]
    return [(f"{prefix}demoapp/views.py", line, "CEL204")] if line is not None else []


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("cel204")
    for name, (files, _) in SHAPES.items():
        write_project(Example(files), top / name)
    return top


@pytest.mark.parametrize("name", SHAPES)
def test_command(tree, name):
    result = run([str(BIN / "celery-lint"), "--select", "CEL204"], tree / name)
    assert parse_findings(result.stdout, CODES) == expected(name), result.stdout + result.stderr
    assert result.returncode == (1 if expected(name) else 0)


def test_flake8(tree):
    result = run([str(BIN / "flake8"), "--select=CEL204", "."], tree)
    wanted = sorted(f for name in SHAPES for f in expected(name, f"{name}/"))
    assert sorted(parse_findings(result.stdout, CODES)) == wanted, result.stdout + result.stderr
