"""Reading and parsing project files without ever executing them.

Every way a file can be unreadable or unparsable becomes a `SourceError` with a
message a person can act on; nothing here raises anything else.
"""

from __future__ import annotations

import ast
import codecs
import io
import stat
import sys
import tokenize
import warnings
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024  # larger "source" is generated data, not code
_PYTHON = PYTHON = "{}.{}".format(*sys.version_info)


class SourceError(Exception):
    """A file that could not be read, parsed or analysed. `needed`: the analysis needed
    it (a settings or Celery app module, a file named on the command line), so its
    results are incomplete; otherwise only that file went unchecked."""

    def __init__(self, path: Path, reason: str, line: int = 1, needed: bool = True, syntax: str = "") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line
        self.needed = needed
        # the parser's message when the running Python's grammar rejects the file
        # (which may be newer syntax than this Python knows: CEL007)
        self.syntax = syntax


#: texts standing in for files on disk: `celery-lint --diff` lints its fixed texts
#: without writing them (celery_lint.fixing.run)
OVERLAY: dict[Path, str] = {}


def read_text(path: Path) -> str:
    """The decoded text of a Python file, honouring PEP 263 coding cookies and BOMs."""
    if OVERLAY and path in OVERLAY:
        return OVERLAY[path]
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO or a device would block or never end
            raise SourceError(path, "not a regular file")
        if status.st_size > MAX_BYTES:
            raise SourceError(path, f"file too large to analyse ({status.st_size} bytes)")
        data = path.read_bytes()
    except SourceError:
        raise
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from None
    return decode_source(path, data)


def decode_source(path: Path, data: bytes) -> str:
    """`data` decoded as Python source (the file at `path`, or a buffer standing for it)."""
    if not data.startswith(codecs.BOM_UTF8) and b"coding" not in _first_two_lines(data):
        try:
            return data.decode("utf-8")  # PEP 263's default, without tokenize's slower look
        except UnicodeDecodeError:
            pass  # for tokenize's message below
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        reason = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise SourceError(path, f"cannot decode file: {reason}") from None


def _first_two_lines(data: bytes) -> bytes:
    """Where PEP 263 looks for a coding cookie (lines end at b"\\n", as for tokenize)."""
    end = data.find(b"\n")
    if end >= 0:
        end = data.find(b"\n", end + 1)
    return data if end < 0 else data[:end]


def parse_text(path: Path, text: str) -> ast.Module:
    try:
        with warnings.catch_warnings():  # `"\d"`: the project's business, and an error under -W error
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        # the running Python's grammar: newer syntax (PEP 695 `type X = int` on 3.11) fails too
        raise SourceError(
            path, f"syntax error (Python {_PYTHON}): {exc.msg}", exc.lineno or 1, syntax=exc.msg
        ) from None
    except ValueError as exc:  # NUL bytes on Python < 3.12
        raise SourceError(path, f"cannot parse file: {exc}") from None
    except (RecursionError, MemoryError):
        raise SourceError(path, "too deeply nested to parse") from None
