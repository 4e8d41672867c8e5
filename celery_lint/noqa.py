"""`# noqa` comments as text: adding codes to a line (`--add-noqa`) and removing them
(the fix of CEL901, a code that suppresses nothing).

Each edit rewrites whole lines of a file, as bytes in its own encoding (PEP 263
cookie, BOM) with its own line endings, and changes nothing else. A comment goes
at the end of the physical line, where flake8 and celery-lint read it; a line
that ends inside a string (a triple-quoted string, a backslash continuation)
cannot take one.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from pathlib import Path

from celery_lint.suppression import _NOQA, _SEPARATORS

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


class NoqaEditError(Exception):
    """A file whose comments cannot be told from its strings (it does not tokenize), or
    a line that cannot take a comment: the reason."""


class Source:
    """A file's text, split into lines that keep their endings, and where comments are."""

    __slots__ = ("path", "encoding", "lines", "comments", "closed")

    def __init__(self, path: Path) -> None:
        self.path = path
        data = path.read_bytes()
        try:
            self.encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(self.encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
            raise NoqaEditError(f"cannot be decoded: {exc}") from exc
        self.lines: list[tuple[str, str]] = [
            (m.group(1), m.group(2)) for m in _LINE.finditer(text) if m.group(0) or m.start() < len(text)
        ]
        self.comments: dict[int, tuple[int, int]] = {}  # line: (start, end) of its comment
        self.closed: set[int] = set()  # lines that end inside a string or continue with "\"
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                (start, col), (end, end_col) = token.start, token.end
                if token.type == tokenize.COMMENT:
                    self.comments[start] = (col, end_col)
                elif end > start and token.type not in (tokenize.NL, tokenize.NEWLINE):
                    self.closed.update(range(start, end))
        except (tokenize.TokenError, SyntaxError) as exc:
            raise NoqaEditError(f"cannot be tokenized: {exc}") from exc
        for number, (content, _) in enumerate(self.lines, 1):
            if content.endswith("\\") and number not in self.comments:
                self.closed.add(number)

    def noqa(self, line: int) -> re.Match[str] | None:
        """The first `# noqa` of the line, when it is in the line's comment (flake8 reads
        the first one on the line, in a string too: one in a string comes first)."""
        content = self.lines[line - 1][0]
        match = _NOQA.search(content)
        start, end = self.comments.get(line, (len(content), len(content)))
        return match if match is not None and start <= match.start() < end else None

    def text(self) -> str:
        return "".join(content + ending for content, ending in self.lines)

    def save(self) -> None:
        self.path.write_bytes(self.text().encode(self.encoding))


def codes_of(match: re.Match[str]) -> list[str]:
    """The codes a `# noqa:` match lists ([] for a bare `# noqa`)."""
    return [c for c in _SEPARATORS.split(match.group("codes") or "") if c]


def _with_codes(content: str, match: re.Match[str], codes: list[str]) -> str:
    """`content` with the match's code list replaced by `codes` (kept: what follows it)."""
    listed = match.group("codes") or ""
    start = match.start("codes")
    end = start + len(listed.rstrip(", \t"))
    return content[:start] + ", ".join(codes) + content[end:]


def add_codes(source: Source, line: int, codes: Iterable[str]) -> bool:
    """Put `codes` in the line's `# noqa` (merged with those it lists, sorted, once
    each), or append `  # noqa: CODES`; False when the line needs no change (a bare
    `# noqa` silences every code already). `NoqaEditError`: it cannot take a comment."""
    if line == 1 and not source.lines:  # an empty file (a finding about the module): a comment line
        source.lines.append(("", "\n"))
    if not 0 < line <= len(source.lines):
        raise NoqaEditError("the file has no such line")
    content, ending = source.lines[line - 1]
    if line in source.closed:
        raise NoqaEditError("the line ends inside a string or continues with a backslash: it cannot take a comment")
    match = source.noqa(line)
    if match is None and _NOQA.search(content) is not None:
        raise NoqaEditError("a '# noqa' inside a string comes first on the line: flake8 would read that one")
    if match is None:
        code = content.rstrip(" \t")
        new = (code + "  " if code.strip() else code) + "# noqa: " + ", ".join(sorted(set(codes)))
    elif match.group("codes") is None:
        return False
    else:
        new = _with_codes(content, match, sorted(set(codes_of(match)) | set(codes)))
    source.lines[line - 1] = (new, ending)
    return new != content


def remove_codes(content: str, codes: Iterable[str]) -> str:
    """The line `content` without `codes` in its `# noqa: ...` comment, and without the
    `# noqa` itself when no code is left (the comment too, when it held nothing else)."""
    match = _NOQA.search(content)
    if match is None or match.group("codes") is None:
        return content
    drop = set(codes)  # as written: flake8 compares codes case and all
    left = [c for c in codes_of(match) if c not in drop]
    if left:
        return _with_codes(content, match, left)
    listed = match.group("codes")
    end = match.start("codes") + len(listed.rstrip(", \t"))
    head = content[: match.start()]
    rest = content[end:].strip(" \t").removeprefix("#").strip(" \t")  # what the comment says besides
    if not rest:
        return head.rstrip(" \t")
    if not head.strip():
        return f"{head}# {rest}"
    return head.rstrip(" \t") + "  # " + rest
