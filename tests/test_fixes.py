"""`celery-lint --fix` over every rule that declares a fix, generated from the registry:
the bad example fixed is the rule's `fixed` text, parses, lints clean of that rule with
no new finding of another, is stable under a second fix; good examples, suppressed
findings and unparsable files are never touched; CRLF, tabs, comments and a BOM stay."""

from __future__ import annotations

import ast
import codecs
from collections import Counter
from pathlib import Path

import pytest

from celery_lint import cli
from celery_lint.examples import fixed_example, project_files, write_project
from celery_lint.fixing import run
from celery_lint.project import Project
from celery_lint.registry import REGISTRY, Example, Rule
from celery_lint.rules import load_rules
from tests.helpers import forget_the_filesystem, lint

load_rules()
FIXABLE = [rule for rule in REGISTRY if rule.fix is not None]


def fixed_files(rule: Rule) -> dict[str, str]:
    """The whole project of the bad example as the fix leaves it."""
    return project_files(fixed_example(rule))


def on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fix(root: Path, *options: str, capsys: pytest.CaptureFixture[str], rule: Rule | None = None) -> tuple[int, str]:
    """`--fix --unsafe-fixes`, with `rule` turned on when it is opt-in (CEL901)."""
    forget_the_filesystem()
    opt_in = ["--extend-select", rule.code] if rule is not None and not rule.default_enabled else []
    status = cli.main([str(root), "--fix", "--unsafe-fixes", "--isolated", *opt_in, *options])
    forget_the_filesystem()
    return status, capsys.readouterr().out


def test_the_fixable_rules():
    """Which rules have a fix, and how safe each is (CEL102's follows the version)."""
    assert {rule.code: rule.fix.safety for rule in FIXABLE if rule.fix} == {
        "CEL001": "safe", "CEL002": "safe", "CEL003": "unsafe", "CEL004": "unsafe", "CEL005": "safe",
        "CEL101": "unsafe", "CEL102": "unsafe", "CEL103": "unsafe", "CEL104": "unsafe", "CEL201": "safe",
        "CEL203": "safe", "CEL204": "unsafe", "CEL402": "safe", "CEL901": "safe",
    }


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.code)
def test_bad_example_fixed_is_the_fixed_text_and_lints_clean(rule, project, capsys):
    write_project(rule.bad, project)
    before = Counter((path, code) for path, _, code in lint(project, rule.code, default_set=True))
    fix(project, capsys=capsys, rule=rule)
    expected = fixed_files(rule)
    assert {path: data.decode() for path, data in on_disk(project).items()} == expected  # (a)
    for path in project.rglob("*.py"):  # (b)
        ast.parse(path.read_text(encoding="utf-8"))
    after = Counter((path, code) for path, _, code in lint(project, rule.code, default_set=True))
    assert not [key for key in after if key[1] == rule.code]  # (c)
    assert not after - before, "the fix made a new finding"
    first = on_disk(project)
    fix(project, capsys=capsys, rule=rule)
    assert on_disk(project) == first  # (d)


# the rules whose fixed example is not their good one: their proof runs on the fixed one too
PROVED_ON_THE_FIXED_EXAMPLE = {"CEL001", "CEL002", "CEL402"}
# fixes of a comment, which no Celery or Django behaviour depends on (its fixed example
# is held to the fixed text by (a))
COMMENT_FIXES = {"CEL901"}


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.code)
def test_real_celery_behaves_on_the_fixed_example(rule):
    """(f): the fixed example is the good one, which the rule's proof (tests/proof) runs
    through real Celery, or the proof runs on the fixed example as well."""
    if rule.code in COMMENT_FIXES:
        assert rule.after_rules and rule.bad.texts().keys() == rule.fix.fixed_texts().keys()
        return
    same = fixed_files(rule) == project_files(rule.good)
    assert same != (rule.code in PROVED_ON_THE_FIXED_EXAMPLE)


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.code)
def test_good_example_is_never_touched(rule, project, capsys):
    write_project(rule.good, project)
    before = on_disk(project)
    fix(project, capsys=capsys, rule=rule)
    assert on_disk(project) == before  # (e)


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.code)
def test_a_finding_noqa_suppresses_is_never_fixed(rule, project, capsys):
    write_project(rule.bad, project)
    for path, line, code in lint(project, rule.code, default_set=rule.after_rules):  # CEL901 needs the others
        target = project / path
        lines = target.read_text(encoding="utf-8").split("\n")
        if "# noqa: " in lines[line - 1]:  # merged into the line's noqa (CEL901's line has one)
            lines[line - 1] = lines[line - 1].replace("# noqa: ", f"# noqa: {code}, ", 1)
        else:
            lines[line - 1] += f"  # noqa: {code}"
        target.write_text("\n".join(lines), encoding="utf-8")
    before = on_disk(project)
    fix(project, capsys=capsys, rule=rule)
    assert on_disk(project) == before


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.code)
def test_a_file_that_does_not_parse_is_never_fixed(rule, project):
    """The fix of a finding, handed the file's text with a syntax error added, does nothing."""
    write_project(rule.bad, project)
    forget_the_filesystem()
    from celery_lint.engine import lint_paths, select_rules

    chosen = [] if rule.after_rules else [rule.code]  # CEL901 judges the other rules' findings
    report = lint_paths([project], select_rules(chosen, extend_select=[rule.code]))
    assert report.findings
    for finding in report.findings:
        project_model = Project.of_directory(finding.path.parent)
        text = (project_model.text(finding.path) or "") + "\ndef broken(:\n"
        assert run.fix_file(project_model, finding.path, text, [finding]) is None


def _dressed(text: str, bom: bool = True) -> bytes:
    """The text with tabs for its leading 4-space indents, CRLF line ends, a comment
    line on top, and a BOM."""
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        lines.append("\t" * (indent // 4) + " " * (indent % 4) + stripped)
    dressed = "# -*- kept: a comment -*-\r\n" + "\r\n".join(lines)
    return (codecs.BOM_UTF8 if bom else b"") + dressed.encode("utf-8")


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.code)
def test_crlf_tabs_comments_and_a_bom_survive(rule, project, capsys):
    """(h): every file of the project in that dress; the fix changes only its own spans."""
    for path, text in project_files(rule.bad).items():
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_dressed(text) if path.endswith(".py") else text.encode())
    fix(project, capsys=capsys, rule=rule)
    expected = {path: _dressed(text) if path.endswith(".py") else text.encode() for path, text in fixed_files(rule).items()}
    assert on_disk(project) == expected


def test_without_unsafe_fixes_only_the_safe_ones_are_applied(project, capsys):
    write_project(Example({"+proj/settings.py": "TASK_ALWAYS_EAGER = True\n", "+demoapp/tasks.py": """\

        @shared_task(bind=True)
        def ping():
            return "pong"
        """}), project)
    forget_the_filesystem()
    status = cli.main([str(project), "--fix", "--isolated"])
    out, err = capsys.readouterr()
    assert "def ping(self):" in (project / "demoapp/tasks.py").read_text()
    assert "\nTASK_ALWAYS_EAGER = True\n" in (project / "proj/settings.py").read_text()
    assert err.startswith("Fixed 1 finding in 1 file.\n")
    assert status == 1 and "CEL101 TASK_ALWAYS_EAGER" in out  # what is left: no [*], the fix is unsafe


def test_diff_prints_and_writes_nothing(project, capsys):
    rule = REGISTRY["CEL203"]
    write_project(rule.bad, project)
    before = on_disk(project)
    forget_the_filesystem()
    status = cli.main([str(project), "--diff", "--isolated"])
    out = capsys.readouterr().out
    assert on_disk(project) == before
    assert status == 1
    assert "-def ping():\n+def ping(self):\n" in out and out.startswith("--- a/")
    write_project(rule.good, project)
    forget_the_filesystem()
    assert cli.main([str(project), "--diff", "--isolated"]) == 0
    assert capsys.readouterr().out == ""


def test_text_output_marks_what_fix_fixes(project, capsys):
    write_project(REGISTRY["CEL203"].bad, project)
    forget_the_filesystem()
    cli.main([str(project), "--isolated"])
    out = capsys.readouterr().out
    assert ":1: CEL203 [*] bind=True passes" in out or " CEL203 [*] bind=True passes" in out


def test_overlapping_edits_wait_for_the_next_pass():
    """Two groups touching one span: the first is applied, the second left for later."""
    assert run.apply("abcdef", [[(1, 3, "X")], [(2, 4, "Y")], [(5, 5, "Z")]]) == ("aXdeZf", 2)
    assert run.apply("abc", [[(1, 1, "X")], [(1, 1, "Y")]]) == ("aXbc", 1)
