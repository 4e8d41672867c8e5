"""CEL508 (max_retries=None), CEL509 (no backoff, opt-in), CEL510 (autoretry_for=(Exception,))."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

TASKS = BASE["demoapp/tasks.py"]
FIRST = len(TASKS.splitlines()) + 2  # the appended task's decorator line
BODY = "def sync():\n    raise ConnectionError\n"


def found(project, code: str, options: str, files: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    write_files(project, {"+demoapp/tasks.py": f"@shared_task({options})\n{BODY}", **(files or {})})
    return lint(project, code)


def at_decorator(code: str) -> list[tuple[str, int, str]]:
    return [("demoapp/tasks.py", FIRST, code)]


# -- CEL508 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("options", [
    "autoretry_for=(ConnectionError,), max_retries=None",
    "autoretry_for=[ConnectionError], max_retries=None, retry_kwargs={'countdown': 5}",
    "bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=None",
])
def test_cel508_fires_at_max_retries_none(project, options):
    assert found(project, "CEL508", options) == at_decorator("CEL508")


def test_cel508_message(project):
    found(project, "CEL508", "autoretry_for=(ConnectionError,), max_retries=None")
    (finding,) = lint_paths([project], select_rules(["CEL508"])).findings
    assert finding.message.startswith("task sync: autoretry_for with max_retries=None retries for ever")


@pytest.mark.parametrize("options", [
    pytest.param("autoretry_for=(ConnectionError,)", id="default-ceiling-3"),
    pytest.param("autoretry_for=(ConnectionError,), max_retries=10", id="a-ceiling"),
    pytest.param("max_retries=None", id="no-autoretry"),
    pytest.param("autoretry_for=(ConnectionError,), max_retries=None, retry_kwargs={'max_retries': 5}", id="retry-kwargs"),
    pytest.param("autoretry_for=(ConnectionError,), max_retries=LIMIT", id="not-a-constant"),
    pytest.param("autoretry_for=(ConnectionError,), max_retries=None, retry_kwargs=KWARGS", id="kwargs-unknown"),
    pytest.param("autoretry_for=(ConnectionError,), max_retries=None, **OPTIONS", id="star-options"),
    pytest.param("autoretry_for=(ConnectionError,), max_retries=None, base=Base", id="base-class"),
])
def test_cel508_silent(project, options):
    assert found(project, "CEL508", options) == []


def test_cel508_silent_with_annotations(project):
    files = {"+proj/settings.py": 'CELERY_TASK_ANNOTATIONS = {"*": {"max_retries": 5}}\n'}
    assert found(project, "CEL508", "autoretry_for=(ConnectionError,), max_retries=None", files) == []


def test_cel508_silent_in_test_modules(project):
    write_files(project, {"tests/test_tasks.py": "from celery import shared_task\n\n\n"
                          "@shared_task(autoretry_for=(ConnectionError,), max_retries=None)\n" + BODY})
    assert lint(project, "CEL508") == []


# -- CEL509 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "seconds"), [
    ("autoretry_for=(ConnectionError,)", 180),
    ("autoretry_for=(ConnectionError,), retry_backoff=False", 180),
    ("autoretry_for=(ConnectionError,), default_retry_delay=30", 30),
])
def test_cel509_fires_without_backoff(project, options, seconds):
    assert found(project, "CEL509", options) == at_decorator("CEL509")
    (finding,) = lint_paths([project], select_rules(["CEL509"])).findings
    assert f"retries every {seconds} s" in finding.message


def test_cel509_is_opt_in(project):
    found(project, "CEL509", "autoretry_for=(ConnectionError,)")
    assert [f for f in lint_paths([project], select_rules([])).findings if f.code == "CEL509"] == []


@pytest.mark.parametrize("options", [
    "autoretry_for=(ConnectionError,), retry_backoff=True",
    "autoretry_for=(ConnectionError,), retry_backoff=5",
    "autoretry_for=(ConnectionError,), retry_backoff=BACKOFF",
    "autoretry_for=(ConnectionError,), retry_kwargs={'countdown': 10}",
    "autoretry_for=(ConnectionError,), default_retry_delay=DELAY",
    "max_retries=3",
])
def test_cel509_silent(project, options):
    assert found(project, "CEL509", options) == []


# -- CEL510 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "column"), [
    ("autoretry_for=(Exception,)", 28),
    ("autoretry_for=(ConnectionError, Exception)", 45),
    ("autoretry_for=[BaseException], max_retries=5", 28),
    ("autoretry_for=(builtins.Exception,)", 28),
])
def test_cel510_fires_at_the_catch_all(project, options, column):
    header = "import builtins\n\n" if "builtins" in options else ""
    write_files(project, {"demoapp/tasks.py": header + TASKS + f"\n@shared_task({options})\n{BODY}"})
    (finding,) = lint_paths([project], select_rules(["CEL510"])).findings
    assert (finding.line, finding.col) == (FIRST + header.count("\n"), column)
    assert "retries every error, bugs included" in finding.message


@pytest.mark.parametrize("options", [
    "autoretry_for=(ConnectionError, TimeoutError)",
    "autoretry_for=(Exception,), dont_autoretry_for=(TypeError, KeyError)",
    "autoretry_for=ERRORS",
])
def test_cel510_silent(project, options):
    assert found(project, "CEL510", options) == []


def test_cel510_silent_on_a_class_of_the_module_named_exception(project):
    files = {"demoapp/tasks.py": TASKS + "\n\nclass Exception(ConnectionError):\n    pass\n"}
    write_files(project, files)
    write_files(project, {"demoapp/tasks.py": files["demoapp/tasks.py"] + f"\n\n@shared_task(autoretry_for=(Exception,))\n{BODY}"})
    assert lint(project, "CEL510") == []
