"""What the task-option rules share: a task decorator's keywords, and the Celery sources'
option table (`celery_lint.task_options`), read only for a module with a task."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.cache import answers
from celery_lint.project import Project, SourceModule
from celery_lint.tasks import TaskDef, task_defs
from celery_lint.task_options import TaskOptions


def keywords(project: Project, source: SourceModule) -> Iterator[tuple[TaskDef, ast.keyword, TaskOptions]]:
    """The named keywords of each task decorator whose options Celery's own Task class
    decides: none of a decorator given `base=` or `**options` (a class or options the
    analysis does not read), none when the installed Celery's sources cannot be read."""
    tasks = [t for t in task_defs(project, source) if isinstance(t.decorator, ast.Call)]
    table = answers.task_options(project) if tasks else None
    if table is None:
        return
    for task in tasks:
        assert isinstance(task.decorator, ast.Call)
        if task.has_star_kwargs or "base" in task.options:
            continue
        for keyword in task.decorator.keywords:
            if keyword.arg is not None:
                yield task, keyword, table
