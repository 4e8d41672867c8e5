"""CEL201: a tasks module imported under a dotted path other than autodiscovery's."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from tests.helpers import lint, write_files

TASKS = "from celery import shared_task\n\n\n@shared_task\ndef build(report_id):\n    return report_id\n"
# proj/ on sys.path (as some settings do) and an app installed as "proj.reports"
NESTED_APP = {
    "+proj/settings.py": 'import sys\n\nsys.path.insert(0, str(BASE_DIR / "proj"))\nINSTALLED_APPS += ["proj.reports"]\n',
    "proj/reports/__init__.py": "",
    "proj/reports/tasks.py": TASKS,
}


def cel201(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL201")


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        pytest.param("proj/reports/views.py", "from reports.tasks import build\n", 1, id="short-name"),
        pytest.param("proj/reports/views.py", "import reports.tasks\n", 1, id="import-statement"),
        pytest.param("demoapp/views.py", "import os\n\nfrom reports import tasks\n", 3, id="module-from-package"),
        pytest.param("proj/urls.py", "def f():\n    from reports.tasks import build\n    return build\n", 2,
                     id="function-local"),
    ],
)
def test_fires_at_the_import(project, path, text, line):
    assert cel201(project, {**NESTED_APP, path: text}) == [(path, line, "CEL201")]


def test_message_names_both_module_names(project):
    write_files(project, {**NESTED_APP, "proj/reports/views.py": "from reports.tasks import build\n"})
    (finding,) = lint_paths([project], select_rules(["CEL201"])).findings
    assert finding.message.startswith("reports.tasks is the module autodiscovery imports as proj.reports.tasks")
    assert finding.message.endswith("import it as proj.reports.tasks")


def test_fires_for_a_project_prefixed_import_of_a_top_level_app(project):
    """demoapp is installed as "demoapp"; the repository root is an import root too."""
    files = {"demoapp/views.py": "from project.demoapp.tasks import add\n"}
    write_files(project.parent, {".git/HEAD": "ref: refs/heads/main\n"}, base=False)
    assert cel201(project, files) == [("demoapp/views.py", 1, "CEL201")]


def test_fires_once_per_import_statement(project):
    text = "from reports.tasks import build, build as again\nfrom reports.tasks import build as third\n"
    assert cel201(project, {**NESTED_APP, "proj/reports/views.py": text}) == [
        ("proj/reports/views.py", 1, "CEL201"),
        ("proj/reports/views.py", 2, "CEL201"),
    ]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("proj/reports/views.py", "from proj.reports.tasks import build\n", id="installed-name"),
        pytest.param("proj/reports/views.py", "from .tasks import build\n", id="relative"),
        pytest.param("proj/reports/views.py", "from . import tasks\n", id="relative-module"),
        pytest.param("demoapp/views.py", "from demoapp.tasks import add\n", id="top-level-app"),
        pytest.param("demoapp/views.py", "from celery.app import tasks\n", id="third-party-tasks"),
        pytest.param("demoapp/views.py", "from django_celery_results import tasks\n", id="third-party-package"),
        pytest.param("demoapp/views.py", "from reports.models import Report\n", id="other-module-of-the-app"),
        pytest.param("demoapp/views.py", "from notinstalled.tasks import run\n", id="app-not-installed"),
    ],
)
def test_silent(project, path, text):
    files = {**NESTED_APP, path: text, "notinstalled/__init__.py": "", "notinstalled/tasks.py": TASKS}
    files["proj/reports/models.py"] = ""
    assert cel201(project, files) == []


@pytest.mark.parametrize(
    "appended",
    [
        pytest.param('import os\n\nINSTALLED_APPS = os.environ["APPS"].split(",")\n', id="apps-from-env"),
        pytest.param("INSTALLED_APPS += EXTRA_APPS\n", id="apps-extended-by-unknown"),
        pytest.param("INSTALLED_APPS.append(APP)\n", id="apps-appended-unknown"),
    ],
)
def test_unknown_installed_apps_are_silent(project, appended):
    files = {**NESTED_APP, "proj/reports/views.py": "from reports.tasks import build\n"}
    files["+proj/settings.py"] = NESTED_APP["+proj/settings.py"] + appended
    assert cel201(project, files) == []


def test_app_listed_by_its_app_config(project):
    files = {
        **NESTED_APP,
        "+proj/settings.py": 'import sys\n\nsys.path.insert(0, str(BASE_DIR / "proj"))\n'
        'INSTALLED_APPS += ["proj.reports.apps.ReportsConfig"]\n',
        "proj/reports/apps.py": "from django.apps import AppConfig\n\n\nclass ReportsConfig(AppConfig):\n"
        "    name = 'proj.reports'\n",
        "proj/reports/views.py": "from reports.tasks import build\n",
    }
    assert cel201(project, files) == [("proj/reports/views.py", 1, "CEL201")]


def test_relative_imports_follow_the_installed_name(project):
    """apps/ on sys.path and the app installed as "billing": relative imports inside it
    resolve against "billing", whatever its path from the project root says."""
    files = {
        "+proj/settings.py": 'import sys\n\nsys.path.insert(0, str(BASE_DIR / "apps"))\nINSTALLED_APPS += ["billing"]\n',
        "apps/billing/__init__.py": "",
        "apps/billing/tasks.py": TASKS,
        "apps/billing/views.py": "from .tasks import build\nfrom . import tasks\n",
        "apps/billing/reports/__init__.py": "",
        "apps/billing/reports/views.py": "from ..tasks import build\n",
        "demoapp/billing_views.py": "from apps.billing.tasks import build\n",
    }
    assert cel201(project, files) == [("demoapp/billing_views.py", 1, "CEL201")]
