"""The `celery-lint` command: `celery-lint [PATH ...]`.

Exit status: 0 no findings, 1 findings (at or above `--fail-on`), 2 usage or input
errors (a missing path, an `--output-file` that cannot be written, `--settings` or
`--app` naming a module the project does not have, a file the analysis needs that
cannot be read or parsed: one named on the command line, a settings module, a Celery
app module), 130 on Ctrl-C (`console`). What the analysis could not determine (the
settings, the app) is a warning on stderr and in the summary; it leaves the status.
Any other file that cannot be read, or that a rule reads and cannot be parsed, is
reported as a warning and skipped: only its own checks are lost. A file no rule reads
is never parsed, so its syntax errors are not reported (flake8's and ruff's business).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from celery_lint import __version__
from celery_lint import adoption, config_lookup, fixing, presentation, stdin, tracked
from celery_lint.cache import api as cache
from celery_lint.cache import replay
from celery_lint.config import Config, ConfigError, check_codes
from celery_lint.engine import Report, Setup, lint_paths
from celery_lint.output import FORMATS, errors_text, notices_text
from celery_lint.project import Project, ProjectOptions
from celery_lint.project.facts import missing_modules, run_facts
from celery_lint.registry import REGISTRY
from celery_lint.rule_list import live_only_notes, rule_list
from celery_lint.suppression import Reporting
from celery_lint.versions import VersionError, parse_version


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, told the terminal's width as `shutil.get_terminal_size`
    would find it: argparse makes a formatter for every option it adds, and its own
    asks `shutil`, whose import (with zlib, bz2 and lzma) every run would pay."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def _columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="celery-lint", description="Find the ways Celery is wired wrongly into Django.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("paths", nargs="*", default=None, help="files or directories (default: .)")
    # repeated, each of these adds to the ones before (as in ruff)
    parser.add_argument(
        "--select", type=_codes, action="extend", default=None,
        help="only these codes or prefixes (CEL1,CEL201; ALL: every rule, opt-in ones too)",
    )
    parser.add_argument(
        "--extend-select", type=_codes, action="extend", default=[], help="add codes to the default set (CEL202)"
    )
    parser.add_argument("--ignore", type=_codes, action="extend", default=[], help="skip these codes or prefixes")
    parser.add_argument(
        "--settings", action="append", default=[], metavar="MODULE",
        help="Django settings module (default: what start-up code and configuration name)",
    )
    parser.add_argument(
        "--configuration", metavar="CLASS",
        help="django-configurations: the class DJANGO_CONFIGURATION names (default: read from manage.py...)",
    )
    parser.add_argument(
        "--exclude", type=lambda v: [p for p in v.split(",") if p], action="extend", default=[], metavar="PATTERN",
        help="skip matching paths (comma-separated)",
    )
    parser.add_argument("--app", metavar="MODULE", help="the Celery app module (proj.celery or proj.celery:app)")
    parser.add_argument("--namespace", metavar="NAME", help='the namespace Celery reads settings with ("" for none)')
    parser.add_argument(
        "--own-settings", type=lambda v: [n.strip() for n in v.split(",") if n.strip()], action="extend", default=[],
        metavar="NAMES", help="the project's own CELERY_* settings, never reported as typos",
    )
    parser.add_argument("--celery-version", metavar="VERSION", help="the Celery version to report for (5.6.3)")
    parser.add_argument(
        "--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
        help="skip files git ignores (default: [tool.celery-lint] respect-gitignore, else yes)",
    )
    parser.add_argument("--config", type=Path, metavar="PATH", help="read [tool.celery-lint] from this TOML file")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    adoption.add_arguments(parser)
    parser.add_argument("--explain", metavar="CODE", help="describe a rule and show its examples")
    parser.add_argument("--list-rules", action="store_true", help="list every rule and the front ends reporting it")
    parser.add_argument(
        "--show-settings", action="store_true", help="show what was resolved for each project (text, json), lint nothing"
    )
    stdin.add_arguments(parser)
    tracked.add_arguments(parser)
    fixing.add_arguments(parser)
    parser.add_argument("--version", action="version", version=f"celery-lint {__version__}")
    presentation.add_arguments(parser)
    cache.add_arguments(parser)
    return parser


def explain(code: str) -> str:
    """The rule's docs page as terminal text (the same rendering as the docs site)."""
    from celery_lint.rule_docs import explain_text

    return explain_text(REGISTRY[code])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    unknown = check_codes((args.select or []) + args.ignore + args.extend_select)
    if unknown is not None:
        parser.error(f"unknown rule code or prefix: {unknown}")
    presentation.check_arguments(parser, args)
    adoption.check_arguments(parser, args)
    if args.celery_version is not None:
        try:
            parse_version(args.celery_version)
        except VersionError as exc:
            parser.error(f"--celery-version: {exc}")
    if args.explain:
        if args.explain.upper() not in REGISTRY:
            parser.error(f"unknown rule code: {args.explain}")
        sys.stdout.write(explain(args.explain))
        return 0
    if args.list_rules:
        sys.stdout.write(rule_list(args.format))
        return 0
    sys.stderr.write(live_only_notes([*(args.select or []), *args.extend_select]))
    tracked.apply(parser, args)
    paths = stdin.stdin_paths(parser, args) or [Path(p) for p in (args.paths or ["."])]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        sys.stderr.write(f"celery-lint: error: no such file or directory: {path}\n")
    if missing:
        return 2
    try:
        if args.show_settings:
            return _show_settings(paths, args)
        if fixing.requested(args):
            from celery_lint.fixing.command import run_fixes

            status = run_fixes(lambda: _lint(paths, args), args)
            if status is not None:
                return status
        cache.enable(None if args.no_cache or fixing.requested(args) else "command")  # fixes rewrite files
        report = _lint(paths, args)
    except ConfigError as exc:
        cache.enable(None)
        sys.stderr.write(f"celery-lint: error: {exc}\n")
        return 2
    wrong = _missing_modules(report.projects, args)
    if wrong:
        cache.enable(None)
        sys.stderr.write("".join(f"celery-lint: error: {error}\n" for error in wrong))
        return 2  # an analysis of settings or an app that are not there would say nothing
    report.facts, report.notices = run_facts(report.projects, report.files, paths)
    cache.flush_all()  # the console script leaves by os._exit: no atexit
    if _replayable(args, report):
        replay.pending[:] = [inputs] if (inputs := cache.replay_inputs()) is not None else []
    cache.enable(None)
    cwd = Path.cwd().resolve()
    acted = adoption.act(report, args, cwd)  # --write-baseline, --add-noqa: instead of the report
    if acted is not None:
        sys.stderr.write(errors_text(report.errors, cwd))
        sys.stderr.write(notices_text(report, cwd))
    elif not presentation.present(report, args, cwd):
        return 2  # the report is nowhere
    if any(error.needed for error in report.errors):
        return 2  # the analysis is incomplete: silence would not mean "clean"
    return acted if acted is not None else adoption.exit_status(report.findings, args)


def _of_directory(args: argparse.Namespace) -> Callable[[Path], tuple[Config, Setup]]:
    """The table of the files of a resolved directory (`config_lookup`), and their
    setup: the command's options over the table."""

    def setup(config: Config) -> Setup:
        config = adoption.table(config, args)
        reporting = Reporting.configured(config, args.select, args.ignore, args.extend_select)
        return Setup(reporting, tuple(args.settings) or config.settings, _options(config, args))

    return config_lookup.per_directory(lambda config: (config, setup(config)), args.config, args.isolated)


def _show_settings(paths: list[Path], args: argparse.Namespace) -> int:
    from celery_lint.show_settings import show_settings  # only for this option

    sys.stdout.write(show_settings(paths, _of_directory(args), args.format, Path.cwd().resolve()))
    return 0


def _lint(paths: list[Path], args: argparse.Namespace) -> Report:
    """Each project linted with its own table (`config_lookup`), the command's options
    over every table; what is shown is that table's `Reporting` (its selection, and its
    `exclude`, `per-file-ignores` relative to its directory, noqa)."""
    of_directory = _of_directory(args)
    by_name: dict[str, Config] = {}  # the walk's paths, by directory name: no Path made per file

    def skip(path: Path) -> bool:
        directory = os.path.dirname(path)
        config = by_name.get(directory)
        if config is None:
            config = by_name[directory] = of_directory(Path(directory))[0]
        return bool(config.exclude) and config.excludes(path)

    return lint_paths(
        paths, [], exclude=args.exclude, skip=skip, setup_of=lambda directory: of_directory(directory)[1]
    )


def _replayable(args: argparse.Namespace, report: Report) -> bool:
    """Whether the next run with these arguments may give this one's output from
    `replay`: a plain report, on standard output, of files on disk, no baseline."""
    special = (
        args.no_cache, args.fix, args.diff, args.baseline, args.write_baseline, args.add_noqa, args.output_file,
        args.stdin_filename, args.git_tracked, args.config,
    )
    tables = (config_lookup.for_project(p.scope or p.root, args.config, args.isolated) for p in report.projects)
    return not any(special) and not any(table.baseline for table in tables)


def _missing_modules(projects: list[Project], args: argparse.Namespace) -> list[str]:
    """`--settings`/`--app` naming a module no project of the run has; a table's
    `settings`/`app` (not overridden) naming one none of its projects has."""
    settings = [("--settings", n) for n in args.settings]
    wrong = missing_modules(projects, settings, ("--app", args.app) if args.app is not None else None)
    by_table: dict[Config, list[Project]] = {}
    for project in projects:
        config = config_lookup.for_project(project.scope or project.root, args.config, args.isolated)
        by_table.setdefault(config, []).append(project)
    for config, own in by_table.items():
        where = f"{config.path}: [tool.celery-lint] "
        named = [] if settings else [(f"{where}settings", n) for n in config.settings]
        app = (f"{where}app", config.app) if config.app and args.app is None else None
        wrong += missing_modules(own, named, app)
    return wrong


def _options(config: Config, args: argparse.Namespace) -> ProjectOptions:
    """The configuration's project options, with the command's options over them."""
    options = config.options_with(
        args.app, args.namespace, args.own_settings, args.celery_version, args.configuration, args.respect_gitignore
    )
    return cache.configured(options, args.cache_dir)
