"""The project model: one Django+Celery project, read from source, built once per process.

A `Project` is rooted at the directory of its `manage.py` (or at a directory the
caller names). It knows its files and import roots, reads and parses each file at
most once, and answers the questions rules ask through the modules of this
package, each answering one: `settings` (which settings modules, what they bind),
`installed` (INSTALLED_APPS), `celery_apps` (where apps are created, how
configured), `startup` (what start-up code puts on `sys.path`), `roots` (where
the project runs from: its root, or the parent of the package holding `manage.py`).
Every answer may be `UNKNOWN`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import layout
from celery_lint.evaluate import Namespace
from celery_lint.findings import Finding
from celery_lint.project import celery_apps as _celery_apps
from celery_lint.project import configurations as _configurations
from celery_lint.project import installed as _installed
from celery_lint.project import modules as _modules
from celery_lint.project import roots as _roots
from celery_lint.project import settings as _settings
from celery_lint.project import settings_names as _settings_names
from celery_lint.project import startup as _startup
from celery_lint.project.celery_apps import CeleryApp
from celery_lint.project.modules import TASK_WORD, Imported, SourceModule, modules_loaded
from celery_lint.project.settings import Settings
from celery_lint.sources import SourceError, read_text
from celery_lint.versions import TargetVersion, pin_directories, target_version


class ProjectOptions(NamedTuple):
    """What configuration (`[tool.celery-lint]`, command options) says instead of the source."""

    app: str | None = None  # the Celery app module, "proj.celery" or "proj.celery:app"
    namespace: str | None = None  # None: read from the source; "": no namespace
    own_settings: frozenset[str] = frozenset()  # the project's own CELERY_* names
    celery_version: str | None = None  # the target Celery version, else pins or installed
    version_source: str = "configuration"  # where celery_version was given, for messages
    configuration: str | None = None  # django-configurations: the class DJANGO_CONFIGURATION names
    respect_gitignore: bool = True  # leave out what git ignores (see `layout.code_listing`)
    cache_dir: str | None = None  # where `cache` keeps this project's files (None: in its root)




class Project:
    """Everything the rules know about one project. Build with `Project.get(root)`."""

    _cache: dict[tuple[Path, tuple[str, ...], ProjectOptions, Path | None], Project] = {}
    _by_directory: dict[tuple[Path, tuple[str, ...], ProjectOptions], Project] = {}
    # an editor's unsaved buffer (read from stdin) by resolved path: the text of that file
    _buffers: dict[Path, str] = {}
    # whether the reads below are recorded: only for the on-disk cache (`cache.enable`)
    records_reads: bool = False
    # an answer of the model from the on-disk cache while its inputs hold (`cache.api.memo`)
    kept: Callable[[Project, tuple[str, ...], Callable[[], Any]], Any] = staticmethod(lambda project, key, compute: compute())
    # a module known by the summary the on-disk cache keeps of its text (`cache.summaries`)
    summarised: Callable[[Project, Path, str], SourceModule | None] = staticmethod(lambda project, path, text: None)

    def __init__(
        self,
        root: Path,
        settings_modules: tuple[str, ...] = (),
        options: ProjectOptions = ProjectOptions(),
        scope: Path | None = None,
    ) -> None:
        self.root = root
        # The files of the project: all below `root`, or those of the package tree
        # `scope`, or, when `scope` is no package, those below it outside packages.
        self.scope = scope
        self.has_manage = (root / "manage.py").is_file()
        self.configured_settings = settings_modules
        self.options = options
        self.errors: list[SourceError] = []
        self._sources: dict[Path, SourceModule | None] = {}
        self._namespaces: dict[str, Namespace | None] = {}
        self._evaluating: set[str] = set()
        self._texts: dict[Path, str | None] = {}
        self._failures: dict[Path, SourceError] = {}  # why a file has no text or no tree
        self._resolved: dict[str, tuple[Path, Path] | None] = {}
        self._resolved_files: dict[str, Path | None] = {}
        self._mentioning: dict[tuple[str, ...], list[Path]] = {}
        self._startup: dict[Path, _startup.StartupCode] = {}
        # the files read by anything but their own checks: what cached answers depend on (`cache`)
        self.model_reads: dict[Path, None] = {}
        # (file, words) -> whether its text spells one: a filter's answer (`mentions`)
        self.filter_reads: dict[tuple[Path, tuple[str, ...]], bool] = {}
        self.pattern_reads: dict[tuple[Path, str, int], bool] = {}  # the same for `matches`
        # the answers of the three filters the on-disk cache holds for these texts (`cache`)
        self.kept_mentioning: dict[tuple[str, ...], frozenset[str]] = {}
        self.kept_filters: dict[tuple[str, tuple[str, ...]], bool] = {}
        self.kept_patterns: dict[tuple[str, str, int], bool] = {}
        # the project rules' findings by rule set, and the same by file (see `engine`)
        self.rule_findings: dict[tuple[str, ...], tuple[list[Finding], dict[Path, list[Finding]]]] = {}

    @classmethod
    def get(
        cls,
        root: Path,
        settings_modules: tuple[str, ...] = (),
        options: ProjectOptions = ProjectOptions(),
        scope: Path | None = None,
    ) -> Project:
        """The project at `root` (made of the files below `scope`, default `root`),
        built once per process."""
        project = cls._cache.get((root, settings_modules, options, scope))  # resolved paths: no lookup
        if project is None:
            key = (root.resolve(), settings_modules, options, scope and scope.resolve())
            project = cls._cache.get(key)
            if project is None:
                project = cls._cache[key] = cls(key[0], settings_modules, options, key[3])
        return project

    @classmethod
    def use_buffer(cls, path: Path, text: str) -> None:
        """Analyse `text` as the content of the file at `path` (resolved), wherever the
        model reads it, module and project rules alike: an editor lints the buffer it
        pipes in, with the rest of the project from disk. Models built before forget."""
        if cls._buffers.get(path) != text:
            cls._buffers[path] = text
            cls._cache.clear()
            cls._by_directory.clear()

    @classmethod
    def of_directory(
        cls, directory: Path, settings_modules: tuple[str, ...] = (), options: ProjectOptions = ProjectOptions()
    ) -> Project:
        """The project of the files in `directory`, a resolved path: the one whose
        `manage.py` is above it, else its package tree. Looked up once per directory
        (flake8 asks for each file) while that project is the one built."""
        project = cls._by_directory.get((directory, settings_modules, options))
        if project is not None and cls._cache.get((project.root, settings_modules, options, project.scope)) is project:
            return project
        root = layout.find_project_root(directory)
        if root is not None:
            project = cls.get(root, settings_modules, options)
        else:
            root, scope = layout.package_scope(directory)
            project = cls.get(root, settings_modules, options, scope=scope)
        cls._by_directory[(directory, settings_modules, options)] = project
        return project

    @cached_property
    def celery_version(self) -> TargetVersion | None:
        """The Celery version the project targets (configured, pinned, else installed):
        pins are read from the project root up to the repository's top, whatever the
        working directory (see `versions`)."""
        directories = pin_directories(self.root)
        return target_version(self.options.celery_version, directories, self.options.version_source)


    # -- files and modules ------------------------------------------------------------------

    @cached_property
    def files(self) -> list[Path]:
        if self.scope is None:
            return list(layout.iter_python_files(self.root, True, True, self.options.respect_gitignore))
        whole = (self.scope / "__init__.py").is_file()
        return list(layout.iter_python_files(self.scope, True, whole, self.options.respect_gitignore))

    @cached_property
    def import_roots(self) -> list[Path]:
        """Where Python finds this project's top-level modules: the `manage.py`
        directory first (unless `manage.py` can only run as `python -m proj.manage`,
        see `root_on_path`), its parent when it is a package (see `package_parent`),
        then directories start-up code and the settings add to `sys.path`, then the
        enclosing directories up to the repository top (kept in the on-disk cache)."""
        roots: list[Path] = Project.kept(self, ("import roots",), self._import_roots)
        return roots

    def _import_roots(self) -> list[Path]:
        roots = [*([self.root] if self.root_on_path else []), *([self.package_parent] if self.package_parent else [])]
        for extra in _startup.sys_path_additions(self):
            if extra not in roots:
                roots.append(extra)
        top = layout.repository_top(self.root)
        if top in self.root.parents:
            for parent in self.root.parents:
                if parent not in roots:
                    roots.append(parent)
                if parent == top:
                    break
        return roots

    @cached_property
    def own_import_roots(self) -> list[Path]:
        """The import roots the project's own files are named from: the module root and
        the import roots inside the project."""
        return [r for r in self.import_roots if r in (self.root, self.module_root) or self.root in r.parents]

    @cached_property
    def module_root(self) -> Path:
        """The directory module names are counted from: the project root, or its
        parent when `manage.py` sits inside the package it names (the process runs
        from there, and autodiscovery imports `proj.billing.tasks`)."""
        return self.package_parent or self.root

    def module_name(self, path: Path) -> str | None:
        """The dotted name of a file of the project, from the module root."""
        return layout.module_name(self.module_root, path)

    def resolve(self, dotted: str, roots: list[Path] | None = None) -> tuple[Path, Path] | None:
        """(import root, file) that `import dotted` finds, trying roots in order
        (the project's import roots unless given; those answers are kept)."""
        if roots is None:
            if dotted not in self._resolved:
                self._resolved[dotted] = self.resolve(dotted, self.import_roots)
            return self._resolved[dotted]
        for root in roots:
            found = layout.resolve_module(root, dotted)
            if found is not None:
                return root, found
        return None

    @cached_property
    def package_parent(self) -> Path | None:
        return _roots.package_parent(self)

    @cached_property
    def root_on_path(self) -> bool:
        return _roots.root_on_path(self)

    def resolve_file(self, dotted: str) -> Path | None:
        """The file (not a namespace package) `dotted` names below the project root
        (from the root, or from its parent for a name in the root's own package)."""
        if dotted not in self._resolved_files:
            parent = self.package_parent
            own = parent is not None and dotted.startswith(self.root.name + ".")
            found = self.resolve(dotted, [self.root, parent] if own and parent else [self.root])
            self._resolved_files[dotted] = None if found is None or layout.is_namespace_package(found[1]) else found[1]
        return self._resolved_files[dotted]

    def text(self, path: Path, own: bool = False) -> str | None:
        """The text of a file, read once (an editor's buffer instead, see `use_buffer`);
        None when it cannot be read (the reason is kept for `source(needed=True)` to report).
        `own`: for the file's own checks, not an input of the model (see `cache`)."""
        if not own:
            self.model_reads[path] = None
        try:
            return self._texts[path]
        except KeyError:
            pass
        text = self._buffers.get(path)
        if text is None:
            try:
                text = read_text(path)
            except SourceError as exc:
                self._failures[path] = exc
        self._texts[path] = text
        return text

    def source(
        self, path: Path, tree: ast.Module | None = None, needed: bool = False, own: bool = False
    ) -> SourceModule | None:
        """The parsed module at `path`, or None when it cannot be read or parsed. A file
        the analysis needs (`needed`) that fails is recorded in `errors`, also when a
        caller that did not need it tried first. Pass `tree` when the caller parsed it;
        `own` as for `text`."""
        if not own:
            self.model_reads[path] = None
        if path not in self._sources:
            self._sources[path] = self._load(path, tree)
        module = self._sources[path]
        if module is None and needed:
            failure = self._failures.get(path)
            if failure is not None and failure not in self.errors:
                self.errors.append(failure)
        return module

    def _load(self, path: Path, tree: ast.Module | None) -> SourceModule | None:
        text = self.text(path, own=True)
        if tree is None and text is not None:
            if (kept := Project.summarised(self, path, text)) is not None:
                return kept
            try:
                tree = _modules.parse_text(path, text)
            except SourceError as exc:
                self._failures[path] = exc
        if tree is None:
            return None
        return SourceModule(path, self.module_name(path), text or "", tree)

    def release(self, source: SourceModule, summarise: bool = True) -> None:
        """Let a module's tree go once its own rules have run. A module whose text
        spells "task" keeps what the project rules ask of task modules (`summarise`:
        its imports, aliases and decorated defs, see `SourceModule.release`). Any other
        is forgotten but for its text and parsed again if asked for: in a healthy
        project only the few modules the model evaluates or follows re-exports through
        are, and summaries of every module cost more than those parses."""
        if summarise and TASK_WORD in source.text:
            source.release()
            return
        source.release(summarise=False)
        if self._sources.get(source.path) is source:
            del self._sources[source.path]

    def unparsed(self) -> list[Path]:
        """The files the model or a rule asked for that could not be read or parsed."""
        return [path for path, source in self._sources.items() if source is None]

    def failure(self, path: Path) -> SourceError:
        """Why the file at `path` has no text or no tree (after `text` or `source` said None)."""
        return self._failures.get(path) or SourceError(path, "cannot be analysed")

    def source_of(self, dotted: str, needed: bool = False) -> SourceModule | None:
        path = self.resolve_file(dotted)
        return self.source(path, needed=needed) if path else None

    def files_mentioning(self, *words: str) -> list[Path]:
        """Files whose text contains any of `words`: a cheap filter before parsing,
        answered once per set of words (several rules ask the same, some per app)."""
        found = self._mentioning.get(words)
        if found is None and (kept := self.kept_mentioning.get(words)) is not None:
            found = self._mentioning[words] = [path for path in self.files if str(path) in kept]
        if found is None:
            texts = self._file_texts
            if len(words) == 1:
                word = words[0]
                found = [path for path, text in texts if word in text]
            else:
                hits = {i for word in words for i, (_, text) in enumerate(texts) if word in text}
                found = [texts[i][0] for i in sorted(hits)]
            self._mentioning[words] = found
        return found

    def mentions(self, path: Path, *words: str) -> bool:
        """Whether the file's text spells any of `words` (`files_mentioning` for one file):
        what depends on this answer does not depend on the rest of the text (`cache`,
        which gives the answers it keeps)."""
        if self.kept_filters and (kept := self.kept_filters.get((str(path), words))) is not None:
            return kept  # (tested first: a run without the cache pays no key per question)
        text = self.text(path, own=True) or ""
        found = any(word in text for word in words)
        if self.records_reads:
            self.filter_reads[(path, words)] = found
        return found

    def matches(self, path: Path, pattern: re.Pattern[str]) -> bool:
        """Whether `pattern` is found in the file's text, as `mentions` (kept with the pattern's text)."""
        key = (str(path), pattern.pattern, pattern.flags) if self.kept_patterns else None
        if key is not None and (kept := self.kept_patterns.get(key)) is not None:
            return kept
        text = self.text(path, own=True) or ""
        found = pattern.search(text) is not None
        if self.records_reads:
            self.pattern_reads[(path, pattern.pattern, pattern.flags)] = found
        return found

    @cached_property
    def _file_texts(self) -> list[tuple[Path, str]]:
        return [(path, self.text(path, own=True) or "") for path in self.files]  # answers kept (`cache`)


    # -- settings (see `settings`) ------------------------------------------------------------

    def namespace(self, dotted: str) -> Namespace | None:
        """The evaluated module-level names of project module `dotted` (None: not ours)."""
        return _settings.namespace(self, dotted)

    @cached_property
    def settings_module_names(self) -> list[str]:
        return _settings_names.settings_module_names(self)

    @cached_property
    def found_settings_names(self) -> list[str]:
        return _settings_names.found_settings_names(self)

    def settings_named_in(self, path: Path) -> list[str]:
        return _settings_names.settings_named_in(self, path)

    @cached_property
    def settings(self) -> list[Settings]:
        return _settings.read_settings(self)

    @cached_property
    def configuration_names(self) -> list[str]:
        """The values the project gives DJANGO_CONFIGURATION (django-configurations)."""
        return _configurations.configuration_names(self)

    @cached_property
    def settings_files(self) -> set[Path]:
        return {p for s in self.settings for p in s.files}

    def is_settings_module(self, dotted: str) -> bool:
        return _settings.is_settings_module(self, dotted)

    # -- installed apps (see `installed`) -----------------------------------------------------

    def installed_apps(self, settings: Settings) -> Any:
        return _installed.installed_apps(self, settings)

    def app_name(self, entry: str) -> str | None:
        return _installed.app_name(self, entry)

    def appconfig_name(self, module: str, cls: str) -> str | None:
        return _installed.appconfig_name(self, module, cls)

    def project_apps(self, settings: Settings) -> list[str] | Any:
        return _installed.project_apps(self, settings)

    def is_installed(self, settings: Settings, app: str) -> Any:
        return _installed.is_installed(self, settings, app)

    # -- Celery apps (see `celery_apps`) ------------------------------------------------------

    @cached_property
    def celery_classes(self) -> frozenset[str]:
        return _celery_apps.celery_classes(self)

    @cached_property
    def celery_apps(self) -> list[CeleryApp]:
        return _celery_apps.celery_apps(self)

    @cached_property
    def django_apps(self) -> list[CeleryApp]:
        return _celery_apps.django_apps(self)

    @cached_property
    def namespace_value(self) -> Any:
        return _celery_apps.namespace_value(self)

    # -- imports -------------------------------------------------------------------------------

    def imported_modules(self, source: SourceModule) -> Iterator[tuple[Imported, str]]:
        """(statement, absolute module name) for every module an import may load."""
        for imported in source.imports:
            for name in modules_loaded(source.module or "", source.path, imported):
                yield imported, name

    def uses_decorator(self, source: SourceModule, qualnames: frozenset[str]) -> bool:
        for node in source.decorated:
            for decorator in node.decorators if not node.is_class else ():
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if source.qualname(target) in qualnames:
                    return True
        return False

