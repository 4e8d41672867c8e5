"""Digests of texts and signatures of directories: what the cache compares, in a
module that imports nothing of celery-lint (`replay` runs before the engine loads)."""

from __future__ import annotations

import os
import sys
from _blake2 import blake2b  # hashlib's, without hashlib's OpenSSL: a noticeable part of a warm run to load
from functools import lru_cache


def digest(text: str) -> bytes:
    """The key of a file's text."""
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def name_of(header: tuple[object, ...]) -> str:
    """The cache file's name for an entry set of this `header`."""
    return blake2b(repr(header).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def signature(directory: str, top: str, skipped: frozenset[str]) -> bytes:
    """What of a directory the model may have read. Inside the repository (`top`): its
    names, and the size and mtime of what is neither a directory nor a `.py` file
    (whose texts are compared): pins, `.pth` files, `.gitignore` are read outside the
    model's texts. Above it, only whether the names the walk up looks for are there
    (a parent such as /tmp changes all the time); elsewhere (a directory start-up
    code puts on `sys.path`), the names of what an import finds. The cache's own
    directory (`skipped`) is left out."""
    if not (directory == top or directory.startswith(os.path.join(top, ""))):
        above = top.startswith(os.path.join(directory, ""))
        try:
            names = sorted(
                name for name in os.listdir(directory)
                if name in MARKERS or not above and (name.endswith(".py") or "." not in name)
            )
        except (OSError, ValueError):
            return b""
        return blake2b(repr(names).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    entries: list[tuple[str, int, int]] = []
    try:
        with os.scandir(directory) as listing:
            for entry in listing:
                if entry.name in skipped:
                    continue
                try:
                    if entry.name.endswith(".py") or entry.is_dir():
                        entries.append((entry.name, entry.is_dir(), 0))
                    else:
                        status = entry.stat()
                        entries.append((entry.name, status.st_size, status.st_mtime_ns))
                except OSError:
                    entries.append((entry.name, -1, -1))
    except (OSError, ValueError):
        return b""
    return blake2b(repr(sorted(entries)).encode("utf-8", "surrogatepass"), digest_size=16).digest()


# what the walk up looks for (`layout.REPO_MARKERS`, a test holds them equal: `layout`
# costs a warm run its imports), and what makes a directory a project or a package
MARKERS = frozenset({".git", ".hg", "pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "manage.py", "__init__.py"})


@lru_cache(maxsize=1)
def code_identity() -> bytes:
    """celery-lint's own modules (name, size, mtime): a checkout changes its rules
    without changing its version."""
    entries: list[tuple[str, int, int]] = []
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for directory in (package, *(os.path.join(package, d) for d in ("project", "rules", "cache", "data"))):
        try:
            with os.scandir(directory) as listing:
                for entry in listing:
                    if entry.name.endswith((".py", ".json")):
                        status = entry.stat()
                        entries.append((entry.path, status.st_size, status.st_mtime_ns))
        except OSError:
            continue
    return blake2b(repr(sorted(entries)).encode("utf-8", "surrogatepass"), digest_size=16).digest()


@lru_cache(maxsize=1)
def tables_identity() -> tuple[str, ...]:
    """The installed Celery, kombu and Django the setting tables are read from: their
    `dist-info` directories on `sys.path` (`importlib.metadata` costs a tenth of a
    warm run to import)."""
    found: list[str] = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += [
            os.path.join(entry, name) for name in names
            if name.endswith(".dist-info") and name.lower().startswith(("celery-", "django-", "kombu-"))
        ]
    return tuple(sorted(found))
