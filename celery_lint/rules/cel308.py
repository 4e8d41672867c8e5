"""CEL308: django.tasks tasks, and the settings the web server runs leave them on the
ImmediateBackend (run inline, in the request) or the DummyBackend (never run)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celery_lint import django_tasks as dt
from celery_lint.findings import Finding
from celery_lint.project import Project, Settings
from celery_lint.project.settings_names import named_for_tests_or_development
from celery_lint.registry import Example, Rule, register
from celery_lint.rules.cel401 import _WSGI, _is_test_or_dev_file, deployed_configuration, deployed_settings, test_settings

if TYPE_CHECKING:
    from celery_lint.live import Live


def _what(path: str) -> str:
    if path in dt.DUMMY:
        return "the DummyBackend, which stores each result as READY and never runs the task"
    return "the ImmediateBackend, which runs each task inline in enqueue(), in the request or process that enqueues it"


def _aliases(project: Project) -> tuple[list[dt.DjangoTask], set[str]]:
    tasks = dt.project_django_tasks(project)
    return tasks, {a for t in tasks if isinstance(a := t.alias, str)}


def _deployed(project: Project) -> list[Settings]:
    """The settings modules the web server runs (named by wsgi.py / asgi.py), not named
    for tests or development nor serving the tests too (as CEL401 decides them)."""
    deployed = deployed_settings(project)
    for_tests = test_settings(project)
    return [
        s for s in project.settings
        if s.module in deployed and s.module not in for_tests and not named_for_tests_or_development(s.module)
        and deployed_configuration(project, s)
    ]


def check(project: Project) -> Iterator[Finding]:
    tasks, aliases = _aliases(project)
    if not tasks:
        return
    example = f"{tasks[0].source.module}.{tasks[0].function.name}"
    count = f"{len(tasks)} django.tasks task{'s' if len(tasks) > 1 else ''} (e.g. {example})"
    for settings in _deployed(project):
        found = dt.backends(settings)
        if not isinstance(found, dict):
            continue
        binding = settings.binding("TASKS")
        if binding is not None and _is_test_or_dev_file(project, binding.path):
            continue
        for alias in sorted(aliases):
            backend = found.get(alias)
            if backend is None or backend.path not in dt.IMMEDIATE | dt.DUMMY:
                continue
            if binding is None:
                where, line = settings.path, 1
                said = f"{settings.module} leaves TASKS unset: Django's default is {_what(backend.path)}"
            else:
                where, line = binding.path, binding.line
                said = f"TASKS in {settings.module} gives alias {alias!r} {_what(backend.path)}"
            yield RULE.finding(
                where, line,
                f"the project defines {count} and the settings the web server runs (named by wsgi/asgi) use "
                f"no worker for them: {said}; configure a backend that runs them in a worker (django-tasks-celery's "
                f"CeleryBackend, a database backend) and keep the ImmediateBackend in test settings",
                subject=f"TASKS:{alias}",
            )


def live(project: Project | None) -> list[Live]:
    """`check --deploy`: the running settings' TASKS, for the aliases the project's
    tasks use. Never raises: a failure is logged, and the check reports nothing."""
    try:
        return _live(project)
    except Exception as exc:  # noqa: BLE001 - a check must never break manage.py
        import logging  # only here: the command and flake8 load this module at every start

        logging.getLogger("celery_lint.checks").warning(
            "celery-lint: the live check of CEL308 failed (%s: %s)", type(exc).__name__, exc
        )
        return []


def _live(project: Project | None) -> list[Live]:
    from django.conf import settings as django_settings

    from celery_lint.live import Live

    if project is None:
        return []
    tasks, aliases = _aliases(project)
    if not tasks:
        return []
    configured: Any = getattr(django_settings, "TASKS", None)
    if configured is None:  # Django before 6 without TASKS: the backport's default
        configured = {dt.DEFAULT_ALIAS: {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if not isinstance(configured, dict):
        return []
    found = []
    for alias in sorted(aliases):
        params = configured.get(alias)
        path = params.get("BACKEND") if isinstance(params, dict) else None
        if path in dt.IMMEDIATE | dt.DUMMY:
            found.append(Live(
                "CEL308", f"TASKS:{alias}",
                f"the project defines {len(tasks)} django.tasks task(s) and TASKS gives alias {alias!r} "
                f"{_what(path)}, with the settings this deployment runs",
                hint="Configure a TASKS backend that runs tasks in a worker (django-tasks-celery's CeleryBackend).",
            ))
    return found


_TASKS = """\
from django.tasks import task


@task
def send_report(user_id):
    return user_id
"""
_CELERY_BACKEND = 'TASKS = {"default": {"BACKEND": "django_tasks_celery.CeleryBackend"}}\n'

RULE = register(
    Rule(
        code="CEL308",
        severity="W",
        name="django-tasks-run-inline",
        summary="django.tasks tasks, and the deployed settings run them inline (ImmediateBackend) or never (DummyBackend)",
        why="""\
Django 6's `TASKS` setting defaults to one backend, `ImmediateBackend`, which runs
every task inside `enqueue()`: the request that enqueues a slow task waits for it,
and an exception in the task is caught and stored on the result (FAILED). The
`DummyBackend` stores the results and never runs anything. Both are meant for
development and tests; a project that defines tasks and deploys with either has
no background work at all.

The settings checked are those the web server runs (named by `wsgi.py` /
`asgi.py`), not named for tests or development and not also named by the test
configuration: a `settings/test.py` with the ImmediateBackend is healthy. Under
`manage.py check --deploy` the running settings' `TASKS` is checked too.""",
        bad=Example(
            {"demoapp/reports.py": _TASKS, "proj/wsgi.py": _WSGI},
            findings=(("proj/settings.py", "CEL308"),),
        ),
        good=Example({"demoapp/reports.py": _TASKS, "proj/wsgi.py": _WSGI, "+proj/settings.py": _CELERY_BACKEND}),
        silent_on=(
            "settings modules named for tests or development (settings/test.py, local.py), named by the test "
            "configuration, or not named by wsgi.py / asgi.py",
            "TASKS the analysis cannot read (the environment, branches that disagree)",
            "aliases the project's tasks do not use, and any backend but Django's and the backport's "
            "ImmediateBackend and DummyBackend",
        ),
        check_project=check,
    )
)
