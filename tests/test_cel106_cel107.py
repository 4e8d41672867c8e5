"""CEL106 (opt-in: names nothing reads) and CEL107 (a project's own name that is an old Celery name)."""

from __future__ import annotations

import pytest

from tests.helpers import BIN, lint, run, write_files

READS = "from django.conf import settings\n\n\ndef value():\n    return settings.{name}\n"


def findings(project, files: dict[str, str], code: str) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, code)


@pytest.mark.parametrize("setting", ["CELERY_MAX_WORKERS = 8\n", "CELERY_FLOWER_PORT: int = 5555\n"])
def test_cel106_fires_on_a_name_nothing_reads(project, setting):
    assert findings(project, {"+proj/settings.py": setting}, "CEL106") == [("proj/settings.py", 33, "CEL106")]


@pytest.mark.parametrize(
    "setting",
    [
        "CELERY_WORKER_CONCURRENCY = 8\n", "CELERYD_CONCURRENCY = 8\n", "CELERY_RESULT_BACKEND_THREAD_SAFE = True\n",
        "CELERY_REDBEAT_REDIS_URL = 'redis://r'\n", "CELERY_SINGLETON_BACKEND_URL = 'redis://r'\n",
        "CELERY_ONCE = {'backend': 'celery_once.backends.Redis'}\n", "CELERY_EMAIL_BACKEND = 'x'\n",
        "CELERY_TASK_TIME_LIMT = 30\n",  # close to a real name: CEL104's
        "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 3\n",  # a 5.5 name: CEL105's where the target is older
    ],
)
def test_cel106_silent_on_names_something_reads(project, setting):
    assert findings(project, {"+proj/settings.py": setting}, "CEL106") == []


def test_cel106_silent_on_names_the_project_reads_or_owns(project):
    files = {"+proj/settings.py": "CELERY_MAX_WORKERS = 8\n", "demoapp/limits.py": READS.format(name="CELERY_MAX_WORKERS")}
    assert findings(project, files, "CEL106") == []
    write_files(project, {"+proj/settings.py": "CELERY_MAX_WORKERS = 8\n",
                          "pyproject.toml": '[tool.celery-lint]\nown-settings = ["CELERY_MAX_WORKERS"]\n'})
    result = run([str(BIN / "celery-lint"), "--extend-select", "CEL106", "."], project)
    assert result.returncode == 0, result.stdout


def test_cel106_is_off_by_default(project):
    write_files(project, {"+proj/settings.py": "CELERY_MAX_WORKERS = 8\n"})
    assert run([str(BIN / "celery-lint"), "."], project).returncode == 0
    result = run([str(BIN / "flake8"), "--select=CEL106", "."], project)
    assert "CEL106 CELERY_MAX_WORKERS is no setting of Celery 5.3 to 5.7" in result.stdout, result.stdout


QUEUES = 'CELERY_QUEUES = ("reports", "mail")\n'


@pytest.mark.parametrize(
    ("pin", "says"),
    [
        ("celery==5.6.3", "Celery 5.6.3 from requirements.txt ignores it, but Celery 5.7 reads old names again"),
        ("celery==5.7.0", "Celery 5.7.0 from requirements.txt reads it as task_queues"),
    ],
)
def test_cel107_fires_on_an_old_name_the_project_reads(project, pin, says):
    write_files(project, {"+proj/settings.py": QUEUES, "demoapp/reports.py": READS.format(name="CELERY_QUEUES"),
                          "requirements.txt": pin + "\n"})
    result = run([str(BIN / "celery-lint"), "--select", "CEL107", "."], project)
    assert result.returncode == 1
    assert says in result.stdout and "(PROJ_CELERY_QUEUES)" in result.stdout, result.stdout


def test_cel107_fires_on_an_own_settings_name(project):
    write_files(project, {"+proj/settings.py": QUEUES,
                          "pyproject.toml": '[tool.celery-lint]\nown-settings = ["CELERY_QUEUES"]\n'})
    result = run([str(BIN / "celery-lint"), "--select", "CEL107,CEL102", "."], project)
    assert [line.split()[1] for line in result.stdout.splitlines() if ": CEL" in line] == ["CEL107"]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"+proj/settings.py": QUEUES}, id="nothing-reads-it"),  # CEL102's
        pytest.param({"+proj/settings.py": QUEUES, "demoapp/reports.py": READS.format(name="CELERY_QUEUES"),
                      "requirements.txt": "celery==6.0.0\n"}, id="celery-6"),
        pytest.param({"+proj/settings.py": "CELERY_TASK_QUEUES = ()\n",
                      "demoapp/reports.py": READS.format(name="CELERY_TASK_QUEUES")}, id="new-name"),
        pytest.param({"+proj/settings.py": QUEUES + "CELERY_TASK_QUEUES = None\n",
                      "demoapp/reports.py": READS.format(name="CELERY_QUEUES")}, id="beside-the-new-name"),
        pytest.param({"+proj/settings.py": "S3_BUCKET = 'b'\n", "demoapp/reports.py": READS.format(name="S3_BUCKET")},
                     id="other-prefix"),
    ],
)
def test_cel107_silent(project, files):
    assert findings(project, files, "CEL107") == []
