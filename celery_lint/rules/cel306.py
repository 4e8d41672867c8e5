"""CEL306: the django-db result backend with result_extended off (opt-in)."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.evaluate import options
from celery_lint.examples import settings_module
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import NOT_SET, effective

RESULTS_APP = "django_celery_results"


def check(project: Project) -> Iterator[Finding]:
    for settings in project.settings:
        backend = effective(project, settings, "result_backend")
        if not backend.known or backend.path is None or not all(v == "django-db" for v in options(backend.value)):
            continue
        if project.is_installed(settings, RESULTS_APP) is not True:
            continue  # not installed is CEL301's; unknown is silence
        extended = effective(project, settings, "result_extended")
        if extended.value is NOT_SET:
            where, what = backend, "CELERY_RESULT_EXTENDED not set (default False)"
        elif extended.known and extended.path is not None and all(v is False for v in options(extended.value)):
            where, what = extended, f"{extended.name} = False"
        else:
            continue
        assert where.path is not None
        yield RULE.finding(
            where.path, where.line,
            f"result backend 'django-db' and {what}: django-celery-results stores each result without its task "
            f"name, arguments, worker or traceback, and the admin's task results show none of them; "
            f"set CELERY_RESULT_EXTENDED = True",
            subject="result_extended",
        )


_APPS = ["django.contrib.contenttypes", "django_celery_results", "celery_lint", "demoapp"]
_BACKEND = 'CELERY_RESULT_BACKEND = "django-db"\n'

RULE = register(
    Rule(
        code="CEL306",
        severity="W",
        name="results-not-extended",
        summary="result backend 'django-db' with CELERY_RESULT_EXTENDED off: stored results lack task name and arguments",
        why="""\
django-celery-results keeps each result as a `TaskResult` row, shown in the Django
admin. Its task name, arguments, keyword arguments, worker and traceback columns
are filled only when Celery's `result_extended` is on; it is off by default, so
the admin lists bare task ids and states, and a failed task's traceback is not
stored. Celery's own guide stops before this setting, so the rule is off by
default: select it (`--extend-select CEL306`) in projects that use the admin's
task results.""",
        bad=Example(
            {"proj/settings.py": settings_module(_APPS, _BACKEND)},
            findings=(("proj/settings.py", "CEL306"),),
        ),
        good=Example({"proj/settings.py": settings_module(_APPS, _BACKEND + "CELERY_RESULT_EXTENDED = True\n")}),
        silent_on=(
            "other result backends, django-cache included (no TaskResult rows)",
            "django_celery_results not installed (CEL301) or INSTALLED_APPS the analysis cannot read",
            "result_extended or the backend from the environment or a branch",
        ),
        default_enabled=False,
        check_project=check,
    )
)
