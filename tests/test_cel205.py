"""CEL205: a task defined in a module the worker never imports."""

from __future__ import annotations

import pytest

from celery_lint.discovery import worker_reach
from celery_lint.project import Project
from tests.helpers import lint, write_files

JOBS = "from celery import shared_task\n\n\n@shared_task\ndef nightly_cleanup():\n    return 0\n"
TASKS = "from celery import shared_task\n\n\n@shared_task\ndef add(x, y):\n    return x + y\n"
CELERY_HEAD = (
    "import os\n\nfrom celery import Celery\n\n"
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\n'
)
CONFIG = 'app.config_from_object("django.conf:settings", namespace="CELERY")\n'
DISCOVER = "app.autodiscover_tasks()\n"


def cel205(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return [f for f in lint(project, "CEL205") if f[2] == "CEL205"]


def messages(project) -> list[str]:
    from celery_lint.engine import lint_paths, select_rules

    Project._cache.clear()
    return [f.message for f in lint_paths([project], select_rules(["CEL205"])).findings]


# -- fires ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"demoapp/jobs.py": JOBS}, [("demoapp/jobs.py", 5, "CEL205")], id="never-imported"),
        pytest.param(
            {"demoapp/jobs.py": JOBS + "\n\n@shared_task\ndef other():\n    return 1\n"},
            [("demoapp/jobs.py", 5, "CEL205"), ("demoapp/jobs.py", 10, "CEL205")],
            id="one-finding-per-task",
        ),
        pytest.param(
            {"-demoapp/tasks.py": "", "demoapp/tasks/__init__.py": "",
             "demoapp/tasks/email.py": JOBS, "demoapp/views.py": "def add_view(request):\n    return None\n"},
            [("demoapp/tasks/email.py", 5, "CEL205")],
            id="tasks-package-submodule-not-imported",
        ),
        pytest.param(
            {"otherapp/__init__.py": "", "otherapp/tasks.py": JOBS},
            [("otherapp/tasks.py", 5, "CEL205")],
            id="app-not-installed",
        ),
        pytest.param({"proj/tasks.py": JOBS}, [("proj/tasks.py", 5, "CEL205")], id="project-package-not-installed"),
        pytest.param(
            {
                "demoapp/jobs.py": JOBS,
                "demoapp/management/__init__.py": "",
                "demoapp/management/commands/__init__.py": "",
                "demoapp/management/commands/cleanup.py": "from demoapp.jobs import nightly_cleanup\n",
            },
            [("demoapp/jobs.py", 5, "CEL205")],
            id="imported-only-by-a-management-command",
        ),
        pytest.param(
            {"demoapp/jobs.py": JOBS, "+proj/settings.py": 'CELERY_IMPORTS = ["demoapp.job"]\n'},
            [("demoapp/jobs.py", 5, "CEL205")],
            id="imports-names-another-module",
        ),
        pytest.param(
            {"demoapp/jobs.py": JOBS.replace("shared_task", "app.task").replace(
                "from celery import app.task", "from proj.celery import app")},
            [("demoapp/jobs.py", 5, "CEL205")],
            id="app-task-decorator",
        ),
        pytest.param(
            {"demoapp/jobs.py": JOBS,
             "proj/celery.py": CELERY_HEAD + 'app = Celery("proj")\n' + CONFIG + 'app.autodiscover_tasks(related_name="work")\n'},
            [("demoapp/jobs.py", 5, "CEL205"), ("demoapp/tasks.py", 5, "CEL205"), ("demoapp/tasks.py", 10, "CEL205"),
             ("demoapp/tasks.py", 15, "CEL205")],
            id="other-related-name",
        ),
    ],
)
def test_fires(project, files, expected):
    assert cel205(project, files) == expected


def test_never_imported_message(project):
    write_files(project, {"demoapp/jobs.py": JOBS})
    [message] = messages(project)
    assert "never imports" in message and "'demoapp.jobs' to CELERY_IMPORTS" in message


def test_reached_only_through_the_urlconf(project):
    """The system checks import proj.urls at worker start: registered by accident only."""
    views = "from demoapp.jobs import nightly_cleanup\n\n\ndef add_view(request):\n    nightly_cleanup.delay()\n"
    assert cel205(project, {"demoapp/jobs.py": JOBS, "demoapp/views.py": views}) == [("demoapp/jobs.py", 5, "CEL205")]
    [message] = messages(project)
    assert "proj.urls -> demoapp.views -> demoapp.jobs" in message and "--skip-checks" in message


def test_reached_only_through_templatetags(project):
    files = {
        "demoapp/jobs.py": JOBS,
        "demoapp/templatetags/__init__.py": "",
        "demoapp/templatetags/jobs_tags.py": "from demoapp.jobs import nightly_cleanup\n",
    }
    assert cel205(project, files) == [("demoapp/jobs.py", 5, "CEL205")]
    assert "system checks" in messages(project)[0]


# -- stays silent -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"demoapp/jobs.py": None}, id="canonical"),
        pytest.param({"+proj/settings.py": 'CELERY_IMPORTS = ["demoapp.jobs"]\n'}, id="celery-imports-list"),
        pytest.param({"+proj/settings.py": 'CELERY_IMPORTS = ("demoapp.jobs",)\n'}, id="celery-imports-tuple"),
        pytest.param({"+proj/settings.py": 'CELERY_IMPORTS = "demoapp.jobs"\n'}, id="celery-imports-string"),
        pytest.param({"+proj/settings.py": 'CELERY_INCLUDE = ["demoapp.jobs"]\n'}, id="celery-include"),
        pytest.param(
            {"+proj/settings.py": 'JOBS = ["demoapp.jobs"]\nCELERY_IMPORTS = []\nCELERY_IMPORTS += JOBS\n'},
            id="celery-imports-built",
        ),
        pytest.param(
            {"proj/celery.py": CELERY_HEAD + 'app = Celery("proj", include=["demoapp.jobs"])\n' + CONFIG + DISCOVER},
            id="celery-include-argument",
        ),
        pytest.param(
            {"proj/celery.py": CELERY_HEAD + 'JOBS = ["demoapp.jobs"]\napp = Celery("proj", include=JOBS)\n' + CONFIG + DISCOVER},
            id="celery-include-constant",
        ),
        pytest.param(
            {"proj/celery.py": CELERY_HEAD + 'app = Celery("proj", imports=("demoapp.jobs",))\n' + CONFIG + DISCOVER},
            id="celery-imports-argument",
        ),
        pytest.param({"+proj/celery.py": 'app.conf.imports = ["demoapp.jobs"]\n'}, id="conf-imports"),
        pytest.param({"+proj/celery.py": 'app.conf.update(imports=["demoapp.jobs"])\n'}, id="conf-update-imports"),
        pytest.param({"+proj/celery.py": 'app.conf.update(include=["demoapp.jobs"])\n'}, id="conf-update-include"),
        pytest.param({"+proj/celery.py": 'app.conf.update({"imports": ["demoapp.jobs"]})\n'}, id="conf-update-dict"),
        pytest.param({"+proj/celery.py": 'app.conf["include"] = ["demoapp.jobs"]\n'}, id="conf-subscript"),
        pytest.param({"+demoapp/tasks.py": "from demoapp.jobs import nightly_cleanup  # noqa: F401\n"}, id="from-tasks"),
        pytest.param({"+demoapp/tasks.py": "from .jobs import nightly_cleanup  # noqa: F401\n"}, id="relative"),
        pytest.param({"+demoapp/tasks.py": "from . import jobs  # noqa: F401\n"}, id="from-package-import-module"),
        pytest.param({"+demoapp/tasks.py": "from demoapp import jobs  # noqa: F401\n"}, id="from-absolute-package"),
        pytest.param({"+demoapp/tasks.py": "import demoapp.jobs  # noqa: F401\n"}, id="import-dotted"),
        pytest.param({"+demoapp/tasks.py": "from demoapp.jobs import *  # noqa: F401,F403\n"}, id="star"),
        pytest.param(
            {"+demoapp/tasks.py": "def load():\n    from demoapp import jobs  # noqa: F401\n"},
            id="function-level-import",
        ),
        pytest.param(
            {"+demoapp/tasks.py": "import demoapp.helpers  # noqa: F401\n", "demoapp/helpers.py": "from . import jobs\n"},
            id="transitive",
        ),
        pytest.param({"demoapp/models.py": "from demoapp.jobs import nightly_cleanup\n"}, id="from-models"),
        pytest.param({"demoapp/admin.py": "from demoapp import jobs\n"}, id="from-admin"),
        pytest.param(
            {
                "demoapp/apps.py": "from django.apps import AppConfig\n\n\nclass DemoappConfig(AppConfig):\n"
                "    name = 'demoapp'\n\n    def ready(self):\n        from . import signals  # noqa: F401\n",
                "demoapp/signals.py": "from demoapp.jobs import nightly_cleanup\n",
            },
            id="from-appconfig-ready",
        ),
        pytest.param({"demoapp/__init__.py": "from . import jobs  # noqa: F401\n"}, id="from-app-package"),
        pytest.param({"proj/__init__.py": "from .celery import app as celery_app\nfrom demoapp import jobs\n"},
                     id="from-project-package"),
        pytest.param({"demoapp/jobs.py": None, "demoapp/__init__.py": JOBS}, id="task-in-app-package-init"),
        pytest.param({"+proj/celery.py": "import demoapp.jobs  # noqa: F401,E402\n"}, id="from-app-module"),
        pytest.param(
            {"+proj/celery.py": 'app.autodiscover_tasks(["demoapp"], related_name="jobs")\n'},
            id="autodiscover-related-name",
        ),
        pytest.param(
            {"+proj/celery.py": 'app.autodiscover_tasks(packages=["demoapp.jobs"], related_name=None)\n'},
            id="autodiscover-package-itself",
        ),
        pytest.param(
            {
                "demoapp/apps.py": "from django.apps import AppConfig\n\n\nclass Cfg(AppConfig):\n    name = 'demoapp'\n",
                "+proj/settings.py": 'INSTALLED_APPS = INSTALLED_APPS[:-1] + ["demoapp.apps.Cfg"]\n'
                                     'CELERY_IMPORTS = ["demoapp.jobs"]\n',
            },
            id="appconfig-entry",
        ),
        pytest.param({"demoapp/jobs.py": None}, id="task-in-app-module"),
        pytest.param({"demoapp/jobs.py": None, "demoapp/tests.py": JOBS}, id="tests-module"),
        pytest.param(
            {"demoapp/jobs.py": None, "demoapp/tests/__init__.py": "", "demoapp/tests/test_jobs.py": JOBS},
            id="tests-package",
        ),
        pytest.param({"demoapp/jobs.py": None, "conftest.py": JOBS}, id="conftest"),
        pytest.param({"Procfile": "worker: celery -A proj worker -l info -I demoapp.jobs\n"}, id="cli-include"),
        pytest.param(
            {"proj/worker.py": "from proj.celery import app\nfrom demoapp import jobs\n",
             "Procfile": "worker: celery -A proj.worker:app worker\n"},
            id="cli-app-module",
        ),
        pytest.param(
            {"docker-compose.yml": "services:\n  worker:\n    command: celery -A proj worker --include=demoapp.jobs,x\n"},
            id="compose-include",
        ),
        pytest.param(
            {"+proj/settings.py": 'LOGGING = {"version": 1, "handlers": {"h": {"class": "demoapp.jobs.Handler"}}}\n'},
            id="settings-dotted-string",
        ),
        pytest.param(
            {"+demoapp/tasks.py": 'import importlib\n\nimportlib.import_module("demoapp.jobs")\n'},
            id="import-module-constant",
        ),
    ],
)
def test_silent(project, files):
    files = {k: v for k, v in {"demoapp/jobs.py": JOBS, **files}.items() if v is not None}
    assert cel205(project, files) == []


# -- unknown: silent ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": 'import os\nINSTALLED_APPS = os.environ["APPS"].split(",")\n'},
                     id="installed-apps-from-env"),
        pytest.param({"+proj/settings.py": 'import os\nINSTALLED_APPS += [os.environ["EXTRA_APP"]]\n'},
                     id="installed-app-entry-from-env"),
        pytest.param({"+proj/settings.py": 'import os\nCELERY_IMPORTS = os.environ.get("IMPORTS", "").split(",")\n'},
                     id="celery-imports-from-env"),
        pytest.param({"+proj/settings.py": "from .local import *  # noqa: F401,F403\n"}, id="unseen-star-import"),
        pytest.param({"+demoapp/tasks.py": "import importlib\n\nfor name in NAMES:\n    importlib.import_module(name)\n"},
                     id="dynamic-import"),
        pytest.param({"+demoapp/tasks.py": "__import__(NAME)\n"}, id="dunder-import"),
        pytest.param({"+demoapp/tasks.py": "from django.utils.module_loading import import_string\n\n"
                                          "handler = import_string(PATH)\n"}, id="import-string"),
        pytest.param({"proj/celery.py": CELERY_HEAD + 'app = Celery("proj", include=INCLUDES)\n' + CONFIG},
                     id="include-unknown"),
        pytest.param({"proj/celery.py": CELERY_HEAD + 'app = Celery("proj", loader="proj.loader:Loader")\n' + CONFIG},
                     id="custom-loader"),
        pytest.param({"+proj/celery.py": "app.conf.update(**OPTIONS)\n"}, id="conf-update-kwargs"),
        pytest.param({"+proj/celery.py": "app.config_from_object(CeleryConfig)\n"}, id="config-object"),
        pytest.param({"+proj/celery.py": "app.autodiscover_tasks(get_packages)\n"}, id="autodiscover-callable"),
        pytest.param({"proj/celery.py": CELERY_HEAD + 'app = Celery("proj")\napp.config_from_object("proj.celeryconfig")\n',
                      "proj/celeryconfig.py": "broker_url = 'memory://'\n"}, id="no-django-app"),
        pytest.param({"+proj/settings.py": 'import os\nROOT_URLCONF = os.environ["URLCONF"]\n'}, id="urlconf-unknown"),
        pytest.param(
            {"apps/billing/__init__.py": "", "apps/billing/tasks.py": TASKS,
             "+proj/settings.py": 'INSTALLED_APPS += ["billing"]\n'},
            id="app-under-unseen-import-root",
        ),
        pytest.param(
            {"+demoapp/tasks.py": "from demoapp import broken  # noqa: F401\n", "demoapp/broken.py": "def (:\n"},
            id="unparsable-reached-module"),
    ],
)
def test_unknown_is_silent(project, files):
    files = {"demoapp/jobs.py": JOBS, **files}
    write_files(project, files)
    Project._cache.clear()
    from celery_lint.engine import lint_paths, select_rules

    report = lint_paths([project], select_rules(["CEL205"]))
    assert [f for f in report.findings if f.code == "CEL205"] == []
    # silent because the reach is unknown, not because the module was found
    jobs = (project / "demoapp/jobs.py").resolve()
    assert worker_reach(Project.get(project.resolve())).status(jobs) is None


def test_reach_is_computed_once_per_project(project):
    write_files(project, {"demoapp/jobs.py": JOBS, "demoapp/more.py": JOBS})
    Project._cache.clear()
    from celery_lint.engine import lint_paths, select_rules

    worker_reach.cache_clear()
    lint_paths([project], select_rules(["CEL205"]))
    info = worker_reach.cache_info()
    assert info.misses == 1 and info.hits >= 1


def test_no_autodiscovery_at_all_is_left_to_cel005(project):
    """One message per cause: without any autodiscover_tasks() call CEL005 speaks for the
    apps' tasks modules; CEL205 still reports other modules."""
    celery_py = CELERY_HEAD + 'app = Celery("proj")\n' + CONFIG
    views = "def add_view(request):\n    return None\n"
    files = {"proj/celery.py": celery_py, "demoapp/views.py": views, "demoapp/jobs.py": JOBS}
    write_files(project, files)
    found = [(path, code) for path, _, code in lint(project, "CEL205")]
    assert found == [("demoapp/jobs.py", "CEL205")]
    assert ("proj/celery.py", "CEL005") in [(path, code) for path, _, code in lint(project, "CEL005")]


def test_test_directories_are_judged_below_the_project_root(tmp_path):
    """A project that itself lives under a directory named `tests` is still linted."""
    root = tmp_path / "tests" / "project"
    write_files(root, {"demoapp/jobs.py": JOBS})
    assert [(path, code) for path, _, code in lint(root, "CEL205")] == [("demoapp/jobs.py", "CEL205")]


def test_autodiscovery_from_the_app_configs_lambda(project):
    """`lambda: [c.name for c in apps.get_app_configs()]` is the fixup's own list: known, not unknown."""
    celery_py = (CELERY_HEAD + "from django.apps import apps\n\n" + 'app = Celery("proj")\n' + CONFIG
                 + "app.autodiscover_tasks(lambda: [config.name for config in apps.get_app_configs()])\n")
    views = "def add_view(request):\n    return None\n"
    assert cel205(project, {"proj/celery.py": celery_py, "demoapp/views.py": views, "demoapp/jobs.py": JOBS}) == [
        ("demoapp/jobs.py", 5, "CEL205")
    ]
    reach = worker_reach(Project.get(project.resolve()))
    assert reach.status((project / "demoapp/tasks.py").resolve()) == "designed"


def test_a_root_is_designed_before_any_root_is_added(project):
    """An app's tasks module (autodiscovery's root) is answered from the roots' names:
    nothing is resolved or walked until a question about another module."""
    write_files(project, {"demoapp/jobs.py": JOBS})
    Project._cache.clear()
    worker_reach.cache_clear()
    reach = worker_reach(Project.get(project.resolve()))
    tasks, jobs = (project / "demoapp/tasks.py").resolve(), (project / "demoapp/jobs.py").resolve()
    assert reach.status(tasks) == "designed"
    assert reach._walker is not None and reach._walker.reached == {}
    assert reach.status(jobs) == "never"
    assert tasks in reach._walker.reached and reach.status(tasks) == "designed"
