"""Several Celery apps with different namespaces: CEL206, CEL301 and CEL402 read a
setting under the namespace of the apps reading that settings module
(`celery_lint/project/app_settings.py`), not one namespace for the whole project,
which is unknown as soon as two apps disagree."""

from __future__ import annotations

import pytest

from celery_lint.examples import BASE, settings_module
from celery_lint.project import Project, ProjectOptions
from celery_lint.project.app_settings import settings_namespaces
from celery_lint.rules.cel304 import beat_settings
from tests.e2e import Shapes
from tests.helpers import lint, write_files

CODES = ("CEL206", "CEL301", "CEL402")
APP = (
    'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")\n\n'
    'app = Celery("{name}")\napp.config_from_object("django.conf:settings"{namespace})\napp.autodiscover_tasks()\n'
)
TASKS, NONE, UNREADABLE = ', namespace="TASKS"', "", ", namespace=NAMESPACE"


def second_app(namespace: str, first: str = ', namespace="CELERY"') -> dict[str, str]:
    """proj.celery:app (namespace `first`) and proj.worker:app (`namespace`), both
    reading proj.settings."""
    return {
        "proj/celery.py": BASE["proj/celery.py"].replace(', namespace="CELERY"', first),
        "proj/worker.py": APP.format(settings="proj.settings", name="worker", namespace=namespace),
    }


def other_site(namespace: str, settings: str) -> dict[str, str]:
    """A second Django site in the project, site_b, whose own app (namespace `namespace`)
    names site_b.settings; proj.celery:app (namespace 'CELERY') names proj.settings."""
    return {
        "site_b/__init__.py": "",
        "site_b/celery.py": APP.format(settings="site_b.settings", name="site_b", namespace=namespace),
        "site_b/settings.py": settings,
    }


NO_RESULTS = BASE["proj/settings.py"].replace('    "django_celery_results",\n', "")
BACKEND = NO_RESULTS.splitlines().index('CELERY_RESULT_BACKEND = "django-db"') + 1
BEAT = BASE["proj/settings.py"].replace(
    '    "django_celery_results",\n', '    "django_celery_results",\n    "django_celery_beat",\n'
).replace('TIME_ZONE = "UTC"', 'TIME_ZONE = "Europe/Paris"')
SCHEDULER = 'CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"\n'
BEAT_LINE = len(BEAT.splitlines()) + 1
SITE_B_BEAT = beat_settings(True, "Europe/Paris").replace("CELERY_BEAT_SCHEDULER", "CELERYBEAT_SCHEDULER")
SITE_B_SCHEDULER = SITE_B_BEAT.splitlines().index(
    'CELERYBEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"'
) + 1
FIRST = 33  # the first line appended to proj/settings.py


def schedule(prefix: str, task: str) -> str:
    return f'{prefix}_BEAT_SCHEDULE = {{"nightly": {{"task": "{task}", "schedule": 60.0}}}}\n'


# shape -> (files, the (path, line, code) findings of CEL206, CEL301 and CEL402)
SHAPES: Shapes = {
    # CEL301: CELERY_RESULT_BACKEND is read by the app with namespace 'CELERY', or without one
    "cel301-bad": ({**second_app(TASKS), "proj/settings.py": NO_RESULTS}, [("proj/settings.py", BACKEND, "CEL301")]),
    "cel301-clean": (second_app(TASKS), []),
    "cel301-no-namespace-bad": (
        {**second_app(NONE, first=TASKS), "proj/settings.py": NO_RESULTS}, [("proj/settings.py", BACKEND, "CEL301")]
    ),
    "cel301-unknown": ({**second_app(TASKS, first=UNREADABLE), "proj/settings.py": NO_RESULTS}, []),
    # CEL402: the app with namespace 'CELERY' runs beat on the DatabaseScheduler, TIME_ZONE Paris
    "cel402-bad": ({**second_app(TASKS), "proj/settings.py": BEAT + SCHEDULER}, [("proj/settings.py", BEAT_LINE, "CEL402")]),
    "cel402-clean": ({**second_app(TASKS), "proj/settings.py": BEAT + SCHEDULER + "CELERY_TIMEZONE = TIME_ZONE\n"}, []),
    "cel402-unknown": ({**second_app(TASKS, first=UNREADABLE), "proj/settings.py": BEAT + SCHEDULER}, []),
    # site_b's app has no namespace: it reads CELERYBEAT_SCHEDULER, and proj's app never reads site_b.settings
    "cel402-other-site-bad": (other_site(NONE, SITE_B_BEAT), [("site_b/settings.py", SITE_B_SCHEDULER, "CEL402")]),
    # site_b's app reads TASKS_ names (CELERY_BEAT_SCHEDULER is nobody's there): no beat on the DatabaseScheduler
    "cel402-other-site-clean": (other_site(TASKS, beat_settings(True, "Europe/Paris")), []),
    # CEL206: TASKS_BEAT_SCHEDULE is the schedule of the app with namespace 'TASKS'
    "cel206-bad": (
        {**second_app(TASKS), "+proj/settings.py": schedule("TASKS", "demoapp.tasks.ad")},
        [("proj/settings.py", FIRST, "CEL206")],
    ),
    "cel206-clean": ({**second_app(TASKS), "+proj/settings.py": schedule("TASKS", "demoapp.tasks.add")}, []),
    "cel206-unknown": ({**second_app(UNREADABLE), "+proj/settings.py": schedule("TASKS", "demoapp.tasks.ad")}, []),
    "cel206-other-site-bad": (
        other_site(TASKS, settings_module(["demoapp"], schedule("TASKS", "demoapp.tasks.ad"))),
        [("site_b/settings.py", len(settings_module(["demoapp"], "").splitlines()) + 1, "CEL206")],
    ),
    "cel206-other-site-clean": (
        other_site(TASKS, settings_module(["demoapp"], schedule("TASKS", "demoapp.tasks.add"))), []
    ),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_shape(project, name):
    files, expected = SHAPES[name]
    write_files(project, files)
    assert [f for code in CODES for f in lint(project, code)] == expected


def namespaces(project, module: str) -> list[object]:
    model = Project.get(project)
    (settings,) = [s for s in model.settings if s.module == module]
    return settings_namespaces(model, settings)


def test_an_app_reads_the_settings_its_module_names(project):
    write_files(project, other_site(TASKS, settings_module(["demoapp"], "")))
    assert namespaces(project, "proj.settings") == ["CELERY"]
    assert namespaces(project, "site_b.settings") == ["TASKS"]


def test_two_apps_naming_one_settings_module_both_read_it(project):
    write_files(project, second_app(NONE))
    assert namespaces(project, "proj.settings") == ["CELERY", None]


def test_an_app_naming_no_settings_module_reads_every_one(project):
    app = APP.format(settings="x", name="site_b", namespace=TASKS).replace(
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")\n', ""
    )
    write_files(project, {**other_site(TASKS, settings_module(["demoapp"], "")), "site_b/celery.py": app,
                          "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = site_b.settings\n"})
    assert namespaces(project, "proj.settings") == ["CELERY", "TASKS"]
    assert namespaces(project, "site_b.settings") == ["TASKS"]


def test_a_sibling_settings_module_is_read_by_the_app_naming_one(project):
    files = {**second_app(TASKS), "proj/settings_prod.py": "from proj.settings import *\n",
             "Procfile": "worker: DJANGO_SETTINGS_MODULE=proj.settings_prod celery -A proj worker\n"}
    write_files(project, files)
    assert namespaces(project, "proj.settings_prod") == ["CELERY", "TASKS"]


@pytest.mark.parametrize(
    ("second", "expected"),
    [pytest.param("TASKS", [], id="apps-disagree"), pytest.param("CELERY", ["CELERY"], id="apps-agree")],
)
def test_settings_no_app_names_take_the_namespace_all_apps_share(project, second, expected):
    files = {**other_site(f', namespace="{second}"', settings_module(["demoapp"], "")),
             "other/__init__.py": "", "other/settings.py": settings_module(["demoapp"], ""),
             "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = other.settings\n"}
    write_files(project, files)
    assert namespaces(project, "other.settings") == expected


def test_the_configured_namespace_is_every_apps(project):
    write_files(project, second_app(TASKS))
    model = Project.get(project.resolve(), options=ProjectOptions(namespace="CELERY"))
    assert settings_namespaces(model, model.settings[0]) == ["CELERY"]
