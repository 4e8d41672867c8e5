"""CEL004: the project package does not import the Celery app at start-up."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

APP_BY_TASK = "from proj.celery import app\n\n\n@app.task\ndef add(x, y):\n    return x + y\n"


def cel004(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL004")


@pytest.mark.parametrize(
    "init",
    [
        pytest.param("", id="empty"),
        pytest.param('"""The proj package."""\n\nVERSION = "1.0"\n', id="other-content"),
        pytest.param("# from .celery import app as celery_app\n", id="commented-out"),
        pytest.param("from . import settings  # noqa: F401\n", id="imports-something-else"),
    ],
)
def test_fires_at_the_package_init(project, init):
    assert cel004(project, {"proj/__init__.py": init}) == [("proj/__init__.py", 1, "CEL004")]


def test_message_tells_the_fix(project):
    write_files(project, {"proj/__init__.py": ""})
    (finding,) = lint_paths([project], select_rules(["CEL004"])).findings
    assert "Celery's default app" in finding.message
    assert "amqp://guest@localhost" in finding.message
    assert finding.message.endswith("add 'from .celery import app as celery_app'")


def test_fires_for_an_app_module_in_a_config_package(project):
    files = {
        "-proj/celery.py": "",
        "-proj/__init__.py": "",
        "proj/__init__.py": "",
        "config/__init__.py": "",
        "config/celery_app.py": BASE["proj/celery.py"].replace('Celery("proj")', 'Celery("config")'),
    }
    assert cel004(project, files) == [("config/__init__.py", 1, "CEL004")]


@pytest.mark.parametrize(
    "init",
    [
        pytest.param("from .celery import app as celery_app\n", id="canonical"),
        pytest.param("from .celery import app\n\n__all__ = ['app']\n", id="as-app"),
        pytest.param("from proj.celery import app as celery_app  # noqa: F401\n", id="absolute"),
        pytest.param("from . import celery  # noqa: F401\n", id="module-import"),
        pytest.param("import proj.celery  # noqa: F401\n", id="import-statement"),
        pytest.param("from .celery import *  # noqa: F401,F403\n", id="star-import"),
        pytest.param("try:\n    from .celery import app as celery_app\nexcept ImportError:\n    pass\n", id="in-try"),
    ],
)
def test_silent_when_the_package_imports_the_app(project, init):
    assert cel004(project, {"proj/__init__.py": init}) == []


def test_silent_for_a_config_package_that_imports_the_app(project):
    """cookiecutter-django: config/celery_app.py, imported by config/__init__.py."""
    settings = BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent")
    files = {
        "-proj": "",
        "manage.py": BASE["manage.py"].replace('"proj.settings"', '"config.settings.base"'),
        "config/__init__.py": "from .celery_app import app as celery_app\n\n__all__ = ('celery_app',)\n",
        "config/urls.py": BASE["proj/urls.py"],
        "config/settings/__init__.py": "",
        "config/settings/base.py": settings.replace("proj.urls", "config.urls"),
        "config/celery_app.py": BASE["proj/celery.py"].replace('"proj.settings"', '"config.settings.base"'),
    }
    assert cel004(project, files) == []


def test_silent_for_an_app_in_a_sub_package(project):
    files = {
        "-proj/celery.py": "",
        "proj/__init__.py": "from .tasking.celery import app as celery_app\n",
        "proj/tasking/__init__.py": "",
        "proj/tasking/celery.py": BASE["proj/celery.py"],
    }
    assert cel004(project, files) == []


def test_silent_for_a_sub_package_that_imports_its_app(project):
    files = {
        "-proj/celery.py": "",
        "proj/__init__.py": "",
        "proj/tasking/__init__.py": "from .celery import app\n",
        "proj/tasking/celery.py": BASE["proj/celery.py"],
    }
    assert cel004(project, files) == []


def test_silent_when_an_app_config_ready_imports_it(project):
    files = {
        "proj/__init__.py": "",
        "demoapp/apps.py": (
            "from django.apps import AppConfig\n\n\nclass DemoConfig(AppConfig):\n    name = 'demoapp'\n\n"
            "    def ready(self):\n        from proj.celery import app  # noqa: F401\n"
        ),
    }
    assert cel004(project, files) == []


@pytest.mark.parametrize(
    ("path", "line"),
    [
        pytest.param("demoapp/models.py", "from proj.celery import app  # noqa: F401\n", id="models"),
        pytest.param("proj/wsgi.py", "from proj.celery import app  # noqa: F401\n", id="wsgi"),
        pytest.param("proj/asgi.py", "import proj.celery  # noqa: F401\n", id="asgi"),
        pytest.param("+manage.py", "import proj.celery  # noqa: F401,E402\n", id="manage"),
        pytest.param("+proj/settings.py", "from .celery import app as celery_app  # noqa: F401,E402\n", id="settings"),
    ],
)
def test_silent_when_another_start_up_module_imports_it(project, path, line):
    assert cel004(project, {"proj/__init__.py": "", path: line}) == []


def test_silent_when_every_shared_task_module_imports_the_app(project):
    files = {
        "proj/__init__.py": "",
        "demoapp/tasks.py": "from celery import shared_task\n\nimport proj.celery  # noqa: F401\n\n\n"
        "@shared_task\ndef add(x, y):\n    return x + y\n",
        "demoapp/more_tasks.py": "from celery import shared_task\n\nfrom proj.celery import app  # noqa: F401\n\n\n"
        "@shared_task\ndef mul(x, y):\n    return x * y\n",
    }
    assert cel004(project, files) == []


def test_fires_when_one_shared_task_module_does_not_import_it(project):
    files = {
        "proj/__init__.py": "",
        "demoapp/tasks.py": "from celery import shared_task\n\nimport proj.celery  # noqa: F401\n\n\n"
        "@shared_task\ndef add(x, y):\n    return x + y\n",
        "demoapp/more_tasks.py": "from celery import shared_task\n\n\n@shared_task\ndef mul(x, y):\n    return x * y\n",
    }
    assert cel004(project, files) == [("proj/__init__.py", 1, "CEL004")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"demoapp/tasks.py": APP_BY_TASK}, id="only-app-task"),
        pytest.param({"demoapp/tasks.py": "def add(x, y):\n    return x + y\n"}, id="no-tasks"),
        pytest.param(
            {"proj/celery.py": BASE["proj/celery.py"].replace('"django.conf:settings", namespace="CELERY"', '"proj.celeryconfig"')},
            id="not-configured-from-django",
        ),
        pytest.param(
            {"proj/celery.py": "import os\n\nfrom celery import Celery\n\n\ndef make_app():\n"
             "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n    app = Celery('proj')\n"
             "    app.config_from_object('django.conf:settings', namespace='CELERY')\n    return app\n"},
            id="app-factory",
        ),
        pytest.param({"-proj/celery.py": "", "demoapp/views.py": "def add_view(request):\n    return None\n"}, id="no-app"),
        pytest.param(
            {"-proj/celery.py": "", "celery_app.py": BASE["proj/celery.py"]},
            id="app-module-at-the-import-root",
        ),
    ],
)
def test_silent(project, files):
    assert cel004(project, {"proj/__init__.py": "", **files}) == []


@pytest.mark.parametrize(
    "init",
    [
        pytest.param("import importlib\n\ncelery_app = importlib.import_module('.celery', __name__).app\n",
                     id="import-module"),
        pytest.param("celery_app = __import__('proj.celery', fromlist=['app']).app\n", id="dunder-import"),
        pytest.param("from django.utils.module_loading import import_string\n\n"
                     "celery_app = import_string('proj.celery.app')\n", id="import-string"),
        pytest.param("def load():\n    from .celery import app\n    return app\n", id="import-in-a-function"),
    ],
)
def test_dynamic_or_deferred_import_is_unknown(project, init):
    assert cel004(project, {"proj/__init__.py": init}) == []
