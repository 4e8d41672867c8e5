"""The shapes of tests/test_app_shapes.py and tests/test_settings_readers.py through the
real `celery-lint` command, the real flake8 and the real `manage.py check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import Shapes, parse_findings, shape_findings, write_shapes
from tests.e2e.test_cli import celery_lint
from tests.e2e.test_django_checks import manage, our_ids
from tests.e2e.test_flake8 import flake8
from tests.test_app_shapes import app_files, imported_files
from tests.test_settings_readers import two_apps

ALL = ("CEL001", "CEL002", "CEL003", "CEL004", "CEL005", "CEL101", "CEL102", "CEL103", "CEL104")
# project -> (files, the (path, line, code) findings both tools print)
SHAPES: Shapes = {
    "factory-bad": (app_files("factory"), [("proj/settings.py", 33, "CEL101"), ("proj/settings.py", 34, "CEL104")]),
    "factory-clean": (app_files("factory", settings="CELERY_TASK_ALWAYS_EAGER = True\n"), []),
    "current-app-bad": (app_files("current-app"),
                        [("proj/settings.py", 33, "CEL101"), ("proj/settings.py", 34, "CEL104")]),
    "factory-constructor-namespace": (
        app_files("factory", 'app.config_from_object("django.conf:settings")\n', ', namespace="CELERY"'),
        [("proj/settings.py", 33, "CEL101"), ("proj/settings.py", 34, "CEL104")],
    ),
    "factory-no-namespace": (
        app_files("factory", 'app.config_from_object("django.conf:settings")\n', settings=""),
        [("proj/celery.py", 8, "CEL003")],
    ),
    "factory-not-imported": ({**app_files("factory", settings=""), "proj/__init__.py": ""},
                             [("proj/__init__.py", 1, "CEL004")]),
    "imported-bad": (imported_files(), [("proj/settings.py", 33, "CEL101"), ("proj/settings.py", 34, "CEL104")]),
    "imported-clean": (imported_files(settings="CELERY_TASK_ALWAYS_EAGER = True\n"), []),
    "factory-unknown-source": (
        app_files("factory", 'app.config_from_object(CONFIG, namespace="CELERY")\n'), []
    ),
    "factory-unreadable-namespace": (
        app_files("factory", 'app.config_from_object("django.conf:settings")\n', ", **options"), []
    ),
    "reads-bad": ({
        "+proj/settings.py": (
            "CELERY_TASK_TIME_LIMT = 300\nNOTE = 'CELERY_RESULTS_EXPIRE'\nCELERY_RESULTS_EXPIRE = 60\n"
        ),
        "demoapp/notes.py": "# CELERY_TASK_TIME_LIMT is documented here\n",
    }, [("proj/settings.py", 33, "CEL104"), ("proj/settings.py", 35, "CEL104")]),
    "reads-clean": ({
        "+proj/settings.py": "CELERY_TASK_TIME_LIMT = 300\nCELERY_RESULTS_EXPIRE = 60\n",
        "demoapp/limits.py": "from django.conf import settings as s\n\n"
                             "X = (s.CELERY_TASK_TIME_LIMT, getattr(s, 'CELERY_RESULTS_EXPIRE', 1))\n",
    }, []),
    "two-apps-bad": (two_apps("WORKER_BROKER_URL = 'memory://'\nCELERY_BROKER = 'memory://'\nTASK_ALWAYS_EAGER = 1\n"),
                     [("proj/settings.py", 34, "CEL104"), ("proj/settings.py", 35, "CEL101")]),
    "two-apps-clean": (two_apps("WORKER_BROKER_URL = 'memory://'\nCELERY_TASK_ALWAYS_EAGER = True\n"), []),
    "two-apps-unknown-namespace": (
        two_apps("CELERY_BROKER = 'memory://'\nTASK_ALWAYS_EAGER = 1\n", namespace=", namespace=NAMESPACE"), []
    ),
    # set by code the analysis cannot follow: only the running process sees the name
    "reads-live-bad": ({
        "+proj/settings.py": "globals()['CELERY_TASK_TIME_LIMT'] = 300\n",
        "demoapp/notes.py": "# CELERY_TASK_TIME_LIMT is documented here\n",
    }, []),
    "reads-live-clean": ({
        "+proj/settings.py": "globals()['CELERY_TASK_TIME_LIMT'] = 300\n",
        "demoapp/limits.py": "from django.conf import settings\n\nX = settings.CELERY_TASK_TIME_LIMT\n",
    }, []),
}


@pytest.fixture(scope="module")
def top(tmp_path_factory) -> Path:
    return write_shapes(tmp_path_factory.mktemp("shapes"), SHAPES)


@pytest.mark.parametrize("name", list(SHAPES))
def test_command(top, name):
    result = celery_lint(top / name)
    expected = SHAPES[name][1]
    assert parse_findings(result.stdout, ALL) == expected, result.stdout + result.stderr
    assert result.returncode == (1 if expected else 0), result.stderr
    if not expected:
        assert result.stdout.startswith("No findings"), result.stdout


def test_flake8(top):
    result = flake8(top, "-j", "1", ".")
    assert sorted(parse_findings(result.stdout, ALL)) == shape_findings(SHAPES), result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("factory-bad", ["E101", "W104"]),
        ("factory-clean", []),
        ("factory-not-imported", ["E004"]),
        ("imported-bad", ["E101", "W104"]),
        ("imported-clean", []),
        ("reads-bad", ["W104", "W104"]),
        ("reads-clean", []),
        ("reads-live-bad", ["W104"]),
        ("two-apps-bad", ["E101", "W104"]),
        ("two-apps-clean", []),
        ("reads-live-clean", []),
    ],
)
def test_manage_py_check(top, name, ids):
    result = manage(top / name, "check")
    assert sorted(our_ids(result.stdout + result.stderr)) == ids, result.stdout + result.stderr
