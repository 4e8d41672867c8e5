"""Adopting celery-lint in an old code base (issue 15): a baseline (the command,
flake8, `manage.py check`), `--fail-on`, `--add-noqa` and CEL901, through the real
command, the real flake8 and the real `manage.py check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import Example
from tests.e2e import FINDING
from tests.helpers import BIN, PYTHON, run

SETTINGS_FINDINGS = """\
TASK_ALWAYS_EAGER = True
CELERYD_CONCURRENCY = 4
broker_url = "redis://localhost"
CELERY_TASK_TIME_LIMT = 300
"""
# (path, code, subject) of the project below, as the baseline records them
RECORDED = [
    {"path": "proj/__init__.py", "code": "CEL004", "subject": "celery_app"},
    {"path": "proj/settings.py", "code": "CEL101", "subject": "TASK_ALWAYS_EAGER"},
    {"path": "proj/settings.py", "code": "CEL102", "subject": "CELERYD_CONCURRENCY"},
    {"path": "proj/settings.py", "code": "CEL103", "subject": "broker_url"},
    {"path": "proj/settings.py", "code": "CEL104", "subject": "CELERY_TASK_TIME_LIMT"},
]
NEW_TYPO = 'CELERY_TASK_SERIALIZR = "json"\n'


def celery_lint(cwd: Path, *args: str):
    return run([str(BIN / "celery-lint"), *args], cwd)


def flake8(cwd: Path, *args: str):
    return run([str(BIN / "flake8"), "--select=CEL", *args], cwd)


def manage_check(root: Path):
    result = run([PYTHON, "manage.py", "check"], root)
    return result, result.stdout + result.stderr


def found(stdout: str) -> list[tuple[str, int, str]]:
    return [(m["path"], int(m["line"]), m["code"]) for m in map(FINDING.match, stdout.splitlines()) if m]


def legacy(root: Path, extra: dict[str, str] | None = None) -> Path:
    """The canonical project with five findings (CEL004, CEL101-104) a team has no time to fix."""
    files = {"proj/__init__.py": "", "+proj/settings.py": SETTINGS_FINDINGS, **(extra or {})}
    return write_project(Example(files), root)


def edit_settings(root: Path) -> None:
    """Lines inserted above every finding, and one new finding (another typo) at the end."""
    settings = root / "proj" / "settings.py"
    settings.write_text("import os\n\nSECRET = os.environ.get('X')\n" + settings.read_text() + NEW_TYPO)


# -- the baseline -------------------------------------------------------------------------------


def test_write_baseline_records_path_code_and_subject_sorted(tmp_path):
    root = legacy(tmp_path / "p")
    (root / "ci").mkdir()
    result = celery_lint(root, "--write-baseline", "ci/baseline.json")
    assert (result.returncode, result.stdout) == (0, "Wrote 5 findings to ci/baseline.json.\n")
    document = json.loads((root / "ci" / "baseline.json").read_text())
    # paths relative to the baseline's directory, "/"-separated; no line numbers
    assert document == {"version": 1, "findings": [dict(e, path=f"../{e['path']}") for e in RECORDED]}


def test_baseline_hides_todays_findings_and_edits_above_do_not_resurrect_them(tmp_path):
    root = legacy(tmp_path / "p")
    assert celery_lint(root, "--write-baseline", "baseline.json").returncode == 0
    clean = celery_lint(root, "--baseline", "baseline.json")
    assert (clean.returncode, clean.stdout.startswith("No findings")) == (0, True), clean.stdout
    edit_settings(root)
    result = celery_lint(root, "--baseline", "baseline.json")
    # every old finding moved down three lines and stays hidden; the new CEL104 is reported
    assert found(result.stdout) == [("proj/settings.py", 40, "CEL104")]
    assert "CELERY_TASK_SERIALIZR" in result.stdout
    assert result.returncode == 1
    assert len(found(celery_lint(root).stdout)) == 6  # without the baseline, all of them


def test_a_second_finding_of_a_recorded_entry_is_reported(tmp_path):
    root = legacy(tmp_path / "p")
    celery_lint(root, "--write-baseline", "baseline.json")
    settings = root / "proj" / "settings.py"
    settings.write_text(settings.read_text() + "CELERY_TASK_TIME_LIMT = 600\n")  # the same typo again
    assert found(celery_lint(root, "--baseline", "baseline.json").stdout) == [("proj/settings.py", 37, "CEL104")]


TABLE = '[tool.celery-lint]\nbaseline = "ci/celery-lint-baseline.json"\n'


@pytest.fixture(scope="module")
def baselined(tmp_path_factory) -> Path:
    """A legacy project whose table names a baseline (relative to the table's file),
    recorded before the settings were edited."""
    root = legacy(tmp_path_factory.mktemp("adopt") / "p")
    (root / "ci").mkdir()
    assert celery_lint(root, "--write-baseline", "ci/celery-lint-baseline.json").returncode == 0
    (root / "pyproject.toml").write_text(TABLE)
    edit_settings(root)
    return root


def test_the_tables_baseline_is_read_by_the_command_from_any_directory(baselined):
    assert found(celery_lint(baselined).stdout) == [("proj/settings.py", 40, "CEL104")]
    below = celery_lint(baselined / "proj", ".")
    assert [code for _, _, code in found(below.stdout)] == ["CEL104"], below.stdout


def test_the_tables_baseline_is_read_by_flake8(baselined):
    result = flake8(baselined, ".")
    assert found(result.stdout) == [("./proj/settings.py", 40, "CEL104")], result.stdout + result.stderr
    assert result.returncode == 1


def test_the_tables_baseline_is_read_by_manage_py_check(baselined):
    result, output = manage_check(baselined)
    assert "celery_lint.W104" in output and "CELERY_TASK_SERIALIZR" in output, output
    for hidden in ("E101", "E102", "E103", "CELERY_TASK_TIME_LIMT"):
        assert hidden not in output, output


def test_baseline_option_overrides_the_table_and_write_baseline_ignores_it(baselined, tmp_path):
    target = tmp_path / "all.json"
    assert celery_lint(baselined, "--write-baseline", str(target)).stdout == f"Wrote 6 findings to {target}.\n"
    assert celery_lint(baselined, "--baseline", str(target)).returncode == 0


def test_a_baseline_that_cannot_be_read(tmp_path):
    root = legacy(tmp_path / "p")
    missing = celery_lint(root, "--baseline", "nope.json")
    assert missing.returncode == 2 and "--baseline: nope.json: the baseline cannot be read" in missing.stderr
    (root / "bad.json").write_text('{"findings": []}')
    assert "not a celery-lint baseline" in celery_lint(root, "--baseline", "bad.json").stderr
    (root / "pyproject.toml").write_text('[tool.celery-lint]\nbaseline = "nope.json"\n')
    table = celery_lint(root)
    assert table.returncode == 2 and "[tool.celery-lint] baseline:" in table.stderr, table.stderr
    hook = flake8(root, ".")
    assert hook.returncode != 0 and "baseline" in hook.stdout + hook.stderr
    checked, output = manage_check(root)  # a check never raises: it says why and reports every finding
    assert "celery-lint: baseline not used" in output and "celery_lint.E101" in output, output


def test_write_baseline_takes_no_baseline(tmp_path):
    result = celery_lint(legacy(tmp_path / "p"), "--write-baseline", "a.json", "--baseline", "a.json")
    assert result.returncode == 2 and "--write-baseline" in result.stderr


# -- --fail-on ----------------------------------------------------------------------------------

WARNINGS_ONLY = {"+proj/settings.py": "CELERY_TASK_TIME_LIMT = 300\n"}  # CEL104, a warning


def test_fail_on_error_prints_warnings_and_exits_0(tmp_path):
    root = write_project(Example(WARNINGS_ONLY), tmp_path / "p")
    assert celery_lint(root).returncode == 1  # default: warning, as before
    result = celery_lint(root, "--fail-on", "error")
    assert (result.returncode, found(result.stdout)) == (0, [("proj/settings.py", 33, "CEL104")])


def test_fail_on_error_still_fails_on_an_error(tmp_path):
    root = legacy(tmp_path / "p")
    assert celery_lint(root, "--fail-on", "error").returncode == 1


def test_fail_on_from_the_table_and_the_option_over_it(tmp_path):
    root = write_project(Example({**WARNINGS_ONLY, "pyproject.toml": '[tool.celery-lint]\nfail-on = "error"\n'}),
                         tmp_path / "p")
    assert celery_lint(root).returncode == 0
    assert celery_lint(root, "--fail-on", "warning").returncode == 1
    (root / "pyproject.toml").write_text('[tool.celery-lint]\nfail-on = "info"\n')
    bad = celery_lint(root)
    assert bad.returncode == 2 and "fail-on: expected \"error\" or \"warning\", got 'info'" in bad.stderr


# -- --add-noqa ---------------------------------------------------------------------------------

IN_A_STRING = 'CELERY_TASK_SERIALIZR = """\njson\n"""\n'  # CEL104 on a line that ends inside the string
MORE = 'CELERY_RESULT_EXPIRS = 60  # noqa: E501\nRESULT_EXPIRES = 60  # noqa\n'


def test_add_noqa_writes_merged_codes_keeps_encoding_and_line_endings(tmp_path):
    root = legacy(tmp_path / "p", {"+proj/settings.py": SETTINGS_FINDINGS + MORE + IN_A_STRING})
    settings = root / "proj" / "settings.py"
    text = "# -*- coding: latin-1 -*-\n# café\n" + settings.read_text()
    settings.write_bytes(text.replace("\n", "\r\n").encode("latin-1"))
    result = celery_lint(root, "--add-noqa")
    assert result.stdout == (
        "Added '# noqa' to 6 lines in 2 files. 1 finding(s) left reported: their lines cannot take a comment.\n"
    )
    assert "proj/settings.py:41: CEL104 not given a noqa: the line ends inside a string" in result.stderr
    assert result.returncode == 1  # the finding left still fails
    expected = text.replace("TASK_ALWAYS_EAGER = True", "TASK_ALWAYS_EAGER = True  # noqa: CEL101")
    expected = expected.replace("CELERYD_CONCURRENCY = 4", "CELERYD_CONCURRENCY = 4  # noqa: CEL102")
    expected = expected.replace('broker_url = "redis://localhost"', 'broker_url = "redis://localhost"  # noqa: CEL103')
    expected = expected.replace("CELERY_TASK_TIME_LIMT = 300", "CELERY_TASK_TIME_LIMT = 300  # noqa: CEL104")
    expected = expected.replace("EXPIRS = 60  # noqa: E501", "EXPIRS = 60  # noqa: CEL104, E501")
    assert settings.read_bytes() == expected.replace("\n", "\r\n").encode("latin-1")
    assert (root / "proj" / "__init__.py").read_text() == "# noqa: CEL004\n"  # an empty module takes a line
    after = celery_lint(root)
    assert found(after.stdout) == [("proj/settings.py", 41, "CEL104")]
    assert found(flake8(root, ".").stdout) == [("./proj/settings.py", 41, "CEL104")]
    again = celery_lint(root, "--add-noqa")
    assert again.stdout.startswith("Added '# noqa' to 0 lines in 0 files.") and settings.read_bytes() == (
        expected.replace("\n", "\r\n").encode("latin-1")
    )


def test_add_noqa_on_a_project_it_can_fully_silence_exits_0(tmp_path):
    root = legacy(tmp_path / "p")
    result = celery_lint(root, "--add-noqa")
    assert (result.returncode, result.stdout) == (0, "Added '# noqa' to 5 lines in 2 files.\n")
    assert celery_lint(root).returncode == 0


# -- CEL901: a noqa code that suppresses nothing --------------------------------------------------

STALE = """\
CELERY_TASK_TIME_LIMT = 300  # noqa: CEL104
CELERY_TASK_SERIALIZER = "json"  # noqa: CEL104, E501
CELERY_WORKER_CONCURRENCY = 2  # noqa: E501
CELERY_RESULT_EXPIRES = 60  # noqa
CELERY_TIMEZONE = "UTC"  # noqa: CEL202
CELERY_ENABLE_UTC = True  # noqa: CEL302
NOTE = "# noqa: CEL101"
CELERY_TASK_ACKS_LATE = True  # noqa: CEL1, CEL901
"""
# (line, col) of what CEL901 reports in the appended lines (from line 33)
STALE_AT = [("proj/settings.py", 34, "CEL901")]


@pytest.fixture(scope="module")
def stale(tmp_path_factory) -> Path:
    return write_project(Example({"+proj/settings.py": STALE}), tmp_path_factory.mktemp("cel901") / "p")


def test_cel901_is_opt_in_and_reports_a_code_that_suppresses_nothing(stale):
    assert celery_lint(stale).returncode == 0
    result = celery_lint(stale, "--extend-select", "CEL901")
    assert found(result.stdout) == STALE_AT
    assert "proj/settings.py:34:34: CEL901 [*] '# noqa: CEL104' suppresses no finding on this line; remove it" in (
        result.stdout
    )
    assert result.returncode == 1


def test_cel901_does_not_judge_the_codes_of_rules_that_did_not_run(stale):
    # CEL202 is judged once it runs; CEL104 is not when the run leaves it out; CEL302 never (live-only)
    with_202 = celery_lint(stale, "--extend-select", "CEL901,CEL202")
    assert found(with_202.stdout) == [*STALE_AT, ("proj/settings.py", 37, "CEL901")]
    assert found(celery_lint(stale, "--select", "CEL101,CEL901").stdout) == []
    assert found(celery_lint(stale, "--extend-select", "CEL901", "--ignore", "CEL104").stdout) == []


def test_cel901_under_flake8(stale):
    result = flake8(stale, "--extend-select=CEL901", ".")
    assert found(result.stdout) == [(f"./{p}", line, code) for p, line, code in STALE_AT], result.stderr
    assert found(flake8(stale, ".").stdout) == []  # opt-in: --select=CEL leaves it out
    assert found(flake8(stale, "--extend-select=CEL901", "--disable-noqa", ".").stdout) == [
        ("./proj/settings.py", 33, "CEL104")  # no noqa is read, none is judged
    ]


def test_cel901_fix_removes_the_stale_code(stale, tmp_path):
    from celery_lint.engine import lint_paths, select_rules
    from celery_lint.stale_noqa import fixed_text

    report = lint_paths([stale], select_rules(extend_select=["CEL901"]))
    path = stale.resolve() / "proj" / "settings.py"
    text = fixed_text(path.read_text(), report.findings)
    assert 'CELERY_TASK_SERIALIZER = "json"  # noqa: E501\n' in text
    assert text.replace('"json"  # noqa: E501', '"json"  # noqa: CEL104, E501') == path.read_text()
