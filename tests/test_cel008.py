"""CEL008: DJANGO_SETTINGS_MODULE names a settings module the project does not have."""

from __future__ import annotations

import subprocess

import pytest

from celery_lint.examples import BASE
from tests.helpers import BIN, lint, run, write_files


SERVER = 'import os\n\nfrom django.core.{kind}i import get_{kind}i_application\n\n' \
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napplication = get_{kind}i_application()\n'
START_UP = {**BASE, "proj/wsgi.py": SERVER.format(kind="wsg"), "proj/asgi.py": SERVER.format(kind="asg")}


def typo(path: str, wrong: str = "proj.settngs") -> dict[str, str]:
    return {path: START_UP[path].replace('"proj.settings"', f'"{wrong}"')}


def cel008(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, "CEL008")


@pytest.mark.parametrize("path", ["manage.py", "proj/wsgi.py", "proj/asgi.py", "proj/celery.py"])
def test_a_typo_in_each_start_up_file(project, path):
    assert [(p, code) for p, _, code in cel008(project, typo(path))] == [(path, "CEL008")]


def test_the_message_names_the_package_and_the_nearest_module(project):
    write_files(project, typo("manage.py"))
    result = run([str(BIN / "celery-lint"), "--select", "CEL008", "."], project)
    assert result.returncode == 1
    assert (
        "manage.py:7:53: CEL008 DJANGO_SETTINGS_MODULE names proj.settngs, which the project does not have "
        "(proj/ holds no settngs.py or settngs/): Django stops with ModuleNotFoundError when it loads the "
        "settings; did you mean proj.settings?"
    ) in result.stdout


def test_assignment_and_settings_package(project):
    files = {
        "proj/settings.py": None,
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": BASE["proj/settings.py"],
        "proj/asgi.py": 'import os\n\nos.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings.prodution"\n',
        **typo("manage.py", "proj.settings.base"),
    }
    files = {k: v for k, v in files.items() if v is not None}
    write_files(project, files)
    (project / "proj/settings.py").unlink()
    assert lint(project, "CEL008") == [("proj/asgi.py", 3, "CEL008")]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="canonical"),
        pytest.param(typo("manage.py", "config.settings.local"), id="package-not-the-projects"),
        pytest.param(typo("manage.py", "django.conf.global_settings"), id="installed-package"),
        pytest.param({**typo("manage.py", "proj.local"), "proj/local.py.example": "from .settings import *\n"},
                     id="template-beside-it"),
        pytest.param({**typo("manage.py", "proj.local"), "proj/local_example.py": "from .settings import *\n"},
                     id="example-beside-it"),
        pytest.param({"manage.py": BASE["manage.py"].replace('"proj.settings"', "SETTINGS")}, id="variable"),
        pytest.param({"manage.py": BASE["manage.py"].replace('"proj.settings"', 'os.environ.get("X", "p.s")')},
                     id="call"),
        pytest.param({"proj/notes.py": '# os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settngs")\n'},
                     id="comment"),
        pytest.param(typo("manage.py", "settings"), id="top-level-name"),
    ],
)
def test_silent(project, files):
    assert cel008(project, files) == []


def test_silent_on_a_module_git_ignores(project):
    write_files(project, {**typo("manage.py", "proj.local"), ".gitignore": "proj/local.py\n"})
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert lint(project, "CEL008") == []
    (project / ".gitignore").write_text("*.pyc\n")
    assert lint(project, "CEL008") == [("manage.py", 7, "CEL008")]


def test_flake8_reports_it_in_the_start_up_file(project):
    write_files(project, typo("proj/celery.py"))
    result = run([str(BIN / "flake8"), "--select=CEL", "."], project)
    assert result.returncode == 1
    assert "./proj/celery.py:" in result.stdout and "CEL008" in result.stdout
