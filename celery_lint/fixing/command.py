"""The command's side of fixing: `--fix` writes and then the report shows what is
left; `--diff` prints the diff and stops."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from celery_lint.engine import Report


def run_fixes(lint: Callable[[], Report], args: argparse.Namespace) -> int | None:
    """The exit status when the command stops here (`--diff`, tokenize-rt missing),
    else None: the command goes on to report the findings the fixes left."""
    try:
        from celery_lint.fixing import run
    except ImportError as exc:  # tokenize-rt: the `fix` extra
        sys.stderr.write(f"celery-lint: error: fixing needs tokenize-rt ({exc}): pip install 'celery-lint[fix]'\n")
        return 2
    outcome = run.fix(lint, unsafe=args.unsafe_fixes, write=not args.diff)
    if args.diff:
        sys.stdout.write(run.diff(outcome, Path.cwd().resolve()))
        return 1 if outcome.texts else 0
    files = len(outcome.texts)
    sys.stderr.write(
        f"Fixed {outcome.fixed} finding{'' if outcome.fixed == 1 else 's'} in {files} file{'' if files == 1 else 's'}.\n"
    )
    return None
