"""Celery's own setting tables (`celery.app.defaults`), seen the way Django settings name them.

Under `namespace="CELERY"` Celery looks a setting up as `CELERY_` + its new name in
upper case, then under its old (Celery 3) name. Django exposes only UPPERCASE names.
"""

from __future__ import annotations

import builtins
import importlib
import os
import sys
from functools import lru_cache
from importlib.machinery import PathFinder, SourceFileLoader
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any


def _library_path() -> list[str]:
    """`sys.path` without the working directory: a project with a `celery.py` there
    (CEL006) would otherwise be found, and run, in place of the library."""
    cwd = os.getcwd()
    return [p for p in sys.path if os.path.abspath(p or os.curdir) != cwd]


def _imported_defaults() -> ModuleType:
    """`celery.app.defaults` imported from the installed library."""
    if "celery" in sys.modules:
        return importlib.import_module("celery.app.defaults")
    saved = list(sys.path)
    sys.path[:] = _library_path()
    try:
        return importlib.import_module("celery.app.defaults")
    finally:
        sys.path[:] = saved


class _Passthrough:
    """Stands for the helpers `celery.app.defaults` imports from `celery.utils`
    (`memoize(...)` decorating `find`, `strtobool` in a type map): none of them is
    called while the tables are built. Also stands for the module they come from."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]  # used as a decorator
        return self

    def __getattr__(self, name: str) -> Any:
        return self


def _stand_in_import(
    name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
) -> Any:
    """`__import__` for running `celery/app/defaults.py` alone: `from celery.<module>
    import names` gets stand-ins; any other import of Celery or kombu is refused."""
    if level == 0 and name.partition(".")[0] not in ("celery", "kombu"):
        return builtins.__import__(name, globals, locals, fromlist, level)
    if level == 0 and name.startswith("celery.") and fromlist:
        return _Passthrough()
    raise ImportError(f"no stand-in for importing {name!r}")


def _tables_from_source() -> Any:
    """The tables computed by running `celery/app/defaults.py` alone (its compiled
    code, as the import would use it), its imports of Celery's own helpers given
    `_Passthrough` stand-ins: the same code and data as the import, without loading
    kombu and most of Celery (a tenth of a second and 20 MiB at every start). None
    when the module does not look as expected."""
    path = library_file("app/defaults.py")
    return tables_of(str(path)) if path is not None else None


def library_file(relative: str) -> Path | None:
    """A source file of the installed Celery (`app/task.py`), found without importing it."""
    spec = PathFinder.find_spec("celery", _library_path())
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / relative


def tables_of(path: str) -> Any:
    """The tables of the `celery/app/defaults.py` at `path` (that of any Celery
    release: scripts/celery_settings_by_minor.py reads each minor's), or None."""
    try:
        code = SourceFileLoader("celery.app.defaults", path).get_code("celery.app.defaults")
    except (ImportError, OSError, SyntaxError, ValueError):
        return None
    if code is None:
        return None
    stand_ins = {**vars(builtins), "__import__": _stand_in_import}
    names: dict[str, Any] = {"__name__": "celery.app.defaults", "__file__": path, "__builtins__": stand_ins}
    try:
        exec(code, names)  # noqa: S102 - the library's own table
    except Exception:  # a newer Celery whose table needs more than this provides
        return None
    if not all(isinstance(names.get(n), (set, dict)) for n in ("SETTING_KEYS", "_TO_NEW_KEY", "_TO_OLD_KEY")):
        return None
    return SimpleNamespace(**{n: names[n] for n in ("SETTING_KEYS", "_TO_NEW_KEY", "_TO_OLD_KEY")})


defaults: Any = _imported_defaults() if "celery" in sys.modules else _tables_from_source() or _imported_defaults()

PREFIX = "CELERY_"

#: new-style keys: "broker_url", "task_always_eager", ...
NEW_KEYS: frozenset[str] = frozenset(defaults.SETTING_KEYS)
#: old (Celery 3) name -> new key: "BROKER_URL" -> "broker_url"
OLD_TO_NEW: dict[str, str] = dict(defaults._TO_NEW_KEY)


def prefixed(new_key: str) -> str:
    """`broker_url` -> `CELERY_BROKER_URL`, the Django setting Celery reads under the namespace."""
    return PREFIX + new_key.upper()


#: the names a Django settings module should use under namespace "CELERY"
PREFIXED_NAMES: frozenset[str] = frozenset(prefixed(k) for k in NEW_KEYS)


def is_old_name(name: str) -> bool:
    """A Celery 3 name that is not also the prefixed new name (CELERY_RESULT_BACKEND is both)."""
    new = OLD_TO_NEW.get(name)
    return new is not None and prefixed(new) != name


def unprefixed_new_key(name: str) -> str | None:
    """For `TASK_ALWAYS_EAGER` (a new name, upper case, no prefix): `task_always_eager`."""
    if name.startswith(PREFIX) or name in OLD_TO_NEW:
        return None
    key = name.lower()
    return key if key in NEW_KEYS and name == key.upper() else None


def lowercase_key(name: str) -> str | None:
    """For a lowercase `broker_url` or `celery_broker_url`: the setting it means."""
    if name != name.lower():
        return None
    if name in NEW_KEYS:
        return name
    if name.startswith("celery_") and name[len("celery_"):] in NEW_KEYS:
        return name[len("celery_"):]
    if name.upper() in OLD_TO_NEW and name.upper().startswith(("CELERY", "BROKER")):
        return OLD_TO_NEW[name.upper()]
    return None


def ignored_without_namespace(name: str) -> bool:
    """`CELERY_BROKER_URL` without a namespace: not an old name, so Celery never reads it."""
    return name in PREFIXED_NAMES and name not in OLD_TO_NEW


def is_known_prefixed(name: str) -> bool:
    return name in PREFIXED_NAMES or name in OLD_TO_NEW


@lru_cache(maxsize=None)
def nearest_prefixed(name: str) -> str | None:
    """The real `CELERY_*` setting an unknown `CELERY_*` name is probably a typo of."""
    if not name.startswith(PREFIX) or is_known_prefixed(name):
        return None
    if name + "_URL" in PREFIXED_NAMES:  # CELERY_BROKER for CELERY_BROKER_URL
        return name + "_URL"
    import difflib  # only for an unknown name: spares every run its import

    matches = difflib.get_close_matches(name, sorted(PREFIXED_NAMES), n=1, cutoff=0.9)
    if not matches:
        return None
    match = matches[0]
    # A typo changes a few characters; a different setting of the project differs in words.
    if edit_distance(name, match) > max(2, len(match) // 10):
        return None
    return match


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
