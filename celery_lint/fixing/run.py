"""Fixing a run's findings: passes of lint, edit, re-lint until nothing changes.

Each pass lints (so a fix only ever sees findings the command shows: never one a
`noqa` or the configuration suppresses), asks each fixable finding's rule for its
edits, applies the edits of a file that do not overlap (an overlapping one waits for
the next pass) and keeps the result only when it parses. `--diff` lints the fixed
texts through `sources.OVERLAY` and never writes.
"""

from __future__ import annotations

import ast
import codecs
import difflib
import io
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from celery_lint.engine import Report
from celery_lint.findings import Finding
from celery_lint.fixing import SAFE, UNSAFE
from celery_lint.fixing.context import FixContext
from celery_lint.project import Project
from celery_lint.registry import REGISTRY, Edits
from celery_lint.sources import OVERLAY

MAX_PASSES = 10


class Outcome(NamedTuple):
    fixed: int  # findings whose fix was applied
    originals: dict[Path, str]  # the text of each changed file before the fixes
    texts: dict[Path, str]  # and after


def fixable(finding: Finding, unsafe: bool) -> bool:
    """Whether `--fix` (with `--unsafe-fixes` when `unsafe`) has a fix for the finding."""
    fix = REGISTRY[finding.code].fix
    return fix is not None and fix.safety_for(finding) in ((SAFE, UNSAFE) if unsafe else (SAFE,))


def fix(lint: Callable[[], Report], unsafe: bool, write: bool) -> Outcome:
    """Fix what `lint` finds, pass after pass (at most MAX_PASSES); write the files
    when `write`, else keep the fixed texts in the overlay only while fixing."""
    originals: dict[Path, str] = {}
    texts: dict[Path, str] = {}
    fixed = 0
    try:
        for _ in range(MAX_PASSES):
            report = lint()
            by_file: dict[Path, list[Finding]] = {}
            for finding in report.findings:
                if fixable(finding, unsafe):
                    by_file.setdefault(finding.path, []).append(finding)
            changed: dict[Path, str] = {}
            for path, findings in by_file.items():
                project = _project_of(report.projects, path)
                text = project.text(path) if project is not None else None
                if project is None or text is None:
                    continue
                result = fix_file(project, path, text, findings)
                if result is not None:
                    changed[path], count = result
                    fixed += count
                    originals.setdefault(path, text)
            if not changed:
                break
            texts.update(changed)
            if write:
                for path, new in changed.items():
                    _write(path, new)
            else:
                OVERLAY.update(changed)
            _forget_projects()
    finally:
        if not write:
            OVERLAY.clear()
            _forget_projects()
    return Outcome(fixed, originals, {p: t for p, t in texts.items() if t != originals[p]})


def fix_file(project: Project, path: Path, text: str, findings: list[Finding]) -> tuple[str, int] | None:
    """(the fixed text, how many findings it fixes), or None: nothing applies, the file
    does not parse, or the edits would make it not parse."""
    ctx = FixContext.of(project, path, text)
    if ctx is None:
        return None
    groups: list[Edits] = []
    for finding in sorted(findings):
        rule_fix = REGISTRY[finding.code].fix
        assert rule_fix is not None
        edits = rule_fix.edits(ctx, finding)
        if edits:
            groups.append(sorted(edits))
    new, count = apply(text, groups)
    if count == 0 or new == text:
        return None
    try:
        ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    return new, count


def apply(text: str, groups: list[Edits]) -> tuple[str, int]:
    """`text` with each group of edits that overlaps no group taken before it; (text,
    groups applied). Two insertions at one offset overlap too: their order is the next
    pass's to decide."""
    taken: list[tuple[int, int]] = []
    edits: list[tuple[int, int, str]] = []
    count = 0
    for group in groups:
        if any(_overlaps(start, end, other) for start, end, _ in group for other in taken):
            continue
        taken += [(start, end) for start, end, _ in group]
        edits += group
        count += 1
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, count


def _overlaps(start: int, end: int, other: tuple[int, int]) -> bool:
    return start < other[1] and other[0] < end or start == other[0]


def diff(outcome: Outcome, cwd: Path) -> str:
    """The fixes as one unified diff, file by file in path order."""
    from celery_lint.output import relative

    chunks: list[str] = []
    for path in sorted(outcome.texts):
        name = relative(path, cwd)
        lines = difflib.unified_diff(
            outcome.originals[path].splitlines(keepends=True), outcome.texts[path].splitlines(keepends=True),
            f"a/{name}", f"b/{name}",
        )
        chunks += [line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines]
    return "".join(chunks)


def _project_of(projects: list[Project], path: Path) -> Project | None:
    """The innermost project of the run holding `path`."""
    holding = [p for p in projects if path.is_relative_to(p.scope or p.root)]
    return max(holding, key=lambda p: len((p.scope or p.root).parts), default=None)


def _write(path: Path, text: str) -> None:
    """Write `text` in the file's own encoding (a BOM kept), in place (its mode, links
    and owner stay), bytes as they are: line endings are the text's own."""
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        encoded = codecs.BOM_UTF8 + text.encode("utf-8")
    else:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        encoded = text.encode(encoding)
    path.write_bytes(encoded)


def _forget_projects() -> None:
    """The next pass reads the files again: drop the projects built from the old texts."""
    Project._cache.clear()
    Project._by_directory.clear()
