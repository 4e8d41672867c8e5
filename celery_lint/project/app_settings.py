"""Which Celery apps read one Django settings module, and with which namespace.

A project may have several apps reading Django settings with different namespaces
("CELERY" for one, "TASKS" or none for another), so a rule that reads a setting by
its name asks for the namespace of the apps reading that settings module, not one
for the whole project. An app reads a settings module when it names it: its module
sets DJANGO_SETTINGS_MODULE to it or to a module of the same package (`proj.settings.dev`
beside `proj.settings.prod`), or `config_from_object()` names it. An app that names no
settings module reads whichever the process runs with: every one. A module no app
names is read by any of them, so only a namespace they all share is known then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from celery_lint.project import startup
from celery_lint.project.celery_apps import CeleryApp

if TYPE_CHECKING:
    from celery_lint.project.core import Project
    from celery_lint.project.settings import Settings


class SettingsReader(NamedTuple):
    """An app reading a settings module, and the namespace it reads it with (a string,
    None, or UNKNOWN); `app` is None for the namespace the configuration gives when
    the project has no app the analysis sees."""

    app: CeleryApp | None
    namespace: Any


def settings_readers(project: Project, settings: Settings) -> list[SettingsReader]:
    """The apps reading `settings`, each with its namespace (the configured one if any)."""
    configured = project.options.namespace
    namespace_of = (lambda app: configured or None) if configured is not None else (lambda app: app.namespace)
    apps = project.django_apps
    if configured is not None and not apps:
        return [SettingsReader(None, configured or None)]
    named = {id(app): _named_settings(project, app) for app in apps}
    readers = [a for a in apps if not named[id(a)] or any(_same_settings(n, settings.module) for n in named[id(a)])]
    if not readers and len({namespace_of(a) for a in apps}) == 1:
        readers = apps  # every app names other settings: any may run with these, all alike
    return [SettingsReader(app, namespace_of(app)) for app in readers]


def settings_namespaces(project: Project, settings: Settings) -> list[Any]:
    """The namespaces `settings` is read with, each once (UNKNOWN among them when an
    app's cannot be read)."""
    found: list[Any] = []
    for reader in settings_readers(project, settings):
        if reader.namespace not in found:
            found.append(reader.namespace)
    return found


def _named_settings(project: Project, app: CeleryApp) -> list[str]:
    """The settings modules an app names: those `config_from_object()` reads by name, and
    what its module sets DJANGO_SETTINGS_MODULE to (only for one reading Django's settings)."""
    names = [c.settings_module for c in app.config_calls if c.settings_module is not None]
    if any(c.reads_django_settings for c in app.config_calls):
        names += startup.read(project, app.source.path).settings
    return names


def _same_settings(named: str, module: str) -> bool:
    """Whether an app naming settings module `named` reads `module`: the same, or a module
    of the package `named` is in (`proj.settings.dev` names `proj.settings.prod` too)."""
    package = named.rpartition(".")[0] or named
    return module == named or module.startswith(package + ".")
