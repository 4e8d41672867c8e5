"""CEL304: the DatabaseScheduler without django_celery_beat in INSTALLED_APPS."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

SETTINGS = BASE["proj/settings.py"]
LINE = len(SETTINGS.splitlines()) + 2  # the first appended line (after the "+" blank line)
WITH_BEAT = SETTINGS.replace('    "django_celery_results",\n', '    "django_celery_results",\n    "django_celery_beat",\n')
CELERY_PY = BASE["proj/celery.py"]


def cel304(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL304")


def with_app_line(line: str) -> dict[str, str]:
    return {"proj/celery.py": CELERY_PY.replace("app.autodiscover_tasks()", f"{line}\napp.autodiscover_tasks()")}


def app_line_number(line: str) -> int:
    return with_app_line(line)["proj/celery.py"].splitlines().index(line.splitlines()[0]) + 1


@pytest.mark.parametrize(
    "scheduler",
    ["django", "django_celery_beat.schedulers:DatabaseScheduler", "django_celery_beat.schedulers.DatabaseScheduler"],
)
def test_fires_for_every_spelling(project, scheduler):
    assert cel304(project, {"+proj/settings.py": f"CELERY_BEAT_SCHEDULER = {scheduler!r}\n"}) == [
        ("proj/settings.py", LINE, "CEL304")
    ]


def test_fires_for_the_old_name_without_a_namespace(project):
    files = {
        "+proj/settings.py": 'CELERYBEAT_SCHEDULER = "django"\n',
        "proj/celery.py": CELERY_PY.replace(', namespace="CELERY"', ""),
    }
    assert cel304(project, files) == [("proj/settings.py", LINE, "CEL304")]


@pytest.mark.parametrize(
    "line",
    [
        'app.conf.beat_scheduler = "django"',
        'app.conf["beat_scheduler"] = "django"',
        'app.conf.update(beat_scheduler="django", timezone="UTC")',
        'app.conf.update({"beat_scheduler": "django"})',
        "from django_celery_beat.schedulers import DatabaseScheduler\napp.conf.beat_scheduler = DatabaseScheduler",
    ],
)
def test_fires_at_the_app_conf_write(project, line):
    assert cel304(project, with_app_line(line)) == [("proj/celery.py", app_line_number(line) + line.count("\n"), "CEL304")]


def test_fires_for_a_project_subclass(project):
    files = {
        "+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "proj.schedulers:TenantScheduler"\n',
        "proj/schedulers.py": (
            "from django_celery_beat.schedulers import DatabaseScheduler as Base\n\n\n"
            "class LoggingScheduler(Base):\n    pass\n\n\n"
            "class TenantScheduler(LoggingScheduler):\n    pass\n"
        ),
    }
    assert cel304(project, files) == [("proj/settings.py", LINE, "CEL304")]


def test_fires_for_a_re_exported_subclass(project):
    files = {
        "+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "proj.beat.Scheduler"\n',
        "proj/beat/__init__.py": "from .impl import Scheduler\n",
        "proj/beat/impl.py": "import django_celery_beat.schedulers\n\n\n"
        "class Scheduler(django_celery_beat.schedulers.DatabaseScheduler):\n    pass\n",
    }
    assert cel304(project, files) == [("proj/settings.py", LINE, "CEL304")]


def test_message(project):
    write_files(project, {"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "django"\n'})
    (finding,) = lint_paths([project], select_rules(["CEL304"])).findings
    assert "beat scheduler 'django' is django-celery-beat's DatabaseScheduler" in finding.message
    assert "'django_celery_beat' in INSTALLED_APPS" in finding.message and "RuntimeError" in finding.message


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"proj/settings.py": WITH_BEAT + '\nCELERY_BEAT_SCHEDULER = "django"\n'}, id="installed"),
        pytest.param(
            {"proj/settings.py": SETTINGS.replace('"celery_lint",', '"celery_lint",\n    "django_celery_beat.apps.BeatConfig",')
             + '\nCELERY_BEAT_SCHEDULER = "django"\n'},
            id="installed-by-appconfig",
        ),
        pytest.param({"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "celery.beat:PersistentScheduler"\n'}, id="persistent"),
        pytest.param({"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"\n'}, id="redbeat"),
        pytest.param({"+proj/settings.py": "CELERY_BEAT_SCHEDULER = None\n"}, id="none"),
        pytest.param({}, id="unset"),
        pytest.param(
            {"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "proj.schedulers:Mine"\n',
             "proj/schedulers.py": "from celery.beat import PersistentScheduler\n\n\nclass Mine(PersistentScheduler):\n    pass\n"},
            id="project-scheduler-not-derived",
        ),
        pytest.param({"+proj/settings.py": 'CELERY_BEAT_SCHEDULE = {}\nBEAT_SCHEDULER = "django"\n'}, id="unprefixed-is-cel101"),
        pytest.param({"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "django"\n', **with_app_line('app.conf.beat_scheduler = "celery.beat:PersistentScheduler"')},
                     id="app-conf-overrides-settings"),
    ],
)
def test_silent(project, files):
    assert cel304(project, files) == []


def test_a_test_modules_write_is_not_the_deployments(project):
    files = {
        "+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "django"\n',
        "tests/conftest.py": "from proj.celery import app\n\napp.conf.beat_scheduler = 'celery.beat:PersistentScheduler'\n",
    }
    assert cel304(project, files) == [("proj/settings.py", LINE, "CEL304")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": 'import os\nCELERY_BEAT_SCHEDULER = os.environ["SCHEDULER"]\n'}, id="env"),
        pytest.param({"+proj/settings.py": 'import os\nCELERY_BEAT_SCHEDULER = os.environ.get("S", "django")\n'}, id="env-default"),
        pytest.param(
            {"+proj/settings.py": 'INSTALLED_APPS += EXTRA_APPS\nCELERY_BEAT_SCHEDULER = "django"\n'}, id="apps-unknown"
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "proj.schedulers:Mine"\n',
             "proj/schedulers.py": "from .base import make_base\n\n\nclass Mine(make_base()):\n    pass\n"},
            id="unresolvable-base",
        ),
        pytest.param({"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "django"\n', **with_app_line("app.conf.update(**BEAT)")},
                     id="app-conf-update-unknown"),
        pytest.param(
            {"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "django"\n',
             **with_app_line("def configure():\n    app.conf.beat_scheduler = 'celery.beat:PersistentScheduler'\n")},
            id="write-in-a-function",
        ),
        pytest.param(
            {"+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "django"\n',
             "proj/celery.py": CELERY_PY.replace('namespace="CELERY"', "namespace=NAMESPACE")},
            id="namespace-unknown",
        ),
    ],
)
def test_unknown_is_silent(project, files):
    assert cel304(project, files) == []
