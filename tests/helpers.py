"""Test helpers: real projects on disk, run through the real engine and the real tools."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from celery_lint import config_lookup, layout, versions
from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.project import Project
from celery_lint.project.facts import version_text
from celery_lint.registry import Example
from celery_lint.versions import installed

PYTHON = sys.executable
BIN = Path(sys.executable).parent
# what the summary says was analysed in the canonical project (no pins: the installed Celery)
BASE_FACTS = f"settings proj.settings, app proj.celery, {version_text(installed())}"


def forget_the_filesystem() -> None:
    """Drop what this process knows of directories and files (listings, ignore rules,
    pins), kept once per process: a test that changes files between runs in one process
    must see the change."""
    Project._cache.clear()
    for module in (config_lookup, layout, versions):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def write_files(root: Path, files: dict[str, str], base: bool = True) -> Path:
    """The canonical project (unless base=False) with `files` changed, as in rule examples."""
    if base:
        write_project(Example(files), root)
    else:
        for path, text in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    forget_the_filesystem()
    return root


def lint(
    root: Path, select: str | None = None, settings: tuple[str, ...] = (), errors: bool = False,
    default_set: bool = False,
) -> list[tuple[str, int, str]]:
    """(relative path, line, code) of every finding in the tree at `root`, which has
    no file that cannot be analysed unless `errors`; `default_set`: `select` adds to it."""
    forget_the_filesystem()
    chosen = [select] if select and not default_set else []
    rules = select_rules(chosen, extend_select=[select] if select else [])
    report = lint_paths([root], rules, settings)
    assert errors or not report.errors, report.errors
    return [(f.path.relative_to(root.resolve()).as_posix(), f.line, f.code) for f in report.findings]


def codes(root: Path, select: str | None = None) -> list[tuple[str, str]]:
    return [(path, code) for path, _, code in lint(root, select)]


def clean_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run(args: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=clean_env())


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter in the project directory (a real process, so
    Django settings and Celery's current app start from nothing)."""
    return run([PYTHON, "-c", textwrap.dedent(code)], cwd)


def start_worker(
    root: Path, options: tuple[str, ...] = (), worker_options: tuple[str, ...] = (), timeout: float = 60
) -> tuple[bool, str]:
    """Start a real `celery [options] -A proj worker [worker_options]` in the project at `root`
    and kill it once it is ready: (became ready, what it printed until then)."""
    command = [str(BIN / "celery"), *options, "-A", "proj", "worker", "-c", "1", "-l", "info", *worker_options]
    process = subprocess.Popen(command, cwd=root, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout or ():
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break  # the worker exited
            seen.append(line)
            if " ready." in line:
                return True, "".join(seen)
        return False, "".join(seen)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
