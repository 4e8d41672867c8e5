"""A baseline: today's findings, recorded so that only new ones are reported.

`celery-lint --write-baseline FILE` records the findings; `--baseline FILE` (or
`baseline = "FILE"` in `[tool.celery-lint]`, relative to the table's file, read by
the command, flake8 and `manage.py check`) hides those the file records. An entry
is the finding's path (relative to the baseline's directory, with "/"), its code
and its subject (the setting, the task, the module it is about), never its line:
an edit above a finding does not bring it back. A file with more findings of one
entry than the baseline records reports the surplus (the last ones in the file).
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from celery_lint.findings import Finding

VERSION = 1
#: (path relative to the baseline's directory, code, subject)
Key = tuple[str, str, str]

# Line numbers in a message ("proj/settings.py:12", "line 12"): a subject must not move with edits.
_LINE_NUMBERS = re.compile(r"(?<=\.py):\d+(?::\d+)?|\b(lines?) \d+")


class BaselineError(Exception):
    """A baseline file that cannot be read, or is not one."""


def subject_of(finding: Finding) -> str:
    """What the finding is about: the rule's subject (a setting, a task, a module),
    unless it names a file or a line (the entry has the path already; a line moves),
    else the message without its line numbers."""
    subject = finding.subject
    if subject and not os.path.isabs(subject) and not re.search(r":\d+$", subject):
        return subject
    return _LINE_NUMBERS.sub(lambda match: match.group(1) or "", finding.message)


class Baseline:
    """The findings a baseline file records, as a count per entry."""

    __slots__ = ("path", "base", "entries")

    def __init__(self, path: Path, entries: Counter[Key]) -> None:
        self.path = path
        self.base = path.parent
        self.entries = entries

    def key(self, finding: Finding) -> Key:
        return key_of(finding, self.base)

    def new(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings the baseline does not record, in their order; of the findings of
        one entry, the first ones (by line) are the recorded ones."""
        left = Counter(self.entries)
        shown = []
        for finding in findings:
            key = self.key(finding)
            if left[key] > 0:
                left[key] -= 1
            else:
                shown.append(finding)
        return shown


def key_of(finding: Finding, base: Path) -> Key:
    return (Path(os.path.relpath(finding.path, base)).as_posix(), finding.code, subject_of(finding))


def load(path: Path) -> Baseline:
    """The baseline at `path` (resolved), read once per process and version of the file."""
    resolved = path.resolve()
    try:
        stamp = resolved.stat().st_mtime_ns
    except OSError as exc:
        raise BaselineError(f"{path}: the baseline cannot be read: {exc.strerror or exc}") from exc
    return _load(resolved, stamp)


@functools.lru_cache(maxsize=8)
def _load(path: Path, stamp: int) -> Baseline:
    import json  # only for a run with a baseline: spares the others its import

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a celery-lint baseline: {exc}") from exc
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise BaselineError(f"{path}: not a celery-lint baseline (no \"version\": {VERSION})")
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(_is_entry(e) for e in entries):
        raise BaselineError(f"{path}: not a celery-lint baseline (\"findings\" must list path, code and subject)")
    return Baseline(path, Counter((e["path"], e["code"], e["subject"]) for e in entries))


def _is_entry(entry: object) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("path", "code", "subject"))


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Record `findings` at `path`, sorted (a stable file under version control); the count."""
    base = path.resolve().parent
    keys = sorted(key_of(finding, base) for finding in findings)
    import json

    entries = [{"path": p, "code": code, "subject": subject} for p, code, subject in keys]
    text = json.dumps({"version": VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(entries)


def unbaselined(findings: list[Finding], baseline_of: Callable[[Finding], Baseline | None]) -> list[Finding]:
    """The findings no baseline records, each judged by its own table's (`baseline_of`)."""
    groups: dict[int, tuple[Baseline, list[Finding]]] = {}
    for finding in findings:
        baseline = baseline_of(finding)
        if baseline is not None:
            groups.setdefault(id(baseline), (baseline, []))[1].append(finding)
    if not groups:
        return findings
    shown = {id(f) for baseline, own in groups.values() for f in baseline.new(own)}
    return [f for f in findings if baseline_of(f) is None or id(f) in shown]
