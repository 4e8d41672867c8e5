"""The rules: one module per code, each registering its `Rule` on import."""

from __future__ import annotations

import importlib
import os

_loaded = False


def _rule_modules() -> list[str]:
    """The rule modules' names (`cel101`), sorted. The package directory is listed
    directly: `pkgutil.iter_modules` would import `inspect` (and more) for the same answer."""
    names = {name for directory in __path__ for name in os.listdir(directory)}
    return sorted(n[:-3] for n in names if n.startswith("cel") and n.endswith(".py") and n[3:-3].isdigit())


def rule_codes() -> list[str]:
    """The catalogue's codes, from the rule modules' names (`cel101.py` is CEL101):
    known without importing a rule, for validating `--select` and the tables, and for
    flake8's selection (a test checks they are the registered codes)."""
    return [f"CEL{name[3:]}" for name in _rule_modules()]


def load_rules() -> None:
    """Import every rule module once, so each registers itself in the registry (the
    registry calls this on the first question only the whole catalogue answers)."""
    global _loaded
    if _loaded:
        return
    for name in _rule_modules():
        importlib.import_module(f"{__name__}.{name}")
    _loaded = True
