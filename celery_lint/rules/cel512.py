"""CEL512: a route or a task's queue= naming an undeclared queue, with task_create_missing_queues off."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import is_test_module
from celery_lint.rules._effective import production_settings, value
from celery_lint.rules._queues import UNSET, declared, route_queues
from celery_lint.tasks import task_defs


def _missing(queue: str, names: frozenset[str]) -> str:
    return (f"queue {queue!r} is not in task_queues ({', '.join(sorted(map(repr, names)))}) and "
            f"CELERY_TASK_CREATE_MISSING_QUEUES is False: sending the task raises "
            f"QueueNotFound(\"Queue {queue!r} missing from task_queues\"); declare the queue")


def check(project: Project) -> Iterator[Finding]:
    every: list[frozenset[str]] = []
    seen: set[tuple[object, int, str]] = set()
    for settings in production_settings(project):
        if value(project, settings, "task_create_missing_queues").only() is not False:
            return
        queues, names = declared(project, settings)
        if names is UNKNOWN or names is UNSET:
            return  # unset: the default queue only, which CEL513 does not need; unknown: silent
        every.append(names)
        routes = value(project, settings, "task_routes")
        pairs = route_queues(routes.only()) if routes.known else None
        if pairs is None or routes.path is None:
            continue
        for pattern, queue in pairs:
            if queue not in names and (routes.path, routes.line, queue) not in seen:
                seen.add((routes.path, routes.line, queue))
                yield RULE.finding(routes.path, routes.line, f"{routes.name}[{pattern!r}]: {_missing(queue, names)}",
                                   subject=queue)
    if not every or len(set(every)) != 1:
        return
    names = every[0]
    for path in project.files_mentioning("queue="):
        source = project.source(path)
        if source is None or is_test_module(project, path):
            continue
        for task in task_defs(project, source):
            queue = task.option("queue")
            if isinstance(queue, str) and queue not in names:
                yield RULE.finding(path, task.decorator, f"task {task.function.name}: {_missing(queue, names)}",
                                   subject=queue)


_SETTINGS = '''\
from kombu import Queue

CELERY_TASK_QUEUES = (Queue("celery"), Queue({queue!r}))
CELERY_TASK_CREATE_MISSING_QUEUES = False
CELERY_TASK_ROUTES = {{"demoapp.tasks.xsum": {{"queue": "reports"}}}}
'''

RULE = register(
    Rule(
        code="CEL512",
        severity="E",
        name="undeclared-queue",
        summary="a route or a task's queue= names a queue absent from task_queues, with missing queues not created",
        why="""\
With `CELERY_TASK_CREATE_MISSING_QUEUES = False`, Celery's router looks each
queue up in `task_queues` and raises `QueueNotFound: Queue 'x' missing from
task_queues` when it is not there (`celery/app/routes.py`): every `.delay()` of a
task routed there (by `CELERY_TASK_ROUTES` or its own `queue=`) fails in the
caller. With missing queues created (Celery's default) the name would be
declared on the fly instead.

Queue names are read from `task_queues` written as a tuple of kombu `Queue("name")`
calls or a dict; any other form is unknown and silent.

Celery versions: the router and its `QueueNotFound` message are the same on every minor
from 5.3 to 5.7: the message names no version.""",
        bad=Example({"+proj/settings.py": _SETTINGS.format(queue="report")}, findings=(("proj/settings.py", "CEL512"),)),
        good=Example({"+proj/settings.py": _SETTINGS.format(queue="reports")}),
        silent_on=(
            "CELERY_TASK_CREATE_MISSING_QUEUES unset or True (Celery declares the queue)",
            "task_queues unset, or built in a way the analysis cannot read",
            "routes given by a router function or a non-constant, queue= given per call (apply_async)",
            "settings modules named for tests or development, and test modules",
        ),
        check_project=check,
    )
)
