"""The Celery version from the project's pins, through the real tools: the same
version, so the same CEL102 severity and message, from whatever directory the
command runs, under flake8 and in `manage.py check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import Example
from tests.helpers import BIN, run

OLD_NAME = Example({"+proj/settings.py": "CELERYD_CONCURRENCY = 7\n"})
UV_LOCK = 'version = 1\n\n[[package]]\nname = "celery"\nversion = "{}"\n'
# (pin files of the repository, relative to its top; the project is backend/) -> (severity, source)
SHAPES = {
    "uv-lock-at-the-top": ({"uv.lock": UV_LOCK.format("5.6.3")}, "E", "Celery 5.6.3 from ../uv.lock"),
    "uv-lock-5.7": ({"uv.lock": UV_LOCK.format("5.7.0")}, "W", "Celery 5.7.0 from ../uv.lock"),
    "requirements-dir": ({"backend/requirements/base.txt": "celery==5.6.3\n"}, "E",
                         "Celery 5.6.3 from requirements/base.txt"),
    "pipfile": ({"backend/Pipfile": '[packages]\ncelery = "==5.7.0"\n'}, "W", "Celery 5.7.0 from Pipfile"),
    "setup-cfg": ({"backend/setup.cfg": "[options]\ninstall_requires =\n    celery>=5.6.1,<5.7\n"}, "E",
                  "Celery 5.6.1 from setup.cfg"),
    "lock-beats-range": ({"poetry.lock": '[[package]]\nname = "celery"\nversion = "5.7.0"\n',
                          "backend/pyproject.toml": '[project]\nname = "b"\ndependencies = ["celery>=5.3"]\n'},
                         "W", "Celery 5.7.0 from ../poetry.lock"),
}
WHERE = ("", "backend", "backend/proj")


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("pins")
    for name, (files, _, _) in SHAPES.items():
        repo = top / name
        write_project(OLD_NAME, repo / "backend")
        for path, text in files.items():
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(text)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return top


def command_says(cwd: Path) -> tuple[str, str]:
    result = run([str(BIN / "celery-lint"), "--select", "CEL102", "--format", "json", "."], cwd)
    [found] = json.loads(result.stdout)["findings"]
    return found["severity"], found["message"]


def flake8_says(cwd: Path) -> str:
    result = run([str(BIN / "flake8"), "--select=CEL102", "-j", "1", "."], cwd)
    [line] = result.stdout.splitlines()
    return line.split(" CEL102 ", 1)[1]


@pytest.mark.parametrize("shape", SHAPES)
def test_the_same_version_from_every_directory_and_front_end(repos, shape):
    _, severity, target = SHAPES[shape]
    repo = repos / shape
    said = {where: command_says(repo / where) for where in WHERE}
    messages = {message for _, message in said.values()}
    assert {s for s, _ in said.values()} == {severity}, said
    assert len(messages) == 1, said
    [message] = messages
    assert target in message
    for where in WHERE[:2]:
        assert flake8_says(repo / where) == message


def test_manage_py_check_reads_the_same_pin(repos):
    result = run([sys.executable, "manage.py", "check"], repos / "uv-lock-at-the-top" / "backend")
    output = result.stdout + result.stderr
    assert "(celery_lint.E102) CELERYD_CONCURRENCY is a Celery 3 name: ignored by Celery 5.6.3 from ../uv.lock" in output


def test_a_malformed_lock_leaves_the_installed_version(tmp_path):
    repo = tmp_path / "repo"
    write_project(OLD_NAME, repo / "backend")
    (repo / "uv.lock").write_text("[[package]\nname = celery")
    (repo / "backend" / "Pipfile").write_text("[packages\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _, message = command_says(repo / "backend")  # no crash, no error: a pin unknown
    assert "from the installed package" in message
