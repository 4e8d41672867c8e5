"""The on-disk cache never gives a different answer: after every kind of change, a
run that uses the cache says exactly what a run without it (`--no-cache`) says."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from celery_lint.cache import DIRECTORY
from celery_lint.cache.store import FORMAT
from celery_lint.cli import main
from celery_lint.examples import BASE
from celery_lint.project import modules
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import BIN, forget_the_filesystem, run, write_files

load_rules()
# module findings that read the model (which functions are tasks): CEL204's bad example
BAD = REGISTRY["CEL204"].bad.files
Run = tuple[int, str, str]


def lint_cli(root: Path, *args: str) -> Run:
    """(exit status, stdout, stderr) of the command, in this process, from `root`."""
    forget_the_filesystem()
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main([*args, "."])
    finally:
        os.chdir(cwd)
    return status, out.getvalue(), err.getvalue()


def same_as_cold(root: Path, *args: str) -> Run:
    warm = lint_cli(root, *args)
    cold = lint_cli(root, "--no-cache", *args)
    assert warm == cold
    return warm


def cache_files(root: Path) -> list[Path]:
    return sorted((root / DIRECTORY).glob("*.pickle"))


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    root = write_files(tmp_path / "project", {
        **BAD,
        "proj/settings.py": "from .base import *  # noqa: F403\n",
        "proj/base.py": BASE["proj/settings.py"],
    })
    assert "CEL204" in lint_cli(root)[1]  # the cache is written
    assert cache_files(root)
    return root


def _edit_view(root: Path) -> None:
    path = root / "demoapp/views.py"
    path.write_text(path.read_text().replace("with transaction.atomic():", "if True:"))


def _add_module(root: Path) -> None:
    (root / "demoapp/more.py").write_text(
        "from django.db import transaction\n\nfrom demoapp.tasks import add\n\n\n"
        "def more(request):\n    with transaction.atomic():\n        add.delay(1, 2)\n"
    )


def _delete_tasks(root: Path) -> None:
    (root / "demoapp/tasks.py").unlink()


def _rename_tasks(root: Path) -> None:
    (root / "demoapp/tasks.py").rename(root / "demoapp/jobs.py")


def _settings_chain(root: Path) -> None:
    with open(root / "proj/base.py", "a") as stream:
        stream.write('CELERY_BROKER_URLL = "memory://"\n')


def _settings_chain_relinked(root: Path) -> None:
    (root / "proj/other.py").write_text((root / "proj/base.py").read_text() + 'CELERY_RESULT_BACKENDD = "x"\n')
    (root / "proj/settings.py").write_text("from .other import *  # noqa: F403\n")


def _celery_pin(root: Path) -> None:
    (root / "requirements.txt").write_text("celery==5.3.6\n")


def _configuration(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.celery-lint]\nignore = ["CEL204"]\nextend-select = ["CEL9"]\n')


def _same_size_same_mtime(root: Path) -> None:
    """An edit in the same clock tick as the run that cached the file: same size, same mtime."""
    path = root / "demoapp/views.py"
    status = path.stat()
    path.write_text(path.read_text().replace("transaction.atomic()", "transaction.atomix()"))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size


def _nothing(root: Path) -> None:
    pass


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit": _edit_view, "add": _add_module, "delete": _delete_tasks, "rename": _rename_tasks,
    "settings chain": _settings_chain, "settings chain relinked": _settings_chain_relinked,
    "celery pin": _celery_pin, "configuration": _configuration, "same size and mtime": _same_size_same_mtime,
    "nothing": _nothing,
}


@pytest.mark.parametrize("change", CHANGES)
def test_warm_equals_cold_after(bad: Path, change: str) -> None:
    before = lint_cli(bad)
    CHANGES[change](bad)
    after = same_as_cold(bad)
    assert (after == before) == (change == "nothing"), after
    assert same_as_cold(bad) == after  # and from the cache this run wrote


def test_nothing_changed_parses_nothing(bad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = lint_cli(bad, "--no-cache")
    parsed: list[Path] = []
    real = modules.parse_text
    monkeypatch.setattr(modules, "parse_text", lambda path, text: parsed.append(path) or real(path, text))
    assert lint_cli(bad) == cold
    assert parsed == []


def test_one_file_changed_reuses_the_rest(bad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file only its own checks and the text filters read changes: it is parsed
    again, and what the model reads to answer its checks; no other file."""
    leaf = bad / "demoapp/views.py"
    leaf.write_text(leaf.read_text() + "# changed\n")
    cold = lint_cli(bad, "--no-cache")
    parsed: list[Path] = []
    real = modules.parse_text
    monkeypatch.setattr(modules, "parse_text", lambda path, text: parsed.append(path) or real(path, text))
    assert lint_cli(bad) == cold
    (state,) = [pickle.loads(file.read_bytes())[2] for file in cache_files(bad)]
    assert leaf.resolve() in parsed
    assert {str(path) for path in parsed} <= {str(leaf.resolve()), *state.reads}
    assert len(parsed) < len(list(bad.rglob("*.py")))


def test_old_files_are_known_by_size_and_mtime(bad: Path) -> None:
    """Files older than a clock tick are not read while their size and mtime hold; an
    edit that keeps the size but not the mtime is seen."""
    old = 1_000_000_000_000_000_000
    for path in bad.rglob("*.py"):
        os.utime(path, ns=(old, old))
    lint_cli(bad)
    views = bad / "demoapp/views.py"
    views.write_text(views.read_text().replace("transaction.atomic()", "transaction.atomix()"))
    os.utime(views, ns=(old, old + 1))
    assert "CEL204" not in same_as_cold(bad)[1]


def test_the_cache_directory_is_ignored_by_git(bad: Path) -> None:
    assert (bad / DIRECTORY / ".gitignore").read_text().splitlines()[-1] == "*"


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = write_files(tmp_path / "project", BAD)
    lint_cli(root, "--no-cache")
    assert not (root / DIRECTORY).exists()


def test_cache_dir_key_and_option(tmp_path: Path) -> None:
    root = write_files(tmp_path / "project", {**BAD, "pyproject.toml": '[tool.celery-lint]\ncache-dir = "build/lint"\n'})
    same_as_cold(root)
    assert not (root / DIRECTORY).exists() and list((root / "build/lint").glob("*.pickle"))
    elsewhere = tmp_path / "elsewhere"
    same_as_cold(root, "--cache-dir", str(elsewhere))
    assert list(elsewhere.glob("*.pickle"))


def test_a_corrupt_cache_is_ignored_and_rewritten(bad: Path) -> None:
    cold = lint_cli(bad, "--no-cache")
    for file in cache_files(bad):
        file.write_bytes(b"\x80\x05not a pickle at all")
    _edit_view(bad)  # something to write
    cold = lint_cli(bad, "--no-cache")
    assert lint_cli(bad) == cold
    for file in cache_files(bad):
        assert pickle.loads(file.read_bytes())[0][0] == FORMAT  # a cache file again


class _Foreign:
    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.marker}",))

    marker = ""


def test_a_foreign_cache_runs_nothing(bad: Path) -> None:
    marker = bad / "pwned"
    _Foreign.marker = str(marker)
    for file in cache_files(bad):
        file.write_bytes(pickle.dumps(_Foreign()))
    assert same_as_cold(bad)[0] == 1
    assert not marker.exists()


def test_an_unwritable_cache_still_lints_silently(tmp_path: Path) -> None:
    root = write_files(tmp_path / "project", BAD)
    (root / "blocker").write_text("a file where the cache directory would go")
    status, out, err = same_as_cold(root, "--cache-dir", str(root / "blocker" / "cache"))
    assert "CEL204" in out and err == ""


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes whatever the mode")
def test_a_read_only_project_still_lints(tmp_path: Path) -> None:
    root = write_files(tmp_path / "project", BAD)
    modes = {p: p.stat().st_mode for p in [root, *root.rglob("*")] if p.is_dir()}
    for path in modes:
        path.chmod(0o555)
    try:
        status, out, err = same_as_cold(root)
        assert "CEL204" in out and err == "" and not (root / DIRECTORY).exists()
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def test_runs_at_once_never_corrupt_it(bad: Path) -> None:
    """Several processes write at once: each replaces the file whole (a temporary file
    renamed over it), and the next run reads one of them."""
    _edit_view(bad)
    command = [str(BIN / "celery-lint"), "."]
    processes = [subprocess.Popen(command, cwd=bad, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = {p.communicate(timeout=120)[0] for p in processes}
    assert len(outputs) == 1
    for file in cache_files(bad):
        pickle.loads(file.read_bytes())
    assert not list((bad / DIRECTORY).glob(".tmp-*"))
    assert run(command, bad).stdout == outputs.pop() == lint_cli(bad, "--no-cache")[1]


def test_flake8_uses_it_and_agrees(tmp_path: Path) -> None:
    root = write_files(tmp_path / "project", BAD)
    flake8 = [sys.executable, "-m", "flake8", "--select=CEL", "."]
    cold = run([*flake8, "--celery-lint-no-cache"], root).stdout
    assert not (root / DIRECTORY).exists() and "CEL204" in cold
    assert run(flake8, root).stdout == cold
    assert cache_files(root)
    assert run(flake8, root).stdout == cold  # from the cache
    _edit_view(root)
    assert run(flake8, root).stdout == run([*flake8, "--celery-lint-no-cache"], root).stdout != cold


def test_the_signatures_look_for_the_walks_markers() -> None:
    from celery_lint import layout
    from celery_lint.cache import signatures

    assert signatures.MARKERS == {*layout.REPO_MARKERS, "manage.py", "__init__.py"}


def test_only_the_command_and_flake8_use_it(tmp_path: Path) -> None:
    """The engine's other callers (the Django checks, the library) never read nor write
    the cache: `manage.py check` answers for the code as it is."""
    from celery_lint.engine import lint_paths, select_rules

    root = write_files(tmp_path / "project", BAD)
    lint_cli(root)  # the command turns it on, and off when it is done
    shutil.rmtree(root / DIRECTORY)
    forget_the_filesystem()
    assert [f.code for f in lint_paths([root], select_rules([])).findings] == ["CEL204"]
    assert not (root / DIRECTORY).exists()
