"""CEL203: bind=True task with no positional parameter for the task instance."""

from __future__ import annotations

import pytest

from tests.helpers import lint, write_files

SHARED = "from celery import shared_task\n\n\n"
APP = "from proj.celery import app\n\n\n"


def cel203(project, tasks_py: str) -> list[tuple[str, int, str]]:
    write_files(project, {"demoapp/tasks.py": tasks_py})
    return lint(project, "CEL203")


@pytest.mark.parametrize(
    ("tasks_py", "line"),
    [
        pytest.param(SHARED + "@shared_task(bind=True)\ndef ping():\n    return 1\n", 5, id="no-parameters"),
        pytest.param(SHARED + "@shared_task(bind=True)\ndef ping(*, x=1):\n    return x\n", 5, id="keyword-only"),
        pytest.param(SHARED + "@shared_task(bind=True)\ndef ping(**kwargs):\n    return kwargs\n", 5, id="kwargs"),
        pytest.param(SHARED + "@shared_task(bind=True, max_retries=3)\ndef ping():\n    pass\n", 5, id="more-options"),
        pytest.param(APP + "@app.task(bind=True)\ndef ping():\n    pass\n", 5, id="app-task"),
        pytest.param(
            "from celery import shared_task as task\n\n\n@task(bind=True)\ndef ping():\n    pass\n", 5, id="alias"
        ),
        pytest.param(
            SHARED + "@shared_task(\n    bind=True,\n    name='ping',\n)\ndef ping():\n    pass\n", 8, id="multiline"
        ),
        pytest.param(
            "import functools\n\n" + SHARED + "@functools.lru_cache\n@shared_task(bind=True)\ndef ping():\n    pass\n",
            8,
            id="decorator-above-the-task-decorator",
        ),
    ],
)
def test_fires_at_the_def(project, tasks_py, line):
    assert cel203(project, tasks_py) == [("demoapp/tasks.py", line, "CEL203")]


@pytest.mark.parametrize(
    "tasks_py",
    [
        pytest.param(SHARED + "@shared_task(bind=True)\ndef ping(self):\n    return 1\n", id="self"),
        pytest.param(SHARED + "@shared_task(bind=True)\ndef ping(task, x):\n    return x\n", id="other-name"),
        pytest.param(SHARED + "@shared_task(bind=True)\ndef ping(self, /, x):\n    return x\n", id="positional-only"),
        pytest.param(SHARED + "@shared_task(bind=True)\ndef ping(*args):\n    return args\n", id="star-args"),
        pytest.param(SHARED + "@shared_task\ndef ping():\n    return 1\n", id="not-bound"),
        pytest.param(SHARED + "@shared_task(bind=False)\ndef ping():\n    return 1\n", id="bind-false"),
        pytest.param(SHARED + "@shared_task()\ndef ping():\n    return 1\n", id="called-no-options"),
        pytest.param(APP + "@app.task(bind=True)\ndef ping(self):\n    pass\n", id="app-task-with-self"),
        pytest.param("def bind(f):\n    return f\n\n\n@bind\ndef ping():\n    pass\n", id="not-a-task"),
        pytest.param(
            "from other import job\n\n\n@job(bind=True)\ndef ping():\n    pass\n", id="other-library-decorator"
        ),
    ],
)
def test_silent(project, tasks_py):
    assert cel203(project, tasks_py) == []


@pytest.mark.parametrize(
    "tasks_py",
    [
        pytest.param(SHARED + "BIND = True\n\n\n@shared_task(bind=BIND)\ndef ping():\n    pass\n", id="variable"),
        pytest.param(SHARED + "OPTS = {'bind': True}\n\n\n@shared_task(**OPTS)\ndef ping():\n    pass\n",
                     id="options"),
        pytest.param(
            "from functools import wraps\n\n" + SHARED
            + "def logged(f):\n    @wraps(f)\n    def wrapper(*a, **k):\n        return f(*a, **k)\n\n"
            + "    return wrapper\n"
            + "\n\n@shared_task(bind=True)\n@logged\ndef ping():\n    pass\n",
            id="wrapped-below",
        ),
    ],
)
def test_unknown_is_silent(project, tasks_py):
    assert cel203(project, tasks_py) == []
