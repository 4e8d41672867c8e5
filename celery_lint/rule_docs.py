"""Rule documentation rendered from the registry: the docs pages and `--explain`.

Every page is built from a `Rule` at the time it is shown, and the findings under
each example come from running the engine on that example, so the docs cannot
say anything the code does not do.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE, fixed_example, project_files, write_project
from celery_lint.registry import LIVE_CHECKS, REGISTRY, Example, Rule
from celery_lint.rules import load_rules

SEVERITIES = {
    "E": "error: the configuration is broken",
    "W": "warning: likely wrong, or broken in some versions or deployments",
}
FAMILIES = {
    "CEL0": "The Celery app module and the project package",
    "CEL1": "Settings",
    "CEL2": "Tasks",
    "CEL3": "Result backends and beat schedulers",
    "CEL4": "Runtime and deployment",
    "CEL5": "Production settings",
    "CEL9": "celery-lint's own comments",
}
LIVE_COMMAND = "python manage.py check --deploy --database default"  # every live-only rule reports here
BASE_PAGE = "base-project.md"
_CODE_SPAN = re.compile(r"(`[^`]*`)")
_MARKDOWN_SPECIAL = re.compile(r"([\\*_\[\]>|#])")  # backslash escapes; "<" has none: &lt;


class ShownFile(NamedTuple):
    """One file of an example as a reader sees it: what changed from the base project."""

    path: str
    text: str
    first_line: int = 1  # where `text` starts in the file the engine reads
    appended: bool = False
    deleted: bool = False

    @property
    def caption(self) -> str:
        if self.deleted:
            return f"{self.path} (deleted)"
        if self.appended:
            return f"{self.path} (appended to the base project's file, from line {self.first_line})"
        if self.path not in BASE:
            return f"{self.path} (new file{'' if self.text.strip() else ', empty'})"
        return self.path if self.text.strip() else f"{self.path} (emptied)"


def shown_files(example: Example) -> list[ShownFile]:
    files = project_files(example)
    shown = []
    for path, text in example.texts().items():
        if path.startswith("-"):
            shown.append(ShownFile(path[1:], "", deleted=True))
        elif path.startswith("+"):
            full = files[path[1:]]
            first = full[: len(full) - len(text)].count("\n") + 1
            shown.append(ShownFile(path[1:], text, first_line=first, appended=True))
        else:
            shown.append(ShownFile(path, text))
    return shown


def good_diff(rule: Rule) -> list[tuple[str, str]]:
    """(path, unified diff) of each file the good example changes: from the project of
    the bad example to the project of the good one; the files both share are not shown."""
    before, after = project_files(rule.bad), project_files(rule.good)
    order = [*BASE, *sorted((set(before) | set(after)) - set(BASE))]
    changes = []
    for path in order:
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        lines = difflib.unified_diff(
            (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
            fromfile="/dev/null" if old is None else f"a/{path}", tofile="/dev/null" if new is None else f"b/{path}",
        )
        changes.append((path, "".join(line if line.endswith("\n") else line + "\n" for line in lines)))
    return changes


def findings(rule: Rule, example: Example) -> list[str]:
    """What the front ends report for `example`, as `celery-lint` prints it.

    Static rules run through the engine; a live-only rule's findings are the
    `manage.py check` ids its example declares (its proof test runs them)."""
    if rule.live_only:
        return [f"{rule.django_id} ({LIVE_COMMAND})" for _, code in example.findings if code == rule.code]
    with tempfile.TemporaryDirectory(prefix="celery-lint-docs-") as tmp:
        root = write_project(example, Path(tmp)).resolve()
        # a rule about the others' findings (CEL901) runs with the default set
        select = [] if rule.after_rules else [rule.code]
        report = lint_paths([root], select_rules(select, extend_select=[rule.code]))
        return [finding.format(relative_to=root) for finding in report.findings]


def rules() -> list[Rule]:
    load_rules()
    return list(REGISTRY)


def family(rule: Rule) -> str:
    return FAMILIES.get(rule.code[:4], "Other rules")


# -- Markdown (the docs site) -----------------------------------------------------------------


def md_text(text: str) -> str:
    """Plain text made safe for Markdown, code spans left as they are."""
    parts = _CODE_SPAN.split(text)
    return "".join(
        p if p.startswith("`") else _MARKDOWN_SPECIAL.sub(r"\\\1", p).replace("<", "&lt;") for p in parts
    )


def _fence(text: str, language: str = "python") -> list[str]:
    return [f"```{language}", text.rstrip("\n"), "```"]


def _md_example(rule: Rule, example: Example, heading: str) -> list[str]:
    lines = [f"## {heading}", ""]
    shown = shown_files(example)
    if shown:
        lines += [f"The [base project]({BASE_PAGE}) with these changes:", ""]
    else:
        lines += [f"The [base project]({BASE_PAGE}), unchanged.", ""]
    for file in shown:
        lines += [f"`{file.caption}`", ""]
        if not file.deleted and file.text.strip():
            lines += [*_fence(file.text), ""]
    lines += _md_findings(rule, example)
    return lines


def _md_good(rule: Rule) -> list[str]:
    """The fixed example, as the diff from the bad example to the good one."""
    lines = ["## Fixed", ""]
    changes = good_diff(rule)
    lines += ["The example above, changed:" if changes else "The example above, unchanged.", ""]
    for _, diff in changes:
        lines += [*_fence(diff, "diff"), ""]
    return lines + _md_findings(rule, rule.good)


def fix_diff(rule: Rule) -> str:
    """The bad example's files as the rule's fix changes them, as a unified diff (the
    fix tests hold the fix to exactly this text)."""
    import difflib

    assert rule.fix is not None
    before = project_files(rule.bad)
    after = project_files(fixed_example(rule))
    lines: list[str] = []
    for path in sorted(p for p in after if after[p] != before.get(p)):
        lines += difflib.unified_diff(
            before.get(path, "").splitlines(keepends=True), after[path].splitlines(keepends=True),
            f"a/{path}", f"b/{path}",
        )
    return "".join(lines)


def fix_summary(rule: Rule) -> str:
    """Which option applies the fix."""
    assert rule.fix is not None
    if rule.fix.safety_of is not None:
        return "`celery-lint --fix` where the fix is safe for the finding, else `--fix --unsafe-fixes`"
    if rule.fix.safety == "safe":
        return "`celery-lint --fix` (a safe fix)"
    return "`celery-lint --fix --unsafe-fixes` (an unsafe fix)"


def _md_fix(rule: Rule) -> list[str]:
    if rule.fix is None:
        return []
    return [
        "## Fix", "", f"Applied by {fix_summary(rule)}; `--diff` shows it without writing.", "",
        md_text(rule.fix.why), "", "On the example that triggers it:", "", *_fence(fix_diff(rule), "diff"), "",
    ]


def _md_findings(rule: Rule, example: Example) -> list[str]:
    lines: list[str] = []
    if example.setup:
        commands = "; ".join(f"`python manage.py {c}`" for c in example.setup)
        lines += [f"Before the check: {commands}.", ""]
    if example.newer_syntax:
        lines += [f"Under Python older than {'.'.join(map(str, example.newer_syntax))}, which cannot parse it.", ""]
    found = findings(rule, example)
    if found:
        lines += ["What celery-lint reports:" if not rule.live_only else "What `manage.py check` reports:", ""]
        lines += [*_fence("\n".join(found), "text"), ""]
    else:
        lines += ["No findings.", ""]
    return lines


def _enabling(rule: Rule) -> list[str]:
    if rule.default_enabled:
        return []
    return [
        "## Enabling it",
        "",
        f"`celery-lint` leaves {rule.code} out unless it is selected: `celery-lint --extend-select {rule.code}`,",
        f'or `extend-select = ["{rule.code}"]` in `[tool.celery-lint]` ([configuration](../configuration.md)),',
        "which turns it on in flake8"
        + (" and `manage.py check` too." if "manage.py check" in reported_by(rule) else " too (`manage.py check` does not run it)."),
        f"Without it, plain `flake8` and `--select=CEL` leave it out; `flake8 --extend-select={rule.code}` turns it on.",
        "",
    ]


def _silencing(rule: Rule) -> list[str]:
    """Every front end honours the table and the noqa comments alike (`suppression`)."""
    lines = ["## Silencing it", ""]
    if not rule.live_only:
        lines += [f"- on one line: `# noqa: {rule.code}` ({front_ends(rule)})"]
        lines += [f'- in some files: `per-file-ignores = {{ "proj/settings/test.py" = ["{rule.code}"] }}`'
                  " in `[tool.celery-lint]`"]
    lines += [
        f'- everywhere: `ignore = ["{rule.code}"]` in `[tool.celery-lint]` ({front_ends(rule)})'
        + ("" if rule.live_only else f"; `celery-lint --ignore {rule.code}`, `flake8 --extend-ignore={rule.code}`")
    ]
    if "manage.py check" in reported_by(rule):
        lines += [
            f'- in `manage.py check` only: `SILENCED_SYSTEM_CHECKS = ["{rule.django_id}"]` (the id is the same'
            " at every level; Django counts the message as silenced)"
        ]
    return [*lines, ""]


FRONT_ENDS = ("flake8", "celery-lint", "manage.py check")
FRONT_ENDS_PAGE = "front-ends.md"


def reported_by(rule: Rule) -> tuple[str, ...]:
    """The front ends that report the rule (`Rule.front_ends`)."""
    return rule.front_ends


def front_ends(rule: Rule) -> str:
    names = reported_by(rule)
    if names == FRONT_ENDS[2:]:
        return "`manage.py check` only"
    return ", ".join(name if name == "flake8" else f"`{name}`" for name in names)


def rule_page(rule: Rule) -> str:
    """The docs page of one rule (rules/CELxxx.md)."""
    lines = [
        f"# {rule.code}: {md_text(rule.summary)}",
        "",
        "| | |",
        "|---|---|",
        f"| Code | `{rule.code}` (`{rule.name}`) |",
        f"| Severity | {rule.severity} ({SEVERITIES[rule.severity]}) |",
        f"| Django check id | `{rule.django_id}` |",
        f"| Enabled | {'by default' if rule.default_enabled else 'no, opt-in'} |",
        f"| Reported by | {front_ends(rule)} ([front ends](../{FRONT_ENDS_PAGE})) |",
        "",
        "## Why",
        "",
        rule.why.strip(),
        "",
        *_md_example(rule, rule.bad, "Example that triggers it"),
        *_md_good(rule),
        *_md_fix(rule),
    ]
    if rule.silent_on:
        lines += ["## Stays silent on", "", *(f"- {md_text(s)}" for s in rule.silent_on), ""]
    lines += _enabling(rule) + _silencing(rule)
    return "\n".join(lines)


def rule_table(selected: Iterable[Rule], link: bool = True) -> list[str]:
    """A Markdown table of rules: code, severity, summary (opt-in rules marked)."""
    lines = ["| Code | Severity | Summary |", "|---|---|---|"]
    for rule in selected:
        code = f"[{rule.code}]({rule.code}.md)" if link else rule.code
        summary = md_text(rule.summary) + ("" if rule.default_enabled else " (opt-in)")
        lines.append(f"| {code} | {rule.severity} | {summary} |")
    return lines


def index_page() -> str:
    """The rules index (rules/index.md): every registered rule, by family."""
    lines = [
        "# Rules",
        "",
        "Each rule has one code everywhere: `CEL101` in flake8 and `celery-lint`, the",
        "Django check id `celery_lint.E101` (`W` for warnings) in `manage.py check`, and",
        "`celery-lint --explain CEL101` in the terminal. Severity **E**: the configuration",
        "is broken; **W**: likely wrong, or broken only in some versions or deployments.",
        "A rule whose truth depends on the Celery version the project runs may report a",
        "finding at another severity than the one listed here; its message names the version.",
        "",
        f"Every example is written as changes to the [base project]({BASE_PAGE}).",
        "",
    ]
    by_family: dict[str, list[Rule]] = {}
    for rule in rules():
        by_family.setdefault(family(rule), []).append(rule)
    for title, members in by_family.items():
        lines += [f"## {title}", "", *rule_table(members), ""]
    return "\n".join(lines)


def front_ends_page() -> str:
    """Which front end reports which rule (front-ends.md), from the registry."""
    lines = [
        "# Which front end reports what",
        "",
        "celery-lint has three front ends. flake8 and the `celery-lint` command read the",
        "source and run every static rule, flake8 one file at a time (the findings located",
        "in that file, the project around it read from disk). `manage.py check` runs inside",
        "the project: the rules about the whole project, on the settings as Django computed",
        "them, and the live-only rules, which need the running process or the database",
        f"(`{LIVE_COMMAND}`). It leaves out the rules that read one module at",
        "a time, and those whose mistake keeps Django from starting at all.",
        "",
        "| Rule | Summary | " + " | ".join(f"`{name}`" for name in FRONT_ENDS) + " |",
        "|---|---|" + "---|" * len(FRONT_ENDS),
    ]
    for rule in rules():
        marks = " | ".join(_mark(rule, name) for name in FRONT_ENDS)
        summary = md_text(rule.summary) + ("" if rule.default_enabled else " (opt-in)")
        lines.append(f"| [{rule.code}](rules/{rule.code}.md) | {summary} | {marks} |")
    lines += [
        "",
        "`# noqa`, `select`, `ignore` and `per-file-ignores` apply in each front end that",
        "reports the rule; `SILENCED_SYSTEM_CHECKS` only in `manage.py check`.",
        "",
    ]
    return "\n".join(lines)


def _mark(rule: Rule, front_end: str) -> str:
    if front_end == "manage.py check" and rule.code in LIVE_CHECKS:
        return LIVE_CHECKS[rule.code]
    return "yes" if front_end in reported_by(rule) else "no"


def base_page() -> str:
    lines = [
        "# The base project",
        "",
        "Every rule's examples change this healthy project, the layout of Celery's",
        '"First steps with Django". It produces no findings.',
        "",
    ]
    for path, text in BASE.items():
        lines += [f"`{path}`", "", *_fence(text), ""] if text.strip() else [f"`{path}` (empty)", ""]
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Every generated page: path under the docs directory -> Markdown."""
    generated = {"rules/index.md": index_page(), f"rules/{BASE_PAGE}": base_page(), FRONT_ENDS_PAGE: front_ends_page()}
    for rule in rules():
        generated[f"rules/{rule.code}.md"] = rule_page(rule)
    return generated


# -- plain text (`celery-lint --explain`) -----------------------------------------------------


def _text_example(rule: Rule, example: Example, title: str) -> list[str]:
    shown = shown_files(example)
    lines = [f"{title}:" + ("" if shown else " the base project, unchanged"), ""]
    for file in shown:
        lines += [f"  {file.caption}", ""]
        lines += [*("      " + t if t else "" for t in file.text.splitlines()), ""] if file.text.strip() else []
    return lines + _text_findings(rule, example)


def _text_good(rule: Rule) -> list[str]:
    changes = good_diff(rule)
    lines = ["Good: the bad example" + (", changed:" if changes else ", unchanged"), ""]
    for _, diff in changes:
        lines += [*("      " + t for t in diff.splitlines()), ""]
    return lines + _text_findings(rule, rule.good)


def _text_findings(rule: Rule, example: Example) -> list[str]:
    lines: list[str] = []
    if example.setup:
        lines += [f"  after: {', '.join('python manage.py ' + c for c in example.setup)}", ""]
    if example.newer_syntax:
        lines += [f"  under Python older than {'.'.join(map(str, example.newer_syntax))}, which cannot parse it", ""]
    found = findings(rule, example)
    lines += ["  reports:" if found else "  reports nothing", *(f"    {f}" for f in found), ""]
    return lines


def explain_text(rule: Rule) -> str:
    """`celery-lint --explain CODE`: the rule page as terminal text."""
    lines = [f"{rule.code} ({rule.django_id}, {rule.name}): {rule.summary}", "", rule.why.strip(), ""]
    lines += _text_example(rule, rule.bad, "Bad") + _text_good(rule)
    if rule.fix is not None:
        import textwrap

        why = textwrap.fill(rule.fix.why, 84)
        lines += [f"Fix: {fix_summary(rule).replace('`', '')}.", "", why, "", "  on the bad example:", ""]
        lines += [*("      " + t for t in fix_diff(rule).splitlines()), ""]
    if rule.silent_on:
        lines += ["Silent on:", *(f"  - {s}" for s in rule.silent_on), ""]
    if not rule.default_enabled:
        lines += [f"Off by default: enable with --extend-select {rule.code}.", ""]
    if rule.live_only:
        lines += [f"Reported only by `{LIVE_COMMAND}`.", ""]
    return "\n".join(lines).rstrip() + "\n"
