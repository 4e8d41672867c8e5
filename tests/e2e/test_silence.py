"""Honest silence: the real command, flake8 and `manage.py check` never say "nothing
found" where the analysis was blind. A `--settings`/`--app` naming no module is an
error (exit 2); settings or an app that could not be determined, no Django project,
no Python file are warnings on stderr, and the summary says what was analysed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import Example
from celery_lint.sources import PYTHON as RUNNING_PYTHON
from tests.e2e import FINDING
from tests.helpers import BASE_FACTS, BIN, PYTHON, run

SETTINGS_FINDINGS = """\
TASK_ALWAYS_EAGER = True
CELERYD_CONCURRENCY = 4
broker_url = "redis://localhost"
CELERY_TASK_TIME_LIMT = 300
"""
DYNAMIC = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", os.environ["ENV"] + ".settings")\n'
DYNAMIC_FILES = {
    "manage.py": f"import os\n{DYNAMIC}",
    "proj/celery.py": f'import os\n\nfrom celery import Celery\n\n{DYNAMIC}app = Celery("proj")\n'
    'app.config_from_object("django.conf:settings", namespace="CELERY")\napp.autodiscover_tasks()\n',
}
NO_APP = {"-proj/celery.py": "", "proj/__init__.py": ""}  # demoapp/tasks.py still uses shared_task
NOT_DETERMINED = (
    "the Django settings module could not be determined (no DJANGO_SETTINGS_MODULE in manage.py, "
    "wsgi.py, asgi.py, the Celery app module or the test configuration names a module of the project): "
    "the settings rules did not run; name it with {}settings (or `settings` in [tool.celery-lint])"
)
NO_APP_FOUND = (
    "the code uses Celery but no Celery app was found (no Celery(...) call, no name configured with "
    "config_from_object()): the app rules did not run; "
    "name its module with {}app (or `app` in [tool.celery-lint])"
)
NO_DJANGO = (
    "no Django project under . (no manage.py, no DJANGO_SETTINGS_MODULE naming a settings module): "
    "the settings rules did not run; name the settings module with {}settings"
)
NEWER = "type Seconds = int\n"  # Python 3.12 syntax
older_python = pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python parses PEP 695 type statements")


def celery_lint(cwd: Path, *args: str):
    return run([str(BIN / "celery-lint"), *args], cwd)


def flake8(cwd: Path, *args: str):
    return run([str(BIN / "flake8"), "--select=CEL", *args, "."], cwd)


def codes(stdout: str) -> list[str]:
    return [m["code"] for m in map(FINDING.match, stdout.splitlines()) if m]


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> Path:
    """Four findings in the settings: what a mistyped option must not hide."""
    return write_project(Example({"+proj/settings.py": SETTINGS_FINDINGS}), tmp_path_factory.mktemp("silence") / "bad")


# -- options naming no module: exit 2 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["--settings", "proj.nosuch"], "--settings proj.nosuch: no such module in {root}; "
                     "settings modules nearby: proj.settings", id="settings"),
        pytest.param(["--settings", "proj.setings"], "--settings proj.setings: no such module in {root}; "
                     "settings modules nearby: proj.settings", id="settings-typo"),
        pytest.param(["--app", "proj.celeri"], "--app proj.celeri: no such module in {root}; "
                     "modules nearby: proj.celery", id="app"),
        pytest.param(["--app", "proj.nosuch:app"], "--app proj.nosuch:app: no such module in {root}; "
                     "modules nearby: proj.celery", id="app-attribute"),
    ],
)
def test_an_option_naming_no_module_exits_2(bad, args, error):
    result = celery_lint(bad, *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"celery-lint: error: {error.format(root=bad)}\n"


@pytest.mark.parametrize(
    ("table", "error"),
    [
        pytest.param('settings = ["proj.nosuch"]', "settings proj.nosuch: no such module in {root}; "
                     "settings modules nearby: proj.settings", id="settings"),
        pytest.param('app = "proj.nosuch"', "app proj.nosuch: no such module in {root}; "
                     "modules nearby: proj.celery", id="app"),
    ],
)
def test_the_table_naming_no_module_exits_2_in_the_command_and_flake8(tmp_path, table, error):
    root = write_project(Example({"+proj/settings.py": SETTINGS_FINDINGS}), tmp_path)
    (root / "pyproject.toml").write_text(f"[tool.celery-lint]\n{table}\n", encoding="utf-8")
    message = f"{root / 'pyproject.toml'}: [tool.celery-lint] {error.format(root=root)}"
    result = celery_lint(root)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"celery-lint: error: {message}\n")
    result = flake8(root)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.endswith(f"flake8: error: {message}\n"), result.stderr


def test_an_existing_module_is_no_error(bad):
    result = celery_lint(bad, "--settings", "proj.settings", "--app", "proj.celery:app")
    assert result.returncode == 1 and result.stderr == ""
    assert codes(result.stdout) == ["CEL101", "CEL102", "CEL103", "CEL104"]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["--celery-lint-settings=proj.nosuch"], "--celery-lint-settings proj.nosuch: no such module "
                     "in {root}; settings modules nearby: proj.settings", id="settings"),
        pytest.param(["--celery-lint-app=proj.celeri"], "--celery-lint-app proj.celeri: no such module in {root}; "
                     "modules nearby: proj.celery", id="app"),
    ],
)
def test_flake8_options_naming_no_module_exit_2_as_flake8s_own_bad_options(bad, args, error):
    result = flake8(bad, *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("usage: flake8 ")
    assert result.stderr.endswith(f"flake8: error: {error.format(root=bad)}\n"), result.stderr
    assert codes(flake8(bad, "--celery-lint-settings=proj.settings").stdout) == ["CEL101", "CEL102", "CEL103", "CEL104"]


# -- what could not be determined: warnings, the summary says what was analysed ---------------------


def test_a_healthy_project_prints_its_facts_and_no_warning(tmp_path):
    root = write_project(Example({}), tmp_path)
    (root / "requirements.txt").write_text("celery==5.5.2\n", encoding="utf-8")
    result = celery_lint(root)
    facts = "settings proj.settings, app proj.celery, Celery 5.5.2 from requirements.txt"
    assert (result.returncode, result.stdout, result.stderr) == (0, f"No findings in 8 files ({facts}).\n", "")
    assert (flake8(root).returncode, flake8(root).stderr) == (0, "")


def test_dynamic_settings_module(tmp_path):
    root = write_project(Example(DYNAMIC_FILES), tmp_path)
    result = celery_lint(root)
    assert result.returncode == 0
    assert result.stdout.endswith(" files (settings not determined, app proj.celery, "
                                  f"{BASE_FACTS.rpartition(', ')[2]}).\n")
    assert result.stderr == f"celery-lint: warning: {NOT_DETERMINED.format('--')}\n"
    result = flake8(root)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"celery-lint: warning: {NOT_DETERMINED.format('--celery-lint-')}\n"


def test_dynamic_settings_named_with_the_option(tmp_path):
    root = write_project(Example({**DYNAMIC_FILES, "+proj/settings.py": SETTINGS_FINDINGS}), tmp_path)
    assert celery_lint(root).returncode == 0
    result = celery_lint(root, "--settings", "proj.settings")
    assert (result.returncode, result.stderr) == (1, "")
    assert codes(result.stdout) == ["CEL101", "CEL102", "CEL103", "CEL104"]


def test_code_using_celery_without_an_app(tmp_path):
    root = write_project(Example(NO_APP), tmp_path)
    result = celery_lint(root)
    assert result.returncode == 0
    assert result.stdout == f"No findings in 7 files ({BASE_FACTS.replace('app proj.celery', 'no Celery app found')}).\n"
    assert result.stderr == f"celery-lint: warning: {NO_APP_FOUND.format('--')}\n"
    assert flake8(root).stderr == f"celery-lint: warning: {NO_APP_FOUND.format('--celery-lint-')}\n"


NAMESPACE_FROM_ENV = {
    "proj/celery.py": 'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
    '"proj.settings")\napp = Celery("proj")\napp.config_from_object("django.conf:settings", '
    'namespace=os.environ["NS"])\napp.autodiscover_tasks()\n',
    "+proj/settings.py": "RESULT_EXPIRES = 60\n",  # a CEL101 only with namespace CELERY: unknown here
}
NAMESPACE_NOT_DETERMINED = (
    "the namespace with which proj.celery:app reads Django settings could not be determined: the settings "
    "rules did not run for it; name it with {}namespace (or `namespace` in [tool.celery-lint])"
)


def test_a_namespace_the_analysis_cannot_read(tmp_path):
    root = write_project(Example(NAMESPACE_FROM_ENV), tmp_path)
    result = celery_lint(root)
    assert (result.returncode, result.stdout) == (0, f"No findings in 8 files ({BASE_FACTS}).\n")
    assert result.stderr == f"celery-lint: warning: {NAMESPACE_NOT_DETERMINED.format('--')}\n"
    assert flake8(root).stderr == f"celery-lint: warning: {NAMESPACE_NOT_DETERMINED.format('--celery-lint-')}\n"
    told = celery_lint(root, "--namespace", "CELERY")  # told, the rules run and the warning goes
    assert (codes(told.stdout), told.stderr) == (["CEL101"], "")


CONFIGURATIONS = {
    "+proj/settings.py": "\n\nfrom configurations import Configuration\n\n\nclass Dev(Configuration):\n"
    "    CELERY_TASK_SOFT_TIMELIMIT = 10\n\n\nclass Prod(Configuration):\n    DEBUG = False\n",
}
CONFIGURATION_NOT_DETERMINED = (
    "proj.settings defines several django-configurations classes (Dev, Prod) and the one DJANGO_CONFIGURATION "
    "names could not be determined: their settings were not checked; name the class with {}configuration "
    "(or `configuration` in [tool.celery-lint])"
)


def test_a_configuration_class_the_analysis_cannot_choose(tmp_path):
    root = write_project(Example(CONFIGURATIONS), tmp_path)
    result = celery_lint(root)
    assert result.stderr == f"celery-lint: warning: {CONFIGURATION_NOT_DETERMINED.format('--')}\n"
    assert "CEL104" not in result.stdout
    assert flake8(root).stderr == f"celery-lint: warning: {CONFIGURATION_NOT_DETERMINED.format('--celery-lint-')}\n"
    told = celery_lint(root, "--configuration", "Dev")
    assert "CEL104" in codes(told.stdout) and told.stderr == ""


def test_a_django_project_without_celery_is_not_blind(tmp_path):
    """Nothing uses Celery: no app is a fact, not a warning."""
    root = write_project(Example({**NO_APP, "-demoapp/tasks.py": "", "-demoapp/views.py": "", "proj/urls.py": ""}),
                         tmp_path)
    result = celery_lint(root)
    assert (result.returncode, result.stderr) == (0, "")
    assert "no Celery app found" in result.stdout


def test_no_django_project(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "tasks.py").write_text("from celery import shared_task\n\n\n@shared_task\ndef add(x, y):\n"
                                               "    return x + y\n")
    result = celery_lint(tmp_path)
    assert (result.returncode, result.stdout) == (0, "No findings in 2 files (no Django project).\n")
    assert result.stderr == f"celery-lint: warning: {NO_DJANGO.format('--')}\n"
    assert flake8(tmp_path).stderr == f"celery-lint: warning: {NO_DJANGO.format('--celery-lint-')}\n"


def test_no_python_file(tmp_path):
    (tmp_path / "README.md").write_text("# nothing\n")
    result = celery_lint(tmp_path)
    warning = "celery-lint: warning: no Python file under .: nothing was analysed\n"
    assert (result.returncode, result.stdout, result.stderr) == (0, "No findings in 0 files.\n", warning)
    assert (flake8(tmp_path).returncode, flake8(tmp_path).stderr) == (0, warning)


def test_one_fact_line_per_project(tmp_path):
    write_project(Example({}), tmp_path / "shop")
    write_project(Example(DYNAMIC_FILES), tmp_path / "blog")
    result = celery_lint(tmp_path)
    version = BASE_FACTS.rpartition(", ")[2]
    assert result.stdout.splitlines() == [
        "No findings in 16 files, 2 projects:",
        f"  blog: settings not determined, app proj.celery, {version}",
        f"  shop: {BASE_FACTS}",
    ]
    assert result.stderr == f"celery-lint: warning: blog: {NOT_DETERMINED.format('--')}\n"
    result = flake8(tmp_path)  # flake8 names the directory: its manage.py projects are found below it
    assert result.stderr == f"celery-lint: warning: blog: {NOT_DETERMINED.format('--celery-lint-')}\n"


# -- CEL007: a needed module this Python cannot parse ---------------------------------------------


@older_python
def test_newer_syntax_in_the_settings(tmp_path):
    root = write_project(Example({"+proj/settings.py": NEWER + SETTINGS_FINDINGS}), tmp_path)
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\nrequires-python = ">=3.12"\n')
    message = (
        f"CEL007 proj/settings.py:33 (the settings module proj.settings) cannot be parsed by Python "
        f"{RUNNING_PYTHON}: invalid syntax; the project may need a newer Python (requires-python '>=3.12' in "
        f"pyproject.toml): run celery-lint under the project's Python"
    )
    result = celery_lint(root)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == f"manage.py:7:1: {message}"
    assert "celery-lint: error: proj/settings.py:33: syntax error" in result.stderr
    result = flake8(root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"./manage.py:7:1: {message}"]


@older_python
def test_the_command_checks_the_project_under_its_own_python(tmp_path):
    """The same project, once the settings parse, has its findings back."""
    root = write_project(Example({"+proj/settings.py": "Seconds = int\n" + SETTINGS_FINDINGS}), tmp_path)
    assert codes(celery_lint(root).stdout) == ["CEL101", "CEL102", "CEL103", "CEL104"]


# -- manage.py check ---------------------------------------------------------------------------------


def manage(root: Path, *args: str) -> str:
    result = run([PYTHON, "manage.py", *args], root)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout + result.stderr


def test_check_database_that_cannot_be_reached(tmp_path):
    unreachable = {
        "+proj/settings.py": 'INSTALLED_APPS += ["django_celery_beat"]\nDATABASES = {"default": {"ENGINE": '
        '"django.db.backends.sqlite3", "NAME": BASE_DIR / "no" / "such" / "dir" / "db.sqlite3"}}\n',
    }
    root = write_project(Example(unreachable), tmp_path)
    output = manage(root, "check", "--database", "default")
    # a warning (the command goes on), with the rule's one id
    warnings = output[output.index("WARNINGS:"):]
    for code, app in (("E302", "django_celery_results"), ("E305", "django_celery_beat")):
        assert (f"default: (celery_lint.{code}) could not check the migrations of {app} on database 'default' "
                "(OperationalError: unable to open database file): whether its tables exist is unknown") in warnings
    assert "celery_lint" not in manage(root, "check")  # no database given: none touched


def test_an_exception_in_a_check_is_a_warning(tmp_path):
    """A mistyped task annotations path makes Celery's finalize raise in CEL201's live check."""
    root = write_project(Example({"+proj/settings.py": 'CELERY_TASK_ANNOTATIONS = "proj.nosuch.Annotations"\n'}),
                         tmp_path)
    output = manage(root, "check")
    assert ("celery-lint: the check check_modules_loaded_twice failed and reported nothing "
            "(ModuleNotFoundError: No module named 'proj.nosuch')") in output


def test_an_exception_in_a_live_rule_is_a_warning(tmp_path):
    root = write_project(Example({"+proj/settings.py": 'CELERY_RESULT_BACKEND = "django-cache"\n'
                                  'CELERY_CACHE_BACKEND = ["default"]\n'}), tmp_path)
    output = manage(root, "check")
    assert ("celery-lint: the live check of CEL303 failed (TypeError: unhashable type: 'list'); "
            "only the source was checked") in output


def test_check_with_a_configured_app_naming_no_module(tmp_path):
    root = write_project(Example({}), tmp_path)
    (root / "pyproject.toml").write_text('[tool.celery-lint]\napp = "proj.celeryy"\n', encoding="utf-8")
    output = manage(root, "check")
    assert (f"?: (celery_lint.W000) [tool.celery-lint] app proj.celeryy: no such module in {root}; "
            "modules nearby: proj.celery: the Celery app rules did not run") in output
    (root / "pyproject.toml").write_text('[tool.celery-lint]\napp = "proj.celery"\n', encoding="utf-8")
    assert "celery_lint" not in manage(root, "check")
