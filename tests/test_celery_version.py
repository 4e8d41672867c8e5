"""The target Celery version (configured, pinned, installed) and CEL102, whose message
and severity follow it; the verdict for the installed Celery is checked against what
that Celery really does with an old setting name."""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

import pytest

from celery_lint import cli
from celery_lint.project import Project, ProjectOptions
from celery_lint.rules.cel102 import verdict
from celery_lint.versions import (
    TargetVersion,
    VersionError,
    lower_bound,
    parse_version,
    pinned_in,
    requirement_pin,
    target_version,
)
from tests.helpers import forget_the_filesystem, run, run_python, write_files

OLD_NAME = {"+proj/settings.py": "CELERYD_CONCURRENCY = 7\n"}
UV_LOCK = 'version = 1\n\n[[package]]\nname = "celery"\nversion = "{}"\nsource = {{ registry = "x" }}\n'


@pytest.mark.parametrize(
    ("text", "version"),
    [("5.6.3", (5, 6, 3)), ("5.7", (5, 7, 0)), ("6", (6, 0, 0)), ("6.0.0rc1", (6, 0, 0)), ("5.3.6.post1", (5, 3, 6)),
     ("v5.4.0", (5, 4, 0)), ("5.6.*", (5, 6, 0)), ("5.5.0b2", (5, 5, 0))],
)
def test_parse_version(text, version):
    assert parse_version(text) == version


@pytest.mark.parametrize("text", ["", "latest", "5..6", "five", "5.6.3-final-final", ">=5.6"])
def test_unparsable_versions(text):
    with pytest.raises(VersionError):
        parse_version(text)


@pytest.mark.parametrize(
    ("spec", "bound"),
    [
        ("==5.6.3", (5, 6, 3)), ("~=5.6.0", (5, 6, 0)), (">=5.3,<6", (5, 3, 0)), ("<6,>=5.3", (5, 3, 0)),
        (">=5.3, >=5.4", (5, 4, 0)), ("^5.3", (5, 3, 0)), ("~5.3.1", (5, 3, 1)), ("5.4.0", (5, 4, 0)),
        ("==5.6.*", (5, 6, 0)), ("<6", None), ("!=5.5.0", None), ("*", None), ("", None),
    ],
)
def test_lower_bound(spec, bound):
    assert lower_bound(spec) == bound


@pytest.mark.parametrize(
    ("line", "pin"),
    [
        ("celery==5.6.3", (5, 6, 3)),
        ("celery[redis]~=5.6.0", (5, 6, 0)),
        ("Celery[redis,sqs] >= 5.3, < 6.0 ; python_version >= '3.10'  # the worker", (5, 3, 0)),
        ("celery==5.6.3 --hash=sha256:abc", (5, 6, 3)),
        ("celery (>=5.4)", (5, 4, 0)),
        ("celery", None),
        ("celery @ https://example.invalid/celery.zip", None),
        ("django-celery-beat==2.9.0", None),
        ("celery-progress==1.0", None),
        ("# celery==4.4.7", None),
    ],
)
def test_requirement_pin(line, pin):
    assert requirement_pin(line) == pin


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "version", "source"),
    [
        pytest.param({"requirements.txt": "django>=4.2\ncelery[redis]==5.6.3 \\\n  --hash=sha256:00\n"}, (5, 6, 3),
                     "requirements.txt", id="requirements"),
        pytest.param({"requirements/base.txt": "celery~=5.5.0\n", "requirements/dev.txt": "-r base.txt\npytest\n"},
                     (5, 5, 0), "requirements/base.txt", id="requirements-dir"),
        pytest.param({"requirements.txt": "celery==5.7.0\n", "requirements-prod.txt": "celery==5.6.3\n"}, (5, 6, 3),
                     "requirements-prod.txt", id="lowest-of-several"),
        pytest.param({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["celery[redis]>=5.4,<6"]\n'}, (5, 4, 0),
                     "pyproject.toml", id="pep621"),
        pytest.param({"pyproject.toml": '[dependency-groups]\nworker = ["celery==5.6.1"]\n'}, (5, 6, 1),
                     "pyproject.toml", id="dependency-groups"),
        pytest.param({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.10"\nCelery = { version = "^5.3", extras = ["redis"] }\n'},
                     (5, 3, 0), "pyproject.toml", id="poetry"),
        pytest.param({"poetry.lock": '[[package]]\nname = "celery"\nversion = "5.6.3"\n\n[[package]]\nname = "kombu"\nversion = "5.6.0"\n',
                      "pyproject.toml": '[tool.poetry.dependencies]\ncelery = "^5.3"\n'}, (5, 6, 3), "poetry.lock",
                     id="poetry-lock-wins"),
        pytest.param({"uv.lock": 'version = 1\n\n[[package]]\nname = "celery"\nversion = "5.7.0"\nsource = { registry = "x" }\n',
                      "requirements.txt": "celery>=5.3\n"}, (5, 7, 0), "uv.lock", id="uv-lock-wins"),
        pytest.param({"Pipfile.lock": json.dumps({"default": {"celery": {"version": "==5.6.3"}}, "develop": {}})},
                     (5, 6, 3), "Pipfile.lock", id="pipfile-lock"),
        pytest.param({"pdm.lock": '[[package]]\nname = "celery"\nversion = "5.6.2"\n'}, (5, 6, 2), "pdm.lock", id="pdm-lock"),
        pytest.param({"Pipfile": '[packages]\ndjango = "*"\ncelery = {version = ">=5.6.1", extras = ["redis"]}\n'},
                     (5, 6, 1), "Pipfile", id="pipfile"),
        pytest.param({"Pipfile": '[dev-packages]\nCelery = "==5.5.0"\n'}, (5, 5, 0), "Pipfile", id="pipfile-dev"),
        pytest.param({"setup.cfg": "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    django>=4.2\n"
                                   "    celery[redis]>=5.6.1,<5.7  # the worker\n"}, (5, 6, 1), "setup.cfg", id="setup-cfg"),
        pytest.param({"setup.cfg": "[options.extras_require]\nworker =\n    celery==5.4.0\n"}, (5, 4, 0), "setup.cfg",
                     id="setup-cfg-extras"),
        pytest.param({"requirements.in": "celery>=5.6\n"}, (5, 6, 0), "requirements.in", id="requirements-in"),
        pytest.param({"requirements/base.in": "celery>=5.5\n", "requirements/base.txt": "celery==5.6.3 \\\n    --hash=sha256:00\n"},
                     (5, 6, 3), "requirements/base.txt", id="pip-tools-compiled-beats-its-input"),
        pytest.param({"dependencies/prod/worker.txt": "celery==5.6.1\n"}, (5, 6, 1), "dependencies/prod/worker.txt",
                     id="dependencies-dir"),
        pytest.param({"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\nworker = ["celery~=5.5.2"]\n'},
                     (5, 5, 2), "pyproject.toml", id="optional-dependencies"),
        pytest.param({"pyproject.toml": '[tool.poetry.group.worker.dependencies]\ncelery = "5.6.0"\n',
                      "requirements.txt": "celery>=5.3\n"}, (5, 6, 0), "pyproject.toml", id="exact-declaration-beats-range"),
    ],
)
def test_pins(tmp_path, files, version, source):
    assert pinned_in(write(tmp_path, files)) == TargetVersion(version, source)


@pytest.mark.parametrize(
    "files",
    [
        {"requirements.txt": "django==5.2\ncelery\n"},  # unpinned
        {"requirements.txt": "celery<6\n"},  # no lower bound
        {"pyproject.toml": "[project\nbroken"},  # unreadable: no pin, never an error here
        {"Pipfile.lock": "{not json"},
        {"poetry.lock": '[[package]]\nname = "celery"\nversion = "main"\n'},
        {"uv.lock": "[[package]\nname = celery"},
        {"Pipfile.lock": "[1, 2]"},
        {"Pipfile": "[packages\ncelery = '==5.6.3'"},
        {"Pipfile": '[packages]\ncelery = 5\n'},
        {"setup.cfg": "[options\ninstall_requires = celery==5.6.3\n"},
        {"setup.cfg": "no section header\ncelery==5.6.3\n"},
        {"pyproject.toml": 'project = 3\ndependency-groups = "celery==5.6.3"\n[tool]\npoetry = [1]\n'},
        {"pyproject.toml": '[project]\ndependencies = "celery==5.6.3"\n'},
        {"requirements.txt": b"celery==\xff5.6.3\n".decode("latin-1")},
        {"requirements/base.txt": "celery>=five\n"},
    ],
)
def test_no_usable_pin(tmp_path, files):
    assert pinned_in(write(tmp_path, files)) is None


@pytest.mark.parametrize(
    ("files", "version", "source"),
    [
        pytest.param({"uv.lock": UV_LOCK.format("5.7.0"), "backend/pyproject.toml": '[project]\ndependencies = ["celery>=5.3"]\n'},
                     (5, 7, 0), "../uv.lock", id="an-exact-lock-above-beats-a-range-here"),
        pytest.param({"requirements.txt": "celery==5.5.0\n", "backend/requirements.txt": "celery==5.6.3\n"},
                     (5, 6, 3), "requirements.txt", id="the-nearest-exact-pin"),
        pytest.param({"requirements.txt": "celery>=5.5\n", "backend/Pipfile": '[packages]\ncelery = ">=5.6"\n'},
                     (5, 6, 0), "Pipfile", id="the-nearest-range"),
        pytest.param({"poetry.lock": 'x = [', "requirements/prod.txt": "celery==5.6.2\n", "backend/setup.cfg": "[options\n"},
                     (5, 6, 2), "../requirements/prod.txt", id="malformed-files-are-skipped"),
    ],
)
def test_pins_up_to_the_repository_root(tmp_path, files, version, source):
    repo = write(tmp_path / "repo", files)
    (repo / ".git").mkdir()
    root = write(repo / "backend", {"manage.py": ""})
    (tmp_path / "requirements.txt").write_text("celery==4.4.7\n")  # outside the repository: never read
    assert Project(root).celery_version == TargetVersion(version, source)


def test_configured_then_pinned_then_installed(tmp_path):
    write(tmp_path, {"requirements.txt": "celery==5.6.3\n"})
    assert target_version("6.0", [tmp_path], "celery-version in pyproject.toml") == TargetVersion(
        (6, 0, 0), "celery-version in pyproject.toml"
    )
    assert target_version(None, [tmp_path / "nothing", tmp_path]) == TargetVersion((5, 6, 3), "../requirements.txt")
    installed = target_version(None, [tmp_path / "nothing"])
    assert installed == TargetVersion(parse_version(metadata.version("celery")), "the installed package")


def test_the_project_looks_up_to_the_repository_top(tmp_path):
    repo = write(tmp_path / "repo", {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["celery==5.6.2"]\n'})
    (repo / ".git").mkdir()
    root = write(repo / "src", {"manage.py": ""})
    assert Project(root).celery_version == TargetVersion((5, 6, 2), "../pyproject.toml")
    write(root, {"requirements.txt": "celery==5.5.3\n"})
    forget_the_filesystem()
    assert Project(root).celery_version == TargetVersion((5, 5, 3), "requirements.txt")
    configured = Project(root, options=ProjectOptions(celery_version="5.7", version_source="--celery-version"))
    assert configured.celery_version == TargetVersion((5, 7, 0), "--celery-version")


@pytest.mark.parametrize(
    ("version", "severity", "words"),
    [
        ("5.3.0", "E", "ignored by Celery 5.3.0"),
        ("5.6.3", "E", "ignored by Celery 5.6.3"),
        ("5.7.0", "W", "read by Celery 5.7.0 from x but deprecated, removed in 6.0"),
        ("5.9.1", "W", "read by Celery 5.9.1"),
        ("6.0.0", "E", "not read by Celery 6.0.0 from x: old names were removed in 6.0"),
    ],
)
def test_verdict(version, severity, words):
    what, found = verdict(TargetVersion(parse_version(version), "x"))
    assert found == severity
    assert words in what


def cel102(project: Path, capsys, *args: str) -> list[dict[str, object]]:
    forget_the_filesystem()  # each run of the command starts from the files, as a new process does
    cli.main([str(project), "--format", "json", "--select", "CEL102", *args])
    return json.loads(capsys.readouterr().out)["findings"]


def test_cel102_follows_the_pinned_version(project, capsys):
    write_files(project, OLD_NAME)
    write(project, {"requirements.txt": "celery==5.6.3\n"})
    [found] = cel102(project, capsys)
    assert found["severity"] == "E"
    assert found["message"] == (
        "CELERYD_CONCURRENCY is a Celery 3 name: ignored by Celery 5.6.3 from requirements.txt; "
        "deprecated in 5.7, removed in 6.0; use CELERY_WORKER_CONCURRENCY"
    )
    [found] = cel102(project, capsys, "--celery-version", "5.7.0")
    assert found["severity"] == "W"
    assert "read by Celery 5.7.0 from --celery-version but deprecated" in str(found["message"])
    write(project, {"pyproject.toml": '[tool.celery-lint]\ncelery-version = "6.0"\n'})
    [found] = cel102(project, capsys)
    assert found["severity"] == "E"
    assert "not read by Celery 6.0.0 from celery-version in pyproject.toml" in str(found["message"])


def test_the_django_check_level_follows_the_severity_and_the_id_stays(project):
    """For static findings, and live ones (a name set where the source cannot be followed):
    the level is the target Celery's, the id `celery_lint.E102` whatever the version, so
    that `SILENCED_SYSTEM_CHECKS` still silences it after an upgrade."""
    write_files(project, {"+proj/settings.py": 'globals()["CELERYD_CONCURRENCY"] = 7\n'})
    write(project, {"requirements.txt": "celery==5.6.3\n"})
    checked = run([sys.executable, "manage.py", "check"], project)
    output = checked.stdout + checked.stderr
    assert "(celery_lint.E102) settings.CELERYD_CONCURRENCY is a Celery 3 name: ignored by Celery 5.6.3" in output
    assert checked.returncode == 1  # an error stops manage.py check
    write_files(project, OLD_NAME)
    write(project, {"requirements.txt": "celery==5.7.0\n"})
    checked = run([sys.executable, "manage.py", "check"], project)
    output = checked.stdout + checked.stderr
    assert "WARNINGS:\nproj/settings.py:33: (celery_lint.E102) CELERYD_CONCURRENCY is a Celery 3 name: read by " \
        "Celery 5.7.0" in output
    assert "ERRORS:" not in output and "W102" not in output
    assert checked.returncode == 0, output  # a warning does not stop manage.py check


def test_the_verdict_for_the_installed_celery_is_what_it_does(project):
    """Run in every test environment (Celery 5.3 ... 5.7): an old name under the
    namespace is read exactly when CEL102 says "read" for the installed version."""
    write_files(project, OLD_NAME)
    _, severity = verdict(target_version(None, []))
    result = run_python(
        """
        import os
        os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
        import django
        django.setup()
        from proj.celery import app
        print("worker_concurrency:", app.conf.worker_concurrency)
        """,
        project,
    )
    assert result.returncode == 0, result.stderr
    honoured = "worker_concurrency: 7" in result.stdout
    assert honoured is (severity == "W"), (severity, result.stdout)
