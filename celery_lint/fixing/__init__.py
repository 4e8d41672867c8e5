"""`celery-lint --fix`, `--unsafe-fixes` and `--diff` (ruff's model).

This module only declares the options: the command imports it at every start, so it
imports nothing. The fixing itself (`celery_lint.fixing.run`, tokenize-rt) is loaded
only when one of the options is given.
"""

from __future__ import annotations

import argparse

#: the rule fix safeties; a "safe" fix changes only the behaviour the finding names
SAFE, UNSAFE = "safe", "unsafe"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: apply the unsafe fixes too"
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff and write nothing (exit 1 on a diff)"
    )


def requested(args: argparse.Namespace) -> bool:
    return bool(args.fix or args.diff)
