"""flake8 adapter: `flake8 --select=CEL` reports the catalogue's findings for each file.

flake8 hands the plugin one file and the tree it parsed; the project model behind
that file is built once, before flake8 starts its workers (`parse_options`), and
shared by every file of the project.

flake8 imports every installed plugin at every start, and runs every tree plugin on
every file whatever `--select` says (it filters what is shown afterwards). So this
module imports nothing of the engine until a file is to be linted, and when flake8's
own decision engine selects no CEL code (`--select=E,F`, `--extend-ignore=CEL`) the
plugin builds nothing and returns at once for each file.
"""

from __future__ import annotations

import argparse
import ast
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flake8.exceptions import ExecutionError

from celery_lint import __version__

if TYPE_CHECKING:
    from celery_lint.config import Config
    from celery_lint.engine import SetupOf
    from celery_lint.project import Project
    from celery_lint.suppression import Reporting

LOG = logging.getLogger(__name__)


def cel_selected(options: argparse.Namespace) -> bool:
    """Whether flake8's own decision engine selects any CEL code (--select, --ignore and
    their extend- forms, plugin defaults), the longest-prefix rules included."""
    from flake8.style_guide import Decision, DecisionEngine

    from celery_lint.rules import rule_codes  # the modules' names: no rule imported

    try:
        engine = DecisionEngine(options)
    except AttributeError:  # options not made by flake8's parser: assume selected
        return True
    return any(engine.decision_for(code) is Decision.Selected for code in rule_codes())


def _cel_prefixes(codes: list[str] | None) -> list[str]:
    """The --select/--extend-select prefixes that can match a CEL code ("C", "CEL1", "CEL202")."""
    return [c for c in codes or () if c and ("CEL".startswith(c) or c.startswith("CEL"))]


def _reporting(options: argparse.Namespace, config: Config) -> Reporting:
    """What the plugin reports: what `celery-lint` reports under the table (its
    selection, per-file-ignores, exclude; noqa unless --disable-noqa), of the rules
    flake8's own selection keeps, which flake8 then applies as to any plugin.

    As flake8-bugbear does for B9, flake8 turns an opt-in rule on only with a prefix
    more specific than "CEL": `--select=CEL` leaves CEL202 off, `--extend-select=CEL202`
    turns it on (unless the table ignores it)."""
    from celery_lint.registry import REGISTRY
    from celery_lint.suppression import Reporting

    select, extend = _cel_prefixes(options.select), _cel_prefixes(options.extend_select)
    named = [p for p in select + extend if len(p) > len("CEL")]
    opt_in = [r.code for r in REGISTRY if not r.default_enabled and r.code.startswith(tuple(named))]
    reporting = Reporting.configured(config, extend_select=opt_in, noqa=not getattr(options, "disable_noqa", False))
    # with --select given, flake8 shows only the codes --select and --extend-select name
    return reporting.narrowed(select + extend) if options.select is not None else reporting


def _python_files(names: list[str]) -> int:
    """1 when a Python file is among or below `names` (flake8 counts nothing for us), else 0."""
    from celery_lint import layout

    return int(any(
        not os.path.isdir(name) or any(listing.paths for _, listing in layout.listings(Path(name).resolve()))
        for name in names
    ))


def _relative(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _missing_modules(options: argparse.Namespace, projects: list[Project], explicit: Path | None) -> list[str]:
    """The settings and the app the options name that no project has; those a table
    names (not overridden) that none of its projects has."""
    from celery_lint import config_lookup
    from celery_lint.project.facts import missing_modules

    settings = [("--celery-lint-settings", n) for n in getattr(options, "celery_lint_settings", None) or ()]
    app = getattr(options, "celery_lint_app", None)
    wrong = missing_modules(projects, settings, ("--celery-lint-app", app) if app else None)
    by_table: dict[Config, list[Project]] = {}
    for project in projects:
        by_table.setdefault(config_lookup.for_project(project.scope or project.root, explicit), []).append(project)
    for config, own in by_table.items():
        where = f"{config.path}: [tool.celery-lint] "
        named = [] if settings else [(f"{where}settings", n) for n in config.settings]
        wrong += missing_modules(own, named, (f"{where}app", config.app) if config.app and not app else None)
    return wrong


class CeleryLintPlugin:
    name = "celery-lint"
    version = __version__

    # each project's reporting, settings and options (its table, flake8's options over it)
    _setup_of: SetupOf | None = None
    _tops: tuple[Path, ...] = ()  # the files and directories flake8 was given, resolved
    _selected = True  # whether flake8 selects a CEL code (`parse_options`)
    _stdin_name: str | None = None  # `flake8 - --stdin-display-name NAME`: the file the buffer is

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """flake8 options (command line, or `celery-lint-settings = ...` in [flake8]);
        flake8's selection, per-file-ignores and noqa apply over the table's."""
        manager.add_option(
            "--celery-lint-settings", parse_from_config=True, comma_separated_list=True, default=[],
            help="celery-lint: Django settings module(s) (default: [tool.celery-lint] settings, else manage.py)",
        )
        manager.add_option(
            "--celery-lint-configuration", parse_from_config=True, default=None,
            help="celery-lint: the class DJANGO_CONFIGURATION names (django-configurations; default: from manage.py)",
        )
        manager.add_option(
            "--celery-lint-app", parse_from_config=True, default=None,
            help="celery-lint: the Celery app module (proj.celery or proj.celery:app)",
        )
        manager.add_option(
            "--celery-lint-namespace", parse_from_config=True, default=None,
            help="celery-lint: the namespace Celery reads Django settings with",
        )
        manager.add_option(
            "--celery-lint-own-settings", parse_from_config=True, comma_separated_list=True, default=[],
            help="celery-lint: the project's own CELERY_* settings, never reported as typos",
        )
        manager.add_option(
            "--celery-version", parse_from_config=True, default=None,
            help="celery-lint: the Celery version to report for (default: the project's pins, else installed)",
        )
        manager.add_option(
            "--celery-lint-config", parse_from_config=True, normalize_paths=True, default=None,
            help="celery-lint: the TOML file with [tool.celery-lint] (default: the nearest pyproject.toml)",
        )
        manager.add_option(
            "--celery-lint-no-cache", parse_from_config=True, action="store_true", default=False,
            help="celery-lint: neither read nor write the cache",
        )
        manager.add_option(
            "--celery-lint-cache-dir", parse_from_config=True, normalize_paths=True, default=None,
            help="celery-lint: where the cache is kept (default: [tool.celery-lint] cache-dir, else .celery_lint_cache/)",
        )

    @classmethod
    def parse_options(cls, manager: Any, options: argparse.Namespace, filenames: list[str]) -> None:
        """Each project's `[tool.celery-lint]` table (flake8 does not read
        pyproject.toml; see `config_lookup`), with the flake8 options over it. A bad
        table stops flake8 with the reason; a settings or app module that does not
        exist, as flake8's own bad options do (exit 2). What the analysis could not
        determine is a warning on stderr."""
        cls._selected = cel_selected(options)
        if not cls._selected:
            return  # no CEL code shown: nothing to read, build or check
        from celery_lint import config_lookup
        from celery_lint.cache import api as cache
        from celery_lint.config import Config, ConfigError
        from celery_lint.engine import Setup, prepare, projects_of
        from celery_lint.project.facts import notices_of, run_facts
        from celery_lint.versions import VersionError, parse_version

        explicit_name = getattr(options, "celery_lint_config", None)
        explicit = Path(explicit_name) if explicit_name else None
        version = getattr(options, "celery_version", None)
        cache_dir = cache.flake8_cache_dir(options)
        try:
            if version:
                parse_version(version)
            if explicit is not None:
                config_lookup.for_project(Path.cwd(), explicit)  # a bad --celery-lint-config stops the run
        except (ConfigError, VersionError) as exc:
            raise ExecutionError(f"celery-lint: {exc}") from exc

        def setup(config: Config) -> Setup:
            settings = tuple(getattr(options, "celery_lint_settings", None) or ()) or config.settings
            return Setup(_reporting(options, config), settings, cache.configured(config.options_with(
                getattr(options, "celery_lint_app", None),
                getattr(options, "celery_lint_namespace", None),
                getattr(options, "celery_lint_own_settings", None) or (),
                version,
                getattr(options, "celery_lint_configuration", None),
            ), cache_dir))

        cls._setup_of = config_lookup.per_directory(setup, explicit)
        cls._tops = tuple(Path(name).resolve() for name in filenames or ["."] if name != "-")
        cls._stdin_name = getattr(options, "stdin_display_name", None) if "-" in (filenames or ()) else None
        names = [name for name in filenames or ["."] if name != "-"]
        # no CEL code selected: nothing to build; only stdin (`-`): the buffer's file builds its own
        if names and _reporting(options, Config()).rules:
            try:
                projects = projects_of(names, setup_of=cls._setup_of)
                wrong = _missing_modules(options, projects, explicit)
            except ConfigError as exc:  # a project's bad table: as a bad option, the reason stops the run
                raise ExecutionError(f"celery-lint: {exc}") from exc
            except Exception as exc:  # noqa: BLE001 - each file is still linted, and builds what it needs
                LOG.warning("celery-lint: the project model was not built ahead (%s: %s)", type(exc).__name__, exc)
                return
            if wrong:  # as flake8 refuses a bad option value: usage, the reason, exit 2
                parser = getattr(manager, "parser", None)
                if parser is None:  # an option manager without argparse's parser: flake8's error, exit 1
                    raise ExecutionError(f"celery-lint: {'; '.join(wrong)}")
                parser.error("; ".join(wrong))
            # before flake8 starts its workers: they share the model instead of each building one
            try:
                prepare(names, [], setup_of=cls._setup_of)
                files = sum(len(project.files) for project in projects) or _python_files(names)
                facts, notices = run_facts(projects, files, [Path(name) for name in names])
            except Exception as exc:  # noqa: BLE001 - each file is still linted, and builds what it needs
                LOG.warning("celery-lint: the project model was not built ahead (%s: %s)", type(exc).__name__, exc)
                return
            for notice in notices_of(facts, notices):  # flake8 has no summary: what was not determined
                where = f"{_relative(notice.path)}: " if notice.path not in (None, Path.cwd().resolve()) else ""
                LOG.warning("celery-lint: warning: %s%s", where, notice.message("--celery-lint-"))

    def __init__(self, tree: ast.Module, filename: str, lines: list[str] | None = None) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines  # what flake8 read: from stdin for `flake8 -` (built without flake8: the file on disk)

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        if not CeleryLintPlugin._selected:
            return  # flake8 selects no CEL code: nothing to do for this file
        if self.filename in ("stdin", "-", ""):
            return  # a buffer named for no file: no project to place it in
        if self.filename == CeleryLintPlugin._stdin_name and self.lines is not None:
            from celery_lint import stdin

            stdin.use_buffer(self.filename, "".join(self.lines))
        from celery_lint import config_lookup
        from celery_lint.config import ConfigError
        from celery_lint.engine import Setup, findings_for_file
        from celery_lint.suppression import Reporting

        if CeleryLintPlugin._setup_of is None:  # run without flake8's option parsing: each table as is
            CeleryLintPlugin._setup_of = config_lookup.per_directory(
                lambda config: Setup(Reporting.configured(config), config.settings, config.project_options())
            )
        setup_of = CeleryLintPlugin._setup_of
        try:
            # nothing in a hidden or ignored directory flake8 walked into: not the project's code
            findings = findings_for_file(self.filename, self.tree, [], setup_of=setup_of, tops=CeleryLintPlugin._tops)
        except ConfigError as exc:  # the table of a project flake8's arguments did not show ahead
            LOG.warning("celery-lint: %s: skipped: %s", self.filename, exc)
            return
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the user's whole flake8 run
            LOG.warning(
                "celery-lint: %s: skipped after an internal error (%s: %s)", self.filename, type(exc).__name__, exc
            )
            return
        for finding in findings:
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
