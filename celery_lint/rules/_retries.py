"""Tasks that retry automatically (`autoretry_for=`), for CEL508-CEL510.

`celery/app/autoretry.py` wraps the task's `run`: an exception of `autoretry_for`
(and not of `dont_autoretry_for`) calls `task.retry(exc=exc, **retry_kwargs)`, with
an exponential `countdown` when `retry_backoff` is set. `Task.retry` stops after
`max_retries` (3 unless the task says otherwise, `celery/app/task.py`; None: never)
and otherwise waits `default_retry_delay` (180 s). A task whose options the analysis
cannot read (`**options`, a `base=` class, `task_annotations`) is left alone.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from celery_lint.project import Project, SourceModule
from celery_lint.rules._celeryconf import is_test_module
from celery_lint.rules._effective import production_settings, value
from celery_lint.tasks import TaskDef, task_defs


def annotations_unset(project: Project) -> bool:
    """Whether no production settings module sets `task_annotations` (which can set any
    task's retry options); also False when there are none the analysis can read."""
    settings = production_settings(project)
    return bool(settings) and all(value(project, s, "task_annotations").only() in (None, {}, []) for s in settings)


#: what a task retrying automatically mentions: the text filter of CEL508-CEL510
RETRY_WORDS = ("autoretry_for",)


def may_autoretry(text: str) -> bool:
    """The text test of the retry rules' module part."""
    return RETRY_WORDS[0] in text


def autoretry_tasks(project: Project, source: SourceModule) -> Iterator[TaskDef]:
    """The tasks of `source` whose decorator gives `autoretry_for=`, whose options are
    all readable as written (no `**options`, no `base=` class), outside test modules."""
    if not may_autoretry(source.text) or is_test_module(project, source.path) or not annotations_unset(project):
        return
    for task in task_defs(project, source):
        if "autoretry_for" in task.options and not task.has_star_kwargs and "base" not in task.options:
            yield task


def retry_kwargs_keys(task: TaskDef) -> set[str] | None:
    """The keys of `retry_kwargs={...}` (empty when absent), None when not a literal dict."""
    node = task.options.get("retry_kwargs")
    if node is None:
        return set()
    if not isinstance(node, ast.Dict) or not all(isinstance(k, ast.Constant) for k in node.keys):
        return None
    return {str(k.value) for k in node.keys if isinstance(k, ast.Constant)}


def catches_everything(task: TaskDef) -> ast.expr | None:
    """The `Exception`/`BaseException` entry of `autoretry_for`, if it has one."""
    node = task.options["autoretry_for"]
    entries = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
    for entry in entries:
        qualname = task.source.qualname(entry)
        if qualname in ("builtins.Exception", "builtins.BaseException"):
            return entry
        if (
            isinstance(entry, ast.Name) and entry.id in ("Exception", "BaseException")
            and entry.id not in task.source.aliases
            and not re.search(rf"^\s*class\s+{entry.id}\b", task.source.text, re.M)  # none of the module's own
        ):
            return entry
    return None
