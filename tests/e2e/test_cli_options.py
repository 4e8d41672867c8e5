"""The `celery-lint` command's options for selecting and showing, as installed: repeated
options accumulate, `--select ALL`, `--output-file`, `--quiet`, `--statistics`,
`--show-source`, `--color` (and NO_COLOR, on a real terminal), `--list-rules`
(front ends, JSON), the note on live-only selections, `--show-settings`, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.project import Project, ProjectOptions
from celery_lint.registry import REGISTRY, Example
from tests.e2e import FINDING
from tests.helpers import BIN, clean_env

SETTINGS_FINDINGS = """\
TASK_ALWAYS_EAGER = True
CELERYD_CONCURRENCY = 4
CELERY_TASK_TIME_LIMT = 300
"""
ANSI = "\033["
LIVE_ONLY = [rule.code for rule in REGISTRY if rule.live_only]


def celery_lint(cwd: Path, *args: str, env: dict[str, str] | None = None):
    command = [str(BIN / "celery-lint"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, env=env or clean_env())


def codes(stdout: str) -> list[str]:
    return [m["code"] for m in map(FINDING.match, stdout.splitlines()) if m]


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> Path:
    """The base project with CEL204 (demoapp/views.py, in a function: a column past 1),
    CEL004 (proj/__init__.py), CEL101, CEL102, CEL104 (settings)."""
    root = tmp_path_factory.mktemp("options") / "bad"
    files = {"proj/__init__.py": "", "+proj/settings.py": SETTINGS_FINDINGS} | REGISTRY["CEL204"].bad.files
    return write_project(Example(files), root)


@pytest.fixture(scope="module")
def opt_in(tmp_path_factory) -> Path:
    """CEL202's bad example: an opt-in rule's finding."""
    return write_project(REGISTRY["CEL202"].bad, tmp_path_factory.mktemp("options") / "opt-in")


def test_select_all_is_every_rule_opt_in_ones_too(bad):
    """ALL is every code of the registry (the opt-in rules too), and the least specific
    prefix: an --ignore of a group still takes the group out."""
    for ignored, left in (([], ""), (["--ignore", "CEL1"], "CEL1")):
        every = ",".join(rule.code for rule in REGISTRY if not (left and rule.code.startswith(left)))
        result = celery_lint(bad, "--select", "ALL", *ignored)
        assert (result.returncode, result.stderr) == (1, "")
        assert codes(result.stdout) == codes(celery_lint(bad, "--select", every).stdout)
    assert "CEL306" in codes(celery_lint(bad, "--select", "ALL").stdout)  # an opt-in rule the base project trips


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--select", "CEL101", "--select", "CEL004"], ["CEL004", "CEL101"], id="select"),
        pytest.param(["--select", "CEL1", "--ignore", "CEL101", "--ignore", "CEL102"], ["CEL104"], id="ignore"),
        pytest.param(
            ["--select", "CEL101", "--extend-select", "CEL004", "--extend-select", "CEL204"],
            ["CEL204", "CEL004", "CEL101"], id="extend-select",
        ),
    ],
)
def test_repeated_selection_options_accumulate(bad, args, expected):
    result = celery_lint(bad, *args)
    assert (result.returncode, result.stderr) == (1, "")
    assert codes(result.stdout) == expected


def test_select_all_enables_the_opt_in_rules_too(opt_in, tmp_path):
    assert "CEL202" not in codes(celery_lint(opt_in).stdout)
    assert "CEL202" in codes(celery_lint(opt_in, "--select", "ALL").stdout)
    assert "CEL202" not in codes(celery_lint(opt_in, "--select", "ALL", "--ignore", "CEL2").stdout)
    table = tmp_path / "celery-lint.toml"
    table.write_text('[tool.celery-lint]\nselect = ["ALL"]\n', encoding="utf-8")
    assert "CEL202" in codes(celery_lint(opt_in, "--config", str(table)).stdout)


def test_all_in_per_file_ignores(bad, tmp_path):  # a name without "/" matches anywhere
    table = tmp_path / "celery-lint.toml"
    table.write_text('[tool.celery-lint]\nper-file-ignores = { "settings.py" = ["ALL"] }\n', encoding="utf-8")
    assert codes(celery_lint(bad, "--config", str(table)).stdout) == ["CEL204", "CEL004"]


def test_repeated_exclude_accumulates(bad):
    default = celery_lint(bad, "--exclude", "settings.py")
    assert codes(default.stdout) == ["CEL204", "CEL004"]
    both = celery_lint(bad, "--exclude", "settings.py", "--exclude", "views.py")
    assert codes(both.stdout) == ["CEL004"]
    assert codes(celery_lint(bad, "--exclude", "settings.py,views.py").stdout) == ["CEL004"]


def test_output_file(bad, tmp_path):
    target = tmp_path / "report.txt"
    result = celery_lint(bad, "--output-file", str(target))
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")
    assert target.read_text(encoding="utf-8") == celery_lint(bad).stdout
    unwritable = celery_lint(bad, "-o", str(tmp_path / "no" / "such" / "dir" / "report.txt"))
    assert unwritable.returncode == 2 and unwritable.stdout == ""
    assert unwritable.stderr.startswith("celery-lint: error: --output-file ") and "No such file or directory" in unwritable.stderr
    result = celery_lint(bad, "-o", str(target), "--format", "json")
    assert result.stdout == "" and [f["code"] for f in json.loads(target.read_text())["findings"]] == codes(
        celery_lint(bad).stdout
    )


def test_quiet_prints_the_findings_only(bad, tmp_path):
    result = celery_lint(bad, "--quiet")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(FINDING.match(line) for line in lines)  # no summary
    assert lines == celery_lint(bad).stdout.splitlines()[:-1]
    # a project whose settings cannot be determined: a warning, but not when quiet
    write_project(Example({"manage.py": "import os\n", "proj/celery.py": "from celery import Celery\napp = Celery()\n"}),
                  tmp_path)
    assert "settings module could not be determined" in celery_lint(tmp_path).stderr
    result = celery_lint(tmp_path, "-q")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_statistics(bad):
    result = celery_lint(bad, "--statistics")
    assert result.returncode == 1
    *rows, summary = result.stdout.splitlines()
    assert rows == [f"1\t{code}\t{REGISTRY[code].name}" for code in ("CEL004", "CEL101", "CEL102", "CEL104", "CEL204")]
    assert celery_lint(bad, "--statistics", "--select", "CEL1", "-q").stdout == "".join(
        f"1\t{code}\t{REGISTRY[code].name}\n" for code in ("CEL101", "CEL102", "CEL104")
    )
    assert summary.startswith("Found 5 findings in ")
    result = celery_lint(bad, "--statistics", "--format", "json", "--select", "CEL1", "--select", "CEL2")
    assert json.loads(result.stdout) == [
        {"code": code, "name": REGISTRY[code].name, "count": 1} for code in ("CEL101", "CEL102", "CEL104", "CEL204")
    ]
    refused = celery_lint(bad, "--statistics", "--format", "sarif")
    assert refused.returncode == 2 and "--statistics: only with --format text or json" in refused.stderr


def test_show_source_shows_the_line_and_a_caret(bad):
    result = celery_lint(bad, "--show-source")
    lines = result.stdout.splitlines()
    shown = [i for i, line in enumerate(lines) if FINDING.match(line)]
    assert len(shown) == 5
    columns = set()
    for i in shown:
        match = FINDING.match(lines[i])
        text = (bad / match["path"]).read_text(encoding="utf-8")
        if not text:  # CEL004 in an empty proj/__init__.py: no line to show
            assert FINDING.match(lines[i + 1])
            continue
        source = text.splitlines()[int(match["line"]) - 1]
        column = int(match["col"])
        columns.add(column)
        assert lines[i + 1] == source
        assert lines[i + 2] == " " * (column - 1) + "^"
    assert max(columns) > 1  # CEL204's call inside a function


def _on_a_terminal(cwd: Path, *args: str, env: dict[str, str]) -> str:
    """What the command writes to a real terminal (a pseudo-terminal as its stdout)."""
    import pty  # POSIX only: the terminal tests need one

    master, slave = pty.openpty()
    process = subprocess.Popen([str(BIN / "celery-lint"), *args], cwd=cwd, env=env, stdout=slave,
                               stderr=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) == 1
    return b"".join(chunks).decode("utf-8")


def test_colour(bad):
    plain = celery_lint(bad).stdout
    assert ANSI not in plain  # a pipe: no colour by default
    coloured = celery_lint(bad, "--color", "always").stdout
    assert ANSI in coloured and "\033[1m\033[31mCEL101\033[0m" in coloured and "\033[1m\033[33mCEL102\033[0m" in coloured
    assert ANSI not in celery_lint(bad, "--color", "never").stdout
    assert ANSI in celery_lint(bad, "--color", "always", env=clean_env() | {"NO_COLOR": "1"}).stdout
    terminal = _on_a_terminal(bad, env=clean_env())
    assert ANSI in terminal
    no_color = _on_a_terminal(bad, env=clean_env() | {"NO_COLOR": "1"})
    assert ANSI not in no_color and no_color.replace("\r\n", "\n") == plain
    assert ANSI not in _on_a_terminal(bad, "--color", "never", env=clean_env())


def test_list_rules_says_which_front_ends_report_each_rule(bad):
    result = celery_lint(bad, "--list-rules")
    assert result.returncode == 0
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert list(lines) == [rule.code for rule in REGISTRY]
    assert lines["CEL101"].endswith("[flake8, celery-lint, manage.py check]")
    assert lines["CEL204"].endswith("[flake8, celery-lint]")
    assert all(lines[code].endswith("[manage.py check]") for code in LIVE_ONLY)
    assert lines["CEL202"].endswith("(off by default)  [flake8, celery-lint]")


def test_list_rules_as_json(bad):
    result = celery_lint(bad, "--list-rules", "--format", "json")
    listed = json.loads(result.stdout)
    assert [rule["code"] for rule in listed] == [rule.code for rule in REGISTRY]
    by_code = {rule["code"]: rule for rule in listed}
    assert by_code["CEL302"]["front_ends"] == ["manage.py check"]
    assert by_code["CEL202"]["default_enabled"] is False
    cel101 = by_code["CEL101"]
    assert (cel101["severity"], cel101["name"], cel101["summary"], cel101["django_check_id"]) == (
        "E", REGISTRY["CEL101"].name, REGISTRY["CEL101"].summary, "celery_lint.E101"
    )
    assert cel101["docs"].endswith("/rules/CEL101/")


@pytest.mark.parametrize("code", LIVE_ONLY)
def test_selecting_a_rule_only_manage_py_check_reports_says_so(bad, code):
    result = celery_lint(bad, "--select", code)
    assert (result.returncode, codes(result.stdout)) == (0, [])
    assert result.stderr == (
        f"celery-lint: note: {code} selects {code}, which only `manage.py check` reports "
        "(it needs the running project): this command cannot report it\n"
    )
    assert celery_lint(bad, "--select", "CEL3", "--extend-select", "CEL1").stderr == ""  # CEL301 etc. run here


def test_show_settings(tmp_path):
    """What the project model resolved, as text and JSON, from its own answers."""
    root = write_project(Example({"proj/__init__.py": "", "+proj/settings.py": SETTINGS_FINDINGS}), tmp_path / "p")
    (root / "requirements.txt").write_text("celery==5.5.2\n", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[tool.celery-lint]\nignore = ["CEL104"]\nown-settings = ["CELERY_REPORTS"]\n', encoding="utf-8"
    )
    result = celery_lint(root, "--show-settings", "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    [shown] = json.loads(result.stdout)["projects"]
    project = Project.get(root.resolve(), (), ProjectOptions(own_settings=frozenset({"CELERY_REPORTS"})))
    assert shown["root"] == "." and shown["django_project"] is True
    assert shown["import_roots"] == [os.path.relpath(p, root.resolve()) for p in project.import_roots]
    assert shown["settings"]["modules"] == ["proj.settings"] == project.settings_module_names
    assert shown["settings"]["analysed"] == ["proj.settings"] and shown["settings"]["files"] == ["proj/settings.py"]
    [app] = shown["celery_apps"]
    assert (app["app"], app["path"], app["from_django_settings"], app["namespace"]) == (
        "proj.celery:app", "proj/celery.py", True, "CELERY"
    )
    assert (shown["namespace"], shown["celery_version"], shown["celery_version_source"]) == (
        "CELERY", "5.5.2", "requirements.txt"
    )
    assert shown["configuration_file"] == "pyproject.toml"
    assert shown["configuration"] == {"ignore": ["CEL104"], "own-settings": ["CELERY_REPORTS"]}
    assert "CEL104" not in shown["rules"] and "CEL101" in shown["rules"]
    assert sorted(shown["files"]) == sorted(p.relative_to(root.resolve()).as_posix() for p in project.files)
    assert celery_lint(root, "--show-settings", "--settings", "proj.settings").returncode == 0
    text = celery_lint(root, "--show-settings").stdout
    for line in (
        "Project .",
        "  settings modules: proj.settings (from the project's start-up and deployment files)",
        f"  Celery app: proj.celery:app (proj/celery.py:{project.celery_apps[0].node.lineno}; reads Django settings, "
        "namespace 'CELERY')",
        "  namespace: 'CELERY' (from the Celery app)",
        "  Celery version: 5.5.2 (from requirements.txt)",
        "  configuration file: pyproject.toml",
        '    ignore = ["CEL104"]',
        f"  files analysed ({len(shown['files'])}):",
        "    proj/settings.py",
    ):
        assert line in text.splitlines(), (line, text)
    refused = celery_lint(root, "--show-settings", "--format", "sarif")
    assert refused.returncode == 2 and "--show-settings: only with --format text or json" in refused.stderr


def test_ctrl_c_exits_130_with_one_line(tmp_path):
    """Interrupted while it writes the report (a reader that does not read: the pipe
    fills, the command waits in write): one line on stderr, status 130, no traceback."""
    write_project(Example({"+proj/settings.py": "TASK_ALWAYS_EAGER = True\n" * 10000}), tmp_path)
    process = subprocess.Popen([str(BIN / "celery-lint"), "."], cwd=tmp_path, env=clean_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.read(1)  # the report (>1 MB) is being written
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err.decode()) == (130, "celery-lint: interrupted\n")
