"""CEL204: .delay() / .apply_async() inside transaction.atomic()."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from tests.helpers import lint, write_files

HEAD = "from django.db import transaction\n\nfrom demoapp.tasks import add, mul\n\n\n"


def lines(project, views: str, **files: str) -> list[int]:
    write_files(project, {**files, "demoapp/views.py": views})
    found = lint(project, "CEL204")
    assert all(path == "demoapp/views.py" and code == "CEL204" for path, _, code in found)
    return [line for _, line, _ in found]


def view(*body: str, head: str = HEAD, decorator: str = "") -> str:
    return head + decorator + "def view(request):\n" + "".join(f"    {line}\n" for line in body)


@pytest.mark.parametrize(
    ("views", "line"),
    [
        pytest.param(view("with transaction.atomic():", "    add.delay(1, 2)"), 8, id="with-block"),
        pytest.param(view("with transaction.atomic(using='default', savepoint=False):", "    add.delay(1, 2)"), 8,
                     id="with-arguments"),
        pytest.param(view("with transaction.atomic(None):", "    add.delay(1, 2)"), 8, id="using-none"),
        pytest.param(view("with transaction.atomic(using=DEFAULT_DB_ALIAS):", "    add.delay(1, 2)",
                          head=HEAD + "from django.db import DEFAULT_DB_ALIAS\n\n\n"), 11, id="using-default-db-alias"),
        pytest.param(view("with transaction.atomic():", "    with transaction.atomic(using='replica'):",
                          "        add.delay(1, 2)"), 9, id="replica-block-inside-a-default-one"),
        pytest.param(view("with transaction.atomic():", "    mul.apply_async((2, 3), countdown=1)"), 8,
                     id="apply-async"),
        pytest.param(view("add.delay(1, 2)", decorator="@transaction.atomic\n"), 8, id="decorator"),
        pytest.param(view("add.delay(1, 2)", decorator="@transaction.atomic(using='default')\n"), 8,
                     id="decorator-called"),
        pytest.param(view("with atomic():", "    add.delay(1, 2)",
                          head="from django.db.transaction import atomic\n\nfrom demoapp.tasks import add\n\n\n"), 8,
                     id="atomic-imported"),
        pytest.param(view("with tx.atomic():", "    add.delay(1, 2)",
                          head="from django.db import transaction as tx\n\nfrom demoapp.tasks import add\n\n\n"), 8,
                     id="transaction-alias"),
        pytest.param(view("with django.db.transaction.atomic():", "    add.delay(1, 2)",
                          head="import django.db.transaction\n\nfrom demoapp.tasks import add\n\n\n"), 8,
                     id="dotted"),
        pytest.param(view("with transaction.atomic():", "    tasks.add.delay(1, 2)",
                          head="from django.db import transaction\n\nfrom demoapp import tasks\n\n\n"), 8,
                     id="module-attribute"),
        pytest.param(view("with transaction.atomic():", "    plus.delay(1, 2)",
                          head="from django.db import transaction\n\nfrom demoapp.tasks import add as plus\n\n\n"), 8,
                     id="task-alias"),
        pytest.param(view("with transaction.atomic():", "    add.s(1, 2).delay()"), 8, id="signature"),
        pytest.param(view("with transaction.atomic():", "    group(add.s(1, 2), mul.s(3, 4)).apply_async()",
                          head=HEAD + "from celery import group\n\n\n"), 11, id="group"),
        pytest.param(view("with transaction.atomic():", "    if request.user:", "        for x in range(3):",
                          "            add.delay(x, 1)"), 10, id="nested-blocks"),
        pytest.param(view("with open('f') as f, transaction.atomic():", "    add.delay(1, 2)"), 8,
                     id="several-context-managers"),
        pytest.param(view("with transaction.atomic():", "    [add.delay(x, 1) for x in range(3)]"), 8,
                     id="list-comprehension"),
        pytest.param(view("with transaction.atomic():", "    transaction.on_commit(add.delay(1, 2))"), 8,
                     id="called-not-deferred"),
        pytest.param(view("with transaction.atomic():", "    send.delay(1)",
                          head="from django.db import transaction\n\nfrom mail.tasks import send\n\n\n"), 8,
                     id="library-tasks-module"),
        pytest.param(view("with transaction.atomic():", "    add.delay(1, 2)",
                          head="from django.db import transaction\n\nfrom demoapp import add\n\n\n"), 8,
                     id="re-exported-task"),
        pytest.param(
            "from django.db import transaction\nfrom django.utils.decorators import method_decorator\n"
            "from django.views import View\n\nfrom demoapp.tasks import add\n\n\nclass Create(View):\n"
            "    @method_decorator(transaction.atomic)\n    def post(self, request):\n        add.delay(1, 2)\n",
            11,
            id="method-decorator",
        ),
        pytest.param(view("with transaction.atomic():", "    result = (", "        add", "        .delay(1, 2)", "    )"),
                     9, id="send-spelled-on-a-continuation-line"),
        pytest.param(view("with tx():", "    add.delay(1, 2)",
                          head="from django.db.transaction import atomic as tx\n\nfrom demoapp.tasks import add\n\n\n"),
                     8, id="atomic-under-an-alias"),
    ],
)
def test_fires_at_the_call(project, views, line):
    assert lines(project, views, **{"demoapp/__init__.py": "from demoapp.tasks import add\n"}) == [line]


def test_task_of_the_same_module(project):
    tasks = (
        "from celery import shared_task\nfrom django.db import transaction\n\n\n@shared_task\ndef add(x, y):\n"
        "    return x + y\n\n\ndef create():\n    with transaction.atomic():\n        add.delay(1, 2)\n"
    )
    write_files(project, {"demoapp/tasks.py": tasks})
    assert lint(project, "CEL204") == [("demoapp/tasks.py", 12, "CEL204")]


@pytest.mark.parametrize(
    "views",
    [
        pytest.param(view("add.delay(1, 2)"), id="no-transaction"),
        pytest.param(view("with transaction.atomic():", "    pass", "add.delay(1, 2)"), id="after-the-block"),
        pytest.param(view("with transaction.atomic():", "    transaction.on_commit(lambda: add.delay(1, 2))"),
                     id="on-commit-lambda"),
        pytest.param(view("with transaction.atomic():", "    def send():", "        add.delay(1, 2)",
                          "    transaction.on_commit(send)"), id="on-commit-nested-function"),
        pytest.param(view("with transaction.atomic():", "    transaction.on_commit(partial(add.delay, 1, 2))",
                          head=HEAD + "from functools import partial\n\n\n"), id="on-commit-partial"),
        pytest.param(view("transaction.on_commit(lambda: add.delay(1, 2))", decorator="@transaction.atomic\n"),
                     id="decorated-on-commit"),
        pytest.param(view("with transaction.atomic():", "    add.delay_on_commit(1, 2)"), id="delay-on-commit"),
        pytest.param(view("with transaction.atomic():", "    mul.apply_async_on_commit((1, 2))"),
                     id="apply-async-on-commit"),
        pytest.param(view("with transaction.atomic():", "    results = (add.delay(x, 1) for x in range(3))",
                          "return results"), id="generator-expression"),
        pytest.param(view("with transaction.atomic():", "    helper.delay(1)",
                          head="from django.db import transaction\n\nfrom demoapp.utils import helper\n\n\n"),
                     id="not-a-task"),
        pytest.param(view("with transaction.atomic():", "    job.delay(1)",
                          head="from django.db import transaction\n\nfrom django_rq import job\n\n\n"),
                     id="other-library"),
        pytest.param(view("with transaction.atomic():", "    request.task.delay(1)"), id="attribute-of-parameter"),
        pytest.param(view("with transaction.atomic():", "    self.delay(1)"), id="self"),
        pytest.param("from django.db import transaction\n\nfrom demoapp.tasks import add\n\n\n"
                     "def view(request, add):\n    with transaction.atomic():\n        add.delay(1)\n",
                     id="parameter-shadows-the-task"),
        pytest.param(view("add = get_task()", "with transaction.atomic():", "    add.delay(1)"),
                     id="local-variable-shadows-the-task"),
        pytest.param(view("with lock():", "    add.delay(1, 2)", head=HEAD + "from proj.locks import lock\n\n\n"),
                     id="other-context-manager"),
        pytest.param(view("with transaction.atomic:", "    add.delay(1, 2)"), id="atomic-not-called"),
        pytest.param(view("with my_atomic():", "    add.delay(1, 2)",
                          head=HEAD + "from proj.db import my_atomic\n\n\n"), id="custom-wrapper"),
        pytest.param(view("add.delay(1, 2)", decorator="@method_decorator(login_required)\n",
                          head=HEAD + "from django.utils.decorators import method_decorator\n"
                          "from django.contrib.auth.decorators import login_required\n\n\n"),
                     id="method-decorator-other"),
    ],
)
def test_silent(project, views):
    assert lines(project, views, **{"demoapp/utils.py": "def helper(x):\n    return x\n",
                                    "proj/db.py": "from contextlib import nullcontext as my_atomic\n"}) == []


def test_function_merely_called_from_an_atomic_block_is_not_followed(project):
    views = view("with transaction.atomic():", "    notify()", head=HEAD + "def notify():\n    add.delay(1, 2)\n\n\n")
    assert lines(project, views) == []


@pytest.mark.parametrize(
    ("send", "fix"),
    [
        ("add.delay(1, 2)", "use add.delay_on_commit(...) (app with the Django fixup)"),
        ("mul.apply_async((1, 2))", "use mul.apply_async_on_commit(...)"),
        ("add.s(1, 2).delay()", "use transaction.on_commit(lambda: add.s(1, 2).delay(...))"),
    ],
)
def test_message_suggests_the_on_commit_form(project, send, fix):
    write_files(project, {"demoapp/views.py": view("with transaction.atomic():", f"    {send}"),
                          "requirements.txt": "celery==5.7.0\n"})
    [finding] = lint_paths([project], select_rules(["CEL204"])).findings
    assert "can run it before the transaction commits" in finding.message and fix in finding.message


@pytest.mark.parametrize(("pin", "on_commit_methods"), [("celery==5.3.6", False), ("celery==5.4.0", True)])
def test_message_follows_the_target_celery(project, pin, on_commit_methods):
    """delay_on_commit() arrived in Celery 5.4: a project pinned below gets on_commit() only."""
    write_files(project, {"demoapp/views.py": view("with transaction.atomic():", "    add.delay(1, 2)"),
                          "requirements.txt": pin + "\n"})
    [finding] = lint_paths([project], select_rules(["CEL204"])).findings
    assert "transaction.on_commit(lambda: add.delay(...))" in finding.message
    assert ("delay_on_commit" in finding.message) is on_commit_methods


@pytest.mark.parametrize(
    ("views", "files"),
    [
        pytest.param(view("with transaction.atomic():", "    add.delay(1, 2)",
                          head="from django.db import transaction\n\nfrom demoapp.tasks import *  # noqa: F403\n\n\n"),
                     {}, id="star-import"),
        pytest.param(view("tasks = importlib.import_module(NAME)", "with transaction.atomic():",
                          "    tasks.add.delay(1, 2)", head=HEAD + "import importlib\n\n\n"), {}, id="dynamic-import"),
        pytest.param(view("with transaction.atomic():", "    add.delay(1, 2)"),
                     {"demoapp/tasks.py": "def add(x, y:\n"}, id="tasks-module-unreadable"),
        pytest.param(view("with transaction.atomic():", "    add.delay(1, 2)"),
                     {"demoapp/tasks.py": "from proj.registry import task\n\n\n@task\ndef add(x, y):\n    pass\n"},
                     id="unrecognised-decorator"),
    ],
)
def test_unknown_is_silent(project, views, files):
    write_files(project, {**files, "demoapp/views.py": views})
    assert lint_paths([project], select_rules(["CEL204"])).findings == []


@pytest.mark.parametrize(
    "using",
    [
        pytest.param("using='replica'", id="another-alias"),
        pytest.param("'replica'", id="another-alias-positional"),
        pytest.param("using=alias", id="unknown-alias"),
        pytest.param("**options", id="unknown-options"),
    ],
)
def test_silent_in_a_block_on_another_database_alias(project, using):
    """delay_on_commit() waits for the default connection's commit (transaction.on_commit
    without `using`): in a block on another alias the fix would do nothing."""
    views = view(f"with transaction.atomic({using}):", "    add.delay(1, 2)")
    assert lines(project, views) == []
    decorated = view("add.delay(1, 2)", decorator=f"@transaction.atomic({using})\n")
    assert lines(project, decorated) == []


DB = """\
from contextlib import contextmanager, nullcontext

from django.db import transaction


def atomic_block():
    return transaction.atomic()


@contextmanager
def tx():
    with transaction.atomic():
        yield


def in_tx(func):
    return transaction.atomic(func)


def replica_block():
    return transaction.atomic(using="replica")


@contextmanager
def replica_tx():
    with transaction.atomic(using="replica"):
        yield


def no_block():
    return nullcontext()


def in_no_tx(func):
    return func
"""


@pytest.mark.parametrize(
    ("name", "opening", "fires"),
    [
        pytest.param("atomic_block", "with atomic_block():", True, id="function-returning-atomic"),
        pytest.param("tx", "with tx():", True, id="contextmanager"),
        pytest.param("in_tx", "@in_tx", True, id="decorator"),
        pytest.param("atomic_block", "@atomic_block()", True, id="function-returning-atomic-as-decorator"),
        pytest.param("replica_block", "with replica_block():", False, id="function-on-another-alias"),
        pytest.param("replica_tx", "with replica_tx():", False, id="contextmanager-on-another-alias"),
        pytest.param("no_block", "with no_block():", False, id="not-atomic"),
        pytest.param("in_no_tx", "@in_no_tx", False, id="decorator-not-atomic"),
    ],
)
def test_project_wrappers_of_atomic(project, name, opening, fires):
    head = HEAD + f"from proj.db import {name}\n\n\n"
    if opening.startswith("@"):
        views = view("add.delay(1, 2)", head=head, decorator=opening + "\n")
    else:
        views = view(opening, "    add.delay(1, 2)", head=head)
    assert lines(project, views, **{"proj/db.py": DB}) == ([11] if fires else [])


def test_wrapper_in_the_same_module(project):
    views = HEAD + "def atomic_block():\n    return transaction.atomic()\n\n\n" + view(
        "with atomic_block():", "    add.delay(1, 2)", head="")
    assert lines(project, views) == [12]


def test_wrapper_of_a_wrapper_is_not_followed(project):
    """One level: a project function returning another wrapper's block is unknown."""
    db = DB + "\n\ndef outer():\n    return atomic_block()\n"
    views = view("with outer():", "    add.delay(1, 2)", head=HEAD + "from proj.db import outer\n\n\n")
    assert lines(project, views, **{"proj/db.py": db}) == []


TASK_WRAPPERS = """\
from celery import shared_task

from proj.celery import app


def task(func):
    return shared_task(func)


def queued(**options):
    return app.task(queue="jobs", **options)


def plain(func):
    return func


@task
def add(x, y):
    return x + y


@queued(bind=True)
def mul(self, x, y):
    return x * y


@plain
def xsum(numbers):
    return sum(numbers)
"""


@pytest.mark.parametrize(
    ("send", "fires"),
    [
        pytest.param("add.delay(1, 2)", True, id="decorator-returning-shared-task"),
        pytest.param("mul.apply_async((1, 2))", True, id="factory-returning-app-task"),
        pytest.param("xsum.delay([1])", False, id="decorator-not-a-task"),
    ],
)
def test_project_decorators_that_make_tasks(project, send, fires):
    head = "from django.db import transaction\n\nfrom demoapp.tasks import add, mul, xsum\n\n\n"
    views = view("with transaction.atomic():", f"    {send}", head=head)
    assert lines(project, views, **{"demoapp/tasks.py": TASK_WRAPPERS}) == ([8] if fires else [])


@pytest.mark.parametrize(
    ("body", "line"),
    [
        pytest.param(("sig = add.s(1, 2)", "with transaction.atomic():", "    sig.apply_async()"), 9,
                     id="signature-before-the-block"),
        pytest.param(("with transaction.atomic():", "    sig = mul.signature((1, 2))", "    sig.delay()"), 9,
                     id="signature-method"),
    ],
)
def test_signature_variable_sent_in_the_block(project, body, line):
    assert lines(project, view(*body)) == [line]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(("sig = add.s(1, 2)", "with transaction.atomic():", "    pass", "sig.apply_async()"),
                     id="sent-after-the-block"),
        pytest.param(("sig = add.s(1, 2)", "if request.user:", "    sig = get_signature()",
                      "with transaction.atomic():", "    sig.apply_async()"), id="rebound"),
        pytest.param(("sig = get_signature()", "with transaction.atomic():", "    sig.apply_async()"),
                     id="not-a-signature"),
        pytest.param(("with transaction.atomic():", "    sig.apply_async()"), id="parameter-or-global"),
        pytest.param(("global sig", "sig = add.s(1, 2)", "with transaction.atomic():", "    sig.apply_async()"),
                     id="declared-global"),
        pytest.param(("for sig in (add.s(1, 2),):", "    with transaction.atomic():", "        sig.apply_async()"),
                     id="loop-variable"),
    ],
)
def test_signature_variable_silent(project, body):
    assert lines(project, view(*body)) == []
