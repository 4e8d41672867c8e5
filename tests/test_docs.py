"""The docs site: one generated page per registered rule, an index of exactly the
registry, `--explain` from the same rendering, and a strict MkDocs build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from celery_lint import rule_docs
from celery_lint.cli import explain
from celery_lint.examples import project_files, write_project
from celery_lint.registry import REGISTRY, Rule
from celery_lint.rules import load_rules
from tests.helpers import run

REPO = Path(__file__).resolve().parent.parent
load_rules()
RULES = list(REGISTRY)
PAGES = rule_docs.pages()
FINDING = re.compile(r"^(?P<path>[^:\s]+):\d+:\d+: (?P<code>CEL\d{3}) \S")


def _block_after(page: str, marker: str) -> list[str]:
    """The lines of the fenced block following `marker` in `page`."""
    start = page.index("```text\n", page.index(marker)) + len("```text\n")
    return page[start : page.index("\n```", start)].splitlines()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_a_page_with_its_code_summary_and_why(rule: Rule):
    page = PAGES[f"rules/{rule.code}.md"]
    assert page.splitlines()[0] == f"# {rule.code}: {rule_docs.md_text(rule.summary)}"
    assert f"`{rule.django_id}`" in page
    assert rule.why.strip() in page
    for item in rule.silent_on:
        assert f"- {rule_docs.md_text(item)}" in page


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_a_page_shows_the_example_and_its_fix_as_a_diff(rule: Rule):
    """The bad example as changes to the base project; the fix as the diff of the
    files it changes, and of no other file; no empty code block anywhere."""
    page = PAGES[f"rules/{rule.code}.md"]
    bad, good = page.split("## Example that triggers it")[1].split("## Fixed")
    good = good.split("\n## Fix\n")[0]  # the rule's automatic fix has a section of its own
    for file in rule_docs.shown_files(rule.bad):
        assert f"`{file.caption}`" in bad
        assert file.text.rstrip("\n") in bad
    if not rule_docs.shown_files(rule.bad):
        assert "unchanged" in bad
    diffs = re.findall(r"^```diff\n(.*?)^```$", good, re.S | re.M)
    changed = rule_docs.good_diff(rule)
    assert [d.rstrip("\n") for d in diffs] == [diff.rstrip("\n") for _, diff in changed]
    before, after = project_files(rule.bad), project_files(rule.good)
    assert {path for path, _ in changed} == {p for p in {*before, *after} if before.get(p) != after.get(p)}
    assert "```python" not in good
    assert not re.search(r"^```\w*\n```$", page, re.M), "an empty code block"
    if not changed:
        assert "The example above, unchanged." in good


def test_the_good_diff_applies_to_the_bad_example():
    """A diff block turns the bad example's file into the good one's (CEL004's emptied
    proj/__init__.py gets its app import back)."""
    (path, diff), = rule_docs.good_diff(REGISTRY["CEL004"])
    assert path == "proj/__init__.py"
    assert diff.splitlines()[:2] == ["--- a/proj/__init__.py", "+++ b/proj/__init__.py"]
    added = [line[1:] for line in diff.splitlines()[3:] if line.startswith("+")]
    assert "\n".join(added) + "\n" == project_files(REGISTRY["CEL004"].good)["proj/__init__.py"]


# an example in syntax newer than the running Python's (CEL007) is reported by older ones only
SHOWN_HERE = [r for r in RULES if not r.live_only and r.bad.shown_here]


@pytest.mark.parametrize("rule", SHOWN_HERE, ids=lambda r: r.code)
def test_a_page_shows_what_the_engine_reports_on_its_examples(rule: Rule):
    """The findings under the bad example are the engine's, and they are the ones the
    example declares; the fixed example reports nothing."""
    page = PAGES[f"rules/{rule.code}.md"]
    reported = [FINDING.match(line) for line in _block_after(page, "What celery-lint reports:")]
    assert all(reported)
    assert sorted((m["path"], m["code"]) for m in reported) == sorted(rule.bad.findings)
    assert page.split("## Fixed")[1].count("No findings.") == 1


@pytest.mark.parametrize("rule", [r for r in RULES if r.live_only], ids=lambda r: r.code)
def test_a_live_only_page_names_its_check_id_and_command(rule: Rule):
    page = PAGES[f"rules/{rule.code}.md"]
    assert _block_after(page, "What `manage.py check` reports:") == [
        f"{rule.django_id} ({rule_docs.LIVE_COMMAND})" for _ in rule.bad.findings
    ]
    assert "`manage.py check` only" in page


@pytest.mark.parametrize("rule", [r for r in RULES if r.live_only], ids=lambda r: r.code)
def test_a_live_only_rule_reports_under_the_command_its_page_names(rule: Rule, tmp_path: Path):
    pytest.importorskip("django")
    command = rule_docs.LIVE_COMMAND.split()
    command[0] = sys.executable
    for example, expected in ((rule.bad, True), (rule.good, False)):
        root = write_project(example, tmp_path / ("bad" if expected else "good"))
        for step in example.setup:
            assert run([sys.executable, "manage.py", *step.split()], root).returncode == 0
        result = run(command, root)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output
        assert (f"({rule.django_id})" in output) is expected, output


def test_an_opt_in_rule_page_says_how_to_enable_it():
    rule = RULES[0]._replace(default_enabled=False)
    page = rule_docs.rule_page(rule)
    assert "## Enabling it" in page
    assert f"`celery-lint --extend-select {rule.code}`" in page
    assert "## Enabling it" not in rule_docs.rule_page(rule._replace(default_enabled=True))
    assert f"Off by default: enable with --extend-select {rule.code}." in rule_docs.explain_text(rule)


@pytest.mark.parametrize("rule", [r for r in RULES if not r.default_enabled], ids=lambda r: r.code)
def test_an_opt_in_rule_is_enabled_as_its_page_says(rule: Rule, project: Path):
    """Both the command and flake8 leave it out unless it is selected by its own code."""
    pytest.importorskip("flake8")
    write_project(rule.bad, project)
    plain = run([sys.executable, "-m", "celery_lint", "."], project)
    selected = run([sys.executable, "-m", "celery_lint", "--extend-select", rule.code, "."], project)
    flake8 = run([sys.executable, "-m", "flake8", "--select=CEL", "."], project)
    flake8_selected = run([sys.executable, "-m", "flake8", "--select=CEL", f"--extend-select={rule.code}", "."], project)
    assert rule.code not in plain.stdout and plain.returncode == 0, plain.stdout
    assert rule.code in selected.stdout and selected.returncode == 1, selected.stdout
    assert rule.code not in flake8.stdout, flake8.stdout + flake8.stderr
    assert rule.code in flake8_selected.stdout, flake8_selected.stdout + flake8_selected.stderr


def test_the_rule_index_lists_exactly_the_registry():
    index = PAGES["rules/index.md"]
    linked = re.findall(r"^\| \[(CEL\d{3})\]\((CEL\d{3})\.md\) \| ([EW]) \|", index, re.MULTILINE)
    assert [(code, severity) for code, _, severity in linked] == [(r.code, r.severity) for r in RULES]
    assert all(code == target for code, target, _ in linked)
    assert sorted(PAGES) == sorted(
        ["rules/index.md", f"rules/{rule_docs.BASE_PAGE}", rule_docs.FRONT_ENDS_PAGE, *(f"rules/{r.code}.md" for r in RULES)]
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_explain_shows_the_findings_of_the_page(rule: Rule):
    page = PAGES[f"rules/{rule.code}.md"]
    marker = "What `manage.py check` reports:" if rule.live_only else "What celery-lint reports:"
    text = explain(rule.code)
    assert text.startswith(f"{rule.code} ({rule.django_id}, {rule.name}): {rule.summary}\n")
    if not (rule.live_only or rule.bad.shown_here):  # CEL007 under a Python that parses its example
        assert "No findings." in page.split("## Fixed")[0]
        assert "which cannot parse it\n\n  reports nothing\n" in text
        return
    for line in _block_after(page, marker):
        assert f"    {line}\n" in text


def test_markdown_text_is_escaped_outside_code_spans():
    assert rule_docs.md_text("proj/__init__.py and `__init__.py`") == r"proj/\_\_init\_\_.py and `__init__.py`"
    assert rule_docs.md_text("a | b [x]") == r"a \| b \[x\]"
    # Python-Markdown has no backslash escape for "<": "\<" would show as it is
    assert rule_docs.md_text("Celery <= 5.6, `<= 5.6`") == "Celery &lt;= 5.6, `<= 5.6`"


def test_mkdocs_build_is_strict_clean(tmp_path: Path):
    pytest.importorskip("mkdocs")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    for rule in RULES:
        html = (site / "rules" / rule.code / "index.html").read_text(encoding="utf-8")
        assert rule.django_id in html
    assert (site / "getting-started" / "index.html").is_file()
    assert not (site / "hooks.py").exists()
