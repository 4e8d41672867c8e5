"""Which Celery the linted project runs: what version-dependent messages are true for.

The target version comes from configuration (`celery-version`), else from the
project's own pins, else from the Celery installed beside celery-lint. Pins are read
in the project root and its parents up to the repository's top (`layout.repository_root`:
never past it, and the same whatever the working directory), from these files only:
lock files (uv.lock, poetry.lock, pdm.lock, Pipfile.lock), requirement files
(`requirements*.txt`, `requirements*.in`, and those in `requirements/` and
`dependencies/`, pip-tools' compiled ones included), and declarations (Pipfile,
pyproject.toml: PEP 621 dependencies and optional ones, PEP 735 groups, poetry;
setup.cfg `install_requires` and extras).

Precedence, the most telling pin first:

1. an exact version (a lock file's, or `==5.6.3`, as pip-tools compiles) beats a
   range from any directory: it is what gets installed; a range gives only its lower
   bound (`>=5.3,<6` -> 5.3, `~=5.6.0` -> 5.6.0, poetry `^5.3` -> 5.3), the oldest
   Celery a deployment may run;
2. then the nearest directory (the project root first);
3. then, in one directory, a lock file over a requirement file over a declaration;
   several files of one kind that disagree give the lowest.

The source names the file, relative to the project root ("uv.lock", "../uv.lock",
"requirements/base.txt"). A file that cannot be read or parsed gives no pin (never
an error: the version stays unknown, or comes from another file). Each directory is
listed once and each of its pin files read once per process. Nothing here imports
or runs project code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import layout, toml

Version = tuple[int, int, int]

# Patterns as strings: `re` compiles (and caches) each on first use, not at every start.
_VERSION = (
    r"(?i)^\s*v?(?P<release>\d+(?:\.\d+){0,3})(?:\.\*)?"
    r"(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?"
    r"(?:[-_.]?post[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9.]+)?\s*$"
)
# a PEP 508 requirement on a package ({name}): name, optional extras, then the specifiers
_REQUIREMENT = r"(?i)^\s*{name}(?![\w.-])\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)"
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
    source: str  # "celery-version in pyproject.toml", "../uv.lock", "the installed package"

    def __str__(self) -> str:
        return f"Celery {format_version(self.version)} from {self.source}"


def lower_bound(spec: str) -> Version | None:
    """The oldest version a specifier admits (`>=5.3,<6` -> 5.3), None when it has none."""
    found = bound(spec)
    return found[0] if found else None


def bound(spec: str) -> tuple[Version, bool] | None:
    """(the oldest version a specifier admits, whether it is the only one: `==5.6.3`,
    poetry's bare `5.6.3`), None when it has no lower bound."""
    found: list[tuple[Version, bool]] = []
    for clause in spec.split(","):
        clause = clause.strip()
        if not clause or clause == "*":
            continue
        match = re.fullmatch(_CLAUSE, clause)
        if match is None:
            return None
        op, text = match.group("op"), match.group("version")
        if op not in _LOWER_BOUND_OPS:
            continue
        try:
            found.append((parse_version(text), op in ("==", "===", None) and "*" not in text))
        except VersionError:
            return None
    return max(found) if found else None


def requirement_pin(line: str) -> Version | None:
    """The lower bound of a `celery...` requirement line (requirements.txt, PEP 621), else None."""
    found = requirement_bound(line)
    return found[0] if found else None


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares it: `Django_Celery.Beat` -> `django-celery-beat`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_bound(line: str, package: str = "celery") -> tuple[Version, bool] | None:
    """`bound` of a requirement line on `package` (`celery...`), else None."""
    line = line.split(" #", 1)[0].strip()
    name = "[-_.]+".join(re.escape(part) for part in _normal(package).split("-"))
    match = re.match(_REQUIREMENT.replace("{name}", name), line)
    if match is None:
        return None
    spec = match.group("spec").strip()
    spec = re.split(r"\s+--", spec, maxsplit=1)[0]  # --hash=... options
    if not spec or spec.startswith("@"):  # a URL requirement names no version
        return None
    return bound(spec.strip("() "))


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


def pins_in_requirements(text: str, package: str = "celery") -> list[tuple[Version, bool]]:
    return [v for line in _requirement_lines(text) if (v := requirement_bound(line, package)) is not None]


def _load_toml(path: Path) -> dict[str, Any] | None:
    try:
        return toml.load(path)
    except (OSError, ValueError):
        return None


def _table(data: Any, *keys: str) -> dict[str, Any]:
    """`data[k1][k2]...` when each is a table, else {} (a malformed file pins nothing)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _spec_bound(spec: Any) -> tuple[Version, bool] | None:
    """A poetry or Pipfile dependency value: "^5.3", "==5.6.3", "*", {version = ...}."""
    if isinstance(spec, dict):
        spec = spec.get("version")
    return bound(spec) if isinstance(spec, str) else None


def _named(table: dict[str, Any], package: str) -> Any:
    return next((v for k, v in table.items() if _normal(k) == _normal(package)), None)


def pins_in_pyproject(data: dict[str, Any], package: str = "celery") -> list[tuple[Version, bool]]:
    """Celery (or `package`) pins in PEP 621 dependencies (and optional groups), PEP 735 dependency
    groups and poetry dependencies (and groups)."""
    project = _table(data, "project")
    lines = _strings(project.get("dependencies"))
    for group in _table(project, "optional-dependencies").values():
        lines += _strings(group)
    for group in _table(data, "dependency-groups").values():
        lines += _strings(group)
    found = [v for line in lines if (v := requirement_bound(line, package)) is not None]
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(g, "dependencies") for g in _table(poetry, "group").values()]
    found += [v for table in tables if (v := _spec_bound(_named(table, package))) is not None]
    return found


def pins_in_pipfile(data: dict[str, Any], package: str = "celery") -> list[tuple[Version, bool]]:
    """Celery in a Pipfile's `[packages]` or `[dev-packages]` ("==5.6.3", "*", a table)."""
    tables = (_table(data, "packages"), _table(data, "dev-packages"))
    return [v for table in tables if (v := _spec_bound(_named(table, package))) is not None]


def pins_in_setup_cfg(text: str, package: str = "celery") -> list[tuple[Version, bool]]:
    """Celery in setup.cfg's `[options] install_requires` and `[options.extras_require]`."""
    import configparser  # only for a setup.cfg: spares every other run its import

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    lines = [line for value in values for line in value.splitlines()]
    return [v for line in lines if (v := requirement_bound(line, package)) is not None]


def pins_in_lock(path: Path, package: str = "celery") -> list[Version]:
    """The locked Celery version of uv.lock, poetry.lock, pdm.lock or Pipfile.lock."""
    if path.name == "Pipfile.lock":
        try:
            import json  # only for a Pipfile.lock: spares every run its import

            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        sections = (_table(data, "default"), _table(data, "develop"))
        locked = [_spec_bound(_named(section, package)) for section in sections]
        return [found[0] for found in locked if found is not None]
    packages = (_load_toml(path) or {}).get("package", [])
    found = []
    for entry in packages if isinstance(packages, list) else []:
        if isinstance(entry, dict) and _normal(str(entry.get("name", ""))) == _normal(package):
            try:
                found.append(parse_version(str(entry.get("version", ""))))
            except VersionError:
                continue
    return found


LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
REQUIREMENT_DIRS = ("requirements", "dependencies")
LOCK, REQUIREMENTS, DECLARED = 0, 1, 2  # the kinds of pin file, most exact first


class Pin(NamedTuple):
    version: Version
    exact: bool
    kind: int  # LOCK, REQUIREMENTS or DECLARED
    path: str  # the file, relative to the directory searched, with "/"


def _is_requirement_file(name: str, below: bool) -> bool:
    """`requirements*.txt|.in` in a directory; any `.txt|.in` in requirements/ or dependencies/."""
    return name.endswith((".txt", ".in")) and (below or name.startswith("requirements"))


def requirement_files(directory: Path) -> list[Path]:
    """The requirement files of `directory`, sorted, from its listings (no glob)."""
    listing = layout.walk_listing(str(directory))
    found = [directory / n for n in sorted(listing.files) if _is_requirement_file(n, False)]
    for sub in REQUIREMENT_DIRS:
        if sub in listing.folders:
            for walked, entries in layout.listings(directory / sub):
                found += [Path(walked, n) for n in sorted(entries.files) if _is_requirement_file(n, True)]
    return found


@lru_cache(maxsize=1024)
def pins_in(directory: Path, package: str = "celery") -> tuple[Pin, ...]:
    """Every pin of `package` (Celery) in the pin files of `directory`, each file read once per process."""
    names = layout.walk_listing(str(directory)).files
    pins: list[Pin] = []
    for name in LOCK_FILES:
        if name in names:
            pins += [Pin(v, True, LOCK, name) for v in pins_in_lock(directory / name, package)]
    for path in requirement_files(directory):
        shown = path.relative_to(directory).as_posix()
        pins += [Pin(v, exact, REQUIREMENTS, shown) for v, exact in pins_in_requirements(_read(path), package)]
    declared: list[tuple[str, list[tuple[Version, bool]]]] = []
    if "Pipfile" in names:
        declared.append(("Pipfile", pins_in_pipfile(_load_toml(directory / "Pipfile") or {}, package)))
    if "pyproject.toml" in names:
        declared.append(("pyproject.toml", pins_in_pyproject(_load_toml(directory / "pyproject.toml") or {}, package)))
    if "setup.cfg" in names:
        declared.append(("setup.cfg", pins_in_setup_cfg(_read(directory / "setup.cfg"), package)))
    pins += [Pin(v, exact, DECLARED, name) for name, found in declared for v, exact in found]
    return tuple(pins)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def pinned(directories: Iterable[Path], package: str = "celery") -> TargetVersion | None:
    """The pinned Celery (or `package`, read the same way) of a project whose root is the
    first of `directories`, the others its parents, nearest first: see the module's
    docstring for precedence."""
    found: list[tuple[tuple[bool, int, int], Version, str]] = []
    root: Path | None = None
    for distance, directory in enumerate(directories):
        root = root or directory
        for pin in pins_in(directory, package):
            shown = pin.path if distance == 0 else os.path.relpath(directory / pin.path, root).replace(os.sep, "/")
            found.append(((not pin.exact, distance, pin.kind), pin.version, shown))
    if not found:
        return None
    best = min(key for key, _, _ in found)
    version, source = min((version, shown) for key, version, shown in found if key == best)
    return TargetVersion(version, source)


def pin_directories(root: Path) -> list[Path]:
    """Where a project's pins are read: its root, then its parents up to the repository's
    top (never past it, whatever the working directory)."""
    top = layout.repository_root(root)
    return [root, *(p for p in root.parents if top in p.parents or p == top)]


def pinned_in(directory: Path) -> TargetVersion | None:
    """The Celery pinned in `directory` alone."""
    return pinned([directory])


# the source of the version of the Celery beside celery-lint, in messages
INSTALLED = "the installed package"


def installed() -> TargetVersion | None:
    """The Celery beside celery-lint: the `celery-X.Y.Z.dist-info` directory beside the
    installed package (`celery_tables.installed_package`: not a copy of that layout in
    the working directory), else what `importlib.metadata` says (16 ms and 4 MiB to
    import: every summary names the version)."""
    import os

    from celery_lint.celery_tables import installed_package

    package = installed_package()
    try:
        names = os.listdir(package.parent) if package is not None else []
    except OSError:
        names = []
    for name in names:
        if name.startswith("celery-") and name.endswith(".dist-info"):
            try:
                return TargetVersion(parse_version(name[len("celery-"):-len(".dist-info")]), INSTALLED)
            except VersionError:
                break
    from importlib import metadata

    try:
        return TargetVersion(parse_version(metadata.version("celery")), INSTALLED)
    except (metadata.PackageNotFoundError, VersionError):
        return None


def target_version(
    configured: str | None, directories: Iterable[Path], configured_in: str = "configuration"
) -> TargetVersion | None:
    """The Celery version a project targets: configured, else pinned, else installed."""
    if configured:
        return TargetVersion(parse_version(configured), configured_in)
    return pinned(directories) or installed()
