"""CEL301: result backend 'django-db' / 'django-cache' without django_celery_results installed."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

WITHOUT_RESULTS = BASE["proj/settings.py"].replace('    "django_celery_results",\n', "")
BACKEND_LINE = WITHOUT_RESULTS.splitlines().index('CELERY_RESULT_BACKEND = "django-db"') + 1
CELERY_PY = (
    'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    'app = Celery("proj")\n'
)


def cel301(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL301")


def test_fires_at_the_setting(project):
    assert cel301(project, {"proj/settings.py": WITHOUT_RESULTS}) == [("proj/settings.py", BACKEND_LINE, "CEL301")]


def test_message(project):
    write_files(project, {"proj/settings.py": WITHOUT_RESULTS})
    (finding,) = lint_paths([project], select_rules(["CEL301"])).findings
    assert finding.message.startswith("result backend 'django-db' needs 'django_celery_results' in INSTALLED_APPS")
    assert "RuntimeError" in finding.message


@pytest.mark.parametrize(
    ("change", "line_offset"),
    [
        pytest.param({'"django-db"': '"django-cache"'}, 0, id="django-cache"),
        pytest.param({'CELERY_RESULT_BACKEND = "django-db"': 'CELERY_RESULT_BACKEND = "django-" + "db"'}, 0,
                     id="computed"),
        pytest.param(
            {'CELERY_RESULT_BACKEND = "django-db"': 'CELERY_RESULT_BACKEND = "django-db" if DEBUG else "django-cache"'},
            0,
            id="one-of-both",
        ),
        pytest.param(
            {'CELERY_RESULT_BACKEND = "django-db"': 'if DEBUG:\n    CELERY_RESULT_BACKEND = "django-db"\n'
             'else:\n    CELERY_RESULT_BACKEND = "django-cache"'},
            1,
            id="if-else",
        ),
        pytest.param({'"django.contrib.auth",\n': '"django.contrib.auth",\n    "django_celery_beat",\n'}, 1,
                     id="beat-installed-not-results"),
    ],
)
def test_fires_for_every_spelling(project, change, line_offset):
    settings = WITHOUT_RESULTS
    for old, new in change.items():
        settings = settings.replace(old, new)
    assert cel301(project, {"proj/settings.py": settings}) == [("proj/settings.py", BACKEND_LINE + line_offset, "CEL301")]


def test_fires_in_star_imported_settings(project):
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "from .base import *  # noqa: F403\n\nDEBUG = False\n",
        "proj/settings/base.py": WITHOUT_RESULTS.replace("parent.parent", "parent.parent.parent"),
    }
    assert cel301(project, files) == [("proj/settings/base.py", BACKEND_LINE, "CEL301")]


def test_fires_without_a_namespace(project):
    """CELERY_RESULT_BACKEND is also the old name, which Celery reads without a namespace."""
    files = {"proj/settings.py": WITHOUT_RESULTS, "proj/celery.py": CELERY_PY + 'app.config_from_object("django.conf:settings")\n'}
    assert cel301(project, files) == [("proj/settings.py", BACKEND_LINE, "CEL301")]


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param(BASE["proj/settings.py"], id="installed"),
        pytest.param(
            WITHOUT_RESULTS.replace('"celery_lint",', '"celery_lint",\n    "django_celery_results.apps.CeleryResultConfig",'),
            id="installed-by-app-config",
        ),
        pytest.param(WITHOUT_RESULTS + "INSTALLED_APPS += ['django_celery_results']\n", id="installed-later"),
        pytest.param(WITHOUT_RESULTS.replace('"django-db"', '"redis://localhost/1"'), id="other-backend"),
        pytest.param(WITHOUT_RESULTS.replace('"django-db"', '"db+sqlite:///results.sqlite"'), id="sqlalchemy"),
        pytest.param(WITHOUT_RESULTS.replace('CELERY_RESULT_BACKEND = "django-db"\n', ""), id="no-backend"),
        pytest.param(WITHOUT_RESULTS + "CELERY_RESULT_BACKEND = None\n", id="overridden"),
        pytest.param(WITHOUT_RESULTS.replace("CELERY_RESULT_BACKEND", "MY_RESULT_BACKEND"), id="not-the-setting"),
    ],
)
def test_silent(project, settings):
    assert cel301(project, {"proj/settings.py": settings}) == []


@pytest.mark.parametrize(
    "appended",
    [
        pytest.param('import os\n\nINSTALLED_APPS = os.environ["APPS"].split(",")\n', id="apps-from-env"),
        pytest.param("INSTALLED_APPS += EXTRA_APPS\n", id="apps-extended-by-unknown"),
        pytest.param("INSTALLED_APPS.append(APP)\n", id="apps-appended-unknown"),
        pytest.param('import os\n\nCELERY_RESULT_BACKEND = os.environ.get("RESULTS", "django-db")\n', id="backend-from-env"),
        pytest.param("globals().update(EXTRA)\n", id="dynamic-settings"),
        pytest.param("from proj.extra_settings import *  # noqa: F403\n", id="star-import-of-a-missing-module"),
        pytest.param("try:\n    from .local import *  # noqa: F403\nexcept ImportError:\n    pass\n", id="optional-local"),
    ],
)
def test_unknown_is_silent(project, appended):
    assert cel301(project, {"proj/settings.py": WITHOUT_RESULTS + appended}) == []


@pytest.mark.parametrize(
    "config",
    [
        pytest.param('app.config_from_object("django.conf:settings", namespace="celery")\n', id="lowercase-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="RESULTS")\n', id="other-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace=NS)\n', id="unknown-namespace"),
    ],
)
def test_silent_under_other_namespaces(project, config):
    """CEL003 reports a lowercase namespace first; CELERY_RESULT_BACKEND, an old name too, is
    still read under any namespace, but the rule stays with the two it is sure about."""
    files = {"proj/settings.py": WITHOUT_RESULTS, "proj/celery.py": CELERY_PY + config}
    assert cel301(project, files) == []
