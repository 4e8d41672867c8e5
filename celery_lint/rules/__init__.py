"""The rules: one module per code, each registering its `Rule` on import."""

from __future__ import annotations

import importlib
import os

_loaded = False


def load_rules() -> None:
    """Import every rule module once, so each registers itself in the registry. The
    package directory is listed directly: `pkgutil.iter_modules` would import
    `inspect` (and more) at every start for the same answer."""
    global _loaded
    if _loaded:
        return
    names = {name for directory in __path__ for name in os.listdir(directory)}
    for name in sorted(names):
        if name.startswith("cel") and name.endswith(".py"):
            importlib.import_module(f"{__name__}.{name[:-3]}")
    _loaded = True
