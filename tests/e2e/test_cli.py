"""The `celery-lint` command as installed: exit codes, output, options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from celery_lint import __version__
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from tests.e2e import FINDING, monorepo_findings, write_monorepo
from tests.helpers import BASE_FACTS, BIN, run

SETTINGS_FINDINGS = """\
TASK_ALWAYS_EAGER = True
CELERYD_CONCURRENCY = 4
broker_url = "redis://localhost"
CELERY_TASK_TIME_LIMT = 300
"""
# (path, line, code) of the project below, in the order the command must print them
EXPECTED = [
    ("proj/__init__.py", 1, "CEL004"),
    ("proj/settings.py", 33, "CEL101"),
    ("proj/settings.py", 34, "CEL102"),
    ("proj/settings.py", 35, "CEL103"),
    ("proj/settings.py", 36, "CEL104"),
]
BASE_FILES = 8


def celery_lint(cwd: Path, *args: str):
    return run([str(BIN / "celery-lint"), *args], cwd)


def findings(stdout: str) -> list[tuple[str, int, str]]:
    return [(m["path"], int(m["line"]), m["code"]) for m in map(FINDING.match, stdout.splitlines()) if m]


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> Path:
    return write_project(Example({"proj/__init__.py": "", "+proj/settings.py": SETTINGS_FINDINGS}),
                         tmp_path_factory.mktemp("cli") / "bad")


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    return write_project(Example({}), tmp_path_factory.mktemp("cli") / "healthy")


def test_clean_project_exits_0(healthy):
    result = celery_lint(healthy)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"No findings in {BASE_FILES} files ({BASE_FACTS}).\n", ""
    )


def test_findings_exit_1_sorted_by_path_and_line_with_a_summary(bad):
    result = celery_lint(bad)
    assert result.returncode == 1, result.stderr
    *lines, summary = result.stdout.splitlines()
    assert [FINDING.match(line) is not None for line in lines] == [True] * len(EXPECTED)
    assert findings(result.stdout) == EXPECTED
    assert all(line.split(":")[2] == "1" for line in lines)  # 1-based column
    assert summary == f"Found {len(EXPECTED)} findings in {BASE_FILES} files ({BASE_FACTS})."


def test_paths_are_relative_to_the_working_directory(bad):
    result = celery_lint(bad.parent, bad.name)
    assert findings(result.stdout) == [(f"{bad.name}/{path}", line, code) for path, line, code in EXPECTED]


def test_exit_zero(bad):
    result = celery_lint(bad, "--exit-zero")
    assert result.returncode == 0 and findings(result.stdout) == EXPECTED


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        pytest.param(["--select", "CEL1"], ["CEL101", "CEL102", "CEL103", "CEL104"], id="select-prefix"),
        pytest.param(["--select", "CEL101,CEL004"], ["CEL004", "CEL101"], id="select-codes"),
        pytest.param(["--ignore", "CEL101,CEL004"], ["CEL102", "CEL103", "CEL104"], id="ignore"),
        pytest.param(["--select", "CEL101", "--extend-select", "CEL004"], ["CEL004", "CEL101"], id="extend-select"),
        pytest.param(["--select", "CEL1", "--ignore", "cel104"], ["CEL101", "CEL102", "CEL103"],
                     id="select-and-ignore"),
    ],
)
def test_selection(bad, args, codes):
    result = celery_lint(bad, *args)
    assert [code for _, _, code in findings(result.stdout)] == codes
    assert result.returncode == 1


def test_extend_select_enables_an_opt_in_rule(tmp_path):
    opt_in = [rule for rule in REGISTRY if not rule.default_enabled and not rule.live_only]
    if not opt_in:
        pytest.skip("no opt-in rule registered")
    rule = opt_in[0]
    write_project(rule.bad, tmp_path)
    default = celery_lint(tmp_path)
    assert rule.code not in [code for _, _, code in findings(default.stdout)]
    extended = celery_lint(tmp_path, "--extend-select", rule.code)
    assert sorted((p, c) for p, _, c in findings(extended.stdout) if c == rule.code) == sorted(rule.bad.findings)


def test_missing_path_exits_2(healthy):
    result = celery_lint(healthy, "no/such/dir")
    assert result.returncode == 2
    assert "no such file or directory: no/such/dir" in result.stderr


def test_unparsable_settings_exit_2(tmp_path):
    write_project(Example({"+proj/settings.py": "CELERY_BROKER_URL = (\n"}), tmp_path)
    result = celery_lint(tmp_path)
    assert result.returncode == 2
    assert re.search(r"^celery-lint: error: proj/settings\.py:\d+: syntax error", result.stderr, re.M), result.stderr


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["--no-such-option"], "unrecognized arguments: --no-such-option", id="unknown-option"),
        pytest.param(["--select", "CEL999"], "unknown rule code or prefix: CEL999", id="unknown-code"),
        pytest.param(["--ignore", "E501"], "unknown rule code or prefix: E501", id="foreign-code"),
        pytest.param(["--explain", "CEL999"], "unknown rule code: CEL999", id="explain-unknown"),
    ],
)
def test_bad_options_exit_2(healthy, args, error):
    result = celery_lint(healthy, *args)
    assert result.returncode == 2
    assert error in result.stderr
    assert result.stdout == ""


def test_version(healthy):
    result = celery_lint(healthy, "--version")
    assert (result.returncode, result.stdout) == (0, f"celery-lint {__version__}\n")


def test_explain_shows_the_bad_and_the_good_example(healthy):
    result = celery_lint(healthy, "--explain", "cel101")
    assert result.returncode == 0
    assert result.stdout.startswith("CEL101")
    assert "TASK_ALWAYS_EAGER = True" in result.stdout  # the bad example
    assert "CELERY_TASK_ALWAYS_EAGER = True" in result.stdout  # the good one
    assert REGISTRY["CEL101"].summary in result.stdout


def test_list_rules_lists_every_rule(healthy):
    result = celery_lint(healthy, "--list-rules")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [rule.code for rule in REGISTRY]


NOQA_SETTINGS = """\
TASK_ALWAYS_EAGER = True  # noqa: CEL101
TASK_EAGER_PROPAGATES = True  # noqa
RESULT_EXPIRES = 60  # noqa: CEL1
TASK_ROUTES = {}  # NOQA:CEL101,E501
BEAT_SCHEDULE = {}  # noqa: E501
WORKER_CONCURRENCY = 2  # noqa: CEL102
"""


def test_noqa(tmp_path):
    """A code, a bare noqa, a prefix and a list silence; other codes do not."""
    write_project(Example({"+proj/settings.py": NOQA_SETTINGS}), tmp_path)
    result = celery_lint(tmp_path)
    assert findings(result.stdout) == [("proj/settings.py", 37, "CEL101"), ("proj/settings.py", 38, "CEL101")]
    assert result.returncode == 1


def test_noqa_on_a_project_level_finding(tmp_path):
    write_project(Example({"proj/__init__.py": "# noqa: CEL004\n"}), tmp_path)
    result = celery_lint(tmp_path)
    assert (result.returncode, findings(result.stdout)) == (0, [])


def test_summary_of_a_single_file(bad):
    result = celery_lint(bad, "proj/settings.py")
    assert result.stdout.splitlines()[-1] == f"Found 4 findings in 1 file ({BASE_FACTS})."


# -- one table per project -----------------------------------------------------------------


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    return write_monorepo(tmp_path_factory.mktemp("cli") / "repo")


def absolute_findings(cwd: Path, stdout: str) -> set[tuple[Path, int, str]]:
    return {((cwd / path).resolve(), line, code) for path, line, code in findings(stdout)}


@pytest.mark.parametrize("below", ["", "/proj/settings.py"], ids=["projects", "files-as-pre-commit-names-them"])
def test_each_project_reads_its_own_table_whatever_the_order_of_the_paths(monorepo, below):
    forward = celery_lint(monorepo, f"services/a{below}", f"services/b{below}")
    backward = celery_lint(monorepo, f"services/b{below}", f"services/a{below}")
    assert forward.returncode == backward.returncode == 1, forward.stderr + backward.stderr
    assert forward.stdout == backward.stdout
    expected = {f for f in monorepo_findings(monorepo, "ab") if f[0].name == "settings.py" or not below}
    assert absolute_findings(monorepo, forward.stdout) == expected


@pytest.mark.parametrize("cwd", [".", "services/a", "services/a/proj"])
def test_the_same_findings_from_the_repository_root_a_project_and_below(monorepo, cwd):
    result = celery_lint(monorepo / cwd)
    assert result.returncode == 1, result.stderr
    found = absolute_findings(monorepo / cwd, result.stdout)
    below = (monorepo / cwd).resolve()
    assert found == {f for f in monorepo_findings(monorepo) if below in f[0].parents}


def test_the_repository_roots_table_applies_to_a_project_without_its_own(monorepo):
    result = celery_lint(monorepo / "services" / "c")
    assert absolute_findings(monorepo / "services" / "c", result.stdout) == monorepo_findings(monorepo, "c")


def test_an_explicit_config_or_isolated_applies_to_every_project(monorepo, tmp_path):
    other = tmp_path / "lint.toml"
    other.write_text('[tool.celery-lint]\nselect = ["CEL004"]\n', encoding="utf-8")
    result = celery_lint(monorepo, "--config", str(other))
    assert {(path.parent.parent.name, code) for path, _, code in absolute_findings(monorepo, result.stdout)} == {
        ("a", "CEL004"), ("b", "CEL004"), ("c", "CEL004")
    }
    isolated = celery_lint(monorepo, "--isolated", "--select", "CEL102")
    assert {(path.parent.parent.name, code) for path, _, code in absolute_findings(monorepo, isolated.stdout)} == {
        ("a", "CEL102"), ("b", "CEL102"), ("c", "CEL102")
    }


def test_command_options_apply_over_every_table(monorepo):
    # --select replaces each table's (the most specific prefix wins over c's ignore of CEL1);
    # --own-settings adds to each table's (a's own CELERY_RESULT_EXPIRE stays a's)
    result = celery_lint(monorepo, "--select", "CEL104", "--own-settings", "CELERY_TASK_TIME_LIMT")
    settings = {(monorepo / "services" / name / "proj" / "settings.py").resolve() for name in "bc"}
    assert absolute_findings(monorepo, result.stdout) == {(path, 37, "CEL104") for path in settings}
