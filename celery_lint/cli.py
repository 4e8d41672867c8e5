"""The `celery-lint` command: `celery-lint [PATH ...]`.

Exit status: 0 no findings, 1 findings, 2 usage or input errors (a missing path, a
file that cannot be read or parsed).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from celery_lint import __version__
from celery_lint.engine import lint_paths, select_rules
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="celery-lint", description="Find the ways Celery is wired wrongly into Django."
    )
    parser.add_argument("paths", nargs="*", default=None, help="files or directories (default: .)")
    parser.add_argument("--select", type=_codes, default=[], help="only these codes or prefixes (CEL1,CEL201)")
    parser.add_argument("--extend-select", type=_codes, default=[], help="add codes to the default set (CEL202)")
    parser.add_argument("--ignore", type=_codes, default=[], help="skip these codes or prefixes")
    parser.add_argument(
        "--settings", action="append", default=[], metavar="MODULE",
        help="Django settings module (default: read from manage.py and the app module)",
    )
    parser.add_argument("--exclude", action="append", default=[], metavar="PATTERN", help="skip matching paths")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--explain", metavar="CODE", help="describe a rule and show its examples")
    parser.add_argument("--list-rules", action="store_true", help="list every rule")
    parser.add_argument("--version", action="version", version=f"celery-lint {__version__}")
    return parser


def explain(code: str) -> str:
    """The rule's docs page as terminal text (the same rendering as the docs site)."""
    from celery_lint.rule_docs import explain_text

    return explain_text(REGISTRY[code])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    load_rules()
    for code in args.select + args.ignore + args.extend_select:
        if not any(rule.code.startswith(code) for rule in REGISTRY):
            parser.error(f"unknown rule code or prefix: {code}")
    if args.explain:
        if args.explain.upper() not in REGISTRY:
            parser.error(f"unknown rule code: {args.explain}")
        sys.stdout.write(explain(args.explain))
        return 0
    if args.list_rules:
        for rule in REGISTRY:
            off = "" if rule.default_enabled else "  (off by default)"
            sys.stdout.write(f"{rule.code} {rule.severity} {rule.name}: {rule.summary}{off}\n")
        return 0
    paths = [Path(p) for p in (args.paths or ["."])]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        sys.stderr.write(f"celery-lint: error: no such file or directory: {path}\n")
    if missing:
        return 2
    rules = select_rules(args.select, args.ignore, args.extend_select)
    report = lint_paths(paths, rules, tuple(args.settings), args.exclude)
    cwd = Path.cwd().resolve()
    for finding in report.findings:
        sys.stdout.write(finding.format(relative_to=cwd) + "\n")
    for error in report.errors:
        sys.stderr.write(f"celery-lint: error: {_relative(error.path, cwd)}:{error.line}: {error.reason}\n")
    count = len(report.findings)
    noun = "finding" if count == 1 else "findings"
    summary = f"Found {count} {noun} in {report.files} files." if count else f"No findings in {report.files} files."
    if report.errors:
        summary += f" {len(report.errors)} file(s) could not be analysed."
    sys.stdout.write(summary + "\n")
    if report.errors:
        return 2
    return 1 if count and not args.exit_zero else 0


def _relative(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return os.fspath(path)


if __name__ == "__main__":
    sys.exit(main())
