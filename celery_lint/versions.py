"""Which Celery the linted project runs: what version-dependent messages are true for.

The target version comes from configuration (`celery-version`), else from the
project's own pins, else from the Celery installed beside celery-lint. Pins are read
from the nearest directory (the project root, then its parents up to the repository
top) that pins Celery at all; in that directory a lock file (uv.lock, poetry.lock,
Pipfile.lock: the version really installed) wins over requirements files, which win
over pyproject.toml dependencies. A range gives its lower bound (`>=5.3,<6` -> 5.3,
`~=5.6.0` -> 5.6.0, poetry `^5.3` -> 5.3): the oldest Celery the pins allow is one a
deployment may run. Several files in one directory that disagree give the lowest.
Nothing here imports or runs project code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import toml

Version = tuple[int, int, int]

# Patterns as strings: `re` compiles (and caches) each on first use, not at every start.
_VERSION = (
    r"(?i)^\s*v?(?P<release>\d+(?:\.\d+){0,3})(?:\.\*)?"
    r"(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?"
    r"(?:[-_.]?post[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9.]+)?\s*$"
)
# a PEP 508 requirement on celery: name, optional extras, then the specifiers
_REQUIREMENT = r"(?i)^\s*celery(?![\w.-])\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)"
_CLAUSE = r"(?P<op>===|==|~=|>=|<=|!=|>|<|\^|~)?\s*(?P<version>[0-9][0-9a-zA-Z.*+_-]*)"
_LOWER_BOUND_OPS = frozenset({"===", "==", "~=", ">=", ">", "^", "~", None})


class VersionError(ValueError):
    """A version string that is not a release number."""


def parse_version(text: str) -> Version:
    """`"5.6.3"` -> (5, 6, 3); `"5.7"` -> (5, 7, 0); `"6.0.0rc1"` -> (6, 0, 0)."""
    match = re.match(_VERSION, text)
    if not match:
        raise VersionError(f"not a version number: {text!r}")
    parts = [int(p) for p in match.group("release").split(".")][:3]
    major, minor, micro = (parts + [0, 0])[:3]
    return (major, minor, micro)


def format_version(version: Version) -> str:
    return ".".join(map(str, version))


class TargetVersion(NamedTuple):
    """The Celery version messages are written for, and where it was read."""

    version: Version
    source: str  # "celery-version in pyproject.toml", "requirements.txt", "installed Celery"

    def __str__(self) -> str:
        return f"Celery {format_version(self.version)} ({self.source})"


def lower_bound(spec: str) -> Version | None:
    """The oldest version a specifier admits (`>=5.3,<6` -> 5.3), None when it has none."""
    found: list[Version] = []
    for clause in spec.split(","):
        clause = clause.strip()
        if not clause or clause == "*":
            continue
        match = re.fullmatch(_CLAUSE, clause)
        if match is None:
            return None
        if match.group("op") not in _LOWER_BOUND_OPS:
            continue
        try:
            found.append(parse_version(match.group("version")))
        except VersionError:
            return None
    return max(found) if found else None


def requirement_pin(line: str) -> Version | None:
    """The pin of a `celery...` requirement line (requirements.txt, PEP 621), else None."""
    line = line.split(" #", 1)[0].strip()
    match = re.match(_REQUIREMENT, line)
    if match is None:
        return None
    spec = match.group("spec").strip()
    spec = re.split(r"\s+--", spec, maxsplit=1)[0]  # --hash=... options
    if not spec or spec.startswith("@"):  # a URL requirement names no version
        return None
    return lower_bound(spec.strip("() "))


def _requirement_lines(text: str) -> Iterator[str]:
    """Logical lines of a requirements file (continuations joined)."""
    logical = ""
    for raw in text.splitlines():
        if raw.rstrip().endswith("\\"):
            logical += raw.rstrip()[:-1] + " "
            continue
        yield logical + raw
        logical = ""
    if logical:
        yield logical


def pins_in_requirements(text: str) -> list[Version]:
    return [v for line in _requirement_lines(text) if (v := requirement_pin(line)) is not None]


def _load_toml(path: Path) -> dict[str, Any] | None:
    try:
        return toml.load(path)
    except (OSError, ValueError):
        return None


def pins_in_pyproject(data: dict[str, Any]) -> list[Version]:
    """Celery pins in PEP 621 dependencies (and optional groups) and poetry dependencies."""
    found: list[Version] = []
    project = data.get("project", {})
    lines: list[Any] = list(project.get("dependencies", []) or [])
    for group in (project.get("optional-dependencies", {}) or {}).values():
        lines += list(group or [])
    for group in (data.get("dependency-groups", {}) or {}).values():
        lines += list(group or [])
    found += [v for line in lines if isinstance(line, str) and (v := requirement_pin(line)) is not None]
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {})]
    tables += [g.get("dependencies", {}) for g in (poetry.get("group", {}) or {}).values() if isinstance(g, dict)]
    for table in tables:
        spec = next((v for k, v in (table or {}).items() if k.lower() == "celery"), None)
        if isinstance(spec, dict):
            spec = spec.get("version")
        if isinstance(spec, str) and (v := lower_bound(spec)) is not None:
            found.append(v)
    return found


def pins_in_lock(path: Path) -> list[Version]:
    """The locked Celery version of uv.lock, poetry.lock or Pipfile.lock."""
    if path.name == "Pipfile.lock":
        try:
            import json  # only for a Pipfile.lock: spares every run its import

            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        found = []
        for section in ("default", "develop"):
            entry = (data.get(section) or {}).get("celery") if isinstance(data, dict) else None
            if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                if (v := lower_bound(entry["version"])) is not None:
                    found.append(v)
        return found
    toml = _load_toml(path)
    packages = toml.get("package", []) if toml else []
    found = []
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and str(package.get("name", "")).lower() == "celery":
            try:
                found.append(parse_version(str(package.get("version", ""))))
            except VersionError:
                continue
    return found


LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock")


def requirement_files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("requirements*.txt"))
    if (directory / "requirements").is_dir():
        files += sorted((directory / "requirements").glob("*.txt"))
    return [f for f in files if f.is_file()]


def pinned_in(directory: Path) -> TargetVersion | None:
    """The lowest Celery pinned in `directory`, from its most exact kind of pin file."""
    locks = [(p.name, pins_in_lock(p)) for p in (directory / n for n in LOCK_FILES) if p.is_file()]
    requirements = [(p.relative_to(directory).as_posix(), pins_in_requirements(_read(p))) for p in requirement_files(directory)]
    pyproject = directory / "pyproject.toml"
    data = _load_toml(pyproject) if pyproject.is_file() else None
    declared = [("pyproject.toml", pins_in_pyproject(data))] if data else []
    for kind in (locks, requirements, declared):
        pins = [(min(versions), name) for name, versions in kind if versions]
        if pins:
            version, name = min(pins)
            return TargetVersion(version, name)
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def pinned(directories: Iterable[Path]) -> TargetVersion | None:
    for directory in directories:
        found = pinned_in(directory)
        if found is not None:
            return found
    return None


def installed() -> TargetVersion | None:
    """The Celery beside celery-lint: its `celery-X.Y.Z.dist-info` directory on
    `sys.path` (where `importlib.metadata` would find it), else what that says
    (16 ms and 4 MiB to import: every summary names the version)."""
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("celery-") and name.endswith(".dist-info"):
                try:
                    return TargetVersion(parse_version(name[len("celery-"):-len(".dist-info")]), "installed Celery")
                except VersionError:
                    break
    from importlib import metadata

    try:
        return TargetVersion(parse_version(metadata.version("celery")), "installed Celery")
    except (metadata.PackageNotFoundError, VersionError):
        return None


def target_version(
    configured: str | None, directories: Iterable[Path], configured_in: str = "configuration"
) -> TargetVersion | None:
    """The Celery version a project targets: configured, else pinned, else installed."""
    if configured:
        return TargetVersion(parse_version(configured), configured_in)
    return pinned(directories) or installed()
