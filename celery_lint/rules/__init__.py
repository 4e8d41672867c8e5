"""The rules: one module per code, each registering its `Rule` on import."""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load_rules() -> None:
    """Import every rule module once, so each registers itself in the registry."""
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("cel"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True
