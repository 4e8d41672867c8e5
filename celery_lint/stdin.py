"""An editor's unsaved buffer, linted as the file it stands for.

Editors pipe the buffer to `flake8 -` (with `--stdin-display-name PATH`) or to
`celery-lint - --stdin-filename PATH`. The buffer replaces that one file's text in
the project model for the run (`Project.use_buffer`), so module and project rules
alike see what the editor shows, and every other file is read from disk.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from celery_lint.project import Project
from celery_lint.sources import SourceError, decode_source


def use_buffer(filename: str, text: str) -> Path:
    """Lint `text` as the content of the file `filename` names; its resolved path."""
    path = Path(filename).resolve()  # as the engine resolves the names flake8 gives
    Project.use_buffer(path, text)
    return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdin-filename", metavar="PATH",
        help="with the path -: lint the text on stdin as the file PATH (an editor's unsaved buffer)",
    )


def stdin_paths(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Path] | None:
    """The one path to lint when the command reads a buffer from stdin (the path `-`),
    after handing the buffer to the project model; None when it does not."""
    paths: list[str] = args.paths or []
    if "-" not in paths:
        if args.stdin_filename is not None:
            parser.error("--stdin-filename names the file the text on stdin stands for: give - as the path")
        return None
    if paths != ["-"] or not args.stdin_filename:
        parser.error("- (read stdin) needs --stdin-filename PATH and no other path")
    path = Path(args.stdin_filename)
    try:
        text = decode_source(path, sys.stdin.buffer.read())
    except SourceError as exc:
        parser.error(f"stdin: {exc.reason}")
    use_buffer(args.stdin_filename, text)
    return [path]
