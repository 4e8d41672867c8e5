"""`[tool.celery-lint]`: validation (every refusal names file, key and problem), discovery,
and its effect on what the command reports, with command options over it."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from celery_lint import cli, config_lookup
from celery_lint.config import Config, ConfigError, glob_matches, load_config
from tests.e2e import monorepo_findings, write_monorepo
from tests.helpers import forget_the_filesystem, run, write_files

NS_VARIABLE_CELERY_PY = """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
NS = os.environ.get("CELERY_NAMESPACE", "CELERY")
app = Celery("proj")
app.config_from_object("django.conf:settings", namespace=NS)
app.autodiscover_tasks()
"""


def write_config(root: Path, body: str, name: str = "pyproject.toml") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    path.write_text(body, encoding="utf-8")
    return path


def lint_json(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str]]]:
    """Exit status and (path, code) of the findings the command reports for `root`."""
    forget_the_filesystem()  # each run of the command starts from the files, as a new process does
    status = cli.main([str(root), "--format", "json", *args])
    out = capsys.readouterr().out
    found = json.loads(out)["findings"] if out.strip() else []
    base = root.resolve()
    return status, sorted(
        (Path(f["path"]).resolve().relative_to(base).as_posix() if Path(f["path"]).is_absolute() else f["path"], f["code"])
        for f in found
    )


# -- validation ---------------------------------------------------------------------------------


def test_a_full_table_is_read(tmp_path):
    path = write_config(
        tmp_path,
        """
[tool.celery-lint]
settings = ["proj.settings.production", "proj.settings.test"]
app = "proj.celery:app"
namespace = "CELERY"
select = ["CEL1", "cel2"]
ignore = ["CEL104"]
extend-select = ["CEL201"]
per-file-ignores = { "proj/settings/test.py" = ["CEL101"] }
own-settings = ["CELERY_REPORTS_QUEUE"]
celery-version = "5.6.3"
exclude = ["legacy/**"]
respect-gitignore = false
baseline = "ci/celery-lint-baseline.json"
fail-on = "error"
""",
    )
    config = load_config(path)
    assert config.baseline == path.parent.resolve() / "ci" / "celery-lint-baseline.json"  # relative to the file
    assert config.fail_on == "error"
    assert config.settings == ("proj.settings.production", "proj.settings.test")
    assert config.app == "proj.celery:app"
    assert config.namespace == "CELERY"
    assert config.select == ("CEL1", "CEL2")
    assert config.ignore == ("CEL104",)
    assert config.extend_select == ("CEL201",)
    assert config.per_file_ignores == (("proj/settings/test.py", ("CEL101",)),)
    assert config.own_settings == frozenset({"CELERY_REPORTS_QUEUE"})
    assert config.celery_version == "5.6.3"
    assert config.exclude == ("legacy/**",)
    assert config.respect_gitignore is False
    options = config.project_options()
    assert (options.app, options.namespace, options.celery_version) == ("proj.celery:app", "CELERY", "5.6.3")
    assert options.version_source == "celery-version in pyproject.toml"
    assert options.respect_gitignore is False
    assert config.options_with(respect_gitignore=True).respect_gitignore is True


def test_a_single_settings_string_and_an_empty_namespace(tmp_path):
    config = load_config(write_config(tmp_path, '[tool.celery-lint]\nsettings = "proj.settings"\nnamespace = ""\n'))
    assert config.settings == ("proj.settings",)
    assert config.namespace == ""


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        pytest.param('selct = ["CEL1"]', "selct", "unknown key; did you mean 'select'?", id="unknown-key-close"),
        pytest.param("colour = 1", "colour", "unknown key (known keys:", id="unknown-key"),
        pytest.param('select = "CEL1"', "select", "expected a list of strings, got a string", id="select-string"),
        pytest.param("ignore = [101]", "ignore", "expected a list of strings, got a list with an integer", id="ignore-ints"),
        pytest.param('select = ["CEL999"]', "select", "unknown rule code or prefix 'CEL999'", id="unknown-code"),
        pytest.param('extend-select = ["E501"]', "extend-select", "unknown rule code or prefix 'E501'", id="foreign-code"),
        pytest.param("settings = 3", "settings", "expected a list of strings, got an integer", id="settings-int"),
        pytest.param('settings = ["proj/settings.py"]', "settings", "is not a dotted module name", id="settings-path"),
        pytest.param('app = "proj.celery:app:x"', "app", "is not a module name", id="app"),
        pytest.param("app = true", "app", "expected a string, got a boolean", id="app-bool"),
        pytest.param('namespace = "CEL ERY"', "namespace", "is not an identifier", id="namespace"),
        pytest.param('own-settings = ["celery_reports"]', "own-settings", "not an upper-case setting name", id="own-lower"),
        pytest.param('own-settings = "CELERY_X"', "own-settings", "expected a list of strings", id="own-string"),
        pytest.param("celery-version = 5.6", "celery-version", 'expected a string such as "5.6.3", got a float', id="version-float"),
        pytest.param('celery-version = "latest"', "celery-version", "not a version number: 'latest'", id="version-word"),
        pytest.param('celery-version = "5..6"', "celery-version", "not a version number", id="version-dots"),
        pytest.param('per-file-ignores = ["CEL101"]', "per-file-ignores", "expected a table of pattern = [codes]", id="pfi-list"),
        pytest.param(
            'per-file-ignores = { "tests/*" = ["CEL8"] }', "per-file-ignores.'tests/*'",
            "unknown rule code or prefix 'CEL8'", id="pfi-code",
        ),
        pytest.param("exclude = [1]", "exclude", "expected a list of strings", id="exclude"),
        pytest.param("baseline = 1", "baseline", "expected a string, got an integer", id="baseline-int"),
        pytest.param('baseline = ""', "baseline", "expected a file name", id="baseline-empty"),
        pytest.param('fail-on = "info"', "fail-on", 'expected "error" or "warning"', id="fail-on"),
        pytest.param('respect-gitignore = "no"', "respect-gitignore", "expected true or false, got a string",
                     id="respect-gitignore"),
    ],
)
def test_bad_values_are_refused_naming_file_key_and_problem(tmp_path, body, key, problem):
    path = write_config(tmp_path, f"[tool.celery-lint]\n{body}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: [tool.celery-lint] {key}: ")
    assert problem in message


def test_invalid_toml_is_refused(tmp_path):
    path = write_config(tmp_path, "[tool.celery-lint]\nselect = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_a_table_that_is_not_a_table_is_refused(tmp_path):
    path = write_config(tmp_path, '[tool]\ncelery-lint = "on"\n')
    with pytest.raises(ConfigError, match=r"\[tool.celery-lint\] must be a table"):
        load_config(path)


# -- discovery ----------------------------------------------------------------------------------


def test_the_nearest_table_at_or_above_a_project_root_is_found(tmp_path):
    (tmp_path / ".git").mkdir()
    outer = write_config(tmp_path, "[tool.celery-lint]\nignore = ['CEL104']\n")
    write_config(tmp_path / "repo", "[project]\nname = 'x'\n")  # no table: not ours, keep looking
    root = tmp_path / "repo" / "src"
    (root / "proj").mkdir(parents=True)
    (root / "manage.py").write_text("", encoding="utf-8")
    forget_the_filesystem()
    assert config_lookup.find_table(root) == outer
    assert config_lookup.for_file(root / "proj" / "settings.py").path == outer
    nearer = write_config(root, "[tool.celery-lint]\n")
    forget_the_filesystem()
    assert config_lookup.for_project(root).path == nearer
    # a table below the project root is not the project's: its files read the root's
    write_config(root / "proj", "[tool.celery-lint]\nignore = ['CEL101']\n")
    forget_the_filesystem()
    assert config_lookup.for_file(root / "proj" / "settings.py").path == nearer


def test_no_table_above_the_repository_root_applies(tmp_path):
    write_config(tmp_path, "[tool.celery-lint]\nignore = ['CEL104']\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "manage.py").write_text("", encoding="utf-8")
    forget_the_filesystem()
    assert config_lookup.for_project(tmp_path / "repo") == Config()


def test_a_package_tree_reads_the_table_above_its_top(tmp_path):
    (tmp_path / ".git").mkdir()
    table = write_config(tmp_path / "libs", "[tool.celery-lint]\nignore = ['CEL104']\n")
    deep = tmp_path / "libs" / "pkg" / "sub"
    deep.mkdir(parents=True)
    for directory in (deep, deep.parent):
        (directory / "__init__.py").write_text("", encoding="utf-8")
    write_config(deep, "[tool.celery-lint]\n")  # inside the package tree: one table per tree
    forget_the_filesystem()
    assert config_lookup.anchor(deep) == deep.parent
    assert config_lookup.for_file(deep / "tasks.py").path == table


def test_no_file_means_defaults(tmp_path):
    (tmp_path / ".git").mkdir()
    forget_the_filesystem()
    assert config_lookup.for_project(tmp_path) == Config()


def test_an_explicit_file_wins_and_must_exist(tmp_path):
    (tmp_path / ".git").mkdir()
    write_config(tmp_path, "[tool.celery-lint]\nignore = ['CEL104']\n")
    other = write_config(tmp_path / "conf", "[tool.celery-lint]\nignore = ['CEL101']\n", name="lint.toml")
    forget_the_filesystem()
    assert config_lookup.for_project(tmp_path, other).ignore == ("CEL101",)
    assert config_lookup.for_project(tmp_path, other).base == other.parent.resolve()
    with pytest.raises(ConfigError, match="no such configuration file"):
        config_lookup.for_project(tmp_path, tmp_path / "missing.toml")
    assert config_lookup.for_project(tmp_path, other, isolated=True).ignore == ()


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("migrations", "app/migrations/0001_initial.py", True),
        ("settings.py", "proj/settings.py", True),
        ("*_test.py", "app/views_test.py", True),
        ("proj/settings/*.py", "proj/settings/test.py", True),
        ("proj/settings/*.py", "proj/settings/deep/test.py", False),
        ("proj/**/*.py", "proj/settings/deep/test.py", True),
        ("proj/**/*.py", "proj/test.py", True),
        ("legacy/", "legacy/old.py", True),
        ("./legacy", "legacy/sub/old.py", True),
        ("legacy", "proj/legacy_views.py", False),
        ("proj/settings.py", "other/proj/settings.py", False),
    ],
)
def test_file_patterns(tmp_path, pattern, path, matches):
    assert glob_matches(pattern, tmp_path / path, tmp_path) is matches


# -- effect on the command --------------------------------------------------------------------


def test_a_bad_table_stops_the_command_with_status_2(project, capsys):
    write_files(project, {})
    path = write_config(project, '[tool.celery-lint]\nselect = ["CEL1O1"]\n')
    assert cli.main([str(project)]) == 2
    err = capsys.readouterr().err
    assert f"celery-lint: error: {path}: [tool.celery-lint] select: unknown rule code or prefix 'CEL1O1'" in err


def test_select_ignore_and_per_file_ignores(project, capsys):
    write_files(project, {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\nCELERY_RESULTS_BACKEND = 'x'\n"})
    assert lint_json(project, capsys=capsys)[1] == [("proj/settings.py", "CEL101"), ("proj/settings.py", "CEL104")]
    write_config(project, '[tool.celery-lint]\nignore = ["CEL104"]\n')
    assert lint_json(project, capsys=capsys) == (1, [("proj/settings.py", "CEL101")])
    write_config(project, '[tool.celery-lint]\nselect = ["CEL104"]\n')
    assert lint_json(project, capsys=capsys)[1] == [("proj/settings.py", "CEL104")]
    # the command's --select replaces the table's; --ignore adds to it
    assert lint_json(project, "--select", "CEL101", capsys=capsys)[1] == [("proj/settings.py", "CEL101")]
    assert lint_json(project, "--ignore", "CEL104", capsys=capsys) == (0, [])
    write_config(project, '[tool.celery-lint]\nper-file-ignores = { "proj/settings.py" = ["CEL10"] }\n')
    assert lint_json(project, capsys=capsys) == (0, [])
    write_config(project, '[tool.celery-lint]\nper-file-ignores = { "other/*.py" = ["CEL10"] }\n')
    assert len(lint_json(project, capsys=capsys)[1]) == 2


def test_exclude_leaves_files_out(project, capsys):
    write_files(project, {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"})
    write_config(project, '[tool.celery-lint]\nexclude = ["proj/settings.py"]\n')
    assert lint_json(project, capsys=capsys) == (0, [])
    write_config(project, '[tool.celery-lint]\nexclude = ["demoapp"]\n')
    assert lint_json(project, capsys=capsys)[1] == [("proj/settings.py", "CEL101")]


def test_configured_settings_modules_are_read(project, capsys):
    write_files(project, {"proj/settings_prod.py": "from .settings import *\n\nTASK_ALWAYS_EAGER = True\n"})
    assert lint_json(project, capsys=capsys) == (0, [])
    write_config(project, '[tool.celery-lint]\nsettings = ["proj.settings_prod"]\n')
    assert lint_json(project, capsys=capsys)[1] == [("proj/settings_prod.py", "CEL101")]
    # the command's --settings wins over the table
    assert lint_json(project, "--settings", "proj.settings", capsys=capsys) == (0, [])


def test_a_configured_namespace_stands_in_for_an_unreadable_one(project, capsys):
    write_files(project, {"proj/celery.py": NS_VARIABLE_CELERY_PY, "+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"})
    assert lint_json(project, capsys=capsys) == (0, [])  # unknown namespace: silent
    write_config(project, '[tool.celery-lint]\nnamespace = "CELERY"\n')
    assert lint_json(project, capsys=capsys)[1] == [("proj/settings.py", "CEL101")]
    assert lint_json(project, "--namespace", "", capsys=capsys)[1] == []  # no namespace: CEL101 does not apply


def test_a_configured_app_module_picks_the_app(project, capsys):
    second = "from celery import Celery\n\nother = Celery('other')\nother.config_from_object('django.conf:settings', namespace='OTHER')\n"
    write_files(project, {"proj/other_celery.py": second, "+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"})
    assert ("proj/settings.py", "CEL101") in lint_json(project, capsys=capsys)[1]  # read by neither app
    write_config(project, '[tool.celery-lint]\napp = "proj.celery"\n')
    assert ("proj/settings.py", "CEL101") in lint_json(project, capsys=capsys)[1]
    assert ("proj/settings.py", "CEL101") in lint_json(project, "--isolated", "--app", "proj.celery:app", capsys=capsys)[1]
    assert ("proj/settings.py", "CEL101") not in lint_json(project, "--app", "proj.celery:other", capsys=capsys)[1]


def test_own_settings_are_never_typos(project, capsys):
    write_files(project, {"+proj/settings.py": "CELERY_TASK_TIME_LIMT = 5\n"})
    assert lint_json(project, capsys=capsys)[1] == [("proj/settings.py", "CEL104")]
    write_config(project, '[tool.celery-lint]\nown-settings = ["CELERY_TASK_TIME_LIMT"]\n')
    assert lint_json(project, capsys=capsys) == (0, [])
    assert lint_json(project, "--isolated", "--own-settings", "CELERY_TASK_TIME_LIMT", capsys=capsys) == (0, [])


def test_the_config_is_found_from_the_first_path(project, tmp_path, capsys, monkeypatch):
    write_files(project, {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"})
    write_config(project, '[tool.celery-lint]\nignore = ["CEL101"]\n')
    monkeypatch.chdir(tmp_path)
    assert cli.main([str(project / "proj")]) == 0
    monkeypatch.chdir(project)
    assert cli.main([]) == 0
    assert cli.main(["--isolated"]) == 1
    capsys.readouterr()


def test_live_checks_read_the_table(project):
    write_files(project, {"+proj/settings.py": "CELERY_TASK_TIME_LIMT = 5\n"})
    checked = run([sys.executable, "manage.py", "check"], project)
    assert "celery_lint.W104" in checked.stdout + checked.stderr
    write_config(project, '[tool.celery-lint]\nown-settings = ["CELERY_TASK_TIME_LIMT"]\n')
    checked = run([sys.executable, "manage.py", "check"], project)
    assert checked.returncode == 0, checked.stderr
    assert "celery_lint" not in checked.stdout + checked.stderr


def test_live_checks_read_the_projects_own_table(tmp_path):
    top = write_monorepo(tmp_path / "repo")
    own = run([sys.executable, "manage.py", "check"], top / "services" / "a")  # own-settings: CELERY_RESULT_EXPIRE
    other = run([sys.executable, "manage.py", "check"], top / "services" / "b")  # a's table is not b's
    assert "CELERY_TASK_TIME_LIMT" in own.stdout + own.stderr
    assert "CELERY_RESULT_EXPIRE" not in own.stdout + own.stderr
    assert "CELERY_RESULT_EXPIRE" in other.stdout + other.stderr


def test_live_checks_report_what_the_command_reports_under_each_projects_table(tmp_path):
    """Each project's own table decides `manage.py check` as it does the command: its
    selection, per-file-ignores relative to its directory (b), the root's table (c)."""
    top = write_monorepo(tmp_path / "repo")
    for name in "abc":
        where = top / "services" / name
        checked = run([sys.executable, "manage.py", "check"], where)
        output = checked.stdout + checked.stderr
        found = {
            ((where / path).resolve(), int(line), f"CEL{number}")
            for path, line, number in re.findall(r"^(\S+):(\d+): \(celery_lint\.[EW](\d{3})\)", output, re.M)
        }
        assert found == monorepo_findings(top, name), checked.stderr
