"""Only the project's code is linted: hidden directories and what git ignores are
skipped by the command's walk, by flake8's plugin and by the project model alike,
unless a file is named explicitly or `respect-gitignore` is off."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import Example
from tests.e2e import parse_findings
from tests.helpers import BIN, run

CODES = ("CEL203", "CEL205", "CEL206")
BOUND = "from celery import shared_task\n\n\n@shared_task(bind=True)\ndef {0}():\n    return 1\n"
# A copy of the code in an ignored directory defines the task the beat schedule names:
# read, it would hide the CEL206 finding; its own bugs are no one's to fix.
COPY = 'from celery import shared_task\n\n\n@shared_task(name="demoapp.tasks.cleanup")\ndef cleanup():\n    pass\n\n\n'
BEAT = '\nCELERY_BEAT_SCHEDULE = {"cleanup": {"task": "demoapp.tasks.cleanup", "schedule": 60.0}}\n'
STRAY = {
    ".gitignore": "/snapshots/\n*_local.py\n",
    "snapshots/demoapp/tasks.py": COPY + BOUND.format("old"),
    ".semgrep/rules/tasks.py": BOUND.format("rule"),
    ".github/scripts/tasks.py": BOUND.format("script"),
    "demoapp/tasks_local.py": BOUND.format("scratch"),
}
BEAT_FINDING = ("proj/settings.py", 33, "CEL206")


def git_init(top: Path) -> None:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", str(top)], check=True, env=env)


def make(top: Path, beat: bool = True, git: bool = True) -> Path:
    write_project(Example({**STRAY, **({"+proj/settings.py": BEAT} if beat else {})}), top)
    if git:
        git_init(top)
    return top


def celery_lint(cwd: Path, *args: str) -> tuple[int, list[tuple[str, int, str]], str]:
    result = run([str(BIN / "celery-lint"), *args], cwd)
    return result.returncode, parse_findings(result.stdout, CODES), result.stdout + result.stderr


def flake8(cwd: Path, *args: str) -> tuple[int, list[tuple[str, int, str]], str]:
    result = run([str(BIN / "flake8"), "--select=CEL", "-j", "1", *args], cwd)
    return result.returncode, parse_findings(result.stdout, CODES), result.stdout + result.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make(tmp_path_factory.mktemp("files") / "repo")


@pytest.mark.parametrize("tool", [celery_lint, flake8])
def test_ignored_and_hidden_files_neither_report_nor_hide(repo, tool):
    code, found, output = tool(repo, ".")
    assert found == [BEAT_FINDING], output
    assert code == 1


@pytest.mark.parametrize("tool", [celery_lint, flake8])
def test_the_clean_variant_is_clean_whatever_the_ignored_files_hold(tmp_path, tool):
    top = make(tmp_path / "repo", beat=False)
    code, found, output = tool(top, ".")
    assert (code, found) == (0, []), output


@pytest.mark.parametrize("tool", [celery_lint, flake8])
def test_a_file_named_explicitly_is_linted_even_when_ignored(repo, tool):
    _, found, output = tool(repo, "demoapp/tasks_local.py", ".semgrep/rules/tasks.py")
    assert ("demoapp/tasks_local.py", 5, "CEL203") in found, output
    assert ("demoapp/tasks_local.py", 5, "CEL205") in found, output  # the project rules look at it too
    assert (".semgrep/rules/tasks.py", 5, "CEL203") in found, output


def test_a_directory_named_explicitly_is_walked(repo):
    _, found, output = celery_lint(repo, "snapshots")
    assert ("snapshots/demoapp/tasks.py", 13, "CEL203") in found, output


@pytest.mark.parametrize("off", [("--no-respect-gitignore",), ("--config", "off.toml")])
def test_respect_gitignore_off_lints_ignored_files_but_not_hidden_ones(repo, off):
    (repo / "off.toml").write_text("[tool.celery-lint]\nrespect-gitignore = false\n")
    _, found, output = celery_lint(repo, ".", *off)
    paths = {path for path, _, _ in found}
    assert paths == {"snapshots/demoapp/tasks.py", "demoapp/tasks_local.py"}, output  # the copy hides CEL206
    assert not any(path.startswith(".") for path in paths)


def test_respect_gitignore_off_under_flake8(tmp_path):
    top = make(tmp_path / "repo")
    (top / "pyproject.toml").write_text("[tool.celery-lint]\nrespect-gitignore = false\n")
    _, found, output = flake8(top, ".")
    assert {path for path, _, _ in found} == {"snapshots/demoapp/tasks.py", "demoapp/tasks_local.py"}, output


@pytest.mark.parametrize("tool", [celery_lint, flake8])
def test_outside_git_gitignore_is_not_read_but_hidden_directories_are_skipped(tmp_path, tool):
    """As ruff: a `.gitignore` counts inside a git work tree only."""
    top = make(tmp_path / "export", git=False)
    _, found, output = tool(top, ".")
    assert {path for path, _, _ in found} == {"snapshots/demoapp/tasks.py", "demoapp/tasks_local.py"}, output


def test_from_a_sub_directory_the_ignored_files_stay_out(repo):
    _, found, output = celery_lint(repo / "proj", ".")
    assert found == [("settings.py", 33, "CEL206")], output
