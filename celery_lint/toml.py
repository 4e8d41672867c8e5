"""Reading TOML files; the parser is imported on the first read (most runs read none)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def load(path: Path) -> dict[str, Any]:
    """The table of a TOML file: OSError when it cannot be read, ValueError (which
    TOMLDecodeError and UnicodeDecodeError are) when it is not TOML."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10
        import tomli as tomllib
    with path.open("rb") as stream:
        data: dict[str, Any] = tomllib.load(stream)
    return data
