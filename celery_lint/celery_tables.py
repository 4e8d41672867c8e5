"""Celery's own setting tables (`celery.app.defaults`), seen the way Django settings name them.

Under `namespace="CELERY"` Celery looks a setting up as `CELERY_` + its new name in
upper case, then under its old (Celery 3) name. Django exposes only UPPERCASE names.

The tables are read on first use (`tables()`; the module's `NEW_KEYS`, `OLD_TO_NEW`,
`PREFIXED_NAMES` and `defaults` are its fields): `celery-lint --version`, an empty
directory and a flake8 run that selects no CEL code never pay for them. They always
come from the installed library (`installed_package`), never from a `celery.py` or a
`celery/` directory that comes first on `sys.path` (the working directory, a
project's own directory: CEL006), nor are they lost when the working directory is
the very `site-packages` Celery is installed in.
"""

from __future__ import annotations

import builtins
import importlib
import os
import sys
from functools import lru_cache
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, NamedTuple


class CeleryNotInstalled(ImportError):
    """No Celery installed beside celery-lint: its setting tables cannot be read."""


def _is_installed_entry(directory: str) -> bool:
    """Whether `directory` holds Celery as an installer puts it: a `celery-X.Y.Z.dist-info`
    beside a `celery/` package that has the setting table."""
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    return any(n.startswith("celery-") and n.endswith(".dist-info") for n in names) and os.path.isfile(
        os.path.join(directory, "celery", "app", "defaults.py")
    )


@lru_cache(maxsize=1)
def installed_package() -> Path | None:
    """The directory of the installed Celery package (`.../site-packages/celery`): the
    first `sys.path` entry holding its distribution's metadata and the package -- the
    working directory only when no other entry does (run inside site-packages itself;
    a copy of that layout in the directory being linted is not what is installed) --
    else where `importlib.metadata` locates the package's files (an editable install);
    None when no Celery is installed. A `celery.py` or `celery/` that merely comes
    first on `sys.path` is not the library."""
    cwd = os.path.abspath(os.curdir)
    entries = [os.path.abspath(entry or os.curdir) for entry in sys.path]
    for directory in [e for e in entries if e != cwd] + [e for e in entries if e == cwd][:1]:
        if _is_installed_entry(directory):
            return Path(directory) / "celery"
    from importlib import metadata

    try:
        located = Path(str(metadata.distribution("celery").locate_file("celery/app/defaults.py")))
    except (metadata.PackageNotFoundError, OSError, ValueError):
        return None
    return located.parent.parent if located.is_file() else None


def _imported_defaults(package: Path) -> ModuleType:
    """`celery.app.defaults` imported from the installed library at `package`, its
    directory first on `sys.path` while it is imported (unless the `celery` already
    loaded is that library)."""
    loaded = sys.modules.get("celery")
    if loaded is not None and Path(getattr(loaded, "__file__", None) or "").resolve().parent == package.resolve():
        return importlib.import_module("celery.app.defaults")
    saved = list(sys.path)
    sys.path[:] = [str(package.parent), *(p for p in saved if os.path.abspath(p or os.curdir) != str(package.parent))]
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


def tables_of(defaults: Path) -> Any:
    """The tables computed by running a `celery/app/defaults.py` alone (the installed
    one, or any release's: scripts/celery_settings_by_minor.py reads each minor's), its
    compiled code as the import would use it, its imports of Celery's own helpers given
    `_Passthrough` stand-ins: the same code and data as the import, without loading
    kombu and most of Celery (a tenth of a second and 20 MiB at every start). None
    when the module does not look as expected."""
    path = str(defaults)
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
    if not all(isinstance(names.get(n), (set, dict)) for n in _TABLES):
        return None
    return SimpleNamespace(**{n: names[n] for n in _TABLES})


_TABLES = ("SETTING_KEYS", "_TO_NEW_KEY", "_TO_OLD_KEY", "DEFAULTS")


PREFIX = "CELERY_"


class Tables(NamedTuple):
    """Celery's tables, and the names Django settings spell them with."""

    defaults: Any  # SETTING_KEYS, _TO_NEW_KEY, _TO_OLD_KEY of celery.app.defaults
    new_keys: frozenset[str]  # new-style keys: "broker_url", "task_always_eager", ...
    old_to_new: dict[str, str]  # old (Celery 3) name -> new key: "BROKER_URL" -> "broker_url"
    prefixed_names: frozenset[str]  # the names a Django settings module uses under namespace "CELERY"
    default_values: dict[str, Any]  # new key -> Celery's default value: "worker_prefetch_multiplier" -> 4


@lru_cache(maxsize=1)
def tables() -> Tables:
    """The installed Celery's tables, read once per process; `CeleryNotInstalled`
    when there is no Celery to read them from."""
    package = installed_package()
    if package is None:
        raise CeleryNotInstalled(
            "celery-lint needs Celery installed beside it (pip install celery) to read its setting names; "
            f"none was found on sys.path of {sys.executable}"
        )
    try:
        defaults = tables_of(package / "app" / "defaults.py") or _imported_defaults(package)
    except Exception as exc:  # noqa: BLE001 - a broken installation: say which, not a traceback
        raise CeleryNotInstalled(
            f"celery-lint cannot read Celery's setting names from {package} ({type(exc).__name__}: {exc})"
        ) from exc
    new_keys = frozenset(defaults.SETTING_KEYS)
    return Tables(
        defaults, new_keys, dict(defaults._TO_NEW_KEY), frozenset(prefixed(k) for k in new_keys), dict(defaults.DEFAULTS)
    )


_FIELDS = {
    "defaults": "defaults", "NEW_KEYS": "new_keys", "OLD_TO_NEW": "old_to_new", "PREFIXED_NAMES": "prefixed_names",
    "DEFAULTS": "default_values",
}


def __getattr__(name: str) -> Any:
    """`celery_tables.NEW_KEYS` and the other tables, read on first use."""
    field = _FIELDS.get(name)
    if field is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(tables(), field)


def prefixed(new_key: str) -> str:
    """`broker_url` -> `CELERY_BROKER_URL`, the Django setting Celery reads under the namespace."""
    return PREFIX + new_key.upper()


def is_old_name(name: str) -> bool:
    """A Celery 3 name that is not also the prefixed new name (CELERY_RESULT_BACKEND is both)."""
    new = tables().old_to_new.get(name)
    return new is not None and prefixed(new) != name


def unprefixed_new_key(name: str) -> str | None:
    """For `TASK_ALWAYS_EAGER` (a new name, upper case, no prefix): `task_always_eager`."""
    found = tables()
    if name.startswith(PREFIX) or name in found.old_to_new:
        return None
    key = name.lower()
    return key if key in found.new_keys and name == key.upper() else None


def lowercase_key(name: str) -> str | None:
    """For a lowercase `broker_url` or `celery_broker_url`: the setting it means."""
    if name != name.lower():
        return None
    found = tables()
    if name in found.new_keys:
        return name
    if name.startswith("celery_") and name[len("celery_"):] in found.new_keys:
        return name[len("celery_"):]
    if name.upper() in found.old_to_new and name.upper().startswith(("CELERY", "BROKER")):
        return found.old_to_new[name.upper()]
    return None


def ignored_without_namespace(name: str) -> bool:
    """`CELERY_BROKER_URL` without a namespace: not an old name, so Celery never reads it."""
    return name in tables().prefixed_names and name not in tables().old_to_new


def is_known_prefixed(name: str) -> bool:
    return name in tables().prefixed_names or name in tables().old_to_new


@lru_cache(maxsize=None)
def nearest_prefixed(name: str) -> str | None:
    """The real `CELERY_*` setting an unknown `CELERY_*` name is probably a typo of."""
    if not name.startswith(PREFIX) or is_known_prefixed(name):
        return None
    if name + "_URL" in tables().prefixed_names:  # CELERY_BROKER for CELERY_BROKER_URL
        return name + "_URL"
    import difflib  # only for an unknown name: spares every run its import

    matches = difflib.get_close_matches(name, sorted(tables().prefixed_names), n=1, cutoff=0.9)
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
