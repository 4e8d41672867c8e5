"""CEL506: CELERY_TASK_ACKS_LATE with a prefetch multiplier above 1."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the first appended line
CELERY_PY = BASE["proj/celery.py"]
LATE = "CELERY_TASK_ACKS_LATE = True\n"


def cel506(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL506")


@pytest.mark.parametrize("extra", ["", "CELERY_WORKER_PREFETCH_MULTIPLIER = 8\n", "CELERY_WORKER_DISABLE_PREFETCH = False\n"])
def test_fires_at_acks_late(project, extra):
    assert cel506(project, {"+proj/settings.py": LATE + extra}) == [("proj/settings.py", LINE, "CEL506")]


def test_fires_at_an_app_conf_write(project):
    celery_py = CELERY_PY.replace("app.autodiscover_tasks()", "app.conf.task_acks_late = True\napp.autodiscover_tasks()")
    line = celery_py.splitlines().index("app.conf.task_acks_late = True") + 1
    assert cel506(project, {"proj/celery.py": celery_py}) == [("proj/celery.py", line, "CEL506")]


def test_messages(project):
    write_files(project, {"+proj/settings.py": LATE})
    (finding,) = lint_paths([project], select_rules(["CEL506"])).findings
    assert finding.message.startswith("CELERY_TASK_ACKS_LATE = True with a prefetch multiplier of 4 (Celery's default)")
    assert "so 3 per process wait behind a long task" in finding.message
    write_files(project, {"+proj/settings.py": LATE + "CELERY_WORKER_PREFETCH_MULTIPLIER = 2\n"})
    (finding,) = lint_paths([project], select_rules(["CEL506"])).findings
    assert "of 2 (CELERY_WORKER_PREFETCH_MULTIPLIER)" in finding.message


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="early-acks"),
        pytest.param({"+proj/settings.py": "CELERY_TASK_ACKS_LATE = False\n"}, id="false"),
        pytest.param({"+proj/settings.py": LATE + "CELERY_WORKER_PREFETCH_MULTIPLIER = 1\n"}, id="multiplier-1"),
        pytest.param({"+proj/settings.py": LATE + "CELERY_WORKER_PREFETCH_MULTIPLIER = 0\n"}, id="multiplier-0"),
        pytest.param({"+proj/settings.py": LATE + "CELERY_WORKER_DISABLE_PREFETCH = True\n",
                      "requirements.txt": "celery==5.6.3\n"}, id="prefetch-disabled"),
        pytest.param({"+proj/settings.py": LATE, "docker-compose.yml": "services:\n  worker:\n"
                      "    command: celery -A proj worker --prefetch-multiplier=1\n"}, id="command-line"),
        pytest.param({"+proj/settings.py": LATE, "proj/celery.py": CELERY_PY.replace(
            "app.autodiscover_tasks()", "app.conf.worker_prefetch_multiplier = 1\napp.autodiscover_tasks()")},
            id="app-conf-multiplier"),
        pytest.param({"+proj/settings.py": "TASK_ACKS_LATE = True\n"}, id="unprefixed-ignored"),
        pytest.param({"proj/settings/__init__.py": "", "-proj/settings.py": "",
                      "proj/settings/base.py": BASE["proj/settings.py"].replace("parent.parent", "parent.parent.parent"),
                      "proj/settings/dev.py": "from .base import *  # noqa: F403\n\n" + LATE,
                      "manage.py": BASE["manage.py"].replace('"proj.settings"', '"proj.settings.dev"'),
                      "proj/celery.py": CELERY_PY.replace('"proj.settings"', '"proj.settings.dev"')},
                     id="dev-settings"),
    ],
)
def test_silent(project, files):
    assert cel506(project, files) == []


@pytest.mark.parametrize(
    "extra",
    [
        'import os\nCELERY_WORKER_PREFETCH_MULTIPLIER = int(os.environ["PREFETCH"])\n',
        'import os\nCELERY_WORKER_DISABLE_PREFETCH = os.environ.get("NO_PREFETCH") == "1"\n',
        'import os\nCELERY_TASK_ACKS_LATE = os.environ.get("LATE") == "1"\n',
    ],
)
def test_unknown_is_silent(project, extra):
    assert cel506(project, {"+proj/settings.py": LATE + extra, "requirements.txt": "celery==5.6.3\n"}) == []


@pytest.mark.parametrize("pin", ["celery==5.3.6", "celery==5.5.3"])
@pytest.mark.parametrize("disabled", ["True", 'os.environ.get("NO_PREFETCH") == "1"'])
def test_disable_prefetch_changes_nothing_before_celery_5_6(project, pin, disabled):
    """Celery 5.3 to 5.5 do not know worker_disable_prefetch: it does not stop the prefetching."""
    settings = f"import os\n{LATE}CELERY_WORKER_DISABLE_PREFETCH = {disabled}\n"
    assert cel506(project, {"+proj/settings.py": settings, "requirements.txt": pin + "\n"}) == [
        ("proj/settings.py", LINE + 1, "CEL506")
    ]
