"""What every front end reports: one finding at the file and line where the fix goes."""

from __future__ import annotations

from pathlib import Path


class Finding:
    """Ordered, equal and hashed by (path, line, col, code, message); `subject` and
    `severity` ride along. (A plain class: `dataclasses` would cost every start of
    the command its import and a compiled method set per class.)"""

    __slots__ = ("path", "line", "col", "code", "message", "subject", "severity")

    def __init__(
        self, path: Path, line: int, col: int, code: str, message: str, subject: str = "", severity: str = ""
    ) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.code = code
        self.message = message
        # What the finding is about (a setting name, a module): a live and a static
        # report of the same cause share it, so a project gets one message per cause.
        self.subject = subject
        # "E" or "W": the rule's severity, or the one true for the target version (CEL102)
        self.severity = severity

    def _key(self) -> tuple[Path, int, int, str, str]:
        return (self.path, self.line, self.col, self.code, self.message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Finding) and self._key() == other._key()

    def __lt__(self, other: Finding) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Finding(path={self.path!r}, line={self.line!r}, col={self.col!r}, code={self.code!r}, "
            f"message={self.message!r}, subject={self.subject!r}, severity={self.severity!r})"
        )

    def format(self, relative_to: Path | None = None) -> str:
        path = self.path
        if relative_to is not None:
            try:
                path = path.relative_to(relative_to)
            except ValueError:
                pass
        return f"{path}:{self.line}:{self.col + 1}: {self.code} {self.message}"
