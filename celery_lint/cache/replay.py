"""A run exactly like one made before, answered without loading the engine.

Most runs of pre-commit and editors change nothing since the last one. The command
(`console.run`) asks `replayed()` first: a record of an earlier run with the same
arguments, working directory, terminal, environment (`NO_COLOR`, `TERM`), Python,
celery-lint code and installed Celery/kombu/Django, whose inputs are all as they were
(every file of the projects and every other file the model read: size and mtime, else
the digest of its bytes; every directory listed and every parent of the working
directory: `signatures.signature`), gives its output and exit status as they were.
Anything else runs the engine, which uses the per-file cache (`store`).

Recorded only for a plain report of projects whose cache is `.celery_lint_cache/` in
the working directory (a project root, or a repository whose root is the project's);
not for fixes, baselines, `--output-file`, stdin, `--git-tracked` or `--config`
(`cli` decides, `pending`). The record is written atomically, with a digest of its
bytes checked before `marshal` reads it: a truncated or foreign file is no record.
"""

from __future__ import annotations

import marshal
import os
import sys
from _blake2 import blake2b
from typing import TextIO

from celery_lint import __version__
from celery_lint.cache import DIRECTORY
from celery_lint.cache.signatures import code_identity, signature, tables_identity

FORMAT = 1
_ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")
# a run's inputs, set by `cli` once it knows the run may be replayed:
# files {name: (size, mtime_ns, trusted, digest)}, directories {name: (top, skipped, signature)}
pending: list[tuple[dict[str, tuple[int, int, bool, bytes]], dict[str, tuple[str, tuple[str, ...], bytes]]]] = []


def _key(argv: list[str]) -> bytes:
    terminal = tuple(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr))
    return repr((
        FORMAT, __version__, sys.version, sys.executable, tuple(argv), os.getcwd(),
        tuple(os.environ.get(name) for name in _ENVIRONMENT), terminal, code_identity(), tables_identity(),
    )).encode("utf-8", "surrogatepass")


def _file(key: bytes) -> str:
    return os.path.join(os.getcwd(), DIRECTORY, f"run-{blake2b(key, digest_size=8).hexdigest()}.marshal")


def replayed(argv: list[str]) -> int | None:
    """Write the output of the recorded run like this one whose inputs all hold, and
    give its exit status; None (nothing written) when there is none."""
    if "-" in argv or not os.path.isdir(DIRECTORY):
        return None
    key = _key(argv)
    try:
        with open(_file(key), "rb") as stream:
            data = stream.read()
        if data[:16] != blake2b(data[16:], digest_size=16).digest():
            return None
        record = marshal.loads(data[16:])
        recorded, files, directories, status, out, err = record
    except Exception:  # unreadable, truncated, foreign: no record
        return None
    if recorded != key or not _hold(files, directories):
        return None
    sys.stdout.write(out)
    sys.stderr.write(err)
    return int(status)


def _hold(
    files: dict[str, tuple[int, int, bool, bytes]], directories: dict[str, tuple[str, tuple[str, ...], bytes]]
) -> bool:
    for name, (size, mtime, trusted, known) in files.items():
        try:
            status = os.stat(name)
            if trusted and status.st_size == size and status.st_mtime_ns == mtime:
                continue
            with open(name, "rb") as stream:  # a UTF-8 text's digest is that of its bytes
                if blake2b(stream.read(), digest_size=16).digest() != known:
                    return False
        except OSError:
            return False
    return all(signature(name, top, frozenset(skipped)) == known for name, (top, skipped, known) in directories.items())


class Recorder:
    """A stream that keeps what is written to it, for `record`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.written: list[str] = []

    def write(self, text: str) -> int:
        self.written.append(text)
        return self.stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def record(argv: list[str], status: int, out: Recorder, err: Recorder) -> None:
    """Keep this run for `replayed`, when `cli` said it may be (silently nothing where
    it cannot be written)."""
    if not pending:
        return
    files, directories = pending.pop()
    data = marshal.dumps((_key(argv), files, directories, status, "".join(out.written), "".join(err.written)))
    try:
        directory = os.path.join(os.getcwd(), DIRECTORY)
        temporary = os.path.join(directory, f".tmp-run-{os.getpid()}")
        with open(temporary, "wb") as stream:
            stream.write(blake2b(data, digest_size=16).digest() + data)
        os.replace(temporary, _file(_key(argv)))
    except OSError:
        return
