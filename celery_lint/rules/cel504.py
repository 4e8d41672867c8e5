"""CEL504: the soft time limit at or above the hard one."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._effective import production_settings
from celery_lint.rules._limits import LIMIT_WORDS, Limits, global_limits, limit_tasks, may_set_limits, task_limit
from celery_lint.rules._per_module import each_module
from celery_lint.tasks import TaskDef
from celery_lint.versions import TargetVersion, Version

#: `Task.apply_async` refuses a task whose soft limit is above its hard one from 5.5.0
#: (`celery/app/task.py`); it reads the task's attributes, which hold its own options
#: only, until 5.7 adds `task_time_limit`/`task_soft_time_limit` to `Task.from_config`
#: (a task without its own limit then gets the setting's)
REFUSED_FROM = (5, 5, 0)
SETTINGS_COPIED_FROM = (5, 7, 0)
REFUSED = ("every .delay()/.apply_async() of {which} raises ValueError ('soft_time_limit must be less than or "
           "equal to time_limit')")


def consequence(soft: float, hard: float, target: TargetVersion | None, since: Version | None,
                which: str = "the task") -> str:
    """What the worker (or the caller) does with this pair, on the target Celery; `since`
    is the first release whose `apply_async` refuses it (None: none does)."""
    killed = (
        "the worker's hard limit kills the process as SoftTimeLimitExceeded is raised, "
        "so the task never gets the soft limit's time to clean up"
    )
    if soft == hard or since is None:
        return killed
    refused = REFUSED.format(which=which)
    if target is None:
        return f"{killed}; from Celery {since[0]}.{since[1]} {refused}"
    if target.version >= since:
        return f"{refused} on {target}"
    return killed


def refused_from(task: TaskDef) -> Version | None:
    """The first Celery whose `apply_async` refuses this task's wrong pair: 5.5 when both
    limits are its own, 5.7 when one comes from the settings, never when an own limit is
    0 (a false attribute, which the check skips and 5.7 does not replace)."""
    raw = [task.option(option) for option in ("soft_time_limit", "time_limit")]
    if 0 in raw:
        return None
    return REFUSED_FROM if None not in raw else SETTINGS_COPIED_FROM


def _number(value: float) -> str:
    return f"{value:g}"


def _module_findings(project: Project, source: SourceModule) -> Iterator[Finding]:
    """The findings in one module: the settings' pair where it is written, the tasks' own."""
    yield from (f for f in _settings_findings(project) if f.path == source.path)
    pairs = [global_limits(project, s) for s in production_settings(project)]
    known: list[Limits] = [p for p in pairs if p is not None]
    if not known or len(known) != len(pairs):
        return  # a settings module whose limits are unknown: the tasks' pairs are too
    target = project.celery_version
    for task in limit_tasks(project, source):
        own_soft, own_hard = task_limit(task, "soft_time_limit"), task_limit(task, "time_limit")
        if UNKNOWN in (own_soft, own_hard) or (own_soft is None and own_hard is None):
            continue
        verdicts = {_task_pair(own_soft, own_hard, limits) for limits in known}
        if len(verdicts) != 1:
            continue  # the settings modules disagree
        pair = verdicts.pop()
        if pair is None:
            continue
        soft, hard = pair
        yield RULE.finding(
            task.source.path, task.decorator,
            f"task {task.function.name}: soft time limit {_number(soft)} s is not below its hard limit "
            f"{_number(hard)} s: {consequence(soft, hard, target, refused_from(task))}; make the soft limit the "
            f"shorter one",
            subject=str(task.function.name),
        )


@lru_cache(maxsize=64)
def _settings_findings(project: Project) -> list[Finding]:
    """The settings' own pairs that are wrong, once per project (every module asks)."""
    found: list[Finding] = []
    pairs = [global_limits(project, s) for s in production_settings(project)]
    target = project.celery_version
    seen: set[tuple[object, int]] = set()
    for limits in [p for p in pairs if p is not None]:
        soft, hard = limits.soft, limits.hard
        where = limits.soft_value if not limits.soft_value.is_default else limits.hard_value
        if soft is None or hard is None or soft < hard or where.path is None:
            continue
        if (where.path, where.line) in seen:
            continue
        seen.add((where.path, where.line))
        found.append(RULE.finding(
            where.path, where.line,
            f"{limits.soft_value.name} ({_number(soft)} s) is not below {limits.hard_value.name} "
            f"({_number(hard)} s): "
            f"{consequence(soft, hard, target, SETTINGS_COPIED_FROM, 'a task without limits of its own')}; "
            f"make the soft limit the shorter one",
            subject="task_soft_time_limit",
        ))
    return found


def _task_pair(own_soft: Any, own_hard: Any, limits: Limits) -> tuple[float, float] | None:
    """(soft, hard) of a task when it is wrong and the task's own options make it so."""
    soft = own_soft if own_soft is not None else limits.soft
    hard = own_hard if own_hard is not None else limits.hard
    if soft is None or hard is None or soft < hard:
        return None
    return soft, hard


_SETTINGS = "CELERY_TASK_TIME_LIMIT = 300\nCELERY_TASK_SOFT_TIME_LIMIT = {soft}\n"

RULE = register(
    Rule(
        code="CEL504",
        severity="E",
        name="soft-limit-not-below-hard",
        summary="the soft time limit is at or above the hard time limit",
        why="""\
The soft time limit raises `SoftTimeLimitExceeded` inside the task so that it can
clean up; the hard limit kills the worker process. The soft one is only useful
below the hard one. At or above it, the prefork pool (`celery/concurrency/asynpool.py`)
schedules the hard kill `hard - soft` seconds after the soft signal, that is at
once: the task never gets to clean up. The worker does this on every Celery
from 5.3 to 5.7 (billiard 4.2 to 4.3, `timeout or self.timeout` in `billiard/pool.py`).

From Celery 5.5, `Task.apply_async` refuses a soft limit above the hard one
outright: every `.delay()` raises `ValueError: soft_time_limit must be less than or
equal to time_limit`. It compares the task's attributes, which on 5.5 and 5.6 hold
the task's own options only: a pair from the settings (or a task's own soft limit
over the setting's hard one) is refused from 5.7 on, when `Task.from_config` starts
copying `task_time_limit` and `task_soft_time_limit` into a task without its own.
Equal limits are never refused (the check is `soft > hard`), nor is a pair where a
task's own limit is 0.

Both the settings (`CELERY_TASK_SOFT_TIME_LIMIT`, `CELERY_TASK_TIME_LIMIT`) and a
task's own options (`@shared_task(soft_time_limit=..., time_limit=...)`, each
falling back to the setting) are read; a task's pair is reported at its decorator
when its own options make it wrong. The message follows the Celery version the
project targets (see CEL102): on 5.3 and 5.4 (and on 5.5 and 5.6 for a pair from the
settings) it says what the worker does; where `apply_async` refuses the pair, that
it raises; with the version unknown, what the worker does and from which release
the call raises.""",
        bad=Example(
            {"+proj/settings.py": _SETTINGS.format(soft=600)},
            findings=(("proj/settings.py", "CEL504"),),
        ),
        good=Example({"+proj/settings.py": _SETTINGS.format(soft=240)}),
        silent_on=(
            "one of the limits unset, None or 0 (no limit)",
            "limits from the environment or not constants, tasks with **options or a base= class without "
            "their own limits",
            "CELERY_TASK_ANNOTATIONS set (it can change any task's limits)",
            "limits given per call (apply_async(soft_time_limit=...)) or on the worker's command line",
            "settings modules named for tests or development",
        ),
        check_project=each_module(LIMIT_WORDS, _module_findings),
        project_module=_module_findings,
        module_text=may_set_limits,
    )
)
