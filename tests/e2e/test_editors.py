"""An editor's unsaved buffer, piped through the real flake8 and the real command.

Editors lint the buffer, not the file on disk: flake8's stdin mode (`flake8 -` with
`--stdin-display-name PATH`) and `celery-lint - --stdin-filename PATH`. The buffer
replaces that one file's text in the project model, for module rules (CEL203) and
project rules (CEL104 in the settings, CEL004 in the project package) alike; the
rest of the project is read from disk. Each editor's own command line (docs/editors.md)
is run as the editor runs it.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from celery_lint.examples import BASE
from tests.helpers import BIN, clean_env, write_files

TYPO = ("CELERY_TASK_SERIALIZER", "CELERY_TASK_SERIALISER")  # CEL104, a project rule
UNBOUND = ("def debug_task(self):", "def debug_task():")  # CEL203, a module rule
NO_APP = ("from .celery import app as celery_app", "")  # CEL004, a project rule
CASES = {
    "CEL104": ("proj/settings.py", TYPO),
    "CEL203": ("proj/celery.py", UNBOUND),
    "CEL004": ("proj/__init__.py", NO_APP),
}


def piped(args: list[str], cwd: Path, buffer: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, input=buffer, capture_output=True, text=True, timeout=120, env=clean_env())


def flake8_stdin(root: Path, path: str, buffer: str) -> subprocess.CompletedProcess[str]:
    return piped([str(BIN / "flake8"), "--select=CEL", "--stdin-display-name", path, "-"], root, buffer)


def command_stdin(root: Path, path: str, buffer: str) -> subprocess.CompletedProcess[str]:
    return piped([str(BIN / "celery-lint"), "-", "--stdin-filename", path], root, buffer)


def broken(path: str, change: tuple[str, str]) -> str:
    assert change[0] in BASE[path]
    return BASE[path].replace(*change)


FRONT_ENDS = {"flake8": flake8_stdin, "command": command_stdin}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("code", CASES)
def test_a_mistake_only_in_the_buffer_is_reported(project: Path, code: str, front_end: str):
    path, change = CASES[code]
    root = write_files(project, {})  # healthy on disk
    result = FRONT_ENDS[front_end](root, path, broken(path, change))
    assert result.returncode == 1, result.stdout + result.stderr
    reported = [line for line in result.stdout.splitlines() if " CEL" in line]
    assert reported and all(line.startswith(f"{path}:") and f": {code} " in line for line in reported), reported
    assert "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("code", CASES)
def test_a_mistake_fixed_only_in_the_buffer_is_not_reported(project: Path, code: str, front_end: str):
    path, change = CASES[code]
    root = write_files(project, {path: broken(path, change)})  # the mistake is on disk
    on_disk = FRONT_ENDS[front_end](root, path, broken(path, change))
    assert on_disk.returncode == 1 and f": {code} " in on_disk.stdout, on_disk.stdout + on_disk.stderr
    fixed = FRONT_ENDS[front_end](root, path, BASE[path])
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "CEL" not in fixed.stdout, fixed.stdout


def test_the_buffer_of_one_file_leaves_the_others_as_on_disk(project: Path):
    """The settings typo on disk is another file's finding: the buffer of celery.py
    hides nothing the command reports in settings.py."""
    root = write_files(project, {"proj/settings.py": broken("proj/settings.py", TYPO)})
    result = piped([str(BIN / "celery-lint"), "-", "--stdin-filename", "proj/celery.py"], root, BASE["proj/celery.py"])
    assert result.returncode == 0, result.stdout  # only the buffer's file is shown, as for a named file
    whole = piped([str(BIN / "celery-lint"), "."], root, "")
    assert whole.returncode == 1 and "proj/settings.py:31:1: CEL104" in whole.stdout, whole.stdout


def test_a_buffer_named_for_no_file_is_silent(project: Path):
    """`flake8 -` without --stdin-display-name: no project to place it in, nothing said."""
    root = write_files(project, {})
    result = piped([str(BIN / "flake8"), "--select=CEL", "-"], root, broken("proj/settings.py", TYPO))
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    assert "celery-lint" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    "args, error",
    [
        (["-"], "- (read stdin) needs --stdin-filename PATH and no other path"),
        (["-", ".", "--stdin-filename", "proj/settings.py"], "needs --stdin-filename PATH and no other path"),
        (["--stdin-filename", "proj/settings.py", "."], "give - as the path"),
    ],
)
def test_stdin_usage_errors_exit_2(project: Path, args: list[str], error: str):
    root = write_files(project, {})
    result = piped([str(BIN / "celery-lint"), *args], root, BASE["proj/settings.py"])
    assert result.returncode == 2 and error in result.stderr, result.stderr


# -- the editors' own command lines (docs/editors.md) -------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "editors.md"
DOCS_FILE = "/path/to/project/proj/settings.py"
VSCODE_FORMAT = "--format='%(row)d,%(col)d,%(code).1s,%(code)s:%(text)s'"  # the flake8 extension's TOOL_ARGS


def editor_commands(file: Path) -> dict[str, list[str]]:
    """What each editor runs for the buffer of `file` (an absolute path, as editors give it)."""
    flake8 = str(BIN / "flake8")
    return {
        # VS Code, the flake8 extension (ms-python.flake8), importStrategy fromEnvironment
        "vscode": [str(BIN / "python"), "-m", "flake8", VSCODE_FORMAT, "--stdin-display-name", str(file), "-"],
        # Neovim, none-ls (none-ls-extras' flake8): args { "--format", "default", "--stdin-display-name", "$FILENAME", "-" }
        "none-ls": [flake8, "--format", "default", "--stdin-display-name", str(file), "-"],
        # Neovim, nvim-lint's flake8 with stdin = true and the display name appended (docs/editors.md)
        "nvim-lint": [
            flake8, "--format=%(path)s:%(row)d:%(col)d:%(code)s:%(text)s", "--no-show-source",
            "--stdin-display-name", str(file), "-",
        ],
        "celery-lint": [str(BIN / "celery-lint"), "-", "--stdin-filename", str(file)],
    }


EXPECTED_LINE = {
    "vscode": "'31,1,C,CEL104:CELERY_TASK_SERIALISER is not a Celery setting",
    "none-ls": "{file}:31:1: CEL104 CELERY_TASK_SERIALISER is not a Celery setting",
    "nvim-lint": "{file}:31:1:CEL104:CELERY_TASK_SERIALISER is not a Celery setting",
    "celery-lint": "proj/settings.py:31:1: CEL104 CELERY_TASK_SERIALISER is not a Celery setting",
}


@pytest.mark.parametrize("editor", EXPECTED_LINE)
@pytest.mark.parametrize("cwd", ["root", "elsewhere"])
def test_each_editor_command_reports_the_buffer(project: Path, tmp_path: Path, editor: str, cwd: str):
    """The buffer's typo is reported in the editor's format, the fixed buffer is clean,
    from the project root (VS Code's workspace, none-ls' root) or any directory (Neovim's)."""
    root = write_files(project, {"proj/settings.py": broken("proj/settings.py", TYPO)})
    file = (root / "proj" / "settings.py").resolve()
    where = root
    if cwd == "elsewhere":
        where = tmp_path / "elsewhere"
        where.mkdir()
    command = editor_commands(file)[editor]
    bad = piped(command, where, broken("proj/settings.py", TYPO))
    expected = EXPECTED_LINE[editor].format(file=file)
    if editor == "celery-lint" and cwd == "elsewhere":
        expected = expected.replace("proj/settings.py", str(file))  # shown relative to the cwd when below it
    assert bad.returncode == 1 and expected in bad.stdout, bad.stdout + bad.stderr
    good = piped(command, where, BASE["proj/settings.py"])
    assert good.returncode == 0 and "CEL" not in good.stdout, good.stdout + good.stderr


def test_the_docs_show_the_commands_tested_here():
    """docs/editors.md shows each editor's command line as run above (the program by name)."""
    shown = [
        shlex.split(line)
        for block in re.findall(r"```bash\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
        for line in block.splitlines()
    ]
    for editor, command in editor_commands(Path(DOCS_FILE)).items():
        named = [Path(command[0]).name, *command[1:]]
        assert named in shown, (editor, named)
