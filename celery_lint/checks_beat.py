"""CEL307 (live, with a database): enabled django-celery-beat periodic tasks that send a
task name no task of the project registers. Beat sends those at every run; the worker
discards each message as an unregistered task. Registered by `check_gate` (database
tag), which imports this module only where the checks run in full."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable
from typing import Any

from django.apps import apps as django_apps
from django.core import checks

from celery_lint.checks import (
    _never_raise, import_like_worker, live_project, live_reporting, message, project_celery_app,
    requested_databases, running_migrate, unapplied_migrations,
)
from celery_lint.rules.cel304 import BEAT_APP

logger = logging.getLogger(__name__)


def _enabled_rows(alias: str) -> list[tuple[str, str]] | None:
    """(name, task) of the enabled periodic tasks on `alias`; None when its tables are
    not there (CEL305 speaks) or cannot be read."""
    try:
        if unapplied_migrations(alias, BEAT_APP):
            return None
        from django_celery_beat.models import PeriodicTask

        return list(PeriodicTask.objects.using(alias).filter(enabled=True).values_list("name", "task"))
    except Exception:  # noqa: BLE001 - an unreachable database: CEL305 says it could not be checked
        logger.debug("celery-lint: cannot read the periodic tasks of %s", alias, exc_info=True)
        return None


def _the_projects(task: str, registered: set[str]) -> str | None:
    """Why `task` is surely meant for this project's worker ("" for a module of the
    project, else the registered name it is close to); None when it may be another
    service's task (a name the project cannot tell)."""
    close = difflib.get_close_matches(task, sorted(registered), n=1, cutoff=0.85)
    if close:
        return close[0]
    project = live_project()
    module = task.rpartition(".")[0]
    return "" if project is not None and module and project.resolve(module) is not None else None


@_never_raise
def check_stale_periodic_tasks(
    app_configs: Any, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """CEL307: enabled periodic tasks naming no registered task, on the databases given."""
    if not databases or not live_reporting().reports("CEL307"):
        return []
    if not django_apps.is_installed(BEAT_APP) or running_migrate():
        return []
    asked = requested_databases(databases)
    app = project_celery_app() if asked else None
    if app is None:
        return []
    import_like_worker(app)
    registered = set(app.tasks)  # finalized: Celery's built-in tasks are there too
    found = []
    for alias in sorted(asked or ()):
        for name, task in _enabled_rows(alias) or ():
            if task in registered:
                continue
            meant = _the_projects(task, registered)
            if meant is None:
                continue
            hint = f"Point it at {meant!r}, or disable or delete it" if meant else "Disable or delete it, or point it " \
                "at the task's current name"
            found.append(
                message(
                    "CEL307",
                    f"periodic task {name!r} (enabled, database {alias!r}) sends {task!r}, which no task of the "
                    f"project registers: beat sends it at every run and the worker discards each message as an "
                    f"unregistered task",
                    obj=name,
                    hint=f"{hint} (the admin's Periodic tasks page).",
                )
            )
    return found
