"""CEL303: the 'django-cache' result backend with a CELERY_CACHE_BACKEND that is no CACHES alias."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

SETTINGS = BASE["proj/settings.py"].replace('CELERY_RESULT_BACKEND = "django-db"', 'CELERY_RESULT_BACKEND = "django-cache"')
LINE = len(SETTINGS.splitlines()) + 2  # the appended CELERY_CACHE_BACKEND line (after the "+" blank line)
LOCMEM = '{"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}'


def cel303(project, extra: str, settings: str = SETTINGS, files: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    write_files(project, {"proj/settings.py": settings + "\n" + extra, **(files or {})})
    return lint(project, "CEL303")


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param('CELERY_CACHE_BACKEND = "django-cache"\n', id="the-classic"),
        pytest.param('CELERY_CACHE_BACKEND = "memcached://127.0.0.1:11211/"\n', id="a-cache-url"),
        pytest.param('CELERY_CACHE_BACKEND = "results"\n', id="an-alias-caches-lacks"),
        pytest.param('CELERY_CACHE_BACKEND = "django-cache"\nCACHES = ' + LOCMEM + "\n", id="caches-set"),
    ],
)
def test_fires_at_the_cache_setting(project, extra):
    assert cel303(project, extra) == [("proj/settings.py", LINE, "CEL303")]


@pytest.mark.parametrize(
    "backend",
    [
        "django_celery_results.backends:CacheBackend",
        "django_celery_results.backends.cache:CacheBackend",
        "django_celery_results.backends.cache.CacheBackend",
        "django-cache://",
    ],
)
def test_fires_for_every_spelling_of_the_backend(project, backend):
    settings = SETTINGS.replace('"django-cache"', repr(backend))
    assert cel303(project, 'CELERY_CACHE_BACKEND = "django-cache"\n', settings) == [("proj/settings.py", LINE, "CEL303")]


def test_fires_without_a_namespace(project):
    """CELERY_CACHE_BACKEND and CELERY_RESULT_BACKEND are old names too: read without a namespace."""
    celery_py = BASE["proj/celery.py"].replace(', namespace="CELERY"', "")
    assert cel303(project, 'CELERY_CACHE_BACKEND = "django-cache"\n', files={"proj/celery.py": celery_py}) == [
        ("proj/settings.py", LINE, "CEL303")
    ]


def test_fires_at_the_app_conf_write_that_wins(project):
    celery_py = BASE["proj/celery.py"].replace(
        "app.autodiscover_tasks()", 'app.conf.cache_backend = "django-cache"\napp.autodiscover_tasks()'
    )
    line = celery_py.splitlines().index('app.conf.cache_backend = "django-cache"') + 1
    assert cel303(project, "", files={"proj/celery.py": celery_py}) == [("proj/celery.py", line, "CEL303")]


def test_message_names_the_aliases_and_the_error(project):
    write_files(project, {"+proj/settings.py": 'CELERY_RESULT_BACKEND = "django-cache"\nCELERY_CACHE_BACKEND = "django-cache"\n'})
    (finding,) = lint_paths([project], select_rules(["CEL303"])).findings
    assert "CELERY_CACHE_BACKEND = 'django-cache' is not a CACHES alias ('default')" in finding.message
    assert "InvalidCacheBackendError" in finding.message


@pytest.mark.parametrize(
    ("extra", "settings"),
    [
        pytest.param("", SETTINGS, id="unset-uses-the-default-cache"),
        pytest.param('CELERY_CACHE_BACKEND = "default"\n', SETTINGS, id="default-alias"),
        pytest.param('CACHES = {"results": {"BACKEND": "x"}}\nCELERY_CACHE_BACKEND = "results"\n', SETTINGS, id="own-alias"),
        pytest.param("CELERY_CACHE_BACKEND = None\n", SETTINGS, id="none"),
        pytest.param('CELERY_CACHE_BACKEND = "django-cache"\n', BASE["proj/settings.py"], id="django-db-backend"),
        pytest.param(
            'CELERY_CACHE_BACKEND = "memcached://127.0.0.1:11211/"\n',
            SETTINGS.replace('"django-cache"', '"cache+memcached://127.0.0.1:11211/"'),
            id="celerys-own-cache-backend",
        ),
        pytest.param('CELERY_CACHE_BACKEND = "django-cache"\n', SETTINGS.replace('"django-cache"', '"redis://"'),
                     id="redis-backend"),
    ],
)
def test_silent(project, extra, settings):
    assert cel303(project, extra, settings) == []


def test_silent_when_app_conf_points_to_an_alias(project):
    celery_py = BASE["proj/celery.py"].replace(
        "app.autodiscover_tasks()", 'app.conf.cache_backend = "default"\napp.autodiscover_tasks()'
    )
    assert cel303(project, 'CELERY_CACHE_BACKEND = "django-cache"\n', files={"proj/celery.py": celery_py}) == []


@pytest.mark.parametrize(
    ("extra", "settings"),
    [
        pytest.param('import os\nCELERY_CACHE_BACKEND = os.environ["CACHE"]\n', SETTINGS, id="env-cache"),
        pytest.param('import os\nCACHES = {os.environ["ALIAS"]: {}}\nCELERY_CACHE_BACKEND = "x"\n', SETTINGS,
                     id="env-caches-key"),
        pytest.param('from .caches import CACHES\nCELERY_CACHE_BACKEND = "x"\n', SETTINGS, id="imported-caches"),
        pytest.param(
            'CELERY_CACHE_BACKEND = "django-cache"\n',
            SETTINGS.replace('CELERY_RESULT_BACKEND = "django-cache"', 'import os\nCELERY_RESULT_BACKEND = os.environ["B"]'),
            id="env-backend",
        ),
        pytest.param('globals().update(X=1)\nCELERY_CACHE_BACKEND = "django-cache"\n', SETTINGS, id="dynamic"),
    ],
)
def test_unknown_is_silent(project, extra, settings):
    assert cel303(project, extra, settings) == []


@pytest.mark.parametrize(
    "write",
    [
        'app.conf.update(CONFIG)',
        'app.conf.update(**CONFIG)',
        'app.conf.cache_backend = CACHE_ALIAS',
    ],
)
def test_unknown_app_conf_write_is_silent(project, write):
    celery_py = BASE["proj/celery.py"].replace("app.autodiscover_tasks()", f"{write}\napp.autodiscover_tasks()")
    assert cel303(project, 'CELERY_CACHE_BACKEND = "django-cache"\n', files={"proj/celery.py": celery_py}) == []
