"""One project's cache file: a record per file, and what the project model answered.

A file's record holds the digest of its text (and the size and mtime it had), whether
it parses (and why not), and its module rules' findings. Whether it parses is a
function of the text alone and is used whenever the digest matches. The findings
also read the project model, and so do the project rules' findings and the run's
facts (`memo`): those are used only while every input the model read in the runs
that made them is as it was (`State`): the project's file list, the text of every
file read by anything but the file's own checks (`Project.model_reads`), the
answers of the text filters (`files_mentioning`), every directory listed (names,
and size and mtime of what is not a `.py` file), the target Celery version. A file
whose text only its own checks and the filters read can change without the others'
findings being found again.

Stat fast path: a file whose size and mtime (ns) are those recorded is not read,
unless its mtime was within `TICK` of the start of the run that recorded it (an edit
in the same clock tick keeps the mtime: "racy git"); its text is read and its digest
compared otherwise. An edit that keeps both size and mtime and is made more than
`TICK` later (a tool restoring mtimes) goes unseen, as under ruff: `--no-cache` then.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, TypeVar

from celery_lint import layout
from celery_lint.cache.signatures import digest, signature
from celery_lint.cache.summaries import Summaries
from celery_lint.findings import Finding
from celery_lint.sources import SourceError
from celery_lint.stale_noqa import _CANDIDATE

if TYPE_CHECKING:
    from celery_lint.project.core import Project

T = TypeVar("T")
FORMAT = 4
TICK = 2_000_000_000  # ns: coarser than any filesystem's mtime (FAT's is 2 s)
STARTED = time.time_ns()  # before this process read any file
Failure = tuple[str, int, str]  # reason, line, the parser's message


class Record(NamedTuple):
    """What is known of one file's text."""

    size: int
    mtime: int
    trusted: bool  # size and mtime stand for the text (recorded a `TICK` after its mtime)
    digest: bytes
    parses: bool | None  # None: not known (no module rule reads it: not parsed)
    failure: Failure | None  # why it does not parse
    findings: list[Finding] | None  # the module rules' (None: not known, or not with this State)
    noqa: bool  # the text may hold a judged noqa comment (CEL901 reads it)


class State(NamedTuple):
    """The model's inputs in the runs whose answers are kept, and those answers."""

    files: tuple[str, ...]
    reads: dict[str, bytes | None]  # file -> digest of its text (None: unreadable)
    mentioning: dict[tuple[str, ...], frozenset[str]]
    filters: dict[tuple[str, tuple[str, ...]], bool]  # (file, words) -> `Project.mentions`
    patterns: dict[tuple[str, str, int], bool]  # (file, pattern, flags) -> `Project.matches`
    listings: dict[str, bytes]  # directory -> `signature`
    celery_version: str
    errors: list[tuple[str, str, int, bool, str]]  # what the model and project rules reported
    unparsed: list[tuple[str, str, int, str]]  # files the model read that did not parse
    memos: dict[tuple[str, ...], Any]  # project findings, facts


class Store:
    """The cache of one project and rule set."""

    def __init__(self, file: Path, header: tuple[Any, ...], project: Project) -> None:
        self.file = file
        self.header = header
        self.project = project
        self.records: dict[str, Record] = {}
        self.state: State | None = None
        self._dirty = False
        self._new_memos: dict[tuple[str, ...], Any] = {}
        self._volatile: set[Path] = set()  # findings not kept: errors of their own
        self._top = repository_top(project.root)
        self._skipped = frozenset({file.parent.name})
        self._signatures: dict[str, bytes] = {}
        self.summaries = Summaries(file.with_suffix(".summaries"))
        try:
            with open(file, "rb") as stream:
                data = load_kept(stream)
            if type(data) is tuple and len(data) == 3 and data[0] == header:
                # records are kept as plain tuples: a named tuple pickles through a Python
                # call each, a tenth of a second at 20,000 files
                _, records, self.state = data
                self.records = {name: Record._make(fields) for name, fields in records.items()}
        except Exception:  # anything unreadable, truncated or foreign: start again
            self.records, self.state = {}, None
        self._check()

    # -- the checks at the start of a run --------------------------------------------

    def _check(self) -> None:
        """Which files changed (by size and mtime, else digest), and whether the kept
        state still holds; when not, no kept answer of the model is used."""
        project = self.project
        files = project.files
        old, self.records = self.records, {}
        changed: dict[str, str | None] = {}  # file -> its new text (None: unreadable)
        for path in files:
            name = str(path)
            record = old.get(name)
            try:
                status = os.stat(name)
            except OSError:
                changed[name] = None
                continue
            size, mtime = status.st_size, status.st_mtime_ns
            if record is not None and record.trusted and record.size == size and record.mtime == mtime:
                self.records[name] = record
                continue
            text = project.text(path, own=True)
            if text is None:
                changed[name] = None
                continue
            found = digest(text)
            trusted = mtime < STARTED - TICK
            if record is not None and record.digest == found:
                self.records[name] = record._replace(size=size, mtime=mtime, trusted=trusted)
            else:
                self.records[name] = Record(size, mtime, trusted, found, None, None, None, False)
                changed[name] = text
            self._dirty = self._dirty or self.records[name] != record
        self._dirty = self._dirty or len(old) != len(self.records)
        state = self.state
        if state is not None and not self._holds(state, changed):
            self.state = None
            self._dirty = True
        if self.state is None:
            self.records = {name: r._replace(findings=None) for name, r in self.records.items()}
        else:
            # `_holds` checked every answer of the text filters against each changed
            # file, and the other texts are those they were found in: an edit does not
            # read every file again (nor each file a rule asks whether it spells a word)
            self.project.kept_mentioning = self.state.mentioning
            self.project.kept_filters = self.state.filters
            self.project.kept_patterns = self.state.patterns

    def _holds(self, state: State, changed: dict[str, str | None]) -> bool:
        project = self.project
        if state.files != tuple([str(path) for path in project.files]):
            return False
        for name, known in state.reads.items():
            record = self.records.get(name)
            if record is None or name in changed:
                text = project.text(Path(name), own=True)
                if (None if text is None else digest(text)) != known:
                    return False
            elif record.digest != known:
                return False
        for words, answer in state.mentioning.items():
            for name, text in changed.items():
                if (name in answer) != (text is not None and any(word in text for word in words)):
                    return False
        for (name, words), spelt in state.filters.items():
            if name in changed or name not in self.records:
                text = changed.get(name) if name in changed else project.text(Path(name), own=True)
                if spelt != (text is not None and any(word in text for word in words)):
                    return False
        for (name, pattern, flags), found in state.patterns.items():
            if name in changed or name not in self.records:
                text = changed.get(name) if name in changed else project.text(Path(name), own=True)
                if found != (text is not None and re.compile(pattern, flags).search(text) is not None):
                    return False
        if any(self.signature(d) != known for d, known in state.listings.items()):
            return False
        return state.celery_version == repr(project.celery_version)

    def signature(self, directory: str) -> bytes:
        """`signatures.signature` of a directory, taken once a run (at its start for those
        the kept state names: a change after is seen by the next run)."""
        found = self._signatures.get(directory)
        if found is None:
            found = self._signatures[directory] = signature(directory, self._top, self._skipped)
        return found

    # -- per file --------------------------------------------------------------------

    def kept(self, path: Path, parsed: bool) -> Record | None:
        """The record of a file of the project that fails to parse, or whose findings
        are known (and, for `parsed`, that was parsed: a file named is)."""
        record = self.records.get(str(path))
        if record is None or record.parses is False:
            return record
        if record.findings is None or parsed and record.parses is None:
            return None
        return record

    def put(
        self, path: Path, text: str, findings: list[Finding] | None, failure: SourceError | None, parsed: bool
    ) -> None:
        """What the run found of a file (`findings` None: they are not to be kept)."""
        record = self.records.get(str(path))
        if record is None:
            return  # no file of the project's walk (named, but ignored by git)
        kept = None if failure is None else (failure.reason, failure.line, failure.syntax)
        if path in self._volatile:
            findings = None
        self.records[str(path)] = record._replace(
            parses=(failure is None) if parsed else None, failure=kept, findings=findings, noqa=_may_hold_noqa(text)
        )
        self._dirty = True

    def volatile(self, path: Path) -> None:
        """A file whose own checks reported an error: found again in every run."""
        self._volatile.add(path)
        record = self.records.get(str(path))
        if record is not None:
            self.records[str(path)] = record._replace(findings=None)

    # -- the model's answers ---------------------------------------------------------

    def memo(self, key: tuple[str, ...], compute: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
        """An answer of the model, kept while its inputs hold (`keep`: whether this value may be)."""
        if self.state is not None and key in self.state.memos:
            value: T = self.state.memos[key]
            return value
        value = compute()
        if keep is None or keep(value):
            self._new_memos[key] = value
            self._dirty = True
        return value

    def kept_errors(self) -> tuple[list[SourceError], list[SourceError]]:
        """(the model's and project rules' errors, the files the model read that did not
        parse) kept with the answers."""
        if self.state is None:
            return [], []
        errors = [SourceError(Path(p), why, line, needed, syntax) for p, why, line, needed, syntax in self.state.errors]
        unparsed = [SourceError(Path(p), why, line, False, syntax) for p, why, line, syntax in self.state.unparsed]
        return errors, unparsed

    # -- writing -----------------------------------------------------------------------

    def flush(self) -> None:
        """Write what this run learnt, atomically; silently nothing where it cannot."""
        self._write()
        self.summaries.flush(self.project, {record.digest for record in self.records.values()})

    def _write(self) -> None:
        if not self._dirty:
            return
        state = self._state()
        records = {name: tuple(record) for name, record in self.records.items()}
        try:
            directory = self.file.parent
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# written by celery-lint: the cache is not for version control\n*\n", encoding="utf-8")
        except OSError:
            return  # read-only or full: the next run works it out again
        if write_atomically(self.file, (self.header, records, state)):
            self._dirty = False

    def _state(self) -> State:
        """The model's inputs and answers of this run, over the kept ones that still hold."""
        project = self.project
        reads = {str(path) for path in project.model_reads}
        digests: dict[str, bytes | None] = {}
        for name in reads:
            record = self.records.get(name)
            if record is not None:
                digests[name] = record.digest
            else:
                text = project.text(Path(name), own=True)
                digests[name] = None if text is None else digest(text)
        mentioning = {words: frozenset(map(str, found)) for words, found in project._mentioning.items()}
        filters = {(str(path), words): spelt for (path, words), spelt in project.filter_reads.items()}
        patterns = {(str(path), text, flags): found for (path, text, flags), found in project.pattern_reads.items()}
        listings = {d: self.signature(d) for d in layout.LISTED if d != str(self.file.parent)}
        errors = [
            (str(e.path), e.reason, e.line, e.needed, e.syntax) for e in project.errors if e.path not in self._volatile
        ]
        unparsed = [
            (str(path), (f := project.failure(path)).reason, f.line, f.syntax)
            for path in project.unparsed() if str(path) in reads
        ]
        memos = dict(self._new_memos)
        old = self.state
        if old is not None:
            digests = {**old.reads, **digests}
            mentioning = {**old.mentioning, **mentioning}
            filters = {**old.filters, **filters}
            patterns = {**old.patterns, **patterns}
            listings = {**old.listings, **listings}
            errors = list(dict.fromkeys([*old.errors, *errors]))
            unparsed = list(dict.fromkeys([*old.unparsed, *unparsed]))
            memos = {**old.memos, **memos}
        files = tuple([str(path) for path in project.files])
        version = repr(project.celery_version)
        return State(files, digests, mentioning, filters, patterns, listings, version, errors, unparsed, memos)


def repository_top(root: Path) -> str:
    """Below this directory every name and file counts, above it only markers."""
    return str(min(layout.repository_root(root), layout.repository_top(root), key=lambda p: len(p.parts)))


def _may_hold_noqa(text: str) -> bool:
    return _CANDIDATE.search(text) is not None


def write_atomically(file: Path, value: object) -> bool:
    """Pickle `value` to `file` through a temporary file beside it and one rename, so that
    a reader (another run at once) sees the old file or the new, never part of one.
    False where it cannot be written (read-only, full, a value too deep to keep)."""
    import pickle  # here: a run that learnt nothing does not load it
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=file.suffix)
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, file)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return False
    return True


def load_kept(stream: BinaryIO) -> Any:
    """What a cache file holds, unpickling only what a cache holds: a cache file is read
    from the project's tree, and unpickling anything else could run code the project wrote."""
    import pickle

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) in _ALLOWED or module == "ast" and _is_node_class(name):
                return super().find_class(module, name)
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a cache")

    return Unpickler(stream).load()


def _is_node_class(name: str) -> bool:
    """A class of syntax tree node (`summaries` keeps decorators)."""
    import ast

    found = getattr(ast, name, None)
    return isinstance(found, type) and issubclass(found, ast.AST)


_ALLOWED = frozenset({
    ("celery_lint.project.modules", "Imported"), ("celery_lint.project.modules", "Decorated"),
    ("celery_lint.cache.store", "State"),
    ("celery_lint.findings", "Finding"), ("celery_lint.project.facts", "ProjectFacts"),
    ("celery_lint.project.facts", "Notice"), ("celery_lint.versions", "TargetVersion"),
    ("celery_lint.task_options", "TaskOptions"), ("celery_lint.rules.cel507", "Visibility"),
    ("celery_lint.evaluate", "_Unknown"),  # its one instance: `__new__` gives it
    ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "Path"),
})
