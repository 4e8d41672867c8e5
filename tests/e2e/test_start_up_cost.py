"""What starting costs: `celery-lint --version` imports nothing of the engine, an empty
directory reads no Celery table, and the flake8 plugin imports nothing of the engine
at flake8's start and does nothing per file when flake8 selects no CEL code (flake8
runs every tree plugin on every file whatever `--select` says). Real processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flake8.options.parse_args import parse_args

import flake8_plugin
from celery_lint import __version__
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules, rule_codes
from tests.helpers import BIN, PYTHON, run, write_files

ENGINE = ("celery_lint.engine", "celery_lint.project", "celery_lint.rules", "celery_lint.celery_tables")


def imported(stderr: str) -> set[str]:
    """The modules `python -X importtime` reports."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_version_imports_nothing_of_the_engine(tmp_path):
    result = run([PYTHON, "-X", "importtime", "-m", "celery_lint", "--version"], tmp_path)
    assert result.stdout == f"celery-lint {__version__}\n"
    assert result.returncode == 0
    loaded = imported(result.stderr)
    assert "celery_lint.console" in loaded and not loaded & set(ENGINE), sorted(loaded)


EMPTY = """\
import json, sys
from celery_lint.cli import main
from celery_lint import celery_tables
status = main([])
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in ("celery", "kombu", "django"))
print(json.dumps([status, celery_tables.tables.cache_info().currsize, loaded]))
"""


def test_an_empty_directory_reads_no_celery_table(tmp_path):
    result = run([PYTHON, "-c", EMPTY], tmp_path)
    status, tables_read, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert (status, tables_read, loaded) == (0, 0, [])


def test_the_plugin_imports_nothing_of_the_engine(tmp_path):
    result = run([PYTHON, "-X", "importtime", "-c", "import flake8_plugin"], tmp_path)
    loaded = imported(result.stderr)
    assert "flake8_plugin" in loaded and not loaded & set(ENGINE), sorted(loaded)


def test_the_plugin_knows_the_codes_without_importing_a_rule():
    load_rules()
    assert rule_codes() == sorted(rule.code for rule in REGISTRY)


@pytest.mark.parametrize(
    ("argv", "selected"),
    [
        pytest.param([], True, id="flake8-default"),
        pytest.param(["--select=E,F"], False, id="select-others"),
        pytest.param(["--extend-ignore=CEL"], False, id="extend-ignore"),
        pytest.param(["--select=E", "--extend-select=CEL1"], True, id="extend-select-prefix"),
        pytest.param(["--select=CEL101", "--ignore=CEL"], True, id="longer-select-wins"),
        pytest.param(["--select=CEL", "--ignore=CEL101"], True, id="others-stay"),
    ],
)
def test_selection_is_flake8s_decision(tmp_path, monkeypatch, argv, selected):
    monkeypatch.chdir(tmp_path)  # no configuration file of the repository's
    _, options = parse_args([*argv, "--isolated", "."])
    assert flake8_plugin.cel_selected(options) is selected


NOT_SELECTED = """\
import sys
from flake8.main.cli import main
try:
    main(["--jobs=1", "--select=E9,F", "."])  # in this process: every file through every plugin
except SystemExit:
    pass
print("ENGINE", "celery_lint.engine" in sys.modules)
"""


def test_flake8_selecting_no_cel_code_does_nothing_per_file(project):
    write_files(project, {"+proj/settings.py": "RESULT_EXPIRES = 60\n"})
    result = run([PYTHON, "-c", NOT_SELECTED], project)
    assert "ENGINE False" in result.stdout, result.stdout + result.stderr
    shown = run([str(BIN / "flake8"), "--jobs=1", "--select=CEL", "."], project)
    assert "CEL101" in shown.stdout  # the same project, CEL selected: the plugin runs


def test_flake8_start_with_the_plugin_not_selected_reads_no_project(project: Path):
    """`flake8 --select=E` on a project the plugin would report on: no celery-lint warning,
    no CEL line, flake8's own result."""
    write_files(project, {"+proj/settings.py": "RESULT_EXPIRES = 60\n"})
    result = run([str(BIN / "flake8"), "--select=E9", "."], project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
