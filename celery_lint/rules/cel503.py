"""CEL503 (opt-in): no time limit anywhere."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.project.settings_names import config_files
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import is_test_module
from celery_lint.rules._effective import production_settings
from celery_lint.rules._limits import global_limits

#: the worker's command-line options that set the pool's limits (`celery worker --help`)
COMMAND_LINE = ("--time-limit", "--soft-time-limit")


def _command_line_limits(project: Project) -> bool:
    """Whether a deployment file (Procfile, compose file, Dockerfile, .env) may give the
    worker a limit on its command line."""
    return any(word in (project.text(path) or "") for path in config_files(project) for word in COMMAND_LINE)


def check(project: Project) -> Iterator[Finding]:
    settings = production_settings(project)
    apps = [a for a in project.django_apps if not is_test_module(project, a.source.path)]
    if not settings or not apps:
        return
    for one in settings:
        limits = global_limits(project, one)
        if limits is None or limits.hard is not None or limits.soft is not None:
            return
    if project.files_mentioning("time_limit") or _command_line_limits(project):
        return  # a task (or code the analysis does not read) may set a limit
    for app in apps:
        yield RULE.finding(
            app.source.path, app.node,
            "no time limit anywhere (CELERY_TASK_TIME_LIMIT unset, no task's time_limit): a task that hangs on "
            "a network call holds its worker process until the worker is restarted, and once every process "
            "hangs the worker runs nothing more; set CELERY_TASK_TIME_LIMIT (and a lower CELERY_TASK_SOFT_TIME_LIMIT)",
            subject="task_time_limit",
        )


RULE = register(
    Rule(
        code="CEL503",
        severity="W",
        name="no-time-limit",
        summary="no time limit anywhere: a task that hangs holds its worker process until a restart",
        why="""\
Celery sets no time limit by default (`task_time_limit` and `task_soft_time_limit`
are None in `celery.app.defaults`). A task blocked on a socket without a timeout,
a lock or an endless loop then keeps its worker process until the worker is
restarted; once every process is stuck, the worker runs nothing more.

Reported at the Celery app when no production settings module sets a limit, no
task sets `time_limit`/`soft_time_limit`, and no deployment file (Procfile,
compose file, Dockerfile, `.env`) passes `--time-limit`/`--soft-time-limit` to
the worker. Off by default: many projects bound their tasks in other ways
(timeouts on every call, a supervisor); select it with `--extend-select CEL503`.

Celery versions: the same on every minor from 5.3 to 5.7: no limit by default, and
the worker hands the settings' limits to its pool (5.7 also copies them into each
task's attributes, which changes nothing for the worker): the message names no
version.""",
        bad=Example({}, findings=(("proj/celery.py", "CEL503"),)),
        good=Example({"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\nCELERY_TASK_SOFT_TIME_LIMIT = 240\n"}),
        silent_on=(
            "a limit in any production settings module, on any task (time_limit=..., soft_time_limit=..., "
            "even one the analysis cannot read; any module spelling time_limit), or on the worker's command "
            "line in a deployment file",
            "limits that are unknown (the environment, CELERY_TASK_ANNOTATIONS set)",
            "projects without a Celery app configured from Django's settings",
        ),
        default_enabled=False,
        check_project=check,
    )
)
