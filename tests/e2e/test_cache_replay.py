"""The real command answering a run exactly like the last one from its record
(`celery_lint.cache.replay`), and never when anything it read changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from celery_lint.cache import DIRECTORY
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import BIN, run, write_files

load_rules()
COMMAND = [str(BIN / "celery-lint"), "."]
OLD = 1_000_000_000_000_000_000  # ns: long before any run


def age(root: Path) -> None:
    """Every file and directory last changed long ago (as in a checkout that is not
    being edited): a run may then be recorded, and trust sizes and mtimes."""
    for path in [*root.rglob("*"), root]:
        os.utime(path, ns=(OLD, OLD), follow_symlinks=False)


def records(root: Path) -> list[Path]:
    return sorted((root / DIRECTORY).glob("run-*.marshal"))


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    root = cached(tmp_path)
    first = run(COMMAND, root)
    assert "CEL204" in first.stdout and records(root)
    return root


def cached(tmp_path: Path) -> Path:
    """A project linted once (its cache directory made), then aged."""
    root = write_files(tmp_path / "project", REGISTRY["CEL204"].bad.files)
    run(COMMAND, root)
    age(root)
    return root


def test_a_run_like_the_last_is_replayed(recorded: Path) -> None:
    first, again = run(COMMAND, recorded), run(COMMAND, recorded)
    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)
    (record,) = records(recorded)
    record.write_bytes(record.read_bytes().replace(b"CEL204", b"CEL999"))  # its digest no longer holds
    assert run(COMMAND, recorded).stdout == first.stdout


def _edit(root: Path) -> None:
    path = root / "demoapp/views.py"
    path.write_text(path.read_text().replace("with transaction.atomic():", "if True:"))


def _edit_keeping_size_and_mtime(root: Path) -> None:
    path = root / "demoapp/views.py"
    status = path.stat()
    path.write_text(path.read_text().replace("transaction.atomic()", "transaction.atomix()"))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def _add(root: Path) -> None:
    (root / "demoapp/more.py").write_text("from demoapp.tasks import add\n\n\ndef more(request):\n    return add(1, 2)\n")


def _configure(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.celery-lint]\nignore = ["CEL204"]\n')


def _pin(root: Path) -> None:
    (root / "requirements.txt").write_text("celery==5.3.6\n")


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit": _edit, "add": _add, "configuration": _configure, "pin": _pin,
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_runs_the_engine(recorded: Path, change: str) -> None:
    before = run(COMMAND, recorded)
    CHANGES[change](recorded)
    after = run(COMMAND, recorded)
    cold = run([*COMMAND, "--no-cache"], recorded)
    assert (after.returncode, after.stdout, after.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert after.stdout != before.stdout


def test_an_edit_of_a_file_changed_in_the_recorded_runs_tick(tmp_path: Path) -> None:
    """A file changed less than a tick before the recording run is compared by its
    bytes, even when its size and mtime stay."""
    root = cached(tmp_path)
    views = root / "demoapp/views.py"
    views.write_text(views.read_text() + "\n")  # now: within the tick of the next run
    first = run(COMMAND, root)
    assert records(root)
    _edit_keeping_size_and_mtime(root)
    after = run(COMMAND, root)
    assert after.stdout == run([*COMMAND, "--no-cache"], root).stdout != first.stdout


def test_other_arguments_and_fixes_are_never_replayed(recorded: Path) -> None:
    assert len(records(recorded)) == 1
    run([*COMMAND, "--no-cache"], recorded)
    run([*COMMAND, "--diff"], recorded)
    assert len(records(recorded)) == 1
    quiet = run([*COMMAND, "-q"], recorded)
    assert len(records(recorded)) == 2 and "Found" not in quiet.stdout
