"""Task time limits as the worker applies them (CEL503, CEL504).

A task's limit is its own (`@shared_task(time_limit=...)`), else the setting
(`task_time_limit`, `task_soft_time_limit`): `Task.bind` copies the setting into a
task attribute left None (`celery/app/task.py`, `from_config`), and the worker uses
the request's limit, else the task's, else the pool's (`celery/worker/request.py`,
`billiard/pool.py`: `timeout or self.timeout`). 0 and None are "no limit of its own".
`task_annotations` can set either on any task, so when it is set the limits are unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any, NamedTuple

from celery_lint.evaluate import UNKNOWN
from celery_lint.project import Project, Settings, SourceModule
from celery_lint.rules._effective import Value, value
from celery_lint.tasks import TaskDef, task_defs

LIMIT_OPTIONS = ("time_limit", "soft_time_limit")
#: what a module that can set a limit mentions (`may_set_limits`): the text filter of CEL504 and CEL505
LIMIT_WORDS = ("time_limit", "TIME_LIMIT")


def seconds(raw: Any) -> Any:
    """A limit in seconds, None for no limit (None, 0), UNKNOWN for anything else."""
    if raw is None or raw is UNKNOWN:
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return UNKNOWN
    return raw if raw > 0 else None


def constant_seconds(node: ast.expr) -> Any:
    """The number a constant expression spells (`7200`, `2 * 60 * 60`), else UNKNOWN."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else UNKNOWN
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = constant_seconds(node.left), constant_seconds(node.right)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if isinstance(node.op, ast.Add):
            return left + right
        return left - right if isinstance(node.op, ast.Sub) else left * right
    return UNKNOWN


class Limits(NamedTuple):
    """The (hard, soft) pair the settings give every task, with where each is written."""

    hard: Any
    soft: Any
    hard_value: Value
    soft_value: Value


def global_limits(project: Project, settings: Settings) -> Limits | None:
    """The settings' limits; None when annotations may change them or a value is unknown."""
    annotations = value(project, settings, "task_annotations")
    if not annotations.known or annotations.only() not in (None, {}, [], ()):
        return None
    hard, soft = value(project, settings, "task_time_limit"), value(project, settings, "task_soft_time_limit")
    pair = seconds(hard.only()), seconds(soft.only())
    if UNKNOWN in pair:
        return None
    return Limits(pair[0], pair[1], hard, soft)


def may_set_limits(text: str) -> bool:
    """Whether a module can hold a limit: a task's option, a setting, an `app.conf` write."""
    return any(word in text for word in LIMIT_WORDS)


def limit_tasks(project: Project, source: SourceModule) -> Iterator[TaskDef]:
    """The tasks of `source` whose decorator names a time limit (or may: `**options`)."""
    if "time_limit" not in source.text:
        return
    for task in task_defs(project, source):
        if task.has_star_kwargs or any(name in task.options for name in LIMIT_OPTIONS):
            yield task


def task_limit(task: TaskDef, option: str) -> Any:
    """A task's own limit: seconds, None (none of its own: the setting applies), UNKNOWN
    (not a constant, `**options`, or a `base=` class that may set it)."""
    raw = task.option(option)
    if raw is None and "base" in task.options:
        return UNKNOWN
    return seconds(raw)
