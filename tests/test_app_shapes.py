"""Celery apps not built by a `Celery(...)` call in their module: a module-level name
configured from Django settings is an app whatever built it (a factory, `current_app`,
a class loaded by name), and the rules read its configuration."""

from __future__ import annotations

import pytest

from celery_lint.evaluate import UNKNOWN
from celery_lint.project import Project
from tests.helpers import lint, write_files

HEAD = 'import os\n\n{imports}\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\n'
FACTORY = 'from celery import Celery\n\n\ndef create_app():\n    return Celery("proj"{options})\n'
BUILDS = {
    "factory": ("from proj.factory import create_app\n", "app = create_app()\n"),
    "current-app": ("from celery import current_app\n", "app = current_app\n"),
    "import-string": (
        "from django.utils.module_loading import import_string\n",
        'app = import_string("proj.factory.MyCelery")("proj")\n',
    ),
    "annotated": ("from celery import Celery\nfrom proj.factory import create_app\n", "app: Celery = create_app()\n"),
}
CONFIG = 'app.config_from_object("django.conf:settings", namespace="CELERY")\napp.autodiscover_tasks()\n'
BAD_SETTINGS = "TASK_ALWAYS_EAGER = True\nCELERY_TASK_TIME_LIMT = 300\n"


def app_files(build: str, config: str = CONFIG, factory_options: str = "", settings: str = BAD_SETTINGS):
    imports, line = BUILDS[build]
    return {
        "proj/factory.py": FACTORY.format(options=factory_options),
        "proj/celery.py": HEAD.format(imports=imports) + line + config,
        "+proj/settings.py": settings,
    }


def config_line(files: dict[str, str]) -> int:
    lines = files["proj/celery.py"].splitlines()
    return next(i for i, text in enumerate(lines, 1) if "config_from_object" in text)


@pytest.mark.parametrize("build", list(BUILDS))
def test_settings_rules_read_an_app_built_elsewhere(project, build):
    write_files(project, app_files(build))
    assert lint(project) == [("proj/settings.py", 33, "CEL101"), ("proj/settings.py", 34, "CEL104")]


@pytest.mark.parametrize("build", list(BUILDS))
def test_clean_variant_is_clean(project, build):
    write_files(project, app_files(build, settings="CELERY_TASK_ALWAYS_EAGER = True\n"))
    assert lint(project) == []


def test_the_app_is_the_configured_name(project):
    write_files(project, app_files("factory"))
    (app,) = Project.get(project).django_apps
    assert (app.label, app.call, app.namespace) == ("proj.celery:app", None, "CELERY")


@pytest.mark.parametrize(
    ("config", "factory_options", "namespace"),
    [
        pytest.param('app.config_from_object("django.conf:settings")\n', ', namespace="CELERY"', "CELERY",
                     id="namespace-of-the-factory-constructor"),
        pytest.param('app.config_from_object("django.conf:settings")\n', "", None, id="factory-without-namespace"),
        pytest.param('app.config_from_object("django.conf:settings")\n', ", **options", UNKNOWN,
                     id="factory-options-unreadable"),
    ],
)
def test_a_simple_project_factory_gives_the_constructor_namespace(project, config, factory_options, namespace):
    write_files(project, app_files("factory", config, factory_options))
    (app,) = Project.get(project).django_apps
    assert app.namespace == namespace
    if namespace is UNKNOWN:
        assert lint(project) == []


def test_no_namespace_through_a_readable_factory_is_cel003(project):
    files = app_files("factory", 'app.config_from_object("django.conf:settings")\n',
                      settings="CELERY_TASK_ALWAYS_EAGER = True\n")
    write_files(project, files)
    assert lint(project) == [("proj/celery.py", config_line(files), "CEL003")]


def test_lowercase_namespace_on_a_factory_app_is_cel003_at_the_call(project):
    files = app_files("current-app", CONFIG.replace('"CELERY"', '"celery"'), settings="")
    write_files(project, files)
    assert lint(project) == [("proj/celery.py", config_line(files), "CEL003")]


def test_settings_object_on_a_factory_app_is_cel002(project):
    config = "from django.conf import settings  # noqa: E402\n\napp.config_from_object(settings, namespace='CELERY')\n"
    files = app_files("factory", config, settings="")
    write_files(project, files)
    assert lint(project) == [("proj/celery.py", config_line(files), "CEL002")]


@pytest.mark.parametrize(
    ("build", "config"),
    [
        pytest.param("factory", 'app.config_from_object(CONFIG, namespace="CELERY")\n', id="unknown-config-source"),
        pytest.param("factory", 'app.config_from_object("proj.celeryconfig", namespace="CELERY")\n',
                     id="not-django-settings"),
        pytest.param("current-app", 'app.config_from_object("django.conf:settings", namespace=NS)\n',
                     id="unknown-namespace"),
        pytest.param("current-app", 'app.config_from_object("django.conf:settings")\n',
                     id="no-namespace-unknown-constructor"),
        pytest.param("import-string", 'app.config_from_object("django.conf:settings")\n',
                     id="class-loaded-by-name-without-namespace"),
    ],
)
def test_unknown_shapes_stay_silent(project, build, config):
    write_files(project, app_files(build, config))
    assert lint(project) == []


def test_cel001_needs_the_constructor(project):
    """Whether the Django fixup was installed is decided where the app is created:
    unknown for an app built elsewhere, even when the module never sets the variable."""
    files = app_files("factory", settings="")
    files["proj/celery.py"] = files["proj/celery.py"].replace(
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n', ""
    )
    write_files(project, files)
    assert lint(project) == []


def test_cel005_without_autodiscovery_stays_silent_for_an_app_built_elsewhere(project):
    """The worker's reach depends on the constructor's include=: unknown, so silent."""
    write_files(project, app_files("factory", CONFIG.replace("app.autodiscover_tasks()\n", ""), settings=""))
    assert lint(project, "CEL005") == []


def test_a_constructor_app_is_not_counted_twice(project):
    write_files(project, {"+proj/settings.py": BAD_SETTINGS})
    assert [a.label for a in Project.get(project).django_apps] == ["proj.celery:app"]


def test_cel004_reads_an_app_built_elsewhere(project):
    files = {**app_files("factory", settings=""), "proj/__init__.py": ""}
    write_files(project, files)
    assert lint(project) == [("proj/__init__.py", 1, "CEL004")]


IMPORTED = {
    "proj/base.py": 'from celery import Celery\n\nmade = Celery("proj"{options})\n',
    "proj/celery.py": HEAD.format(imports="from proj.base import made as app\n") + "{config}",
}


def imported_files(config: str = CONFIG, options: str = "", settings: str = BAD_SETTINGS) -> dict[str, str]:
    return {
        "proj/base.py": IMPORTED["proj/base.py"].format(options=options),
        "proj/celery.py": IMPORTED["proj/celery.py"].format(config=config),
        "+proj/settings.py": settings,
    }


@pytest.mark.parametrize(
    ("config", "options", "expected"),
    [
        pytest.param(CONFIG, "", [("proj/settings.py", 33, "CEL101"), ("proj/settings.py", 34, "CEL104")],
                     id="configured-with-a-namespace"),
        pytest.param('app.config_from_object("django.conf:settings")\n', ', namespace="CELERY"',
                     [("proj/settings.py", 33, "CEL101"), ("proj/settings.py", 34, "CEL104")],
                     id="namespace-of-the-constructor"),
        pytest.param('app.config_from_object("django.conf:settings")\n', ", **OPTIONS", [], id="unknown-namespace"),
    ],
)
def test_an_imported_app_configured_here(project, config, options, expected):
    write_files(project, imported_files(config, options))
    assert lint(project) == expected


def test_an_imported_app_configured_where_it_is_made_is_that_app(project):
    files = imported_files(settings="CELERY_BROKER = 'memory://'\n")
    files["proj/base.py"] += 'made.config_from_object("django.conf:settings", namespace="CELERY")\n'
    write_files(project, files)
    assert [a.label for a in Project.get(project).django_apps] == ["proj.base:made"]
    assert lint(project, "CEL104") == [("proj/settings.py", 33, "CEL104")]
