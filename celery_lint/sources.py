"""Reading and parsing project files without ever executing them.

Every way a file can be unreadable or unparsable becomes a `SourceError` with a
message a person can act on; nothing here raises anything else.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024  # larger "source" is generated data, not code


class SourceError(Exception):
    """A file the analysis needed but could not read or parse."""

    def __init__(self, path: Path, reason: str, line: int = 1) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


def read_text(path: Path) -> str:
    """The decoded text of a Python file, honouring PEP 263 coding cookies and BOMs."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(path, f"file too large to analyse ({size} bytes)")
        data = path.read_bytes()
    except SourceError:
        raise
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        reason = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise SourceError(path, f"cannot decode file: {reason}") from None


def parse_text(path: Path, text: str) -> ast.Module:
    try:
        return ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise SourceError(path, f"syntax error: {exc.msg}", exc.lineno or 1) from None
    except ValueError as exc:  # NUL bytes on Python < 3.12
        raise SourceError(path, f"cannot parse file: {exc}") from None
    except (RecursionError, MemoryError):
        raise SourceError(path, "too deeply nested to parse") from None


def parse_file(path: Path) -> tuple[str, ast.Module]:
    text = read_text(path)
    return text, parse_text(path, text)
