"""Running the rule catalogue over projects: shared by the command, flake8 and Django.

Project-level rules run once per project and process; module rules run once per
file. Each finding is reported at the file and line where the fix goes, so a
front end that looks at one file shows exactly the findings located in it.
"""

from __future__ import annotations

import ast
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from celery_lint.cache import api as _disk
from celery_lint import layout
from celery_lint.baseline import unbaselined
from celery_lint.findings import Finding
from celery_lint.project import TASK_WORD, Project, ProjectOptions
from celery_lint.project.facts import Notice, ProjectFacts
from celery_lint.registry import Rule
from celery_lint.sources import SourceError
from celery_lint.stale_noqa import CODE as STALE_NOQA
from celery_lint.stale_noqa import stale_findings
from celery_lint.suppression import Reporting
from celery_lint.suppression import select_rules as select_rules  # noqa: F401 (the engine's callers' name for it)


class Setup(NamedTuple):
    """What the files of a project are analysed with and which findings are shown:
    each project may have its own (its `[tool.celery-lint]` table, the front end's
    options over it): the reporting decides selection, exclude, per-file-ignores
    (relative to that table's directory) and noqa."""

    reporting: Reporting
    settings_modules: tuple[str, ...] = ()
    options: ProjectOptions = ProjectOptions()


#: the setup of the project of the files in a resolved directory
SetupOf = Callable[[Path], Setup]


def _same_for_all(
    rules: Sequence[Rule] | Reporting, settings_modules: tuple[str, ...], options: ProjectOptions
) -> SetupOf:
    setup = Setup(Reporting.of(rules), settings_modules, options)
    return lambda directory: setup


class Report:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.errors: list[SourceError] = []
        self.files = 0
        self.projects: list[Project] = []  # the projects the files belong to
        # what the analysis determined, and could not (`project.facts.run_facts`)
        self.facts: list[ProjectFacts] = []
        self.notices: list[Notice] = []


def project_findings(project: Project, rules: list[Rule]) -> list[Finding]:
    """Findings of the project-level rules, computed once per project and rule set."""
    return _project_findings(project, rules)[0]


def _project_findings(
    project: Project, rules: list[Rule], store: _disk.Store | None = None
) -> tuple[list[Finding], dict[Path, list[Finding]]]:
    """The project rules' findings, and the same by file (kept on the project, and in
    the on-disk `store` while the model's inputs are as they were)."""
    key = tuple([rule.code for rule in rules])
    cached = project.rule_findings.get(key)
    if cached is None:

        def found() -> list[Finding]:
            found: list[Finding] = []
            for rule in rules:
                if rule.check_project is not None and not rule.live_only:
                    try:
                        found.extend(rule.check_project(project))
                    except RecursionError:  # generated code nested deeper than the analysis can follow
                        project.errors.append(SourceError(project.root, f"code too deeply nested for {rule.code}"))
            return sorted(set(found))

        every = store.memo(("rules", *key), found) if store is not None else found()
        by_file: dict[Path, list[Finding]] = {}
        for finding in every:
            by_file.setdefault(finding.path, []).append(finding)
        cached = project.rule_findings[key] = (every, by_file)
    return cached


def module_findings(
    project: Project, path: Path, rules: list[Rule], tree: ast.Module | None = None, summarise: bool = True,
    store: _disk.Store | None = None,
) -> list[Finding]:
    """The module rules' findings in one file, whose tree is then released;
    `summarise=False` when the project rules have already run; `store`: the cache."""
    kept = store.kept(path, tree is None) if store is not None else None
    if kept is not None and kept.findings is not None:
        return list(kept.findings)
    text = project.text(path, own=True) or ""
    reading = [
        (rule, rule.check_module) for rule in rules if rule.check_module and not rule.live_only and rule.reads(text)
    ]
    if tree is not None and not reading:
        if store is not None:
            store.put(path, text, [], None, parsed=True)
        return []  # flake8's tree of a file no module rule reads: nothing to make of it
    source = project.source(path, tree=tree, own=True)
    if source is None:
        return []
    errors = len(project.errors)
    found: list[Finding] = []
    for rule, check in reading:
        try:
            found.extend(check(project, source))
        except RecursionError:
            reason = f"too deeply nested for {rule.code} to analyse"
            project.errors.append(SourceError(path, reason, needed=False))
    if store is not None:
        _disk.put_findings(store, project, source, found, project.errors[errors:])
    project.release(source, summarise)
    return found


def findings_for_file(
    path: Path | str,
    tree: ast.Module | None,
    rules: Sequence[Rule] | Reporting,
    settings_modules: tuple[str, ...] = (),
    options: ProjectOptions = ProjectOptions(),
    setup_of: SetupOf | None = None,
    tops: tuple[Path, ...] = (),
) -> list[Finding]:
    """Everything to report in one file (the flake8 view of the catalogue), as
    `Reporting.reports` decides; `setup_of` gives each project its own reporting,
    settings and options. With `tops` (the files and directories flake8 was given,
    resolved), nothing in a file the command's walk of them would not list: flake8
    enters hidden and ignored directories, the command does not."""
    directory, path = _resolved(str(path))  # once per file: the project and the walk use it
    if setup_of is not None:
        reporting, settings_modules, options = setup_of(directory)
    else:
        reporting = Reporting.of(rules)
    if tops and not layout.reached(path, tops, options.respect_gitignore):
        return []
    project = Project.of_directory(directory, settings_modules, options)  # flake8 names files only
    _prepared(project, reporting.rules)
    found = _file_findings(project, path, tree, reporting.rules)
    text = project.text(path, own=True)
    if STALE_NOQA in reporting.codes and text is not None:
        found = sorted([*found, *stale_findings({path: text}, found, lambda p: reporting)])
    shown = [f for f in found if reporting.reports(f.code, f.path, f.line, project.text(f.path, own=True))]
    return reporting.baseline.new(shown) if reporting.baseline is not None else shown


def prepare(
    names: Iterable[str], rules: Sequence[Rule] | Reporting, settings_modules: tuple[str, ...] = (),
    options: ProjectOptions = ProjectOptions(), setup_of: SetupOf | None = None,
) -> None:
    """Build the model and the project rules' findings of the projects the files or
    directories `names` belong to, before any file is asked for: flake8 calls this
    before it starts its workers, which then share one model (copy-on-write)
    instead of each building its own."""
    setup_of = setup_of or _same_for_all(rules, settings_modules, options)
    for project, setup in _projects_of(names, setup_of):
        _prepared(project, setup.reporting.rules)


def projects_of(
    names: Iterable[str], settings_modules: tuple[str, ...] = (), options: ProjectOptions = ProjectOptions(),
    setup_of: SetupOf | None = None,
) -> list[Project]:
    """The projects the files or directories `names` belong to, and the `manage.py`
    projects below a directory named (a monorepo), each once."""
    return [project for project, _ in _projects_of(names, setup_of or _same_for_all([], settings_modules, options))]


def _projects_of(names: Iterable[str], setup_of: SetupOf) -> list[tuple[Project, Setup]]:
    names = list(names)
    directories = {name if os.path.isdir(name) else os.path.dirname(name) or "." for name in names}
    found: dict[int, tuple[Project, Setup]] = {}
    for directory in sorted(directories):  # pre-commit names thousands of files in a few directories
        resolved = Path(directory).resolve()
        setup = setup_of(resolved)
        project = Project.of_directory(resolved, setup.settings_modules, setup.options)
        found.setdefault(id(project), (project, setup))
    for name in sorted(n for n in names if os.path.isdir(n)):  # listings the walk of the files reads anyway
        for below, listing in layout.listings(Path(name).resolve()):
            if "manage.py" in listing.files:
                setup = setup_of(Path(below))
                project = Project.get(Path(below), setup.settings_modules, setup.options)
                found.setdefault(id(project), (project, setup))
    return list(found.values())


def _prepared(project: Project, rules: list[Rule]) -> None:
    """The project rules' findings of `project`, computed by the first file asking."""
    if project.rule_findings:
        return
    with _no_cyclic_gc():
        _project_findings(project, _per_file_split(rules)[0], _store(project, rules))
        # The model lives as long as the process: spare the host's (flake8's) later
        # collections a scan of its millions of nodes, each time (and before the
        # collector resumes, the one scan it would start at once).
        gc.freeze()


def _file_findings(project: Project, path: Path, tree: ast.Module | None, rules: list[Rule]) -> list[Finding]:
    upfront, per_file = _per_file_split(rules)
    found = _project_findings(project, upfront)[1].get(path, [])
    # summarised as under the command: the rules about sends ask other modules' tasks, and
    # a task module let go whole was parsed again for every module sending its tasks
    found = found + module_findings(project, path, per_file, tree, store=_store(project, rules))
    return sorted(set(found))


def _store(project: Project, rules: list[Rule]) -> _disk.Store | None:
    """The on-disk cache of a project linted with `rules` (None: off)."""
    return _disk.store(project, tuple([rule.code for rule in rules]))


def _per_file_split(rules: list[Rule]) -> tuple[list[Rule], list[Rule]]:
    """(the rules whose project part runs up front, the module rules run on each file):
    a project rule with a `project_module` part runs it per file, as a module rule."""
    key = tuple([rule.code for rule in rules])
    split = _splits.get(key)
    if split is None:
        upfront = [rule for rule in rules if rule.project_module is None]
        per_file = [
            rule._replace(check_module=rule.project_module, check_project=None) if rule.project_module else rule
            for rule in rules
            if (rule.check_module or rule.project_module) and not rule.live_only
        ]
        split = _splits[key] = (upfront, per_file)
    return split


_splits: dict[tuple[str, ...], tuple[list[Rule], list[Rule]]] = {}


def _resolved(filename: str) -> tuple[Path, Path]:
    """(resolved directory, resolved file) of a name flake8 gives: each directory is
    resolved once (flake8 names thousands of files in a few hundred directories),
    and a file is the path object the walk listed (no `lstat`), but a symlink,
    resolved in full."""
    parent, name = os.path.split(filename)
    key = (os.getcwd(), parent)  # a relative name is the working directory's
    directory = _resolved_directories.get(key)
    if directory is None:
        directory = _resolved_directories[key] = Path(parent).resolve()
    listing = layout.walk_listing(str(directory))
    listed = listing.paths.get(name)
    if listed is not None and name not in listing.links:
        return directory, listed
    path = Path(directory, name)  # a symlink, or a name the listing does not know
    if path.is_symlink():
        path = path.resolve()
    return path.parent, path


_resolved_directories: dict[tuple[str, str], Path] = {}


def lint_paths(
    paths: Iterable[Path],
    rules: Sequence[Rule] | Reporting,
    settings_modules: tuple[str, ...] = (),
    exclude: Iterable[str] = (),
    options: ProjectOptions = ProjectOptions(),
    skip: Callable[[Path], bool] | None = None,
    setup_of: SetupOf | None = None,
) -> Report:
    """Lint every Python file under `paths` (the command's view of the catalogue), the
    findings as `Reporting.reports` decides; `skip` leaves out files as configuration
    excludes them; `setup_of` gives each project its own reporting, settings and options."""
    with _no_cyclic_gc():
        return _lint_paths(
            list(paths), list(exclude), skip, setup_of or _same_for_all(rules, settings_modules, options)
        )


def _lint_paths(
    paths: list[Path], excluded: list[str], skip: Callable[[Path], bool] | None, setup_of: SetupOf
) -> Report:
    report = Report()
    named = {p.resolve() for p in paths if p.is_file()}  # a file asked for by name is needed
    files: dict[Path, None] = {}
    for top in paths:
        real_top = top.resolve()  # once: below it only a file itself can be a symlink
        prefix = os.path.join(str(real_top), "")
        respect_gitignore = setup_of(real_top if real_top.is_dir() else real_top.parent).options.respect_gitignore
        for real, is_link in layout.python_files(real_top, respect_gitignore=respect_gitignore):
            if excluded:
                shown = top / str(real)[len(prefix):] if real != real_top else top
                if any(shown.match(pattern) or part_matches(shown, pattern) for pattern in excluded):
                    continue
            if skip is None or not skip(real):
                files[real.resolve() if is_link else real] = None
    projects: dict[tuple[Path, Path | None], Project] = {}  # package trees may share a root
    rules_of: dict[Project, list[Rule]] = {}
    unanalysed: list[tuple[Project, Path]] = []
    stores: dict[Project, _disk.Store | None] = {}
    own: dict[Project, set[Path]] = {}  # the files of each project's model, for the files named
    directory = ""
    noqa_texts: dict[Path, str] = {}
    for path in files:
        if not str(path).startswith(directory) or os.sep in str(path)[len(directory):]:
            # the walk lists a directory's files together: one project lookup for them
            directory = os.path.join(os.path.dirname(path), "")
            reporting, settings_modules, options = setup_of(path.parent)
            rules = reporting.rules
            project = Project.of_directory(path.parent, settings_modules, options)
            projects.setdefault((project.root, project.scope), project)
            # the project rules run once, at the end; their parts that look at one module
            # (`Rule.project_module`) run here on each file, as under flake8: a run over a
            # few files of a large project never reads every task module for them
            rules_of[project], module_rules = _per_file_split(rules)
            store = stores[project] = _store(project, rules)
        report.files += 1
        kept = store.kept(path, path in named) if store is not None else None
        if kept is not None:  # this text's outcome, from the cache
            report.errors += _disk.kept_failure(path, kept, needed=path in named)
            report.findings += kept.findings or []
            if kept.noqa and STALE_NOQA in reporting.codes and (text := project.text(path, own=True)) is not None:
                noqa_texts[path] = text
            continue
        text = project.text(path, own=True)
        if text is not None and STALE_NOQA in reporting.codes:
            noqa_texts[path] = text  # judged once every rule has run
        if text is not None and path not in named and not _read_by(text, module_rules):
            if store is not None:
                store.put(path, text, [], None, parsed=False)
            continue  # no module rule reads it (the model parses it if it asks): not parsed here
        source = project.source(path, own=True)
        if source is None:
            if store is not None and text is not None:
                store.put(path, text, None, project.failure(path), parsed=True)
            if path in named:
                report.errors.append(project.failure(path))  # needed: asked for by name
            unanalysed.append((project, path))
            continue
        if path in named and project not in own:
            own[project] = set(project.files)
        if path in named and path not in own[project]:
            # named, but no file of the model (git ignores it): the project rules' parts
            # that look at one file run on it, as under flake8
            report.findings += module_findings(project, path, module_rules, summarise=False)
            continue
        report.findings += module_findings(project, path, module_rules, store=stores[project])
    report.projects = list(projects.values())
    for project in report.projects:
        store = stores.get(project)
        found = _project_findings(project, rules_of[project], store)[0]
        report.findings.extend(f for f in found if f.path in files)
        report.errors.extend(project.errors)
        if store is not None:
            kept_errors, kept_unparsed = store.kept_errors()
            report.errors += kept_errors + [e for e in kept_unparsed if e.path in files]
        # a file the model or a project rule read (a settings module star-imported by
        # the settings...), not needed, that failed: only what it held is unknown
        unanalysed += [(project, path) for path in project.unparsed() if path in files]
    # A file no analysis needed is reported too, but only its own checks were lost.
    report.errors += [_unneeded(project.failure(path)) for project, path in unanalysed]
    found = sorted(set(report.findings))
    if noqa_texts:
        found = sorted([*found, *stale_findings(noqa_texts, found, lambda p: setup_of(p.parent).reporting)])
    texts = {path: _text(path, projects) for path in {f.path for f in found}}
    report.findings = [f for f in found if _reports(f, setup_of, texts[f.path])]
    report.findings = unbaselined(report.findings, lambda f: setup_of(f.path.parent).reporting.baseline)
    report.errors = _distinct(report.errors)
    return report


def _read_by(text: str, module_rules: list[Rule]) -> bool:
    """Whether a module rule, or the project model's task questions, read a file with
    this text. A file nothing reads is never parsed: its syntax errors are flake8's
    and ruff's business (the model reports the files it needs, see `Project.source`)."""
    return TASK_WORD in text or any(rule.reads(text) for rule in module_rules)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Parsing a project allocates millions of acyclic AST nodes, and each collection
    re-scans every one that survived: a quarter of the time on a large project.
    Reference counting frees what the analysis drops; the collector resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _unneeded(error: SourceError) -> SourceError:
    return SourceError(error.path, error.reason, error.line, needed=False)


def _distinct(errors: list[SourceError]) -> list[SourceError]:
    """One error per file, line and reason (needed wins), in path order."""
    found: dict[tuple[str, int, str], SourceError] = {}
    for error in errors:
        key = (str(error.path), error.line, error.reason)
        if key not in found or error.needed and not found[key].needed:
            found[key] = error
    return sorted(found.values(), key=lambda e: (str(e.path), e.line, e.reason))


def part_matches(path: Path, pattern: str) -> bool:
    return any(part == pattern.strip("/") for part in path.parts)


def _reports(finding: Finding, setup_of: SetupOf, text: str | None) -> bool:
    """Whether the table of the finding's file shows it (its selection, exclude,
    per-file-ignores relative to the table, and the line's noqa)."""
    reporting = setup_of(finding.path.parent).reporting
    return reporting.reports(finding.code, finding.path, finding.line, text)


def _text(path: Path, projects: dict[tuple[Path, Path | None], Project]) -> str | None:
    """The text of a file with findings, as a project of the run read it (None: unreadable)."""
    return next((text for project in projects.values() if (text := project.text(path, own=True)) is not None), None)
