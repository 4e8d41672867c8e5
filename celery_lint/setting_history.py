"""When each Celery setting appeared: the setting keys of every supported Celery minor,
read from each release's own `celery/app/defaults.py` by
scripts/celery_settings_by_minor.py into data/celery_settings_by_minor.json."""

from __future__ import annotations

import os
from functools import lru_cache

Minor = tuple[int, int]
# The package's data files, read by path: `importlib.resources` would import tempfile,
# shutil and the compression modules (2 MB of every run's memory) for the same bytes.
_DATA = os.path.join(os.path.dirname(__file__), "data")


def _read(name: str) -> str:
    with open(os.path.join(_DATA, name), encoding="utf-8") as file:
        return file.read()


@lru_cache(maxsize=1)
def _data() -> dict[str, dict[str, list[str]]]:
    import json  # on first use: the rules importing this module load at every start

    data: dict[str, dict[str, list[str]]] = json.loads(
        _read("celery_settings_by_minor.json")
    )
    return data


@lru_cache(maxsize=1)
def extension_names() -> tuple[frozenset[str], frozenset[str]]:
    """(keys read from the app's configuration, Django settings read directly) by the
    packages of data/extension_settings.json (celery-redbeat, celery-singleton...)."""
    import json

    data = json.loads(_read("extension_settings.json"))
    entries = [entry for name, entry in data.items() if not name.startswith("_")]
    return (
        frozenset(k for entry in entries for k in entry.get("keys", ())),
        frozenset(n for entry in entries for n in entry.get("django_names", ())),
    )


@lru_cache(maxsize=1)
def keys_by_minor() -> dict[Minor, frozenset[str]]:
    """Each supported minor's setting keys, oldest first (read only by the rules that need it)."""
    parsed = {tuple(int(p) for p in minor.split(".")): frozenset(entry["keys"]) for minor, entry in _data().items()}
    return {(m[0], m[1]): keys for m, keys in sorted(parsed.items())}


@lru_cache(maxsize=1)
def every_key() -> frozenset[str]:
    """Every key some supported minor has in its table or reads with `conf.get`."""
    data = _data()
    return frozenset(k for entry in data.values() for k in [*entry["keys"], *entry["read_outside_table"]])


def covers(minor: Minor) -> bool:
    """Whether the data has this minor's table (5.3 to 5.7): outside it, nothing is known."""
    return minor in keys_by_minor()


def added_in(key: str) -> Minor | None:
    """The first minor whose table has `key`; None for a key of the oldest minor, or of none."""
    minors = keys_by_minor()
    first = next((minor for minor, keys in minors.items() if key in keys), None)
    return None if first is None or first == next(iter(minors)) else first


def format_minor(minor: Minor) -> str:
    return f"{minor[0]}.{minor[1]}"
