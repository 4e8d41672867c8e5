"""CEL003, CEL1xx, CEL3xx and CEL4xx in the real `manage.py check` (subprocesses on sqlite projects).

What the running process knows beyond the source -- the environment, names set by
code the analysis cannot follow, the app's real namespace and configuration -- and
one message per cause where the static and the live analysis agree.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import celery
import pytest

from celery_lint.examples import BASE, write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.helpers import PYTHON, clean_env

load_rules()
MESSAGE = re.compile(r"^(?P<obj>\S*?): \(celery_lint\.(?P<id>[EW]\d{3})\)", re.MULTILINE)
CELERY_PY = BASE["proj/celery.py"]
WSGI = 'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\napplication = get_wsgi_application()\n'


def manage(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=root, capture_output=True, text=True, timeout=120,
        env={**clean_env(), **(env or {})},
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def messages(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    """(obj, id) of every celery_lint message, in output order (duplicates kept)."""
    return [(m.group("obj"), m.group("id")) for m in MESSAGE.finditer(result.stdout + result.stderr)]


def project_of(root: Path, example: Example | dict[str, str]) -> Path:
    write_project(example if isinstance(example, Example) else Example(example), root)
    return root


def ids(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [i for _, i in messages(result)]


def with_app_line(line: str) -> str:
    return CELERY_PY.replace("app.autodiscover_tasks()", f"{line}\napp.autodiscover_tasks()")


# -- one message per cause, located where the source says ---------------------------------


@pytest.mark.parametrize("code", ["CEL303", "CEL304", "CEL402"])
def test_bad_example_one_located_message(tmp_path, code):
    rule = REGISTRY[code]
    found = messages(manage(project_of(tmp_path, rule.bad), "check"))
    (obj,) = [o for o, i in found if i == rule.django_id.rpartition(".")[2]]
    assert obj.startswith("proj/settings.py:")
    assert [i for _, i in found] == [rule.django_id.rpartition(".")[2]]


@pytest.mark.parametrize("code", ["CEL303", "CEL304", "CEL402"])
def test_good_example_is_quiet(tmp_path, code):
    assert ids(manage(project_of(tmp_path, REGISTRY[code].good), "check")) == []


def test_settings_names_one_message_each(tmp_path):
    """The static CEL101 findings and the live view of the same names give three messages, not six."""
    extra = "TASK_ALWAYS_EAGER = False\nRESULT_EXPIRES = 3600\nWORKER_PREFETCH_MULTIPLIER = 1\n"
    found = messages(manage(project_of(tmp_path, {"+proj/settings.py": extra}), "check"))
    assert sorted(i for _, i in found) == ["E101"] * 3
    assert all(o.startswith("proj/settings.py:") for o, _ in found)


# -- what only the running process knows ----------------------------------------------------


def test_names_set_by_code_the_analysis_cannot_follow(tmp_path):
    extra = 'globals().update(dict(TASK_ALWAYS_EAGER=True, CELERY_RESULTS_BACKEND="django-db", CELERYD_CONCURRENCY=2))\n'
    found = manage(project_of(tmp_path, {"+proj/settings.py": extra}), "check")
    assert sorted(ids(found)) == ["E101", "E102", "W104"]  # the id of CEL102 whatever the Celery version
    assert "settings.TASK_ALWAYS_EAGER is ignored" in found.stdout + found.stderr


def test_cache_backend_set_by_code_the_analysis_cannot_follow(tmp_path):
    extra = 'CELERY_RESULT_BACKEND = "django-cache"\nglobals()["CELERY_CACHE_BACKEND"] = "django-cache"\n'
    found = manage(project_of(tmp_path, {"+proj/settings.py": extra}), "check")
    assert messages(found) == [("?", "E303")]
    assert "caches['django-cache']" in found.stdout + found.stderr


def test_result_backend_from_the_environment_wins(tmp_path):
    """Celery reads CELERY_RESULT_BACKEND from the environment first: the settings' value is not used."""
    root = project_of(tmp_path, REGISTRY["CEL303"].bad)
    assert ids(manage(root, "check")) == ["E303"]
    assert ids(manage(root, "check", env={"CELERY_RESULT_BACKEND": "django-db"})) == []


def test_results_app_missing_with_backend_from_the_environment(tmp_path):
    root = project_of(tmp_path, REGISTRY["CEL301"].bad)
    assert ids(manage(root, "check")) == ["E301"]
    assert ids(manage(root, "check", env={"CELERY_RESULT_BACKEND": "rpc://"})) == []


def test_namespace_given_to_the_constructor(tmp_path):
    """Statically the config_from_object call has no namespace; the running app has one."""
    celery_py = CELERY_PY.replace(', namespace="CELERY")\n', ")\n").replace(
        'Celery("proj")', 'Celery("proj", namespace="CELERY")'
    )
    assert 'namespace="CELERY"' in celery_py and "config_from_object(\"django.conf:settings\")" in celery_py
    assert ids(manage(project_of(tmp_path, {"proj/celery.py": celery_py}), "check")) == []


def test_lowercase_namespace_live(tmp_path):
    """The settings it names as ignored are those the installed Celery really does not read."""
    files = {**REGISTRY["CEL003"].bad.texts(), "+proj/settings.py": 'CELERY_TASK_SERIALIZER = "pickle"\n'}
    result = manage(project_of(tmp_path, files), "check")
    found = messages(result)
    assert [i for _, i in found] == ["E003"]
    assert found[0][0].startswith("proj/celery.py:")
    output = result.stdout + result.stderr
    assert "ignores CELERY_BROKER_URL" in output  # a new name only
    assert "CELERY_RESULT_BACKEND" not in output  # read by name in every version
    # an old name too: Celery 5.7 finds it after the lowercase names, earlier versions find the default first
    assert ("CELERY_TASK_SERIALIZER" in output) is (celery.VERSION < (5, 7))


def test_timezone_set_on_the_app(tmp_path):
    """app.conf.timezone makes the static analysis silent; the running app shows the mismatch."""
    settings = REGISTRY["CEL402"].bad.texts()["proj/settings.py"].replace('"Europe/Paris"', '"UTC"')
    files = {"proj/settings.py": settings, "proj/celery.py": with_app_line('app.conf.timezone = "Europe/Paris"')}
    found = manage(project_of(tmp_path, files), "check")
    assert messages(found) == [("?", "W402")]
    assert "Celery runs on 'Europe/Paris'" in found.stdout + found.stderr


def test_database_scheduler_subclass_the_process_cannot_import(tmp_path):
    """The project's scheduler module cannot be imported without the app: the static finding stands."""
    files = {
        "+proj/settings.py": 'CELERY_BEAT_SCHEDULER = "proj.schedulers:Scheduler"\n',
        "proj/schedulers.py": "from django_celery_beat.schedulers import DatabaseScheduler\n\n\n"
        "class Scheduler(DatabaseScheduler):\n    pass\n",
    }
    found = messages(manage(project_of(tmp_path, files), "check"))
    assert [i for _, i in found] == ["E304"] and found[0][0].startswith("proj/settings.py:")


# -- databases: never without one, never blocking migrate ----------------------------------


def test_beat_migrations(tmp_path):
    root = project_of(tmp_path, REGISTRY["CEL305"].bad)
    assert ids(manage(root, "check")) == []
    unmigrated = manage(root, "check", "--database", "default")
    assert sorted(ids(unmigrated)) == ["E302", "E305"]
    assert "migrate django_celery_beat --database default" in unmigrated.stdout + unmigrated.stderr
    migrated = manage(root, "migrate")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert ids(manage(root, "check", "--database", "default")) == []


# -- deployment ---------------------------------------------------------------------------------


def test_eager_in_deployed_settings_one_message(tmp_path):
    root = project_of(tmp_path, REGISTRY["CEL401"].bad)
    assert ids(manage(root, "check")) == ["W401"]
    assert ids(manage(root, "check", "--deploy")).count("W401") == 1


def test_eager_with_debug_off_only_on_deploy(tmp_path):
    """No wsgi.py: the source does not tell what is deployed, the running settings do."""
    extra = "DEBUG = False\nALLOWED_HOSTS = ['example.com']\nCELERY_TASK_ALWAYS_EAGER = True\n"
    root = project_of(tmp_path, {"+proj/settings.py": extra})
    assert ids(manage(root, "check")) == []
    deploy = manage(root, "check", "--deploy")
    assert messages(deploy) == [("?", "W401")]
    assert ids(manage(project_of(tmp_path, {"+proj/settings.py": "CELERY_TASK_ALWAYS_EAGER = True\n"}), "check", "--deploy")) == []


def test_no_broker_only_on_deploy(tmp_path):
    root = project_of(tmp_path, REGISTRY["CEL403"].bad)
    assert ids(manage(root, "check")) == []
    deploy = manage(root, "check", "--deploy")
    assert messages(deploy) == [("?", "W403")]
    assert "amqp://guest@localhost" in deploy.stdout + deploy.stderr


@pytest.mark.parametrize(
    ("files", "env"),
    [
        pytest.param({}, {"CELERY_BROKER_URL": "redis://cache:6379/0"}, id="environment"),
        pytest.param({}, {"CELERY_BROKER_WRITE_URL": "redis://cache:6379/0"}, id="write-url-environment"),
        pytest.param({"proj/celery.py": CELERY_PY.replace('Celery("proj")', 'Celery("proj", broker="memory://")')}, {},
                     id="constructor"),
        pytest.param({"proj/celery.py": with_app_line('app.conf.broker_url = "memory://"')}, {}, id="app-conf"),
        pytest.param({"proj/celery.py": with_app_line(
            "@app.on_configure.connect\ndef configure(sender, **kwargs):\n    sender.conf.broker_url = 'memory://'\n")}, {},
            id="on-configure-receiver"),
    ],
)
def test_broker_configured_elsewhere(tmp_path, files, env):
    bad = REGISTRY["CEL403"].bad.texts()
    root = project_of(tmp_path, {**bad, **files})
    assert ids(manage(root, "check", "--deploy", env=env)) == []


def test_deploy_on_the_canonical_project_is_quiet(tmp_path):
    root = project_of(tmp_path, {"proj/wsgi.py": WSGI})
    assert ids(manage(root, "check", "--deploy")) == []
