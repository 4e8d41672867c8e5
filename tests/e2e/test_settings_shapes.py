"""Settings shapes of real projects through the real `celery-lint` command and flake8:
django-split-settings components and django-configurations classes, each with a bad,
a clean and an unknown variant (`manage.py check` too, on the first two)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e import FINDING
from tests.helpers import BIN, PYTHON, clean_env, run, write_files
from tests.test_configurations import BASE_END, DEV_WITHOUT_RESULTS, PROD, PROD_LINE, manage
from tests.test_split_settings import COMPONENT_TYPO, WITHOUT_RESULTS_APP, split

# a component named by the environment may install the results app: CEL301 cannot tell
SPLIT_UNKNOWN = """\
import os

from split_settings.tools import include

include("components/*.py", f"components/{os.environ['PART']}.py")
"""

CHECK_ISSUE = re.compile(r"^(?P<path>\S+):(?P<line>\d+): \(celery_lint\.[EW](?P<number>\d{3})\)", re.M)
PROJECTS: dict[str, dict[str, str]] = {
    "split-bad": split(celery=COMPONENT_TYPO),
    "split-clean": split(),
    "split-unknown": split(SPLIT_UNKNOWN, celery=WITHOUT_RESULTS_APP),
    "class-bad": {"manage.py": manage(), "proj/settings.py": PROD + "    CELERY_TASK_SOFT_TIMELIMIT = 10\n"},
    "class-clean": {"manage.py": manage(), "proj/settings.py": PROD},
    # DJANGO_CONFIGURATION from the environment: Dev (no results app, CEL301) may not be the one
    "class-unknown": {"manage.py": manage(None, 'os.environ["C"]'), "proj/settings.py": DEV_WITHOUT_RESULTS},
}
EXPECTED = {
    "split-bad": [("proj/settings/components/celery.py", 5, "CEL104")],
    "split-clean": [],
    "split-unknown": [],
    "class-bad": [("proj/settings.py", PROD_LINE + 1, "CEL104")],
    "class-clean": [],
    "class-unknown": [],
}


@pytest.fixture(scope="module")
def top(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("shapes")
    for name, files in PROJECTS.items():
        write_files(top / name, files)
    return top


def findings(output: str) -> list[tuple[str, int, str]]:
    matches = [m for m in map(FINDING.match, output.splitlines()) if m]
    return [(m["path"].removeprefix("./"), int(m["line"]), m["code"]) for m in matches]


@pytest.mark.parametrize("name", PROJECTS)
def test_the_command(top, name):
    result = run([str(BIN / "celery-lint")], top / name)
    assert (findings(result.stdout), result.returncode) == (EXPECTED[name], 1 if EXPECTED[name] else 0), (
        result.stdout + result.stderr
    )


def test_flake8(top):
    result = run([str(BIN / "flake8"), "--select=CEL", "-j", "1", "."], top)
    expected = [(f"{name}/{path}", line, code) for name, found in EXPECTED.items() for path, line, code in found]
    assert sorted(findings(result.stdout)) == sorted(expected), result.stdout + result.stderr


@pytest.mark.parametrize("name", [n for n in PROJECTS if not n.endswith("-unknown")])
def test_manage_py_check(top, name):
    """The real Django loads each shape (split_settings, configurations' manage.py) and
    the system checks report what the command does, at the same lines."""
    result = run([PYTHON, "manage.py", "check"], top / name)
    output = result.stdout + result.stderr
    issues = [(m["path"], int(m["line"]), "CEL" + m["number"]) for m in CHECK_ISSUE.finditer(output)]
    assert issues == EXPECTED[name], output


# what the unknown configuration reports once it is told: Dev drops the results app
TOLD = [("proj/settings.py", BASE_END, "CEL301")]


def test_the_command_is_told_the_configuration(top):
    root = top / "class-unknown"
    result = run([str(BIN / "celery-lint"), "--configuration", "Dev"], root)
    assert findings(result.stdout) == TOLD, result.stdout + result.stderr
    (root / "pyproject.toml").write_text('[tool.celery-lint]\nconfiguration = "Dev"\n', encoding="utf-8")
    try:
        assert findings(run([str(BIN / "celery-lint")], root).stdout) == TOLD
        assert findings(run([str(BIN / "celery-lint"), "--configuration", "Prod"], root).stdout) == []
    finally:
        (root / "pyproject.toml").unlink()


def test_flake8_is_told_the_configuration(top):
    result = run([str(BIN / "flake8"), "--select=CEL", "--celery-lint-configuration=Dev", "."], top / "class-unknown")
    assert findings(result.stdout) == TOLD, result.stdout + result.stderr


def test_manage_py_check_reads_the_configuration_it_runs(top):
    result = subprocess.run([PYTHON, "manage.py", "check"], cwd=top / "class-unknown", capture_output=True, text=True,
                            timeout=120, env=dict(clean_env(), C="Dev"))
    output = result.stdout + result.stderr
    assert [(m["path"], int(m["line"]), "CEL" + m["number"]) for m in CHECK_ISSUE.finditer(output)] == TOLD, output
