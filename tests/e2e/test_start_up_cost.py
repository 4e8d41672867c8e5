"""What starting costs: `celery-lint --version` imports nothing of the engine, an empty
directory (or one whose files are all excluded) reads no Celery table and imports no
rule module, and the flake8 plugin imports nothing of the engine
at flake8's start and does nothing per file when flake8 selects no CEL code (flake8
runs every tree plugin on every file whatever `--select` says). Real processes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from flake8.options.parse_args import parse_args

import flake8_plugin
from celery_lint import __version__
from celery_lint.cli import build_parser
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


# The console script's own entry, reporting the rule modules loaded as it leaves: by
# `os._exit` after a run, by SystemExit after a usage error (`parser.error`).
ENTRY = """\
import json, os, sys
leave = os._exit


def report():
    loaded = sorted(m for m in sys.modules if m.startswith("celery_lint.rules."))
    sys.__stderr__.write("RULES " + json.dumps(loaded) + "\\n")
    sys.__stderr__.flush()


def reported(status):
    report()
    leave(status)


os._exit = reported
sys.argv = ["celery-lint", *sys.argv[1:]]
from celery_lint.console import run
try:
    run()
finally:
    report()
"""
NOTHING = "celery-lint: warning: no Python file under .: nothing was analysed\n"


def entry(cwd: Path, *args: str) -> tuple[int, str, str, list[str]]:
    """(status, stdout, stderr, rule modules loaded) of `celery-lint ARGS` in `cwd`."""
    result = run([PYTHON, "-c", ENTRY, *args], cwd)
    stderr, _, loaded = result.stderr.rpartition("RULES ")
    return result.returncode, result.stdout, stderr, json.loads(loaded)


@pytest.mark.parametrize(
    ("files", "args"),
    [
        pytest.param({}, (), id="empty"),
        pytest.param({"legacy/old.py": "import os\n"}, ("--exclude", "legacy"), id="excluded-by-option"),
        pytest.param(
            {"legacy/old.py": "import os\n", "pyproject.toml": '[tool.celery-lint]\nexclude = ["legacy"]\n'}, (),
            id="excluded-by-table",
        ),
    ],
)
def test_a_run_that_lints_no_file_imports_no_rule(tmp_path, files, args):
    """What the command says with no file to lint is as it was (the rules loaded or
    not), and no rule module is imported for it."""
    write_files(tmp_path, files, base=False)
    assert entry(tmp_path, *args) == (0, "No findings in 0 files.\n", NOTHING, [])


@pytest.mark.parametrize(
    ("files", "args", "error"),
    [
        pytest.param(
            {}, ("--select", "CEL999"), "celery-lint: error: unknown rule code or prefix: CEL999\n", id="option",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.celery-lint]\nignore = ["CEL1", "CEL999"]\n'}, (),
            "[tool.celery-lint] ignore: unknown rule code or prefix 'CEL999'\n", id="table",
        ),
    ],
)
def test_an_unknown_code_is_refused_with_no_file_to_lint(tmp_path, files, args, error):
    """The codes are known from the rule modules' names: refused as before, exit 2."""
    write_files(tmp_path, files, base=False)
    status, stdout, stderr, loaded = entry(tmp_path, *args)
    assert (status, stdout, loaded) == (2, "", [])
    assert stderr.endswith(error), stderr


def test_the_catalogue_is_whole_when_a_run_with_no_file_lists_it(tmp_path):
    """SARIF lists every rule: the registry imports the rule modules when iterated."""
    status, stdout, stderr, _ = entry(tmp_path, "--format", "sarif")
    listed = [rule["id"] for rule in json.loads(stdout)["runs"][0]["tool"]["driver"]["rules"]]
    load_rules()
    assert (status, stderr, listed) == (0, NOTHING, [rule.code for rule in REGISTRY])


def test_a_run_imports_no_shutil(tmp_path):
    """argparse's own formatter imports shutil (with zlib, bz2 and lzma) for the
    terminal's width at every option the parser adds; the command's asks `os`."""
    write_files(tmp_path, {"orders/tasks.py": "from celery import shared_task\n"}, base=False)
    result = run([PYTHON, "-X", "importtime", "-m", "celery_lint", "--no-cache", "."], tmp_path)
    loaded = imported(result.stderr)
    assert result.returncode == 0 and "celery_lint.engine" in loaded, result.stderr[-2000:]
    assert not loaded & {"shutil", "bz2", "lzma"}, sorted(loaded)


@pytest.mark.parametrize("columns", ["50", "200", "", "junk"])
def test_the_help_is_as_wide_as_argparse_would_make_it(monkeypatch, columns):
    """The command's formatter finds the width `shutil.get_terminal_size` finds (COLUMNS,
    else the terminal, else 80): its help is argparse's own, character for character."""
    monkeypatch.setenv("COLUMNS", columns)
    parser = build_parser()
    ours = parser.format_help()
    parser.formatter_class = argparse.HelpFormatter
    assert ours == parser.format_help()


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
print("RULES", sorted(m for m in sys.modules if m.startswith("celery_lint.rules.")))
"""


def test_flake8_selecting_no_cel_code_does_nothing_per_file(project):
    write_files(project, {"+proj/settings.py": "RESULT_EXPIRES = 60\n"})
    result = run([PYTHON, "-c", NOT_SELECTED], project)
    assert "ENGINE False" in result.stdout and "RULES []" in result.stdout, result.stdout + result.stderr
    shown = run([str(BIN / "flake8"), "--jobs=1", "--select=CEL", "."], project)
    assert "CEL101" in shown.stdout  # the same project, CEL selected: the plugin runs


def test_flake8_start_with_the_plugin_not_selected_reads_no_project(project: Path):
    """`flake8 --select=E` on a project the plugin would report on: no celery-lint warning,
    no CEL line, flake8's own result."""
    write_files(project, {"+proj/settings.py": "RESULT_EXPIRES = 60\n"})
    result = run([str(BIN / "flake8"), "--select=E9", "."], project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
