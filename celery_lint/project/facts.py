"""What an analysis determined, and what it could not: every front end says it.

A linter that finds nothing because it could not read the settings or find the
Celery app must not say "No findings" as it does after a full analysis. For each
project of a run this module gives the facts (settings modules, Celery apps, the
Celery version and where it was read) and the notices (what was not determined,
and how to tell it); for the run, what was not there at all (no Python file, no
Django project). Option values naming no module of the project are errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from celery_lint.evaluate import UNKNOWN
from celery_lint.versions import INSTALLED, TargetVersion, format_version

if TYPE_CHECKING:
    from celery_lint.project.core import Project

# Text that says a module uses Celery: its app (or shared_task) is then needed.
USES_CELERY = ("shared_task", "from celery", "import celery")
HOW_SETTINGS = "name it with {settings} (or `settings` in [tool.celery-lint])"
HOW_APP = "name its module with {app} (or `app` in [tool.celery-lint])"
HOW_NAMESPACE = "name it with {namespace} (or `namespace` in [tool.celery-lint])"
HOW_CONFIGURATION = "name the class with {configuration} (or `configuration` in [tool.celery-lint])"
OPTIONS = ("settings", "app", "namespace", "configuration")


class Notice(NamedTuple):
    """Something the analysis could not determine: `id` names the kind (SARIF's
    notification descriptor), `text` says what and how to tell it."""

    id: str
    text: str  # with "{settings}", "{app}"... (`OPTIONS`) for the front end's option names
    path: Path | None = None  # the project it is about (None: the run)

    def message(self, option_prefix: str = "--") -> str:
        """The text with the front end's option names (`--settings`, `--celery-lint-settings`)."""
        text = self.text
        for option in OPTIONS:
            text = text.replace(f"{{{option}}}", f"{option_prefix}{option}")
        return text


class ProjectFacts(NamedTuple):
    root: Path
    settings: tuple[str, ...]  # the settings modules analysed
    unread_settings: tuple[str, ...]  # named, but their file could not be analysed
    apps: tuple[str, ...]  # the modules that create a Celery app
    version: TargetVersion | None
    notices: tuple[Notice, ...]

    def text(self) -> str:
        """`settings proj.settings, app proj.celery, Celery 5.6.3 from uv.lock`."""
        parts = []
        if self.settings or self.unread_settings:
            shown = [*self.settings, *(f"{name} (not analysed)" for name in self.unread_settings)]
            parts.append(f"settings {', '.join(shown)}")
        else:
            parts.append("settings not determined")
        parts.append(f"app {', '.join(self.apps)}" if self.apps else "no Celery app found")
        parts.append(version_text(self.version))
        return ", ".join(parts)


def version_text(version: TargetVersion | None) -> str:
    if version is None:
        return "Celery version unknown"
    source = "installed" if version.source == INSTALLED else f"from {version.source}"
    return f"Celery {format_version(version.version)} {source}"


def is_django_project(project: Project) -> bool:
    """A `manage.py` directory, or files a settings module was determined for."""
    return project.has_manage or bool(project.settings_module_names)


def project_facts(project: Project) -> ProjectFacts:
    analysed = tuple(s.module for s in project.settings)
    unread = tuple(n for n in project.settings_module_names if n not in analysed)
    apps = tuple(dict.fromkeys(a.source.module or str(a.source.path) for a in project.celery_apps))
    notices = []
    if not project.settings_module_names:
        notices.append(Notice(
            "settings-not-determined",
            f"the Django settings module could not be determined (no DJANGO_SETTINGS_MODULE in manage.py, "
            f"wsgi.py, asgi.py, the Celery app module or the test configuration names a module of the project): "
            f"the settings rules did not run; {HOW_SETTINGS}",
            project.root,
        ))
    if not apps and project.files_mentioning(*USES_CELERY):
        notices.append(Notice(
            "app-not-found",
            f"the code uses Celery but no Celery app was found (no Celery(...) call, no name configured "
            f"with config_from_object()): "
            f"the app rules did not run; {HOW_APP}",
            project.root,
        ))
    notices += _undetermined_configuration(project) + _undetermined_namespace(project)
    return ProjectFacts(project.root, analysed, unread, apps, project.celery_version, tuple(notices))


def _undetermined_configuration(project: Project) -> list[Notice]:
    """django-configurations settings whose class DJANGO_CONFIGURATION does not name
    readably (several classes, none named): their values were not read."""
    found = []
    for settings in project.settings:
        conf = settings.configuration
        if conf is not None and conf.name is None:
            classes = ", ".join(conf.candidates)
            found.append(Notice(
                "configuration-not-determined",
                f"{settings.module} defines several django-configurations classes ({classes}) and the one "
                f"DJANGO_CONFIGURATION names could not be determined: their settings were not checked; "
                f"{HOW_CONFIGURATION}",
                project.root,
            ))
    return found


def _undetermined_namespace(project: Project) -> list[Notice]:
    """Apps reading Django settings with a namespace the analysis cannot read: the
    settings rules cannot tell a Celery setting from another."""
    if project.options.namespace is not None:
        return []
    apps = [a.label for a in project.django_apps if a.namespace is UNKNOWN]
    if not apps:
        return []
    return [Notice(
        "namespace-not-determined",
        f"the namespace with which {', '.join(apps)} reads Django settings could not be determined: "
        f"the settings rules did not run for it; {HOW_NAMESPACE}",
        project.root,
    )]


def _facts_of(project: Project) -> ProjectFacts | None:
    return project_facts(project) if is_django_project(project) else None


def run_facts(
    projects: Iterable[Project], files: int, paths: Sequence[Path]
) -> tuple[list[ProjectFacts], list[Notice]]:
    """(the facts of each Django project of a run, the run's own notices)."""
    from celery_lint.cache import api as cache  # it imports the project model

    ordered = sorted(projects, key=lambda p: str(p.root))
    facts = [f for p in ordered if (f := cache.memo(p, ("facts",), partial(_facts_of, p))) is not None]
    shown = str(paths[0]) if paths else "."
    shown += f" (and {len(paths) - 1} more)" if len(paths) > 1 else ""
    notices: list[Notice] = []
    if files == 0:
        notices.append(Notice("no-python-files", f"no Python file under {shown}: nothing was analysed"))
    elif not facts:
        notices.append(Notice(
            "no-django-project",
            f"no Django project under {shown} (no manage.py, no DJANGO_SETTINGS_MODULE naming a settings module): "
            f"the settings rules did not run; name the settings module with {{settings}}",
        ))
    return facts, notices


def notices_of(facts: Iterable[ProjectFacts], run_notices: Iterable[Notice] = ()) -> list[Notice]:
    return [*(n for f in facts for n in f.notices), *run_notices]


def missing_modules(
    projects: Sequence[Project], settings: Iterable[tuple[str, str]], app: tuple[str, str] | None
) -> list[str]:
    """The errors for (option, module name) pairs of settings and of the app that
    name a module no project of the run has."""
    wrong = [missing_module(projects, option, name, "settings") for option, name in settings]
    wrong += [missing_module(projects, *app, "app")] if app else []
    return [error for error in wrong if error]


def missing_module(
    projects: Sequence[Project], option: str, name: str, kind: str
) -> str | None:
    """The error for an option (`--settings`, `--app`, a configuration key) naming a
    module no project of the run has, with the project's module names close to it;
    None when some project has it. `kind` is "settings" or "app"."""
    if not projects:
        return None
    module = name.partition(":")[0]
    if any(p.resolve(module) is not None for p in projects):
        return None
    project = next((p for p in projects if is_django_project(p)), projects[0])
    names = sorted({n for n in map(project.module_name, project.files) if n})
    import difflib  # only for a mistyped name: spares every run its import

    close = difflib.get_close_matches(module, names, n=4, cutoff=0.75)
    word = "settings" if kind == "settings" else "celery"
    close = close or [n for n in names if word in n.rpartition(".")[2]][:4]
    label = "settings modules" if kind == "settings" else "modules"
    nearby = f"; {label} nearby: {', '.join(close)}" if close else ""
    return f"{option} {name}: no such module in {project.root}{nearby}"
