"""CEL207 (an option replacing a Task method) and CEL208 (an option typo)."""

from __future__ import annotations

import pytest

from celery_lint.task_options import task_options
from tests.helpers import BIN, lint, run, write_files

HEAD = "from celery import shared_task\n\n\n"


def tasks(project, decorator: str, body: str = "    return 1\n", select: str = "CEL2") -> list[tuple[str, int, str]]:
    write_files(project, {"demoapp/tasks.py": f"{HEAD}{decorator}\ndef job(self=None):\n{body}"})
    return [f for f in lint(project, select) if f[2] in ("CEL207", "CEL208")]


@pytest.mark.parametrize(
    "decorator",
    ["@shared_task(retry=3)", "@shared_task(delay=10)", "@shared_task(apply_async=False)", "@shared_task(run=None)",
     "@shared_task(on_failure='log')", "@shared_task(s=(1,))", "@shared_task(update_state={})",
     "@shared_task(bind=True, retry=-1)"],
)
def test_cel207_a_literal_replacing_a_method(project, decorator):
    assert tasks(project, decorator) == [("demoapp/tasks.py", 4, "CEL207")]


def test_cel207_on_an_app_task(project):
    write_files(project, {"demoapp/tasks.py": "from proj.celery import app\n\n\n@app.task(retry=True)\ndef job():\n"
                                             "    return 1\n"})
    assert lint(project, "CEL207") == [("demoapp/tasks.py", 4, "CEL207")]


@pytest.mark.parametrize(
    "decorator",
    ["@shared_task(on_failure=handler)", "@shared_task(run=make_run())", "@shared_task(on_success=lambda *a: None)",
     "@shared_task(bind=True)", "@shared_task(name='x.job', shared=False, lazy=True)",
     "@shared_task(base=MyTask, retry=3)", "@shared_task(**OPTIONS)", "@shared_task(max_retries=3)"],
)
def test_cel207_silent(project, decorator):
    assert tasks(project, decorator, select="CEL207") == []


@pytest.mark.parametrize(
    ("decorator", "meant"),
    [("@shared_task(max_retry=5)", "max_retries"), ("@shared_task(soft_timelimit=30)", "soft_time_limit"),
     ("@shared_task(ignore_results=True)", "ignore_result"), ("@shared_task(acks_lates=True)", "acks_late"),
     ("@shared_task(retry_backof=True)", "retry_backoff"), ("@shared_task(rate_limt='1/s')", "rate_limit")],
)
def test_cel208_a_typo_names_the_option(project, decorator, meant):
    write_files(project, {"demoapp/tasks.py": f"{HEAD}{decorator}\ndef job():\n    return 1\n"})
    result = run([str(BIN / "celery-lint"), "--select", "CEL208", "."], project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"did you mean {meant}=?" in result.stdout


@pytest.mark.parametrize(
    ("decorator", "body"),
    [
        ("@shared_task(audit=True)", "    return 1\n"),
        ("@shared_task(base=MyTask, max_retry=5)", "    return 1\n"),
        ("@shared_task(**OPTIONS)", "    return 1\n"),
        ("@shared_task(bind=True, max_retry=5)", "    return self.max_retry\n"),
        ("@shared_task(qeue='x')", "    return 1\n"),  # shorter than five characters
        ("@shared_task(pydantic=True, typing=False, throws=(KeyError,))", "    return 1\n"),
    ],
)
def test_cel208_silent(project, decorator, body):
    assert tasks(project, decorator, body, select="CEL208") == []


def test_cel208_silent_with_an_apps_own_task_class(project):
    write_files(project, {
        "+proj/celery.py": "\n\nclass Base(app.Task):\n    max_retry = 1\n\n\napp.task_cls = Base\n",
        "demoapp/tasks.py": f"{HEAD}@shared_task(max_retry=5)\ndef job():\n    return 1\n",
    })
    assert lint(project, "CEL208") == []


def test_the_table_is_celerys_own():
    table = task_options()
    assert table is not None
    assert {"retry", "delay", "apply_async", "run", "on_failure"} <= table.methods
    assert "bind" not in table.methods  # consumed by the decorator: Task.bind() stays
    assert {"max_retries", "soft_time_limit", "queue", "autoretry_for", "retry_backoff", "bind", "name"} <= table.options
    assert not table.methods & {"max_retries", "queue"}


def test_flake8_reports_both(project):
    write_files(project, {"demoapp/tasks.py": f"{HEAD}@shared_task(retry=3, max_retry=5)\ndef job():\n    return 1\n"})
    result = run([str(BIN / "flake8"), "--select=CEL", "."], project)
    assert "CEL207" in result.stdout and "CEL208" in result.stdout, result.stdout + result.stderr


def test_the_two_defs_read_alone_give_what_the_whole_base_module_gives():
    """`_consumed_in_base` parses only `_task_from_fun` and `inner_create_task_cls`: the
    same names as parsing all of the installed Celery's `app/base.py`."""
    from celery_lint import task_options

    whole = task_options._read("app/base.py", task_options._consumed)
    assert whole and {"bind", "base", "name", "shared"} <= whole
    assert task_options._consumed_in_base() == whole


def test_a_def_block_ends_at_the_dedent_not_at_its_signatures_closing_bracket():
    from celery_lint.task_options import _def_block

    text = "class C:\n    def f(\n        self, a,\n    ):\n        return a\n\n    def g(self):\n        pass\n"
    assert _def_block(text, "f") == "    def f(\n        self, a,\n    ):\n        return a\n\n"
    assert _def_block(text, "h") is None
