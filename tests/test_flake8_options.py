"""The flake8 plugin reads `[tool.celery-lint]` (flake8 itself does not read
pyproject.toml) and takes its own options where flake8 users put them: the command line
and the [flake8] section of setup.cfg / tox.ini / .flake8. flake8's selection and
per-file-ignores apply on top of the table's. Real flake8, in a subprocess."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import BIN, run, write_files

NS_VARIABLE = {
    "proj/celery.py": """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
NS = os.environ.get("CELERY_NAMESPACE", "CELERY")
app = Celery("proj")
app.config_from_object("django.conf:settings", namespace=NS)
app.autodiscover_tasks()
""",
    "+proj/settings.py": "TASK_ALWAYS_EAGER = True\nCELERYD_CONCURRENCY = 4\nCELERY_TASK_TIME_LIMT = 5\n",
}


def flake8(root: Path, *args: str) -> tuple[int, list[str], str]:
    """Exit status, the `path code message` lines, and the whole output."""
    result = run([str(BIN / "flake8"), "--select", "CEL", "--format", "%(path)s %(code)s %(text)s", *args, "."], root)
    lines = sorted(line.removeprefix("./") for line in result.stdout.splitlines() if " CEL" in line)
    return result.returncode, lines, result.stdout + result.stderr


def codes(lines: list[str]) -> list[str]:
    return [" ".join(line.split()[:2]) for line in lines]


def test_command_line_options_and_the_pyproject_table(project):
    write_files(project, NS_VARIABLE)
    assert flake8(project)[:2] == (0, [])  # the namespace is unreadable: every settings rule is silent
    status, lines, _ = flake8(project, "--celery-lint-namespace", "CELERY", "--celery-version", "5.6.3")
    assert status == 1
    assert codes(lines) == ["proj/settings.py CEL101", "proj/settings.py CEL102", "proj/settings.py CEL104"]
    assert "ignored by Celery 5.6.3 from --celery-version" in next(line for line in lines if "CEL102" in line)
    (project / "pyproject.toml").write_text(
        '[tool.celery-lint]\nnamespace = "CELERY"\nown-settings = ["CELERY_TASK_TIME_LIMT"]\ncelery-version = "5.7"\n'
        'ignore = ["CEL101"]\n',
        encoding="utf-8",
    )
    status, lines, _ = flake8(project)
    # own-settings silences CEL104; the table's `ignore` is flake8's too, as the command's
    assert codes(lines) == ["proj/settings.py CEL102"]
    assert "read by Celery 5.7.0 from celery-version in pyproject.toml but deprecated" in lines[0]
    # flake8's own selection and per-file-ignores apply on top, to CEL codes as to any other
    assert codes(flake8(project, "--extend-ignore", "CEL102")[1]) == []
    assert codes(flake8(project, "--per-file-ignores", "proj/settings.py:CEL10")[1]) == []
    # and flake8 cannot select what the table ignores
    assert codes(flake8(project, "--extend-select", "CEL101")[1]) == ["proj/settings.py CEL102"]


def test_options_in_the_flake8_section(project):
    write_files(project, NS_VARIABLE)
    write_files(project, {"proj/settings_prod.py": "from .settings import *\n\nRESULT_EXPIRES = 60\n"}, base=False)
    (project / "setup.cfg").write_text(
        "[flake8]\ncelery-lint-namespace = CELERY\ncelery-lint-settings = proj.settings_prod\n"
        "celery-lint-own-settings = CELERY_TASK_TIME_LIMT\ncelery-version = 6.0\n",
        encoding="utf-8",
    )
    status, lines, _ = flake8(project)
    assert status == 1
    assert codes(lines) == [
        "proj/settings.py CEL101", "proj/settings.py CEL102", "proj/settings_prod.py CEL101",
    ]
    assert "not read by Celery 6.0.0 from --celery-version" in lines[1]


def test_a_bad_table_stops_flake8_with_the_reason(project):
    write_files(project, {})
    (project / "pyproject.toml").write_text('[tool.celery-lint]\nnamespace = 1\n', encoding="utf-8")
    status, lines, output = flake8(project)
    assert status == 1 and lines == []
    assert "There was a critical error during execution of Flake8" in output
    assert f"celery-lint: {project / 'pyproject.toml'}: [tool.celery-lint] namespace: expected a string" in output
    assert "Traceback" not in output
    status, _, output = flake8(project, "--celery-lint-config", "missing.toml")
    assert status == 1 and "no such configuration file" in output
    (project / "pyproject.toml").unlink()
    status, _, output = flake8(project, "--celery-version", "soon")
    assert status == 1 and "not a version number: 'soon'" in output


SELECTION_PROJECT = {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\nCELERYD_CONCURRENCY = 4\n"}


def flake8_codes(root: Path, *args: str) -> set[str]:
    result = run([str(BIN / "flake8"), "--format", "%(code)s", *args, "."], root)
    return {line for line in result.stdout.split() if line.startswith("CEL")}


def test_selection_is_flake8s_and_opt_in_rules_need_their_own_code(project):
    """`--select=CEL` runs the default rules, a narrower prefix fewer, and an opt-in rule
    (CEL202) only when a prefix more specific than CEL names it, as flake8-bugbear's B9."""
    write_files(project, {
        **SELECTION_PROJECT,
        "demoapp/tasks.py": "from proj.celery import app\n\n\n@app.task\ndef add(x, y):\n    return x + y\n",
    })
    assert flake8_codes(project, "--select=CEL") == {"CEL101", "CEL102"}
    assert flake8_codes(project, "--select=CEL10") == {"CEL101", "CEL102"}
    assert flake8_codes(project, "--select=CEL101") == {"CEL101"}
    assert flake8_codes(project, "--select=E501") == set()
    assert flake8_codes(project) == {"CEL101", "CEL102"}
    assert flake8_codes(project, "--select=CEL", "--extend-select=CEL202") == {"CEL101", "CEL102", "CEL202"}
    assert flake8_codes(project, "--select=CEL", "--extend-ignore=CEL102") == {"CEL101"}


def test_the_table_and_noqa_under_flake8_selection(project):
    """The table decides what the plugin reports, as for the command; flake8's selection
    narrows it, and turns on an opt-in rule only where the table does not ignore it."""
    write_files(project, {
        "+proj/settings.py": "TASK_ALWAYS_EAGER = True  # noqa: CEL101\nCELERYD_CONCURRENCY = 4\n",
        "demoapp/tasks.py": "from proj.celery import app\n\n\n@app.task\ndef add(x, y):\n    return x + y\n",
    })
    (project / "pyproject.toml").write_text('[tool.celery-lint]\nextend-select = ["CEL202"]\n', encoding="utf-8")
    assert flake8_codes(project) == {"CEL102", "CEL202"}
    assert flake8_codes(project, "--select=CEL10") == {"CEL102"}
    assert flake8_codes(project, "--disable-noqa") == {"CEL101", "CEL102", "CEL202"}  # flake8's and the plugin's
    (project / "pyproject.toml").write_text(
        '[tool.celery-lint]\nignore = ["CEL202"]\nper-file-ignores = { "settings.py" = ["CEL102"] }\n',
        encoding="utf-8",
    )
    assert flake8_codes(project, "--extend-select=CEL202") == set()
