"""How the command shows a report: where (`--output-file`), how much (`--quiet`,
`--statistics`, `--show-source`) and in colour or not (`--color`, `NO_COLOR`).

Colour is for people at a terminal: `auto` (the default) colours the text format
on standard output when it is a terminal and `NO_COLOR` is not set
(https://no-color.org); `always` and `never` decide whatever the environment.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from celery_lint.engine import Report
from celery_lint.findings import Finding
from celery_lint.output import WRITERS, errors_text, fix_marker, marked, notices_text, severity, summary_lines
from celery_lint.project import source_lines
from celery_lint.registry import REGISTRY

BOLD, RED, YELLOW, CYAN, RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[0m"
STATISTICS_FORMATS = ("text", "json")  # and of --show-settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    shown = parser.add_argument_group("showing the report")
    shown.add_argument("-o", "--output-file", type=Path, metavar="PATH", help="write the report to this file")
    shown.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary, no warnings")
    shown.add_argument("--statistics", action="store_true", help="count the findings of each code (text, json)")
    shown.add_argument("--show-source", action="store_true", help="show each finding's line and a caret (text)")
    shown.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto",
        help="colour the text output (default auto: on a terminal, unless NO_COLOR is set)",
    )


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    for given, option in ((args.statistics, "--statistics"), (args.show_settings, "--show-settings")):
        if given and args.format not in STATISTICS_FORMATS:
            parser.error(f"{option}: only with --format {' or '.join(STATISTICS_FORMATS)}")


def present(report: Report, args: argparse.Namespace, cwd: Path) -> bool:
    """The report in its format on stdout (or the output file), what could not be
    analysed or determined on stderr; False when the output file cannot be written."""
    output = args.output_file
    stream = sys.stdout if output is None else None
    if args.statistics:
        document = statistics(report, args.format)
        if args.format == "text" and not args.quiet:
            document += "".join(line + "\n" for line in summary_lines(report, cwd))
    elif args.format == "text":
        document = text(report, cwd, args.quiet, args.show_source, colour(args.color, stream))
    else:
        document = WRITERS[args.format](report, cwd)
    if output is None:
        sys.stdout.write(document)
    else:
        try:
            output.write_text(document, encoding="utf-8")
        except OSError as exc:
            sys.stderr.write(f"celery-lint: error: --output-file {output}: {exc.strerror or exc}\n")
            return False
    sys.stderr.write(errors_text(report.errors, cwd))
    if not args.quiet:
        sys.stderr.write(notices_text(report, cwd))
    return True


def colour(when: str, stream: TextIO | None) -> bool:
    """Whether to colour the text written to `stream` (None: a file)."""
    if when != "auto":
        return when == "always"
    return stream is not None and stream.isatty() and not os.environ.get("NO_COLOR")


def text(report: Report, cwd: Path, quiet: bool, show_source: bool, coloured: bool) -> str:
    lines: list[str] = []
    for finding in report.findings:
        lines.append(_finding_line(finding, cwd, coloured))
        if show_source:
            lines += _source(report, finding, coloured)
    if not quiet:
        lines += summary_lines(report, cwd)
    return "".join(line + "\n" for line in lines)


def _finding_line(finding: Finding, cwd: Path, coloured: bool) -> str:
    if not coloured:
        return marked(finding.format(relative_to=cwd), finding)
    path, _, rest = finding.format(relative_to=cwd).rpartition(f":{finding.line}:{finding.col + 1}: ")
    tint = RED if severity(finding) == "E" else YELLOW
    message = rest.removeprefix(f"{finding.code} ")
    return (
        f"{BOLD}{path}{RESET}:{finding.line}:{finding.col + 1}: {BOLD}{tint}{finding.code}{RESET} "
        f"{fix_marker(finding)}{message}"
    )


def _source(report: Report, finding: Finding, coloured: bool) -> list[str]:
    """The finding's line as the file has it and a caret under its column (tabs kept,
    so the caret lines up as the line is shown); nothing for a file no project read,
    or a blank line."""
    text = next((t for p in report.projects if (t := p.text(finding.path, own=True)) is not None), None)
    lines = source_lines(text) if text is not None else []
    if not 0 < finding.line <= len(lines):
        return []
    line = lines[finding.line - 1]
    if not line.strip():
        return []  # an empty file's line 1 (a missing import): nothing to point at
    before = line.encode("utf-8")[: finding.col].decode("utf-8", "ignore")  # the column counts UTF-8 bytes
    indent = "".join(c if c == "\t" else " " for c in before)
    caret = f"{CYAN}^{RESET}" if coloured else "^"
    return [line, indent + caret]


def statistics(report: Report, output_format: str) -> str:
    """How many findings of each code, the most frequent first (as `ruff --statistics`)."""
    counts = sorted(Counter(f.code for f in report.findings).items(), key=lambda item: (-item[1], item[0]))
    if output_format == "json":
        import json  # only for this format

        rows = [{"code": code, "name": REGISTRY[code].name, "count": count} for code, count in counts]
        return json.dumps(rows, indent=2) + "\n"
    width = len(str(counts[0][1])) if counts else 1
    return "".join(f"{count:>{width}}\t{code}\t{REGISTRY[code].name}\n" for code, count in counts)
