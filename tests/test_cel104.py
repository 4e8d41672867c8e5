"""CEL104: an unknown CELERY_* setting close to a real one (a typo)."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

FIRST = BASE["proj/settings.py"].count("\n") + 2
CELERY_PY = (
    'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    'app = Celery("proj")\n'
)


def cel104(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL104")


@pytest.mark.parametrize(
    ("appended", "nearest"),
    [
        pytest.param("CELERY_BROKER = 'redis://'\n", "CELERY_BROKER_URL", id="missing-url"),
        pytest.param("CELERY_RESULTS_BACKEND = 'django-db'\n", "CELERY_RESULT_BACKEND", id="plural"),
        pytest.param("CELERY_TASK_ALWAYS_EGAR = True\n", "CELERY_TASK_ALWAYS_EAGER", id="transposition"),
        pytest.param("CELERY_WORKER_CONCURENCY = 4\n", "CELERY_WORKER_CONCURRENCY", id="missing-letter"),
        pytest.param("CELERY_TASK_TIME_LIMT: int = 300\n", "CELERY_TASK_TIME_LIMIT", id="annotated"),
    ],
)
def test_fires_and_suggests_the_nearest_setting(project, appended, nearest):
    write_files(project, {"+proj/settings.py": appended})
    (finding,) = lint_paths([project], select_rules(["CEL104"])).findings
    assert (finding.path.name, finding.line, finding.code) == ("settings.py", FIRST, "CEL104")
    assert finding.message.endswith(f"did you mean {nearest}?")


def test_fires_under_if_and_in_star_imported_modules(project):
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": "from .base import *  # noqa: F403\n\nif DEBUG:\n    CELERY_TASK_ALWAYS_EGAR = True\n",
        "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent")
        + "CELERY_RESULTS_BACKEND = 'django-db'\n",
    }
    base_line = files["proj/settings/base.py"].count("\n")
    assert cel104(project, files) == [
        ("proj/settings/__init__.py", 4, "CEL104"),
        ("proj/settings/base.py", base_line, "CEL104"),
    ]


@pytest.mark.parametrize(
    "appended",
    [
        pytest.param("CELERY_REPORTS_QUEUE = 'reports'\nCELERY_EXPORT_PATH = '/tmp'\n", id="close-to-nothing"),
        pytest.param("CELERY_TASK_ALWAYS_EAGER = True\nCELERY_RESULT_EXPIRES = 1\n", id="real-names"),
        pytest.param("CELERY_ALWAYS_EAGER = True\nCELERYD_CONCURRENCY = 1\n", id="old-names-are-cel102"),
        pytest.param("BROKER = 'redis://'\nRESULTS_BACKEND = 'x'\n", id="not-celery-prefixed"),
        pytest.param("CELERY_BROKER = 'redis://'\nCELERY_BROKER_URL = CELERY_BROKER\n", id="helper-read-in-settings"),
        pytest.param("CELERY_BROKER_URL = env('BROKER_URL')\nCELERY_TASK_TIME_LIMIT = env.int('LIMIT')\n",
                     id="env-driven-values"),
    ],
)
def test_silent(project, appended):
    assert cel104(project, {"+proj/settings.py": appended}) == []


@pytest.mark.parametrize(
    "reader",
    [
        pytest.param("from django.conf import settings\n\nX = settings.CELERY_RESULTS_BACKEND\n", id="attribute"),
        pytest.param("from django.conf import settings\n\nX = getattr(settings, 'CELERY_RESULTS_BACKEND', None)\n",
                     id="getattr"),
        pytest.param("from django.conf import settings as s\n\nX = s.CELERY_RESULTS_BACKEND\n", id="aliased-settings"),
    ],
)
def test_silent_on_a_name_the_project_reads(project, reader):
    files = {"+proj/settings.py": "CELERY_RESULTS_BACKEND = 'django-db'\n", "demoapp/results.py": reader}
    assert cel104(project, files) == []


def test_reader_in_an_unrelated_project_does_not_silence(project):
    files = {"+proj/settings.py": "CELERY_RESULTS_BACKEND = 'x'\n"}
    write_files(project, files)
    other = project.parent / "other"
    write_files(other, {"demoapp/results.py": "from django.conf import settings\n\nX = settings.CELERY_RESULTS_BACKEND\n"})
    assert lint(project, "CEL104") == [("proj/settings.py", FIRST, "CEL104")]


@pytest.mark.parametrize(
    "config",
    [
        pytest.param('app.config_from_object("django.conf:settings")\n', id="no-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace="celery")\n', id="lowercase-namespace"),
        pytest.param('app.config_from_object("django.conf:settings", namespace=NAMESPACE)\n', id="unknown-namespace"),
    ],
)
def test_silent_unless_the_namespace_is_celery(project, config):
    files = {"proj/celery.py": CELERY_PY + config, "+proj/settings.py": "CELERY_RESULTS_BACKEND = 'x'\n"}
    assert cel104(project, files) == []
