"""CEL105: a CELERY_* setting newer than the Celery the project targets."""

from __future__ import annotations

import pytest

from celery_lint import celery_tables, setting_history
from tests.helpers import BIN, lint, run, write_files

SOFT = "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10\n"  # new in 5.5


def cel105(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL105")


@pytest.mark.parametrize(
    ("files", "setting", "since"),
    [
        pytest.param({"requirements.txt": "celery==5.4.0\n"}, SOFT, "5.5", id="requirements-pin"),
        pytest.param({"requirements.txt": "celery[redis]~=5.3.0\n"}, "CELERY_WORKER_ETA_TASK_LIMIT = 100\n", "5.6",
                     id="compatible-release"),
        pytest.param({"pyproject.toml": '[project]\nname = "p"\ndependencies = ["celery==5.6.3"]\n'},
                     "CELERY_WORKER_POOL_START_METHOD = 'spawn'\n", "5.7", id="pyproject"),
        pytest.param({"requirements.txt": "celery==5.4.0\n"}, "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT: float = 10\n",
                     "5.5", id="annotated"),
    ],
)
def test_fires_on_a_setting_newer_than_the_pin(project, files, setting, since):
    write_files(project, {**files, "+proj/settings.py": setting})
    from celery_lint.engine import lint_paths, select_rules

    (finding,) = lint_paths([project], select_rules(["CEL105"])).findings
    name = setting.split()[0].rstrip(":")
    assert finding.path.name == "settings.py" and finding.subject == name
    assert finding.message.startswith(f"{name} is new in Celery {since}: Celery ")
    assert "does not know it and silently ignores it" in finding.message


@pytest.mark.parametrize("how", ["option", "table"])
def test_the_configured_version_wins_over_the_pin(project, how):
    files = {"requirements.txt": "celery==5.7.0\n", "+proj/settings.py": SOFT}
    args = ["--celery-version", "5.4.1"]
    if how == "table":
        files["pyproject.toml"] = '[tool.celery-lint]\ncelery-version = "5.4.1"\n'
        args = []
    write_files(project, files)
    result = run([str(BIN / "celery-lint"), "--select", "CEL105", *args, "."], project)
    assert result.returncode == 1, result.stderr
    assert "CEL105 CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT is new in Celery 5.5: Celery 5.4.1 from " in result.stdout


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"requirements.txt": "celery==5.5.0\n", "+proj/settings.py": SOFT}, id="known-to-the-pin"),
        pytest.param({"requirements.txt": "celery==5.3.6\n", "+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 60\n"},
                     id="old-setting"),
        pytest.param({"requirements.txt": "celery==5.3.6\n", "+proj/settings.py": "CELERYD_CONCURRENCY = 4\n"},
                     id="celery3-name"),
        pytest.param({"requirements.txt": "celery==5.3.6\n", "+proj/settings.py": "CELERY_REPORTS_QUEUE = 'r'\n"},
                     id="own-name"),
        pytest.param({"requirements.txt": "celery==5.4.0\n", "+proj/settings.py": SOFT,
                      "proj/shutdown.py": "from django.conf import settings\n\n"
                                          "T = settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT\n"},
                     id="read-by-the-project"),
    ],
)
def test_clean(project, files):
    assert cel105(project, files) == []


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"requirements.txt": "celery==5.2.7\n"}, id="older-than-the-data"),
        pytest.param({"requirements.txt": "celery==5.8.0\n"}, id="newer-than-the-data"),
        pytest.param({"requirements.txt": "celery==5.4.0\n",
                      "proj/celery.py": 'import os\nfrom celery import Celery\n\n'
                                        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
                                        'app = Celery("proj")\n'
                                        'app.config_from_object("django.conf:settings", namespace=NS)\n'},
                     id="namespace-unknown"),
    ],
)
def test_unknown_is_silent(project, files):
    assert cel105(project, {**files, "+proj/settings.py": SOFT}) == []


def test_the_data_holds_every_supported_minor():
    minors = setting_history.keys_by_minor()
    assert list(minors) == [(5, 3), (5, 4), (5, 5), (5, 6), (5, 7)]
    assert setting_history.added_in("worker_soft_shutdown_timeout") == (5, 5)
    assert setting_history.added_in("broker_url") is None  # in every supported minor
    assert setting_history.added_in("not_a_setting") is None
    assert all(minors[a] <= minors[b] for a, b in zip(minors, list(minors)[1:]))  # no minor dropped a key


def test_the_data_is_the_installed_celerys_table():
    """The data file against the real table of the Celery installed here (5.3 in the
    oldest session of the matrix, 5.7 in the others)."""
    import celery

    minor = tuple(int(p) for p in celery.__version__.split(".")[:2])
    if not setting_history.covers(minor):
        pytest.skip(f"Celery {celery.__version__} is outside the data's minors")
    assert setting_history.keys_by_minor()[minor] == celery_tables.NEW_KEYS
