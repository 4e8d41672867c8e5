"""What every front end reports: one finding at the file and line where the fix goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int
    col: int
    code: str
    message: str
    # What the finding is about (a setting name, a module): a live and a static
    # report of the same cause share it, so a project gets one message per cause.
    subject: str = field(default="", compare=False)
    # "E" or "W": the rule's severity, or the one true for the target version (CEL102)
    severity: str = field(default="", compare=False)

    def format(self, relative_to: Path | None = None) -> str:
        path = self.path
        if relative_to is not None:
            try:
                path = path.relative_to(relative_to)
            except ValueError:
                pass
        return f"{path}:{self.line}:{self.col + 1}: {self.code} {self.message}"
