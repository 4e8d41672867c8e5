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


# -- the start-up reach (celery_lint.project.reach) ------------------------------------------

IMPORTS_APP = "from proj.celery import app  # noqa: F401\n"
ADMIN = '\nINSTALLED_APPS += ["django.contrib.admin"]\n'


def app_config(cls: str, name: str, ready: str, other: str = "") -> str:
    return (f"from django.apps import AppConfig\n\n\nclass {cls}(AppConfig):\n    name = {name!r}\n\n"
            f"    def ready(self):\n        {ready}\n{other}")


def installed(*entries: str) -> str:
    return f"\nINSTALLED_APPS += {list(entries)!r}\n"


# Projects whose app module is loaded by django.setup() through imports a start-up module
# makes, each with proj/__init__.py empty (tests/proof/test_proof_cel004.py shows the
# app is the current one after django.setup() in each).
LOADED = {
    "ready-relative": {
        "proj/apps.py": app_config("ProjConfig", "proj", "from . import celery  # noqa: F401"),
        "+proj/settings.py": installed("proj.apps.ProjConfig"),
    },
    "ready-transitive": {
        "demoapp/apps.py": app_config("DemoConfig", "demoapp", "from . import signals  # noqa: F401"),
        "demoapp/signals.py": IMPORTS_APP,
    },
    "models-package": {
        "demoapp/models/__init__.py": "from . import base  # noqa: F401\n",
        "demoapp/models/base.py": IMPORTS_APP,
    },
    "models-package-in-try": {
        "demoapp/models/__init__.py": "from .base import *  # noqa: F401,F403\n",
        "demoapp/models/base.py": "try:\n    from proj.celery import app\nexcept ImportError:\n    app = None\n",
    },
    "admin": {"demoapp/admin.py": IMPORTS_APP, "+proj/settings.py": ADMIN},
    "admin-config-class": {
        "demoapp/admin.py": IMPORTS_APP, "+proj/settings.py": installed("django.contrib.admin.apps.AdminConfig"),
    },
    "admin-config-subclass": {
        "proj/apps.py": "from django.contrib.admin.apps import AdminConfig\n\n\nclass ProjAdminConfig(AdminConfig):\n"
                        "    default_site = 'django.contrib.admin.sites.AdminSite'\n",
        "demoapp/admin.py": IMPORTS_APP,
        "+proj/settings.py": installed("proj.apps.ProjAdminConfig"),
    },
    "app-package-init": {
        "billing/__init__.py": "from proj import celery  # noqa: F401\n", "+proj/settings.py": installed("billing"),
    },
    "package-chain": {
        "apps/__init__.py": "import proj.celery  # noqa: F401\n", "apps/billing/__init__.py": "",
        "+proj/settings.py": installed("apps.billing"),
    },
    "wsgi-transitive": {
        "proj/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\n"
                        "from proj import startup  # noqa: F401\n\napplication = get_wsgi_application()\n",
        "proj/startup.py": IMPORTS_APP,
    },
}

# The same kinds of import where Django does not run them at start-up.
NOT_LOADED = {
    "admin-not-installed": {"demoapp/admin.py": IMPORTS_APP},
    "simple-admin-config": {
        "demoapp/admin.py": IMPORTS_APP,
        "+proj/settings.py": installed("django.contrib.admin.apps.SimpleAdminConfig"),
    },
    "import-in-another-method": {
        "demoapp/apps.py": app_config("DemoConfig", "demoapp", "pass",
                                      "\n    def connect(self):\n        from . import signals  # noqa: F401\n"),
        "demoapp/signals.py": IMPORTS_APP,
    },
    "import-in-a-function-of-models": {
        "demoapp/models/__init__.py": "def load():\n    from . import base  # noqa: F401\n",
        "demoapp/models/base.py": IMPORTS_APP,
    },
    "app-not-installed": {
        "otherapp/__init__.py": "", "otherapp/models/__init__.py": "from . import base  # noqa: F401\n",
        "otherapp/models/base.py": IMPORTS_APP,
    },
}

# Start-up reaches the analysis cannot follow: silent.
UNKNOWN_REACH = {
    "dynamic-import": {
        "demoapp/models/__init__.py": "import importlib\n\nNAME = __name__ + '.base'\nimportlib.import_module(NAME)\n",
        "demoapp/models/base.py": IMPORTS_APP,
    },
    "installed-apps-from-the-environment": {
        "demoapp/admin.py": IMPORTS_APP,
        "+proj/settings.py": "\nimport os  # noqa: E402\n\nINSTALLED_APPS += os.environ['EXTRA_APPS'].split(',')\n",
    },
    "deferred-app-import": {
        "demoapp/models/__init__.py": "from . import base  # noqa: F401\n",
        "demoapp/models/base.py": "def get_app():\n    from proj.celery import app\n    return app\n",
    },
}


@pytest.mark.parametrize("name", LOADED)
def test_silent_when_django_setup_reaches_the_app(project, name):
    assert cel004(project, {"proj/__init__.py": "", **LOADED[name]}) == []


@pytest.mark.parametrize("name", NOT_LOADED)
def test_fires_when_the_import_is_not_run_at_start_up(project, name):
    assert cel004(project, {"proj/__init__.py": "", **NOT_LOADED[name]}) == [("proj/__init__.py", 1, "CEL004")]


@pytest.mark.parametrize("name", UNKNOWN_REACH)
def test_silent_when_the_start_up_reach_is_unknown(project, name):
    assert cel004(project, {"proj/__init__.py": "", **UNKNOWN_REACH[name]}) == []


def test_silent_when_a_module_of_the_reach_cannot_be_parsed(project):
    files = {"proj/__init__.py": "", "demoapp/models/__init__.py": "from . import base  # noqa: F401\n",
             "demoapp/models/base.py": "def broken(:\n"}
    write_files(project, files)
    report = lint_paths([project], select_rules(["CEL004"]))
    assert report.findings == [] and report.errors
