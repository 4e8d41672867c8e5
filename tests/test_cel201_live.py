"""CEL201 live: `manage.py check` (a real subprocess) imports the task modules the way
the worker does and reports a tasks file loaded as two modules, with both task names.

The project is the `cel201_project_prefixed_import` acceptance layout: `proj/` is on
`sys.path`, the installed app is `proj.reports`, and its views import `reports.tasks`;
the URLconf routes to those views, so the web side loads the second copy.
"""

from __future__ import annotations

import pytest

from tests.helpers import PYTHON, run, write_files

SETTINGS = """\
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "proj"))

SECRET_KEY = "not-a-secret"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django_celery_results",
    "celery_lint",
    "demoapp",
    "proj.reports",
]
ROOT_URLCONF = "proj.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "django-db"
"""
URLS = """\
from django.urls import path

from demoapp import views
from proj.reports import views as report_views

urlpatterns = [
    path("add/", views.add_view),
    path("build/<int:report_id>/", report_views.build_view),
]
"""
VIEWS = """\
from django.http import HttpResponse
from {module} import build


def build_view(request, report_id):
    build.delay(report_id)
    return HttpResponse("queued")
"""
TASKS = "from celery import shared_task\n\n\n@shared_task\ndef build(report_id):\n    return report_id\n"


def check(project, module: str, extra: dict[str, str] | None = None) -> tuple[int, str]:
    files = {
        "proj/settings.py": SETTINGS,
        "proj/urls.py": URLS,
        "proj/reports/__init__.py": "",
        "proj/reports/tasks.py": TASKS,
        "proj/reports/views.py": VIEWS.format(module=module),
        **(extra or {}),
    }
    write_files(project, files)
    result = run([PYTHON, "manage.py", "check"], project)
    return result.returncode, result.stdout + result.stderr


def test_file_loaded_twice_is_reported_with_both_task_names(project):
    code, out = check(project, "reports.tasks")
    assert "Traceback" not in out
    assert out.count("celery_lint.E201") == 1, out
    assert "proj/reports/tasks.py is loaded as 2 modules (proj.reports.tasks, reports.tasks)" in out
    assert "proj.reports.tasks registers proj.reports.tasks.build" in out
    assert "reports.tasks registers reports.tasks.build" in out
    assert "the worker imports proj.reports.tasks (autodiscovery)" in out
    assert code == 1  # an error: manage.py check fails


@pytest.mark.parametrize("module", ["proj.reports.tasks", ".tasks"])
def test_one_dotted_path_is_clean(project, module):
    code, out = check(project, module)
    assert "celery_lint.E201" not in out and "Traceback" not in out, out
    assert code == 0, out


def test_silenced(project):
    code, out = check(project, "reports.tasks", {"+proj/settings.py": 'SILENCED_SYSTEM_CHECKS = ["celery_lint.E201"]\n'})
    assert "celery_lint.E201" not in out and code == 0, out
    assert "System check identified no issues (1 silenced)." in out  # returned for Django to count


@pytest.mark.parametrize(
    "table",
    ['ignore = ["CEL201"]', 'select = ["CEL1"]', 'per-file-ignores = { "proj/reports/tasks.py" = ["CEL201"] }'],
)
def test_the_table_turns_it_off(project, table):
    code, out = check(project, "reports.tasks", {"pyproject.toml": f"[tool.celery-lint]\n{table}\n"})
    assert "celery_lint" not in out and code == 0, out
    assert "System check identified no issues (0 silenced)." in out


def test_migrate_is_not_blocked(project):
    check(project, "reports.tasks")
    result = run([PYTHON, "manage.py", "migrate", "--no-input"], project)
    assert result.returncode == 0 and "celery_lint.E201" not in result.stdout + result.stderr, result.stderr
