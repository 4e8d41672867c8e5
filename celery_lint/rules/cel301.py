"""CEL301: a django-celery-results backend without the app installed."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.evaluate import options
from celery_lint.examples import settings_module
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.project.app_settings import settings_namespaces
from celery_lint.registry import Example, Rule, register

RESULTS_APP = "django_celery_results"
RESULTS_BACKENDS = frozenset({"django-db", "django-cache"})
SETTING = "CELERY_RESULT_BACKEND"  # the new name with the prefix, and the old name too


def check(project: Project) -> Iterator[Finding]:
    for settings in project.settings:
        if not any(n in ("CELERY", None) for n in settings_namespaces(project, settings)):
            continue  # no app reading these settings reads CELERY_RESULT_BACKEND
        binding = settings.binding(SETTING)
        if binding is None or settings.ns.dynamic:
            continue
        values = options(binding.value)
        if not all(isinstance(v, str) and v in RESULTS_BACKENDS for v in values):
            continue
        if project.is_installed(settings, RESULTS_APP) is False:
            yield RULE.finding(
                binding.path, binding.line,
                f"result backend {values[0]!r} needs 'django_celery_results' in INSTALLED_APPS: "
                f"the first .delay() or result access raises RuntimeError (TaskResult is not in an installed app)",
                subject="result_backend",
            )


_BACKEND = 'CELERY_RESULT_BACKEND = "django-db"\n'

RULE = register(
    Rule(
        code="CEL301",
        severity="E",
        name="results-app-missing",
        summary="result backend 'django-db' / 'django-cache' without django_celery_results installed",
        why="""\
`'django-db'` and `'django-cache'` are aliases for the backends of
django-celery-results, and both import its models. Without `django_celery_results`
in `INSTALLED_APPS` the first use of the backend -- a `.delay()` (which registers
the pending result) or a result access -- raises `RuntimeError: Model class
django_celery_results.models.TaskResult doesn't declare an explicit app_label and
isn't in an application in INSTALLED_APPS`.""",
        bad=Example(
            {"proj/settings.py": settings_module(["django.contrib.contenttypes", "celery_lint", "demoapp"], _BACKEND)},
            findings=(("proj/settings.py", "CEL301"),),
        ),
        good=Example(
            {"proj/settings.py": settings_module(
                ["django.contrib.contenttypes", "django_celery_results", "celery_lint", "demoapp"], _BACKEND
            )}
        ),
        silent_on=(
            "INSTALLED_APPS or the backend coming from the environment, or built in ways the analysis cannot follow",
            "other result backends",
            "settings that only apps with another namespace than 'CELERY' (or none), or one the analysis "
            "cannot read, read: each settings module is judged for the apps reading it",
        ),
        check_project=check,
    )
)
