"""CEL513: task_queues without the default queue."""

from __future__ import annotations

import re
from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.project.settings_names import config_files
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._effective import production_settings, value
from celery_lint.rules._queues import declared

#: a worker command line choosing its queues (`celery worker -Q a,b` / `--queues`)
_QUEUES_OPTION = r"\bworker\b[^\n]*\s(?:-Q|--queues)[\s=]"  # `re` compiles it on first use


def _workers_choose_queues(project: Project) -> bool:
    return any(re.search(_QUEUES_OPTION, project.text(path) or "") for path in config_files(project))


def check(project: Project) -> Iterator[Finding]:
    if _workers_choose_queues(project):
        return
    seen: set[tuple[object, int]] = set()
    for settings in production_settings(project):
        queues, names = declared(project, settings)
        default = value(project, settings, "task_default_queue").only()
        create = value(project, settings, "task_create_missing_queues").only()
        if not isinstance(names, frozenset) or not isinstance(default, str) or create not in (True, False):
            continue
        if default in names or queues.path is None or (queues.path, queues.line) in seen:
            continue
        seen.add((queues.path, queues.line))
        consequence = (
            "every task without a route raises QueueNotFound (missing queues are not created)" if create is False
            else f"a task without a route is sent to {default!r}, which a worker started with these queues never "
                 f"consumes: it waits in the broker for good"
        )
        yield RULE.finding(
            queues.path, queues.line,
            f"{queues.name} does not declare the default queue {default!r}: {consequence}; add Queue({default!r}) "
            f"or set CELERY_TASK_DEFAULT_QUEUE to one of {', '.join(sorted(map(repr, names)))}",
            subject="task_queues",
        )


_SETTINGS = '''\
from kombu import Queue

CELERY_TASK_QUEUES = ({queues})
'''

RULE = register(
    Rule(
        code="CEL513",
        severity="W",
        name="default-queue-not-declared",
        summary="task_queues does not declare the default queue: unrouted tasks are never consumed",
        why="""\
A task with no route goes to `task_default_queue` (`'celery'`) (`celery/app/routes.py`).
A worker consumes the queues of `task_queues` (all of them, unless `-Q` picks
some). When `task_queues` leaves the default queue out, the caller still declares
it and sends there (missing queues are created by default), but no worker reads
it: the tasks wait in the broker for ever, with no error anywhere. With
`CELERY_TASK_CREATE_MISSING_QUEUES = False` every unrouted `.delay()` raises
`QueueNotFound` instead.

Silent when a deployment file starts workers with `-Q`/`--queues` (they choose
their queues), and when the queues cannot be read.

Celery versions: the same on every minor from 5.3 to 5.7: the message names no version.""",
        bad=Example({"+proj/settings.py": _SETTINGS.format(queues='Queue("default"), Queue("reports")')},
                    findings=(("proj/settings.py", "CEL513"),)),
        good=Example({"+proj/settings.py": _SETTINGS.format(queues='Queue("celery"), Queue("reports")')}),
        silent_on=(
            "task_queues unset (Celery declares the default queue), or built in ways the analysis cannot read",
            "workers started with -Q/--queues in a deployment file (Procfile, compose file, Dockerfile)",
            "settings modules named for tests or development",
        ),
        check_project=check,
    )
)
