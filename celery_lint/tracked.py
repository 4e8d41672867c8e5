"""`celery-lint --git-tracked`: lint what git tracks and what is staged, as a commit holds it.

The pre-commit hook runs on the work tree, where an untracked work in progress sits
beside the commit's files: a new module with a mistake would fail a commit it is
not part of, an untracked `pyproject.toml` or settings module could make a commit
pass that fails once checked out. With `--git-tracked` the walk and the project
model see only the files `git ls-files --cached` lists (tracked, or added to the
index); what else is on disk is left out as if it were not there.
"""

from __future__ import annotations

import argparse
import os

from celery_lint import layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--git-tracked", action="store_true",
        help="only the files git tracks or has staged (the pre-commit hook): untracked files change nothing",
    )


def apply(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Restrict every listing to the tracked files when `--git-tracked` is given."""
    if not args.git_tracked:
        return
    import subprocess  # only with --git-tracked: spares every other run its import

    try:
        top = _git("rev-parse", "--show-toplevel").strip()
        listed = _git("-C", top, "ls-files", "--cached", "--recurse-submodules", "-z")
    except (OSError, subprocess.CalledProcessError) as exc:
        stderr = getattr(exc, "stderr", None) or str(exc)
        parser.error(f"--git-tracked needs a git work tree: {stderr.strip()}")
    layout.only_tracked(os.path.realpath(top), [name for name in listed.split("\0") if name])


def _git(*args: str) -> str:
    import subprocess

    return subprocess.run(["git", *args], capture_output=True, check=True, encoding="utf-8", errors="surrogateescape").stdout
