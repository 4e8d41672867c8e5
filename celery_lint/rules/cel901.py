"""CEL901: a `# noqa: CELxxx` code that suppresses no finding (the engine's `stale_noqa`)."""

from __future__ import annotations

from typing import Any

from celery_lint.findings import Finding
from celery_lint.registry import Edits, Example, Fix, Rule, register


def fix(ctx: Any, finding: Finding) -> Edits:
    """The reported line without its stale codes (`noqa.remove_codes`; the `# noqa`
    goes when no code is left, its comment when it said nothing else)."""
    from celery_lint.noqa import remove_codes

    line = ctx.line(finding.line)
    content = line.rstrip("\r\n")
    fixed = remove_codes(content, finding.subject.split(","))
    start = ctx.line_start(finding.line)
    return [] if fixed == content else [(start, start + len(content), fixed)]

RULE = register(
    Rule(
        code="CEL901",
        severity="W",
        name="unused-noqa",
        summary="a '# noqa: CELxxx' code that suppresses no finding",
        why="""\
A `# noqa: CEL104` written for a finding that has since been fixed (or that
`--add-noqa` wrote on a line that changed) silences nothing today, and will hide
the next finding of that code on the line without anyone noticing. The rule
reports each such code, as ruff's RUF100 does for its own: after every other rule
has run, a CEL code in the line's `# noqa` that no finding on that line matches.
It judges a code only when every rule it names ran on the file in this run, so a
noqa for a rule the run left out (`--select`, `ignore`, `per-file-ignores`, an
opt-in rule not turned on, a rule only `manage.py check` runs) is never reported:
run it with the rules you use (`celery-lint --extend-select CEL901`). The fix is
to remove the code, and the `# noqa` when no code is left.

The command and flake8 report it (flake8 with `--extend-select=CEL901`, where the
plugin judges the CEL codes of the noqa flake8 reads for the line); `manage.py
check` does not, as it runs the project rules alone.""",
        bad=Example(
            {"+proj/settings.py": 'CELERY_TASK_SERIALIZER = "json"  # noqa: CEL104\n'},
            findings=(("proj/settings.py", "CEL901"),),
        ),
        good=Example(
            {"+proj/settings.py": 'CELERY_TASK_SERIALIZER = "json"\nCELERY_TASK_TIME_LIMT = 300  # noqa: CEL104\n'}
        ),
        silent_on=(
            "codes of other tools (E501, F401) and a bare '# noqa'",
            "codes of rules the run did not select, or ignores in the file (per-file-ignores), and live-only rules",
            "a noqa on a line that a triple-quoted string or a backslash joins to others (flake8 reads it for all of "
            "them, the command for its own line), and a '# noqa' inside a string",
            "CEL901 itself ('# noqa: CEL901')",
        ),
        default_enabled=False,
        after_rules=True,
        fix=Fix(
            "safe",
            "Removes the stale codes from the `# noqa` comment, the `# noqa` itself when no code is left, and the "
            "comment when it said nothing else. Safe: the code suppressed no finding in this run; the line's code "
            "and its other comments are unchanged.",
            fix,
            {"+proj/settings.py": 'CELERY_TASK_SERIALIZER = "json"\n'},
        ),
    )
)
