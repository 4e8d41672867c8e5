"""`--format gitlab` and `--format junit`, read as their consumers read them.

The GitLab Code Quality report is validated against tests/data/gitlab-code-quality.schema.json,
written from GitLab's documentation of the format (its `$comment` names the pages),
and checked for what GitLab needs beyond a schema: fingerprints unique in a report
and unchanged when lines move, paths from the repository root. The JUnit XML is read
by junitparser (PyPI), the parser CI report tools use, which rejects what is not
JUnit XML.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from celery_lint.rules import load_rules
from tests.helpers import BIN, clean_env

load_rules()
SCHEMA = json.loads((Path(__file__).parent / "data" / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))
SETTINGS = "TASK_ALWAYS_EAGER = True\nCELERYD_CONCURRENCY = 4\n"


def celery_lint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "celery-lint"), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=clean_env())


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git checkout with the project below its top (services/web), bad in its settings
    (CEL101: E, CEL102: W) and with two identical findings in one file (CEL204)."""
    root = tmp_path / "repo"
    files = {"+proj/settings.py": SETTINGS, **REGISTRY["CEL204"].bad.files}
    write_project(Example(files), root / "services" / "web")
    views = root / "services" / "web" / "demoapp" / "views.py"
    text = views.read_text(encoding="utf-8")
    call = next(line for line in text.splitlines() if "send_welcome_email.delay(" in line)
    views.write_text(text.replace(call, f"{call}\n{call}"), encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root / "services" / "web"


def gitlab_report(cwd: Path) -> list[dict]:
    result = celery_lint(cwd, "--format", "gitlab")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator(SCHEMA).validate(report)
    return report


def test_gitlab_code_quality_report(repo):
    report = gitlab_report(repo)
    summary = [(i["check_name"], i["severity"], i["location"]["path"]) for i in report]
    assert summary == [
        ("CEL204", "minor", "services/web/demoapp/views.py"),
        ("CEL204", "minor", "services/web/demoapp/views.py"),
        ("CEL101", "major", "services/web/proj/settings.py"),
        ("CEL102", "minor", "services/web/proj/settings.py"),
    ]
    assert len({i["fingerprint"] for i in report}) == len(report)  # unique, the two identical calls too
    assert all(i["description"].startswith(f"{i['check_name']} ") for i in report)
    lines = (repo / "proj" / "settings.py").read_text(encoding="utf-8").splitlines()
    eager = next(n for n, line in enumerate(lines, 1) if line.startswith("TASK_ALWAYS_EAGER"))
    assert report[2]["location"]["lines"] == {"begin": eager}


def test_gitlab_fingerprints_stay_when_lines_move(repo):
    """GitLab matches a merge request's issues with its target's by fingerprint: a line
    added above the findings must not make them new ones."""
    before = gitlab_report(repo)
    settings = repo / "proj" / "settings.py"
    settings.write_text("# a comment\n" + settings.read_text(encoding="utf-8"), encoding="utf-8")
    after = gitlab_report(repo)
    assert [i["location"]["lines"]["begin"] for i in after[2:]] == [i["location"]["lines"]["begin"] + 1 for i in before[2:]]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert gitlab_report(repo.parent.parent) == after  # the same from the repository's top


def test_gitlab_schema_rejects_what_gitlab_would():
    validator = jsonschema.Draft7Validator(SCHEMA)
    issue = {"description": "d", "check_name": "CEL101", "fingerprint": "f", "severity": "major",
             "location": {"path": "a.py", "lines": {"begin": 1}}}
    validator.validate([issue])
    for broken in ({**issue, "severity": "error"}, {k: v for k, v in issue.items() if k != "fingerprint"},
                   {**issue, "location": {"path": "/abs/a.py", "lines": {"begin": 1}}}):
        with pytest.raises(jsonschema.ValidationError):
            validator.validate([broken])


def test_gitlab_report_of_a_clean_project_is_an_empty_list(tmp_path):
    write_project(Example({}), tmp_path)
    result = celery_lint(tmp_path, "--format", "gitlab")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_junit_report_read_by_junitparser(repo, tmp_path):
    target = tmp_path / "junit.xml"
    result = celery_lint(repo, "--format", "junit", "--output-file", str(target))
    assert (result.returncode, result.stdout) == (1, "")
    xml = JUnitXml.fromfile(str(target))
    assert (xml.tests, xml.failures, xml.errors) == (4, 4, 0)
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == ["demoapp/views.py", "proj/settings.py"]
    cases = [(case.classname, case.name, case.result[0].type) for suite in xml for case in suite]
    assert [(classname, kind) for classname, _, kind in cases] == [
        ("demoapp/views.py", "CEL204"), ("demoapp/views.py", "CEL204"),
        ("proj/settings.py", "CEL101"), ("proj/settings.py", "CEL102"),
    ]
    case = next(iter(suites["proj/settings.py"]))
    [failure] = case.result
    assert isinstance(failure, Failure)
    assert failure.message.startswith("TASK_ALWAYS_EAGER is ignored")
    assert failure.text.startswith("proj/settings.py:") and "CEL101 [E]" in failure.text


def test_junit_clean_project_is_one_passing_case(tmp_path):
    write_project(Example({}), tmp_path)
    result = celery_lint(tmp_path, "--format", "junit")
    assert result.returncode == 0
    xml = JUnitXml.fromstring(result.stdout)
    assert (xml.tests, xml.failures, xml.errors) == (1, 0, 0)
    [case] = [case for suite in xml for case in suite]
    assert case.is_passed


def test_junit_files_not_analysed(tmp_path):
    """A settings module that does not parse (the analysis needed it) is an error case,
    another file that does not parse a skipped one."""
    write_project(Example({"+proj/settings.py": "DEBUG = (\n", "demoapp/broken.py": "def broken(:\n"}), tmp_path)
    result = celery_lint(tmp_path, "--format", "junit")
    assert result.returncode == 2
    xml = JUnitXml.fromstring(result.stdout)
    results = {case.classname: type(case.result[0]) for suite in xml for case in suite if not case.is_passed}
    assert results["proj/settings.py"] is Error and results["demoapp/broken.py"] is Skipped
