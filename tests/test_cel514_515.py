"""CEL514 (a beat period at or below the task's time limit) and CEL515 (a short-period
beat entry without expires, opt-in): the shapes of schedules, tasks and limits."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

LINE = len(BASE["proj/settings.py"].splitlines()) + 2  # the first appended line
CELERY_PY = BASE["proj/celery.py"]
TASKS = BASE["demoapp/tasks.py"]


def tasks(options: str = "") -> dict[str, str]:
    """demoapp/tasks.py with `add` decorated @shared_task(<options>)."""
    return {"demoapp/tasks.py": TASKS.replace("@shared_task\ndef add", f"@shared_task({options})\ndef add", 1)}


def schedule(period: str, extra: str = "", task: str = "demoapp.tasks.add", head: str = "") -> dict[str, str]:
    return {"+proj/settings.py": f'{head}CELERY_BEAT_SCHEDULE = {{\n    "e": {{"task": "{task}", "schedule": {period}{extra}}},\n}}\n'}


def found(project, code: str, *parts: dict[str, str]) -> list[tuple[str, int, str]]:
    files: dict[str, str] = {}
    for part in parts:
        for path, text in part.items():
            files[path] = files.get(path, "") + text
    write_files(project, files)
    return [f for f in lint(project, code) if f[2] == code]


TIMEDELTA = "from datetime import timedelta\n"
CRONTAB = "from celery.schedules import crontab\n"

# -- CEL514 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "head"),
    [
        pytest.param("300.0", "", id="seconds"),
        pytest.param("600", "", id="equal-to-the-limit"),
        pytest.param("timedelta(minutes=5)", TIMEDELTA, id="timedelta"),
        pytest.param('crontab(minute="*/5")', CRONTAB, id="crontab-every-5-minutes"),
        pytest.param("crontab()", CRONTAB, id="crontab-every-minute"),
        pytest.param("5 * 60", "", id="arithmetic"),
    ],
)
def test_cel514_fires_at_the_schedule(project, period, head):
    assert found(project, "CEL514", tasks("time_limit=600"), schedule(period, head=head)) == [
        ("proj/settings.py", LINE + head.count("\n") + 1, "CEL514")
    ]


def test_cel514_reads_the_global_limit_and_the_soft_one(project):
    limit = {"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 120\n"}
    assert found(project, "CEL514", limit, schedule("60.0")) == [("proj/settings.py", LINE + 2, "CEL514")]
    assert found(project, "CEL514", tasks("soft_time_limit=90"), schedule("60.0")) == [
        ("proj/settings.py", LINE + 1, "CEL514")
    ]


def test_cel514_message_names_the_limit(project):
    write_files(project, {**tasks("time_limit=600"), **schedule("300.0")})
    (finding,) = [f for f in lint_paths([project], select_rules(["CEL514"])).findings]
    assert "every 300 s but a run may last 600 s (its time_limit=600)" in finding.message


def test_cel514_app_conf_and_add_periodic_task(project):
    app = CELERY_PY.replace("app.autodiscover_tasks()", (
        "from datetime import timedelta\n"
        'app.conf.beat_schedule = {"e": {"task": "demoapp.tasks.add", "schedule": timedelta(seconds=30)}}\n'
        "app.autodiscover_tasks()"
    ))
    line = app.splitlines().index('app.conf.beat_schedule = {"e": {"task": "demoapp.tasks.add", '
                                  '"schedule": timedelta(seconds=30)}}') + 1
    assert found(project, "CEL514", tasks("time_limit=60"), {"proj/celery.py": app}) == [("proj/celery.py", line, "CEL514")]
    periodic = {"demoapp/tasks.py": tasks("time_limit=60")["demoapp/tasks.py"] + (
        "\n\n@shared_task\ndef setup(sender, **kwargs):\n    pass\n\n\n"
        "def on_configure(sender, **kwargs):\n    sender.add_periodic_task(10.0, add.s(1, 2), name='add')\n"
    )}
    assert found(project, "CEL514", periodic) == [("demoapp/tasks.py", periodic["demoapp/tasks.py"].count("\n"), "CEL514")]


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param((tasks("time_limit=600"), schedule("900.0")), id="period-above-the-limit"),
        pytest.param((tasks(), schedule("60.0")), id="no-limit"),
        pytest.param((tasks("time_limit=LIMIT"), schedule("60.0")), id="limit-not-a-constant"),
        pytest.param((tasks("time_limit=600, **OPTIONS"), schedule("60.0")), id="star-options"),
        pytest.param((tasks("base=Base, time_limit=None"), schedule("60.0"),
                      {"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 120\n"}), id="base-class"),
        pytest.param((tasks("time_limit=600"), schedule("PERIOD", head="PERIOD = int(__import__('os').environ['P'])\n")),
                     id="period-from-the-environment"),
        pytest.param((tasks("time_limit=600"), schedule('crontab(minute=0, hour="*/2")', head=CRONTAB)),
                     id="crontab-with-hours"),
        pytest.param((tasks("time_limit=600"), schedule("60.0", ', "options": {"time_limit": 30}')),
                     id="entry-own-limit"),
        pytest.param((tasks("time_limit=600"), schedule("60.0", ', "options": OPTIONS')), id="options-unknown"),
        pytest.param((tasks("time_limit=600"), schedule("60.0", task="other.service.task")), id="not-a-project-task"),
        pytest.param(({"+proj/settings.py": 'CELERY_TASK_TIME_LIMIT = 120\nCELERY_TASK_ANNOTATIONS = {"*": {}}\n'},
                      schedule("60.0")), id="annotations"),
        pytest.param(({"+proj/settings.py": "import os\nCELERY_TASK_TIME_LIMIT = int(os.environ['L'])\n"},
                      schedule("60.0")), id="limit-from-the-environment"),
    ],
)
def test_cel514_silent(project, parts):
    assert found(project, "CEL514", *parts) == []


# -- CEL515 -------------------------------------------------------------------------------------


def test_cel515_is_opt_in(project):
    write_files(project, schedule("60.0"))
    assert [f for f in lint_paths([project], select_rules([])).findings if f.code == "CEL515"] == []


@pytest.mark.parametrize(
    ("period", "head"),
    [
        pytest.param("60.0", "", id="seconds"),
        pytest.param("300", "", id="at-the-threshold"),
        pytest.param("timedelta(minutes=2)", TIMEDELTA, id="timedelta"),
        pytest.param('crontab(minute="*/2")', CRONTAB, id="crontab-every-2-minutes"),
    ],
)
def test_cel515_fires(project, period, head):
    assert found(project, "CEL515", schedule(period, head=head)) == [("proj/settings.py", LINE + head.count("\n") + 1, "CEL515")]


def test_cel515_add_periodic_task_without_expires(project):
    text = TASKS + "\n\ndef on_configure(sender, **kwargs):\n    sender.add_periodic_task(30.0, add.s(1, 2))\n"
    assert found(project, "CEL515", {"demoapp/tasks.py": text}) == [("demoapp/tasks.py", text.count("\n"), "CEL515")]
    expiring = text.replace("add.s(1, 2))", "add.s(1, 2), expires=30)")
    assert found(project, "CEL515", {"demoapp/tasks.py": expiring}) == []


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param((schedule("301"),), id="period-above-the-threshold"),
        pytest.param((schedule('crontab(minute="0,30")', head=CRONTAB),), id="crontab-half-hourly"),
        pytest.param((schedule('crontab(minute="0,2,30")', head=CRONTAB),), id="crontab-uneven"),
        pytest.param((schedule("60.0", ', "options": {"expires": 60}'),), id="expires"),
        pytest.param((schedule("60.0", ', "options": OPTIONS'),), id="options-unknown"),
        pytest.param((tasks("expires=60"), schedule("60.0")), id="task-expires"),
        pytest.param((tasks("**OPTIONS"), schedule("60.0")), id="task-star-options"),
        pytest.param((schedule("60.0", task="billing.tasks.charge"),), id="not-a-project-task"),
        pytest.param((schedule("EVERY"),), id="period-unknown"),
        pytest.param((schedule("solar('sunset', 48.8, 2.3)", head="from celery.schedules import solar\n"),), id="solar"),
    ],
)
def test_cel515_silent(project, parts):
    assert found(project, "CEL515", *parts) == []


def test_cel515_in_test_settings_is_silent(project):
    files = {"proj/settings_test.py": "from proj.settings import *\n" + schedule("60.0")["+proj/settings.py"]}
    assert found(project, "CEL515", files) == []


DATABASE = {"+proj/settings.py": 'INSTALLED_APPS += ["django_celery_beat"]\n'
                                 'CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"\n'}
UNKNOWN_SCHEDULER = {"+proj/settings.py": 'import os\nCELERY_BEAT_SCHEDULER = os.environ["SCHEDULER"]\n'}


def test_cel515_with_the_database_scheduler_expires_is_not_enough(project):
    expires = schedule("60.0", ', "options": {"expires": 60}')
    assert [c for _, _, c in found(project, "CEL515", DATABASE, expires)] == ["CEL515"]
    (finding,) = [f for f in lint_paths([project], select_rules(["CEL515"], extend_select=["CEL515"])).findings]
    assert "set options={'expire_seconds': 60} (the DatabaseScheduler drops 'expires')" in finding.message
    assert found(project, "CEL515", DATABASE, schedule("60.0", ', "options": {"expire_seconds": 60}')) == []


@pytest.mark.parametrize("key", ["expires", "expire_seconds"])
def test_cel515_with_an_unknown_scheduler_either_expiry_is_enough(project, key):
    assert found(project, "CEL515", UNKNOWN_SCHEDULER, schedule("60.0", f', "options": {{"{key}": 60}}')) == []


def test_cel515_with_an_unknown_scheduler_names_both(project):
    write_files(project, {"+proj/settings.py": UNKNOWN_SCHEDULER["+proj/settings.py"] + schedule("60.0")["+proj/settings.py"]})
    (finding,) = [f for f in lint_paths([project], select_rules(["CEL515"], extend_select=["CEL515"])).findings]
    assert "set options={'expires': 60} or options={'expire_seconds': 60} (the latter for the DatabaseScheduler)" \
        in finding.message
