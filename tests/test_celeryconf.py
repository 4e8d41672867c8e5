"""What Celery reads for a setting, from source: the app's own writes, then the settings."""

from __future__ import annotations

import pytest

from celery_lint.evaluate import UNKNOWN
from celery_lint.examples import BASE
from celery_lint.project import Project
from celery_lint.rules._celeryconf import NOT_SET, django_names, effective, from_app
from tests.helpers import write_files

CELERY_PY = BASE["proj/celery.py"]


def app_module(line: str) -> dict[str, str]:
    return {"proj/celery.py": CELERY_PY.replace("app.autodiscover_tasks()", f"{line}\napp.autodiscover_tasks()")}


def written(project_dir, files: dict[str, str], key: str):
    write_files(project_dir, files)
    return from_app(Project.get(project_dir), key)


@pytest.mark.parametrize(
    ("namespace", "names"),
    [
        ("CELERY", ("CELERY_BEAT_SCHEDULER", "CELERYBEAT_SCHEDULER")),
        ("CELERY_", ("CELERY_BEAT_SCHEDULER", "CELERYBEAT_SCHEDULER")),
        (None, ("CELERYBEAT_SCHEDULER",)),
        ("celery", None),
        (UNKNOWN, None),
    ],
)
def test_django_names(namespace, names):
    assert django_names("beat_scheduler", namespace) == names


def test_names_valid_both_ways():
    assert django_names("result_backend", "CELERY") == ("CELERY_RESULT_BACKEND",)
    assert django_names("result_backend", None) == ("CELERY_RESULT_BACKEND",)


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ('app.conf.beat_scheduler = "django"', "beat_scheduler", "django"),
        ('app.conf["timezone"] = "Europe/Paris"', "timezone", "Europe/Paris"),
        ("app.conf.update(task_always_eager=True)", "task_always_eager", True),
        ('app.conf.update({"cache_backend": "default"})', "cache_backend", "default"),
        ('app.conf.setdefault("timezone", "UTC")', "timezone", "UTC"),
    ],
)
def test_module_level_write_in_the_app_module(project, line, key, value):
    setting = written(project, app_module(line), key)
    assert setting.value == value and setting.path.name == "celery.py"
    assert setting.line == app_module(line)["proj/celery.py"].splitlines().index(line) + 1


@pytest.mark.parametrize(
    ("constructor", "key", "value"),
    [
        ('Celery("proj", broker="memory://")', "broker_url", "memory://"),
        ('Celery("proj", backend="django-db")', "result_backend", "django-db"),
        ('Celery("proj", changes={"beat_scheduler": "django"})', "beat_scheduler", "django"),
        ('Celery("proj", task_always_eager=True)', "task_always_eager", True),
    ],
)
def test_constructor_arguments(project, constructor, key, value):
    files = {"proj/celery.py": CELERY_PY.replace('Celery("proj")', constructor)}
    assert written(project, files, key).value == value


def test_nothing_written(project):
    assert written(project, {}, "beat_scheduler").value is NOT_SET


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(app_module('app.conf.timezone = "UTC"\napp.conf.timezone = "Europe/Paris"'), id="twice"),
        pytest.param(app_module('def configure():\n    app.conf.timezone = "UTC"\n'), id="in-a-function"),
        pytest.param(app_module("app.conf.update(**OPTIONS)"), id="hidden-keys"),
        pytest.param(app_module("app.conf.update(OPTIONS)"), id="hidden-mapping"),
        pytest.param(app_module("app.add_defaults(DEFAULTS)"), id="defaults"),
        pytest.param({"proj/celery.py": CELERY_PY.replace('Celery("proj")', 'Celery("proj", **OPTIONS)')},
                     id="constructor-hidden-keys"),
        pytest.param({"demoapp/setup.py": "from proj.celery import app\n\napp.conf.timezone = 'UTC'\n"},
                     id="another-module"),
        pytest.param(app_module("app.conf.timezone = ZONE"), id="unknown-value"),
    ],
)
def test_unknown(project, files):
    assert written(project, files, "timezone").value is UNKNOWN


@pytest.mark.parametrize("path", ["tests/conftest.py", "conftest.py", "demoapp/tests/test_tasks.py", "demoapp/test_x.py"])
def test_test_modules_are_not_the_deployment(project, path):
    assert written(project, {path: "from proj.celery import app\n\napp.conf.timezone = 'UTC'\n"}, "timezone").value is NOT_SET


@pytest.mark.parametrize(
    ("pin", "value"),
    [("celery==5.7.0", "UTC"), ("celery==5.3.6", "Europe/Paris"), ("celery==5.6.3", "Europe/Paris")],
)
def test_which_wins_follows_the_celery_version(project, pin, value):
    """5.7 reads the app's write first; 5.3-5.6 the namespaced setting, in any source."""
    files = {"+proj/settings.py": 'CELERY_TIMEZONE = "Europe/Paris"\n', **app_module('app.conf.timezone = "UTC"'),
             "requirements.txt": pin + "\n"}
    write_files(project, files)
    built = Project.get(project)
    assert effective(built, built.settings[0], "timezone").value == value


@pytest.mark.parametrize("pin", ["celery==5.3.6", "celery==5.7.0"])
def test_the_app_write_wins_over_an_old_name_or_no_setting(project, pin):
    files = {"+proj/settings.py": 'CELERY_TIMEZONE = None\ndel CELERY_TIMEZONE\n',
             **app_module('app.conf.beat_scheduler = "django"'), "requirements.txt": pin + "\n"}
    write_files(project, files)
    built = Project.get(project)
    assert effective(built, built.settings[0], "beat_scheduler").value == "django"


def test_settings_value_and_where(project):
    write_files(project, {"+proj/settings.py": 'CELERY_TIMEZONE = "Europe/Paris"\n'})
    built = Project.get(project)
    setting = effective(built, built.settings[0], "timezone")
    assert (setting.value, setting.name, setting.path.name) == ("Europe/Paris", "CELERY_TIMEZONE", "settings.py")


def test_only_the_old_name_under_the_namespace_is_unknown(project):
    """Read by Celery 5.7, ignored by 5.6: which one runs is not in the source."""
    write_files(project, {"+proj/settings.py": 'CELERYBEAT_SCHEDULER = "django"\n'})
    built = Project.get(project)
    assert effective(built, built.settings[0], "beat_scheduler").value is UNKNOWN
