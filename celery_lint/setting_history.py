"""When each Celery setting appeared: the setting keys of every supported Celery minor,
read from each release's own `celery/app/defaults.py` by
scripts/celery_settings_by_minor.py into data/celery_settings_by_minor.json."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

Minor = tuple[int, int]


@lru_cache(maxsize=1)
def keys_by_minor() -> dict[Minor, frozenset[str]]:
    """Each supported minor's setting keys, oldest first (read only by the rules that need it)."""
    data = json.loads(files("celery_lint").joinpath("data/celery_settings_by_minor.json").read_text("utf-8"))
    parsed = {tuple(int(p) for p in minor.split(".")): frozenset(entry["keys"]) for minor, entry in data.items()}
    return {(m[0], m[1]): keys for m, keys in sorted(parsed.items())}


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
