"""The project model's answers the module rules ask, from the on-disk cache.

After one edit, the changed file's module rules run again, and some ask a question
of the whole project first (which files autodiscovery imports, the broker's
visibility timeout): answering it evaluates the settings chain and the Celery app
module, a few parses and evaluations that an edit of a views module does not change.
`kept` answers such a question from the cache while every input the model read in
the runs that made the answer is as it was (`store.State`, the same condition as the
project rules' findings): the answer must be a function of the project alone (not of
the module asking), and read what it reads through the model (`Project.source`,
`text`, `files_mentioning`, `mentions`), which records it. An answer the cache
cannot hold (a value its unpickler refuses) is computed again in every run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

from celery_lint.cache import api
from celery_lint.celery_tables import installed_package
from celery_lint.project import Project
from celery_lint.task_options import TaskOptions
from celery_lint.task_options import task_options as _read_task_options

T = TypeVar("T")


def kept(name: str) -> Callable[[Callable[[Project], T]], Callable[[Project], T]]:
    """A decorator: the answer `name` of a function of the project alone, from the cache."""

    def decorate(compute: Callable[[Project], T]) -> Callable[[Project], T]:
        @wraps(compute)
        def answer(project: Project) -> T:
            return api.memo(project, ("answer", name), lambda: compute(project), keep=api.readable)

        return answer

    return decorate


def memo(project: Project, key: tuple[str, ...], compute: Callable[[], T]) -> T:
    """The answer `key` of the model (a function of the project, and of the files `key`
    names, never of the asking module's text), from the cache while its inputs hold."""
    return api.memo(project, ("answer", *key), compute, keep=api.readable)


def task_options(project: Project) -> TaskOptions | None:
    """`task_options.task_options()`, read from the installed Celery's sources: kept with
    the size and mtime of each of them (the cache's header names the installed Celery)."""
    return api.memo(project, _celery_sources(), _read_task_options, keep=api.readable)


@lru_cache(maxsize=1)
def _celery_sources() -> tuple[str, ...]:
    """The key of the task options: Celery's three sources and their stats, once a
    process (every module defining a task asks)."""
    package = installed_package()
    names = ("app/task.py", "app/base.py", "app/autoretry.py")
    files = [] if package is None else [str(package / name) for name in names]
    return ("celery task options", *files, *map(_stat, files))


def _stat(name: str) -> str:
    try:
        status = os.stat(name)
    except OSError:
        return "-"
    return f"{status.st_size}:{status.st_mtime_ns}"
