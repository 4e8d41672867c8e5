"""CEL303: the 'django-cache' result backend with a CELERY_CACHE_BACKEND that is no CACHES alias."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from celery_lint.evaluate import UNKNOWN, is_known, options
from celery_lint.examples import settings_module
from celery_lint.findings import Finding
from celery_lint.project import Project, Settings
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import NOT_SET, effective

#: Django's CACHES when the settings do not set it (`django/conf/global_settings.py`)
DEFAULT_CACHE_ALIASES = frozenset({"default"})
_CACHE_BACKEND_CLASS = "django_celery_results.backends"


def is_django_cache_backend(value: Any) -> bool:
    """`'django-cache'` (the `celery.result_backends` entry point of django-celery-results),
    its URL form, or the class path it stands for."""
    if not isinstance(value, str):
        return False
    if "://" in value:
        value = value.partition("://")[0].partition("+")[0]
    if value == "django-cache":
        return True
    module, _, name = value.rpartition(":") if ":" in value else value.rpartition(".")
    return name == "CacheBackend" and module in (_CACHE_BACKEND_CLASS, _CACHE_BACKEND_CLASS + ".cache")


def cache_aliases(settings: Settings) -> Any:
    """The aliases of the settings' CACHES, or UNKNOWN."""
    if settings.ns.dynamic:
        return UNKNOWN
    has = settings.ns.has("CACHES")
    if has is False:
        return DEFAULT_CACHE_ALIASES
    value = settings.value("CACHES")
    if has is not True or not isinstance(value, dict) or not all(is_known(k) for k in value):
        return UNKNOWN
    return frozenset(value)


def check(project: Project) -> Iterator[Finding]:
    for settings in project.settings:
        backend = effective(project, settings, "result_backend")
        if not backend.known or not all(is_django_cache_backend(v) for v in options(backend.value)):
            continue
        cache = effective(project, settings, "cache_backend")
        if cache.value is NOT_SET or not cache.known or cache.path is None:
            continue
        aliases = cache_aliases(settings)
        values = options(cache.value)
        if aliases is UNKNOWN or not all(isinstance(v, str) and v and v not in aliases for v in values):
            continue
        known = ", ".join(repr(a) for a in sorted(aliases))
        yield RULE.finding(
            cache.path, cache.line,
            f"{cache.name} = {values[0]!r} is not a CACHES alias ({known}): the 'django-cache' result backend "
            f"stores and reads results in caches[{values[0]!r}], which raises InvalidCacheBackendError; "
            f"name a CACHES alias, or remove the setting to use the default cache",
            subject="cache_backend",
        )


def _settings(cache: str) -> str:
    return settings_module(
        ["django.contrib.contenttypes", "django_celery_results", "celery_lint", "demoapp"],
        f'CELERY_RESULT_BACKEND = "django-cache"\nCELERY_CACHE_BACKEND = "{cache}"\n',
        before_celery='CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n',
    )


RULE = register(
    Rule(
        code="CEL303",
        severity="E",
        name="cache-backend-alias",
        summary="with the 'django-cache' result backend, CELERY_CACHE_BACKEND is not a CACHES alias",
        why="""\
The `'django-cache'` result backend of django-celery-results keeps results in the
Django cache `caches[CELERY_CACHE_BACKEND]` (`django_celery_results/backends/cache.py`),
so that setting must name an alias of `CACHES`, such as `'default'`; when it is
unset, the default cache is used. `CELERY_CACHE_BACKEND = 'django-cache'` -- a
mistake once printed in the documentation -- or a cache URL meant for Celery's own
`cache` backend makes every result store and every result read raise
`InvalidCacheBackendError: The connection 'django-cache' doesn't exist.`""",
        bad=Example(
            {"proj/settings.py": _settings("django-cache")},
            findings=(("proj/settings.py", "CEL303"),),
        ),
        good=Example({"proj/settings.py": _settings("default")}),
        silent_on=(
            "CELERY_CACHE_BACKEND unset (the default cache is used)",
            "result backends other than 'django-cache' (Celery's own 'cache' backend reads URLs there)",
            "CACHES or the setting coming from the environment, or built in ways the analysis cannot follow",
        ),
        check_project=check,
    )
)
