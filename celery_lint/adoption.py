"""The command's options for adopting celery-lint in an old code base, where every
commit would otherwise be blocked by findings nobody has time to fix at once:

- `--write-baseline FILE` records today's findings, `--baseline FILE` (or the
  table's `baseline`) reports only the others (`celery_lint.baseline`);
- `--add-noqa` writes `# noqa: CELxxx` on every reported line (`celery_lint.noqa`);
- `--fail-on error|warning` (or the table's `fail-on`): only findings at or above
  it exit 1; the others are still printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from celery_lint import config_lookup
from celery_lint.baseline import BaselineError, load, write
from celery_lint.config import FAIL_ON, Config
from celery_lint.engine import Report
from celery_lint.findings import Finding
from celery_lint.noqa import NoqaEditError, Source, add_codes
from celery_lint.output import relative, severity


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baseline", type=Path, metavar="FILE",
        help="report only the findings FILE does not record (default: [tool.celery-lint] baseline)",
    )
    parser.add_argument(
        "--write-baseline", type=Path, metavar="FILE", help="record today's findings in FILE, print nothing else",
    )
    parser.add_argument(
        "--fail-on", choices=FAIL_ON, default=None,
        help="the lowest severity that exits 1; the others are still printed (default: warning)",
    )
    parser.add_argument(
        "--add-noqa", action="store_true",
        help="write '# noqa: CELxxx' on every reported line (merged with the codes its noqa lists)",
    )


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.write_baseline is not None and (args.baseline is not None or args.add_noqa):
        parser.error("--write-baseline records every finding: it takes neither --baseline nor --add-noqa")
    if args.baseline is not None:
        try:
            load(args.baseline)
        except BaselineError as exc:
            parser.error(f"--baseline: {exc}")


def table(config: Config, args: argparse.Namespace) -> Config:
    """The table with the command's baseline over its own (none while writing one)."""
    if args.write_baseline is not None:
        return config._replace(baseline=None)
    if args.baseline is not None:
        return config._replace(baseline=args.baseline.resolve())
    return config


def act(report: Report, args: argparse.Namespace, cwd: Path) -> int | None:
    """Write the baseline or the noqa comments (the exit status), else None: report as usual."""
    if args.write_baseline is not None:
        if any(error.needed for error in report.errors):
            sys.stderr.write(f"celery-lint: error: {args.write_baseline} not written: the analysis is incomplete\n")
            return 2
        count = write(args.write_baseline, report.findings)
        noun = "finding" if count == 1 else "findings"
        sys.stdout.write(f"Wrote {count} {noun} to {args.write_baseline}.\n")
        return 0
    if args.add_noqa:
        return _add_noqa(report.findings, args, cwd)
    return None


def _add_noqa(findings: list[Finding], args: argparse.Namespace, cwd: Path) -> int:
    """`# noqa` on the lines of `findings`; a line that cannot take one is said and its
    findings still count for the exit status."""
    by_file: dict[Path, dict[int, list[Finding]]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, {}).setdefault(finding.line, []).append(finding)
    changed = files = 0
    left: list[Finding] = []
    for path, lines in by_file.items():
        edited = 0
        try:
            if path.suffix != ".py":
                raise NoqaEditError("not a Python file")
            source = Source(path)
        except (OSError, NoqaEditError) as exc:
            left += _left([f for found in lines.values() for f in found], str(exc), cwd)
            continue
        for line, found in sorted(lines.items()):
            try:
                edited += add_codes(source, line, [f.code for f in found])
            except NoqaEditError as exc:
                left += _left(found, str(exc), cwd)
        if edited:
            source.save()
            changed, files = changed + edited, files + 1
    lines_noun = "line" if changed == 1 else "lines"
    summary = f"Added '# noqa' to {changed} {lines_noun} in {files} file{'' if files == 1 else 's'}."
    if left:
        summary += f" {len(left)} finding(s) left reported: their lines cannot take a comment."
    sys.stdout.write(summary + "\n")
    return exit_status(left, args)


def _left(findings: list[Finding], reason: str, cwd: Path) -> list[Finding]:
    for f in findings:
        where = f"{relative(f.path, cwd)}:{f.line}"
        sys.stderr.write(f"celery-lint: warning: {where}: {f.code} not given a noqa: {reason}\n")
    return findings


def exit_status(findings: list[Finding], args: argparse.Namespace) -> int:
    """1 when a finding is at or above its table's `fail-on` (the command's `--fail-on`
    over it), unless `--exit-zero`; else 0."""
    if args.exit_zero:
        return 0
    for finding in findings:
        fail_on = args.fail_on or config_lookup.for_file(finding.path, args.config, args.isolated).fail_on
        if fail_on == "warning" or severity(finding) == "E":
            return 1
    return 0
