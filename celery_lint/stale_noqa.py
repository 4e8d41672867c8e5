"""CEL901: a `# noqa: CELxxx` code that suppressed no finding of this run (ruff's RUF100).

The engine runs it after the other rules, on the findings of a file before the
noqa comments apply (`stale_findings`). A code is judged only when every rule it
names (a code, or a prefix such as `CEL1`) ran on the file in this run: a noqa
for a deselected or per-file-ignored rule, or a live-only one, may suppress a
finding in another run and is never reported. Other tools' codes, a bare
`# noqa`, a noqa in a string, and a noqa on a line that a string or a backslash
joins to others (flake8 reads it for all of those lines, celery-lint for its own:
the two would disagree) are never judged. `fixed_text` removes what it reports.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterable
from pathlib import Path

from celery_lint.findings import Finding
from celery_lint.noqa import codes_of, remove_codes
from celery_lint.project import source_lines
from celery_lint.registry import REGISTRY
from celery_lint.suppression import _NOQA, Reporting

CODE = "CEL901"
# a file that may hold a judged noqa (the rest are never tokenized)
_CANDIDATE = re.compile(r"# noqa:[^\r\n]*CEL", re.IGNORECASE)
_SKIPPED = (tokenize.ENDMARKER, tokenize.DEDENT)


def stale_findings(
    texts: dict[Path, str], findings: Iterable[Finding], reporting_of: Callable[[Path], Reporting]
) -> list[Finding]:
    """CEL901 findings in the files `texts` holds, of the run's `findings` (before noqa),
    each file judged under its own table's reporting (`reporting_of`)."""
    on_line: dict[Path, dict[int, list[str]]] = {}
    for finding in findings:
        on_line.setdefault(finding.path, {}).setdefault(finding.line, []).append(finding.code)
    found = []
    for path, text in texts.items():
        reporting = reporting_of(path)
        if CODE in reporting.codes and reporting.noqa and _CANDIDATE.search(text):
            found += _in_file(path, text, on_line.get(path, {}), reporting)
    return found


def _in_file(path: Path, text: str, on_line: dict[int, list[str]], reporting: Reporting) -> list[Finding]:
    lines = source_lines(text)
    found = []
    for line, (start, end) in _judged_comments(text).items():
        match = _NOQA.search(lines[line - 1])
        if match is None or not start <= match.start() < end:
            continue  # no noqa, or the first one on the line is in a string: flake8 reads that one
        codes = [c for c in codes_of(match) if c.startswith("CEL") and _judged(c, path, reporting)]
        stale = [c for c in codes if not any(code.startswith(c) for code in on_line.get(line, ()))]
        if stale:
            listed = ", ".join(stale)
            verb = "suppresses" if len(stale) == 1 else "suppress"
            message = f"'# noqa: {listed}' {verb} no finding on this line; remove {'it' if len(stale) == 1 else 'them'}"
            rule = REGISTRY[CODE]
            found.append(Finding(path, line, match.start(), CODE, message, ",".join(stale), rule.severity))
    return found


def _judged(code: str, path: Path, reporting: Reporting) -> bool:
    """Whether every rule `code` names ran on the file (none of them CEL901 itself)."""
    named = [rule for rule in REGISTRY if rule.code.startswith(code)]
    return bool(named) and all(
        reporting.selects(rule.code, path) and not rule.live_only and rule.code != CODE for rule in named
    )


def _judged_comments(text: str) -> dict[int, tuple[int, int]]:
    """(start, end) column of the comment on each line that flake8 reads alone for noqa:
    flake8 (`FileProcessor._noqa_line_mapping`) reads the lines that a string or a
    backslash joins as one. None when the file does not tokenize."""
    comments: dict[int, tuple[int, int]] = {}
    first = last = 0
    pending: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _SKIPPED:
                continue
            first = min(first or token.start[0], token.start[0])
            last = max(last, token.end[0])
            if token.type == tokenize.COMMENT:
                pending.append(token)
            elif token.type in (tokenize.NL, tokenize.NEWLINE):
                if first == last:
                    comments.update((t.start[0], (t.start[1], t.end[1])) for t in pending)
                first = last = 0
                pending = []
    except (tokenize.TokenError, SyntaxError):
        return {}
    return comments


def fixed_text(text: str, findings: Iterable[Finding]) -> str:
    """`text` without the noqa codes its CEL901 `findings` report (a noqa left with no
    code goes, and its comment when it said nothing else); line endings kept."""
    stale = {f.line: f.subject.split(",") for f in findings if f.code == CODE}
    parts = re.split(r"(\r\n|\r|\n)", text)  # lines at even indexes, their endings after them
    for line, codes in stale.items():
        if 0 < line <= (len(parts) + 1) // 2:
            parts[2 * (line - 1)] = remove_codes(parts[2 * (line - 1)], codes)
    return "".join(parts)
