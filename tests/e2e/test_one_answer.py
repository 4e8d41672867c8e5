"""One table and one set of noqa comments, one answer: the real `celery-lint`, the real
flake8 and the real `manage.py check` report the same findings of the rules each runs,
Django counts what `SILENCED_SYSTEM_CHECKS` silences, and CEL102 keeps its id across
Celery versions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from tests.e2e import parse_findings
from tests.helpers import BIN, PYTHON, run

ALL_CODES = tuple(rule.code for rule in REGISTRY)
ISSUE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): \(celery_lint\.(?P<id>[EW]\d{3})\) ", re.M)
ANY_ID = re.compile(r"\(celery_lint\.([EW]\d{3})\)")

TABLE = """\
[tool.celery-lint]
select = ["CEL1", "CEL3", "CEL4"]
extend-select = ["CEL202"]
ignore = ["CEL103"]
per-file-ignores = { "proj/settings.py" = ["CEL101"] }
own-settings = ["CELERY_WORKER_CONCURENCY"]
exclude = ["proj/legacy_settings.py"]
"""
FIRST = 33  # the first line appended to the base project's proj/settings.py
SETTINGS = """\
TASK_ALWAYS_EAGER = True
CELERYD_CONCURRENCY = 4
CELERYD_PREFETCH_MULTIPLIER = 2  # noqa: CEL1
broker_transport_options = {"visibility_timeout": 3600}
CELERY_TASK_TIME_LIMT = 300  # noqa: CEL104
CELERY_TASK_SOFT_TIME_LIMT = 200  # noqa
CELERY_RESULT_EXPIRE = 10
CELERY_WORKER_CONCURENCY = 2
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"  # noqa: CEL304
from .legacy_settings import *
CELERY_RESULT_EXTENDED = True  # not CEL306's example (the select of CEL3 turns the opt-in rule on)
"""
# Without the table and the comments, each line (but the own setting's) is a finding:
# 33 CEL101 (per-file-ignores), 35 CEL102 (noqa: CEL1), 36 CEL103 (ignore), 37 and 38
# CEL104 (noqa), 41 CEL304 (noqa; in manage.py check the live finding located there),
# legacy_settings.py CEL104 (exclude), proj/celery.py CEL002 (select leaves out CEL0).
REPORTED = {
    ("demoapp/tasks.py", 1, "CEL202"),  # opt-in, turned on by extend-select; a module rule
    ("proj/settings.py", FIRST + 1, "CEL102"),
    ("proj/settings.py", FIRST + 6, "CEL104"),
}


def project(root: Path, celery_version: str | None = None, extra_settings: str = "") -> Path:
    files = {
        "proj/celery.py": REGISTRY["CEL002"].bad.texts()["proj/celery.py"],
        "demoapp/tasks.py": REGISTRY["CEL202"].bad.texts()["demoapp/tasks.py"],
        "+proj/settings.py": SETTINGS + extra_settings,
        "proj/legacy_settings.py": "CELERY_TASK_ACKS_LAT = True\n",
        "pyproject.toml": TABLE + (f'celery-version = "{celery_version}"\n' if celery_version else ""),
    }
    return write_project(Example(files), root)


def manage_check(root: Path) -> str:
    result = run([PYTHON, "manage.py", "check"], root)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout + result.stderr


def django_findings(output: str) -> set[tuple[str, int, str]]:
    return {(m["path"], int(m["line"]), f"CEL{m['id'][1:]}") for m in ISSUE.finditer(output)}


def runs_in_django(code: str) -> bool:
    """What `manage.py check` runs: the project-level rules and the live-only ones (the
    rules' pages, `rule_docs.front_ends`, say the same)."""
    return REGISTRY[code].check_project is not None or REGISTRY[code].live_only


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[str, set[tuple[str, int, str]]]:
    root = project(tmp_path_factory.mktemp("one-answer") / "project")
    command = run([str(BIN / "celery-lint"), "."], root)
    flake8 = run([str(BIN / "flake8"), "--select=CEL", "."], root)
    assert command.returncode == flake8.returncode == 1, command.stderr + flake8.stderr
    return {
        "command": set(parse_findings(command.stdout, ALL_CODES)),
        "flake8": set(parse_findings(flake8.stdout, ALL_CODES)),
        "django": django_findings(manage_check(root)),
    }


def test_the_command_and_flake8_report_the_same_findings(answers):
    assert answers["command"] == REPORTED
    assert answers["flake8"] == answers["command"]


def test_manage_py_check_reports_the_same_findings_of_the_rules_it_runs(answers):
    command, django = answers["command"], answers["django"]
    assert django == {f for f in command if runs_in_django(f[2])}
    # the difference is exactly the findings of rules Django does not run, and those it
    # alone runs (live-only: none of this project's findings)
    assert command - django == {f for f in command if not runs_in_django(f[2])} == {("demoapp/tasks.py", 1, "CEL202")}
    assert all(REGISTRY[code].live_only for _, _, code in django - command)


def test_silenced_checks_are_returned_for_django_to_count(tmp_path):
    silenced = 'SILENCED_SYSTEM_CHECKS = ["celery_lint.E102"]\n'
    output = manage_check(project(tmp_path, extra_settings=silenced))
    assert ANY_ID.findall(output) == ["W104"], output
    assert "System check identified 1 issue (1 silenced)." in output


@pytest.mark.parametrize(("version", "level"), [("5.6.3", "ERRORS"), ("5.7.0", "WARNINGS")])
def test_the_id_of_cel102_is_the_same_for_every_celery_version(tmp_path, version, level):
    """The level follows the version (5.7 reads old names again), the id does not: a
    silenced id stays silenced after an upgrade."""
    output = manage_check(project(tmp_path / "plain", version))
    section = output[output.index(f"{level}:"):]
    assert f"proj/settings.py:{FIRST + 1}: (celery_lint.E102) CELERYD_CONCURRENCY is a Celery 3 name" in section
    assert "W102" not in output
    silenced = 'SILENCED_SYSTEM_CHECKS = ["celery_lint.E102"]\n'
    output = manage_check(project(tmp_path / "silenced", version, silenced))
    assert "celery_lint.E102" not in output
    assert "System check identified 1 issue (1 silenced)." in output
