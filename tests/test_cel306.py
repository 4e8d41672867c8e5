"""CEL306 (opt-in): the django-db result backend with result_extended off."""

from __future__ import annotations

import pytest

from celery_lint.examples import BASE, settings_module
from tests.helpers import BIN, lint, run, write_files

WITH_RESULTS = ["django.contrib.contenttypes", "django_celery_results", "celery_lint", "demoapp"]
DB = 'CELERY_RESULT_BACKEND = "django-db"\n'


def cel306(project, celery: str, apps: list[str] = WITH_RESULTS, extra: dict[str, str] | None = None):
    write_files(project, {"proj/settings.py": settings_module(apps, celery), **(extra or {})})
    return lint(project, "CEL306")


@pytest.mark.parametrize(
    ("celery", "line"),
    [(DB, 14), (DB + "CELERY_RESULT_EXTENDED = False\n", 15), ("CELERY_RESULT_BACKEND = 'django-db'\n", 14)],
)
def test_fires(project, celery, line):
    assert cel306(project, celery) == [("proj/settings.py", line, "CEL306")]


def test_fires_on_an_app_module_backend(project):
    extra = {"+proj/celery.py": 'app.conf.result_backend = "django-db"\n'}
    line = BASE["proj/celery.py"].count("\n") + 2  # the appended line
    assert cel306(project, "", extra=extra) == [("proj/celery.py", line, "CEL306")]


@pytest.mark.parametrize(
    "celery",
    [
        DB + "CELERY_RESULT_EXTENDED = True\n",
        'CELERY_RESULT_BACKEND = "django-cache"\n',
        'CELERY_RESULT_BACKEND = "redis://localhost"\n',
        "",
    ],
)
def test_silent(project, celery):
    assert cel306(project, celery) == []


def test_silent_without_the_results_app(project):
    assert cel306(project, DB, apps=["django.contrib.contenttypes", "celery_lint", "demoapp"]) == []


@pytest.mark.parametrize(
    "celery",
    [
        DB + 'import os\nCELERY_RESULT_EXTENDED = os.environ.get("EXTENDED") == "1"\n',
        'import os\nCELERY_RESULT_BACKEND = os.environ["BACKEND"]\n',
        DB + "if DEBUG:\n    CELERY_RESULT_EXTENDED = True\n",
    ],
)
def test_unknown_is_silent(project, celery):
    assert cel306(project, 'import os\nDEBUG = os.environ.get("DEBUG") == "1"\n' + celery) == []


def test_off_by_default(project):
    write_files(project, {"proj/settings.py": settings_module(WITH_RESULTS, DB)})
    assert run([str(BIN / "celery-lint"), "."], project).returncode == 0
    selected = run([str(BIN / "celery-lint"), "--extend-select", "CEL306", "."], project)
    assert selected.returncode == 1 and "CEL306" in selected.stdout
