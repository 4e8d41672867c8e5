"""`celery_lint` in INSTALLED_APPS everywhere: an error-level finding fails `manage.py
check` but stops no other command (`command_level`), and a starting worker or beat
logs the findings once (`worker_boot`). The checks run in full only in `check` (the
test runner's too) unless `CELERY_LINT_CHECK_COMMANDS` names more: other commands
neither report nor pay for them.

The planted finding is CEL101 (`RESULT_EXPIRES = 60`: Celery reads
CELERY_RESULT_EXPIRES), an error of the static analysis; the project has an empty
tests module so that `manage.py test` runs its checks.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import Example
from tests.helpers import BIN, PYTHON, clean_env, run, start_worker

PLANTED = {"+proj/settings.py": "RESULT_EXPIRES = 60\n", "demoapp/tests.py": ""}
EVERYWHERE = 'CELERY_LINT_CHECK_COMMANDS = "__all__"\n'  # the checks in full in every command
ERROR = "(celery_lint.E101) RESULT_EXPIRES is ignored"
BOOT_LINE = "celery-lint CEL101 proj/settings.py:33: RESULT_EXPIRES is ignored"
SOLO = ("-P", "solo")


def manage(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run([PYTHON, "manage.py", *args], root)


def planted(root: Path, settings: str = "") -> Path:
    files = dict(PLANTED)
    if settings:
        files["+proj/settings.py"] += settings
    return write_project(Example(files), root)


@pytest.fixture(scope="module")
def project_with_error(tmp_path_factory) -> Path:
    return planted(tmp_path_factory.mktemp("safe") / "planted")


@pytest.fixture(scope="module")
def checked_everywhere(tmp_path_factory) -> Path:
    return planted(tmp_path_factory.mktemp("safe") / "everywhere", EVERYWHERE)


@pytest.mark.parametrize("args", [("check",), ("check", "--deploy")], ids=["check", "check-deploy"])
def test_check_still_fails_on_the_error(project_with_error, args):
    result = manage(project_with_error, *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SystemCheckError" in result.stderr
    assert ERROR in result.stderr.split("ERRORS:", 1)[1]


def test_the_test_runners_check_reports_the_error_as_a_warning(project_with_error):
    result = manage(project_with_error, "test")  # the runner's own `call_command("check")`: in full
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "SystemCheckError" not in output and "Ran 0 tests" in output
    assert ERROR in output.split("WARNINGS:", 1)[1]


COMMANDS = [
    pytest.param(("migrate", "--noinput"), "Applying django_celery_results.0001_initial... OK", id="migrate"),
    pytest.param(("makemigrations", "--check", "--dry-run"), "No changes detected", id="makemigrations"),
]


@pytest.mark.parametrize(("args", "done"), COMMANDS)
def test_other_commands_neither_report_nor_pay_by_default(project_with_error, args, done):
    result = manage(project_with_error, *args)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and done in output, output
    assert "celery_lint" not in output


PROBE = """\
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from django.core.management import call_command
from django.core.management.base import SystemCheckError
try:
    # as manage.py runs it: the system checks first (`check` runs them as its work)
    call_command(sys.argv[1], **({} if sys.argv[1] == "check" else {"skip_checks": False}))
except SystemCheckError:
    pass  # `check` fails on the planted error
loaded = sorted(m for m in sys.modules if m.startswith("celery_lint"))
print("LOADED", ",".join(loaded))
"""


@pytest.mark.parametrize(("command", "engine"), [("showmigrations", False), ("check", True)])
def test_the_engine_is_imported_only_where_the_checks_run_in_full(project_with_error, command, engine):
    result = run([PYTHON, "-c", PROBE, command], project_with_error)
    loaded = result.stdout.rsplit("LOADED ", 1)[1].split()[0].split(",")
    assert ("celery_lint.checks" in loaded) is engine, result.stdout + result.stderr
    assert ("celery_lint.project" in loaded) is engine
    assert "celery_lint.check_gate" in loaded


@pytest.mark.parametrize(("args", "done"), [*COMMANDS, pytest.param(("test",), "Ran 0 tests", id="test")])
def test_other_commands_report_the_error_as_a_warning(checked_everywhere, args, done):
    result = manage(checked_everywhere, *args)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "SystemCheckError" not in output
    assert ERROR in output.split("WARNINGS:", 1)[1]
    assert done in output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def read_until(
    command: list[str], root: Path, marker: str | tuple[str, ...] | None, timeout: float = 60, grace: float = 0
) -> str:
    """Start `command` in `root`, read its output until a line holds `marker` (a tuple:
    until each has been printed; then `grace` seconds more, for lines that would follow),
    or it exits, or `timeout` seconds pass (with no marker, all of it), then kill it: what
    it printed."""
    markers = (marker,) if isinstance(marker, str) else marker or ()
    process = subprocess.Popen(command, cwd=root, env=clean_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    killer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
    killer.start()
    seen: list[str] = []
    waiting = set(markers)
    try:
        for line in process.stdout or ():
            seen.append(line)
            waiting = {m for m in waiting if m not in line}
            if markers and not waiting:
                if not grace:
                    break
                killer.cancel()  # every marker printed: what follows for `grace` seconds
                killer = threading.Timer(grace, os.killpg, (process.pid, signal.SIGKILL))
                killer.start()
                markers = ()
    finally:
        killer.cancel()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    return "".join(seen)


def test_runserver_gets_past_the_checks(checked_everywhere):
    command = [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{free_port()}"]
    output = read_until(command, checked_everywhere, "Quit the server")
    assert "Quit the server" in output and "SystemCheckError" not in output, output
    assert ERROR in output.split("WARNINGS:", 1)[1]


@pytest.mark.parametrize(
    ("value", "command", "status"),
    [
        pytest.param('"__all__"', ("migrate", "--noinput"), 1, id="all-commands"),
        pytest.param('("check", "test")', ("test",), 1, id="test-runner-too"),
        pytest.param('("check", "test")', ("makemigrations", "--check", "--dry-run"), 0, id="not-listed"),
        pytest.param("5", ("migrate", "--noinput"), 0, id="unreadable-value-is-the-default"),
    ],
)
def test_error_commands_setting(tmp_path, value, command, status):
    root = planted(tmp_path, f"CELERY_LINT_ERROR_COMMANDS = {value}\n{EVERYWHERE}")
    result = manage(root, *command)
    assert result.returncode == status, result.stdout + result.stderr
    assert ERROR in result.stderr


# -- at worker boot ------------------------------------------------------------------------------


def boot_lines(output: str) -> list[str]:
    """The lines celery-lint logs (`[... WARNING/MainProcess] celery-lint ...`): not any
    line that spells it, such as a warning naming a file in a `celery-lint-ci` venv."""
    return [line for line in output.splitlines() if "] celery-lint" in line]


def test_worker_logs_the_finding_once_before_ready(project_with_error):
    ready, output = start_worker(project_with_error, worker_options=SOLO)
    assert ready, output[-3000:]
    found = [line for line in output.splitlines() if BOOT_LINE in line]
    assert len(found) == 1, output
    assert "WARNING/MainProcess" in found[0]
    assert "fix: see celery-lint --explain CEL101" in found[0]
    assert output.index(BOOT_LINE) < output.index(" ready.")


def test_prefork_worker_logs_once_not_per_child(project_with_error):
    ready, output = start_worker(project_with_error, worker_options=("-c", "2"))
    assert ready, output[-3000:]
    assert sum(BOOT_LINE in line for line in output.splitlines()) == 1, output


def test_worker_with_embedded_beat_logs_once(project_with_error, tmp_path):
    """The beat child (`-B`) sends `beat_init` too, after the worker reported."""
    command = [str(BIN / "celery"), "-A", "proj", "worker", "-c", "2", "-B", "-s", str(tmp_path / "schedule"),
               "-l", "info"]
    # ready, and beat started (its `beat_init` comes then): 5 s more for a second report
    output = read_until(command, project_with_error, (" ready.", "beat: Starting..."), timeout=40, grace=5)
    assert " ready." in output and "beat: Starting..." in output, output
    assert sum(BOOT_LINE in line for line in output.splitlines()) == 1, output


def test_beat_logs_the_finding(project_with_error, tmp_path):
    command = [str(BIN / "celery"), "-A", "proj", "beat", "-l", "info", "-s", str(tmp_path / "schedule")]
    output = read_until(command, project_with_error, BOOT_LINE)
    (found,) = [line for line in output.splitlines() if BOOT_LINE in line]
    assert "WARNING/MainProcess" in found, output


def test_healthy_project_logs_nothing(project):
    ready, output = start_worker(write_project(Example({}), project), worker_options=SOLO)
    assert ready, output[-3000:]
    assert boot_lines(output) == []


@pytest.mark.parametrize(
    ("settings", "options"),
    [
        pytest.param("CELERY_LINT_WORKER_BOOT = False\n", (), id="setting"),
        pytest.param("", ("--skip-checks",), id="celery-skip-checks"),
    ],
)
def test_switched_off(tmp_path, settings, options):
    ready, output = start_worker(planted(tmp_path, settings), options=options, worker_options=SOLO)
    assert ready, output[-3000:]
    assert boot_lines(output) == []
