"""No crash from any directory or project: the real `celery-lint`, `python -m celery_lint`
and `manage.py` in a subprocess.

- Celery's setting tables come from the installed library whatever the working
  directory holds: the very site-packages Celery is installed in (the command once
  dropped it from `sys.path` as "the working directory" and died with
  `ModuleNotFoundError: No module named 'celery'`), or a fake `celery/` package laid
  out as an installed one;
- a project whose settings put its own package directory (holding `celery.py`, with an
  empty `__init__.py`) first on `sys.path`: `manage.py` runs, and says CEL006 as a
  check message instead of an ImportError traceback from `CeleryLintConfig.ready()`.
"""

from __future__ import annotations

from pathlib import Path

import celery
import pytest

from celery_lint.versions import format_version, parse_version
from tests.helpers import BIN, PYTHON, run, write_files

SITE_PACKAGES = Path(celery.__file__).resolve().parent.parent
FAKE = 'raise RuntimeError("the fake celery package was imported")\n'


def no_traceback(result) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "ModuleNotFoundError" not in output, output[-3000:]
    return output


@pytest.mark.parametrize("command", [[str(BIN / "celery-lint")], [PYTHON, "-m", "celery_lint"]], ids=["script", "-m"])
def test_linting_installed_packages_from_inside_site_packages(command):
    result = run([*command, "django", "celery", "kombu"], SITE_PACKAGES, timeout=600)
    no_traceback(result)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert " in " in result.stdout and "files" in result.stdout  # the summary: it ran to the end


FAKE_CELERY = {
    "celery/__init__.py": FAKE,
    "celery/app/__init__.py": FAKE,
    "celery/app/defaults.py": FAKE,
    "celery-9.9.9.dist-info/METADATA": "Metadata-Version: 2.1\nName: celery\nVersion: 9.9.9\n",
    "+proj/settings.py": "RESULT_EXPIRES = 60\n",
}


@pytest.mark.parametrize("command", [[str(BIN / "celery-lint")], [PYTHON, "-m", "celery_lint"]], ids=["script", "-m"])
def test_a_fake_celery_package_in_the_working_directory(project, command):
    """`python -m` puts the working directory first on sys.path: its `celery/` (laid out
    as installed, dist-info and all) is neither run nor read for the tables."""
    write_files(project, FAKE_CELERY)
    result = run([*command, "."], project)
    output = no_traceback(result)
    assert result.returncode == 1, output
    assert "proj/settings.py:33:1: CEL101 RESULT_EXPIRES is ignored" in result.stdout
    assert "celery/__init__.py:1:1: CEL006" in result.stdout  # beside manage.py: it does shadow the library
    assert "fake celery" not in output
    real = format_version(parse_version(celery.__version__))
    assert f"Celery {real} installed" in result.stdout  # not the copy's 9.9.9


NO_CELERY = """\
import sys
sys.path[:] = [p for p in sys.path if "site-packages" not in p] + [sys.argv[1]]
sys.argv[1:] = ["."]
from celery_lint.console import run
run()
"""


def test_no_celery_installed_is_a_clear_error(project, tmp_path):
    write_files(project, {"+proj/settings.py": "RESULT_EXPIRES = 60\n"})
    repository = Path(__file__).resolve().parent.parent.parent
    result = run([PYTHON, "-S", "-c", NO_CELERY, str(repository)], project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "celery-lint: error: celery-lint needs Celery installed beside it" in result.stderr


# -- a project that puts its own package directory first on sys.path -------------------------

SHADOWING = {
    "proj/__init__.py": "",  # the app is not imported first: `import celery` comes later
    "+proj/settings.py": 'import sys\nsys.path.insert(0, str(BASE_DIR / "proj"))\n',
    # no URLconf importing the tasks: Django's own URL check would import them and fail as the project does
    "proj/urls.py": "urlpatterns = []\n",
    "-demoapp/views.py": "",
}
NO_RESULTS_APP = {  # django_celery_results imports celery at django.setup(), before celery_lint's ready()
    "+proj/settings.py": 'INSTALLED_APPS.remove("django_celery_results")\nCELERY_RESULT_BACKEND = None\n',
}
LIVE = "proj/celery.py: (celery_lint.E006) `import celery` in this process loads proj/celery.py"


def shadowing_project(project: Path, **changes: str) -> Path:
    files = {**SHADOWING, **NO_RESULTS_APP}
    files["+proj/settings.py"] = SHADOWING["+proj/settings.py"] + NO_RESULTS_APP["+proj/settings.py"]
    files.update(changes)
    return write_files(project, files)


PROOF = """\
import importlib.util
print("FILE", importlib.util.find_spec("celery").origin)
try:
    from celery import Celery
except ImportError as exc:
    print("FAILS", exc)
"""


def test_python_imports_the_shadowing_module(project):
    """The proof: in the project's own process, `import celery` is proj/celery.py, and
    `from celery import Celery` fails."""
    shadowing_project(project)
    result = run([PYTHON, "manage.py", "shell", "-c", PROOF], project)
    shadow = project.resolve() / "proj" / "celery.py"
    assert f"FILE {shadow}" in result.stdout, result.stdout + result.stderr
    assert "FAILS cannot import name 'Celery' from partially initialized module 'celery'" in result.stdout


def test_manage_py_check_reports_cel006_instead_of_a_traceback(project):
    shadowing_project(project)
    result = run([PYTHON, "manage.py", "check"], project)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "ImportError" not in output, output
    assert LIVE in output.split("ERRORS:", 1)[1], output
    assert output.count("celery_lint.E006") == 1
    assert result.returncode == 1  # an error: `check` fails


def test_other_commands_run_and_show_it_as_a_warning(project):
    shadowing_project(project)
    result = run([PYTHON, "manage.py", "showmigrations", "auth"], project)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output
    assert LIVE in output.split("WARNINGS:", 1)[1]
    assert "0001_initial" in output


def test_the_canonical_package_init_imports_the_library_first(project):
    """`proj/__init__.py` importing the app: Celery is loaded before the settings insert
    proj/, so nothing is shadowed, and neither the process nor the source says so."""
    shadowing_project(project, **{"proj/__init__.py": "from .celery import app as celery_app\n"})
    result = run([PYTHON, "manage.py", "check"], project)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "E006" not in output, output
    assert "CEL006" not in run([str(BIN / "celery-lint"), "."], project).stdout


STATIC = "proj/celery.py:1:1: CEL006 proj/celery.py shadows the celery library: proj/settings.py puts proj/ first on sys.path"


def test_the_command_and_flake8_report_the_shadowing_module(project):
    shadowing_project(project)
    command = run([str(BIN / "celery-lint"), "."], project)
    assert STATIC in command.stdout and command.returncode == 1, command.stdout + command.stderr
    flake8 = run([str(BIN / "flake8"), "--select=CEL", "."], project)
    assert f"./{STATIC}" in flake8.stdout, flake8.stdout + flake8.stderr
