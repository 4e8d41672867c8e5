"""CEL502: a password written literally in the broker or result backend URL of a committed file."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from celery_lint.rules.cel502 import has_password
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the appended line
CELERY_PY = BASE["proj/celery.py"]


def cel502(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL502")


@pytest.mark.parametrize(
    "setting",
    [
        'CELERY_BROKER_URL = "redis://:s3cret@redis.internal:6379/0"',
        'CELERY_BROKER_URL = "amqp://app:s3cret@rabbit//"',
        'CELERY_BROKER_URL = "amqp://guest:guest@localhost//;amqp://app:s3cret@rabbit2//"',
        'CELERY_BROKER_URL = ["amqp://app:s3cret@rabbit1//", "amqp://app:s3cret@rabbit2//"]',
        'CELERY_BROKER_WRITE_URL = "redis://:s3cret@redis-primary:6379/0"',
        'CELERY_RESULT_BACKEND = "db+postgresql://app:s3cret@db/results"',
        'REDIS_PASSWORD = "s3cret"\nCELERY_BROKER_URL = f"redis://:{REDIS_PASSWORD}@redis:6379/0"',
    ],
)
def test_fires_at_the_url(project, setting):
    line = LINE + setting.count("\n")
    assert cel502(project, {"+proj/settings.py": setting + "\n"}) == [("proj/settings.py", line, "CEL502")]


def test_fires_at_an_app_conf_write(project):
    celery_py = CELERY_PY.replace('app = Celery("proj")', 'app = Celery("proj", broker="redis://:s3cret@redis:6379/0")')
    line = celery_py.splitlines().index('app = Celery("proj", broker="redis://:s3cret@redis:6379/0")') + 1
    assert cel502(project, {"proj/celery.py": celery_py}) == [("proj/celery.py", line, "CEL502")]


def test_message_names_the_file_and_hides_the_password(project):
    write_files(project, {"+proj/settings.py": 'CELERY_RESULT_BACKEND = "redis://:s3cret@redis:6379/1"\n'})
    (finding,) = lint_paths([project], select_rules(["CEL502"])).findings
    assert finding.message.startswith("CELERY_RESULT_BACKEND holds a password written in settings.py")
    assert "connect to the result backend" in finding.message
    assert "s3cret" not in finding.message


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="memory-broker"),
        pytest.param({"+proj/settings.py": 'CELERY_BROKER_URL = "redis://redis.internal:6379/0"\n'}, id="no-password"),
        pytest.param({"+proj/settings.py": 'CELERY_BROKER_URL = "redis://user@redis:6379/0"\n'}, id="user-only"),
        pytest.param({"+proj/settings.py": 'CELERY_BROKER_URL = "amqp://guest:guest@localhost//"\n'}, id="guest"),
        pytest.param({"+proj/settings.py": 'BROKER_URL = "redis://:s3cret@redis:6379/0"\n'},
                     id="old-name-celery-ignores"),
        pytest.param({".gitignore": "proj/settings.py\n", ".git/HEAD": "ref: refs/heads/main\n",
                      "+proj/settings.py": 'CELERY_BROKER_URL = "redis://:s3cret@redis:6379/0"\n'},
                     id="ignored-by-git"),
        pytest.param({"proj/settings_local.py": 'from proj.settings import *\n\n'
                      'CELERY_BROKER_URL = "redis://:s3cret@localhost:6379/0"\n'}, id="local-settings"),
    ],
)
def test_silent(project, files):
    assert cel502(project, files) == []


@pytest.mark.parametrize(
    "setting",
    [
        'import os\nCELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]',
        'import os\nCELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://:s3cret@redis:6379/0")',
        'import os\nCELERY_BROKER_URL = f"redis://:{os.environ[\'REDIS_PASSWORD\']}@redis:6379/0"',
        'import os\nCELERY_BROKER_URL = "redis://:%s@redis:6379/0" % os.environ["REDIS_PASSWORD"]',
    ],
)
def test_environment_is_silent(project, setting):
    assert cel502(project, {"+proj/settings.py": setting + "\n"}) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://:pw@h:6379/0", True),
        ("sqs://AKIAEXAMPLE:secret@", True),  # AWS credentials in an SQS URL
        ("django-db", False),
        ("rediss://u:p@h:6380/0?ssl_cert_reqs=required", True),
        ("redis://[::1", False),  # not a URL urlsplit reads
    ],
)
def test_has_password(url, expected):
    assert has_password(url) is expected
