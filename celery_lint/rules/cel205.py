"""CEL205: a task defined in a module the worker never imports."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import django_tasks
from celery_lint.cache import answers
from celery_lint.discovery import is_test_module, worker_reach
from celery_lint.findings import Finding
from celery_lint.project import TASK_WORD, Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.tasks import TaskDef, may_define_tasks, task_defs


def check(project: Project) -> Iterator[Finding]:
    for path in project.files_mentioning(TASK_WORD):
        source = project.source(path)
        if source is not None:
            yield from _module_findings(project, source)


def _reach(project: Project, source: SourceModule) -> tuple[str | None, tuple[str, ...], list[str]]:
    """(whether the worker imports the module, the project apps' names, the import chain
    to it when only the checks import it): what the worker's reach answers of one file
    depends on the other modules alone (the walk reads them through the model), and the
    on-disk cache keeps it (`answers.memo`) while they are as they were."""
    reach = worker_reach(project)
    status = reach.status(source.path)
    return status, reach.app_names, reach.chain(source.path) if status == "checks" else []


def _module_findings(project: Project, source: SourceModule) -> Iterator[Finding]:
    if not source.module or is_test_module(project, source.path):
        return
    tasks: list[TaskDef | django_tasks.DjangoTask] = list(task_defs(project, source))
    if django_tasks.may_run_on_celery(project):  # django.tasks tasks a Celery backend runs register when imported
        tasks += [
            t for t in django_tasks.django_tasks(project, source)
            if t.module_level and django_tasks.celery_backend(project, t.alias) is not None
        ]
    if not tasks:
        return
    status, app_names, chain = answers.memo(project, ("CEL205 reach", str(source.path)), lambda: _reach(project, source))
    if status not in ("never", "checks"):
        return
    module = source.module
    if (
        module.rpartition(".")[0] in app_names
        and module.endswith(".tasks")
        and not project.files_mentioning("autodiscover_tasks")
    ):
        return  # an app's tasks module without any autodiscovery: CEL005 reports the cause, once
    fix = f"import it from a tasks module the worker discovers, or add {module!r} to CELERY_IMPORTS"
    for task in tasks:
        if status == "never":
            message = (
                f"task {task.function.name} is defined in {module}, which the worker never imports (autodiscovery "
                f"imports <app>.tasks; neither CELERY_IMPORTS/include nor any module the worker loads imports "
                f"{module}): the worker rejects it as an unregistered task; {fix}"
            )
        else:
            message = (
                f"task {task.function.name} is registered in the worker only because Django's system checks import "
                f"the URLconf at worker start ({' -> '.join(chain)}): with `celery --skip-checks` the worker rejects it as "
                f"an unregistered task; {fix}"
            )
        yield RULE.finding(source.path, task, message, subject=str(source.path))


_JOBS = """\
from celery import shared_task


@shared_task
def nightly_cleanup():
    return 0
"""

RULE = register(
    Rule(
        code="CEL205",
        severity="E",
        name="task-never-imported",
        summary="a task is defined in a module the worker never imports",
        why="""\
A worker knows a task only if it imported the module that defines it. It imports
the app module, `django.setup()`'s modules (every installed app's package, `apps`,
`models` and `admin`), with `autodiscover_tasks()` the `tasks` module of every
installed app, the modules of `CELERY_IMPORTS` / `include`, and whatever those
import. A task in `demoapp/jobs.py` that none of them imports is registered in the
web process (a view imported it) but not in the worker, which rejects every
message for it with "Received unregistered task of type 'demoapp.jobs...'".

A module the worker reaches only through the URLconf (imported by Django's
system checks when the worker starts) is reported too: the task disappears as
soon as the worker runs with `celery --skip-checks` or the URLconf changes.

The same holds for a `django.tasks` task whose backend is a Celery backend
(django-tasks-celery, django-tasks-fennel): the backend registers it with Celery
when the task's module is imported, so a worker that never imports the module
rejects its messages.""",
        bad=Example(
            {"demoapp/jobs.py": _JOBS},
            findings=(("demoapp/jobs.py", "CEL205"),),
        ),
        good=Example(
            {
                "demoapp/jobs.py": _JOBS,
                "+proj/settings.py": 'CELERY_IMPORTS = ["demoapp.jobs"]\n',
            }
        ),
        silent_on=(
            "tasks in modules imported, directly or through any chain of imports (relative, `from pkg import "
            "module`, inside functions, AppConfig.ready()), from the app module, the settings, installed apps' "
            "packages, apps, models and admin modules, autodiscovered modules, or CELERY_IMPORTS/include",
            "any reach the analysis cannot fully know: INSTALLED_APPS, CELERY_IMPORTS or include from the "
            "environment, an entry that may be a project package under an unseen import root, importlib/"
            "__import__/import_string with a computed name in a reached module, a custom loader or Celery "
            "subclass that changes loading, a configuration object other than Django settings or a project module",
            "projects without a Celery app configured from Django settings",
            "modules passed to `celery -A/--app` or `worker -I/--include` in Procfiles, compose files or scripts",
            "test modules (tests.py, test_*.py, conftest.py, tests/ directories)",
            "an installed app's tasks module when the project never calls autodiscover_tasks(): CEL005 reports that",
        ),
        check_project=check,
        project_module=_module_findings,
        module_text=may_define_tasks,
    )
)
