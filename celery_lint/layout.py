"""Where projects are: `manage.py` directories, import roots, and the files of a tree.

Only the filesystem is read here; no module is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

# Directories that hold no project code: environments, caches, build output, VCS data.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".env", "node_modules",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist",
        "site-packages", ".eggs", ".hypothesis", "htmlcov",
    }
)
REPO_MARKERS = (".git", ".hg", "pyproject.toml", "setup.cfg", "setup.py", "tox.ini")


def is_skipped_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info")


def iter_python_files(top: Path, own_project: bool = False, packages: bool = True) -> Iterator[Path]:
    """Python files below `top`, in a stable order, never following directory symlinks
    (a symlink to a parent would loop). `own_project`: leave out the directories that
    hold their own `manage.py`, the files of another project (a monorepo); without
    `packages`, leave out packages too (each tree is a project of its own)."""
    for path, _ in python_files(top, own_project, packages):
        yield path


def python_files(top: Path, own_project: bool = False, packages: bool = True) -> Iterator[tuple[Path, bool]]:
    """`iter_python_files`, each file with whether it is a symlink (known from the
    listing: no `lstat` per file)."""
    if top.is_file():
        yield top, top.is_symlink()
        return
    for _, listing in listings(top, own_project, packages):
        for name, path in listing.paths.items():
            yield path, name in listing.links


def listings(top: Path, own_project: bool = False, packages: bool = True) -> Iterator[tuple[str, Listing]]:
    """(directory, its listing) for every directory `python_files` enters, in its order."""
    pending = [str(top)]
    while pending:
        directory = pending.pop()
        listing = walk_listing(directory)
        yield directory, listing
        entered = [d for d in listing.directories if not is_skipped_dir(d)]
        if own_project:
            entered = [d for d in entered if "manage.py" not in walk_listing(os.path.join(directory, d)).files]
        if not packages:
            entered = [d for d in entered if "__init__.py" not in walk_listing(os.path.join(directory, d)).files]
        pending += [os.path.join(directory, d) for d in reversed(entered)]  # depth first, in name order


class Listing(NamedTuple):
    """One directory, read once per process: the command's walk, the project's own walk,
    the project-root lookups and import resolution all read the same directories, and
    share the same path objects."""

    directories: tuple[str, ...]  # to enter, sorted: directories, but not symlinks to one (os.walk's)
    links: frozenset[str]  # the names that are symlinks
    paths: dict[str, Path]  # the `.py` files os.walk lists (anything not a directory), by name, sorted
    files: frozenset[str]  # files, symlinks followed (what `isfile()` and an import find)
    folders: frozenset[str]  # directories, symlinks followed (what an import finds)


@lru_cache(maxsize=16384)
def walk_listing(directory: str) -> Listing:
    """`directory`'s listing; empty when it cannot be listed."""
    walked: list[str] = []
    directories: list[str] = []
    links: set[str] = set()
    files: set[str] = set()
    folders: set[str] = set()
    try:
        with os.scandir(directory) as listing:
            for entry in listing:
                name = entry.name
                try:
                    if entry.is_symlink():
                        links.add(name)
                    if entry.is_dir():
                        folders.add(name)
                        if name not in links:
                            directories.append(name)
                    else:
                        walked.append(name)
                        if entry.is_file():
                            files.add(name)
                except OSError:  # vanished, a broken or looping symlink: os.walk lists it as a file
                    walked.append(name)
    except (OSError, ValueError):  # unreadable, missing, a name too long, a NUL byte: os.walk skips it
        pass
    base = Path(directory)
    paths = {name: base / name for name in sorted(walked) if name.endswith(".py")}
    return Listing(tuple(sorted(directories)), frozenset(links), paths, frozenset(files), frozenset(folders))


@lru_cache(maxsize=4096)
def find_project_root(directory: Path) -> Path | None:
    """The nearest directory at or above `directory` holding `manage.py`."""
    listing = walk_listing(str(directory))
    names = {*listing.files, *listing.folders, *listing.links}
    if not names:  # empty, or searchable but not listable: ask for the names themselves
        names = {m for m in ("manage.py", ".git", ".hg") if (directory / m).exists()}
    if "manage.py" in names and (directory / "manage.py").is_file():
        return directory
    if directory.parent == directory or ".git" in names or ".hg" in names:
        return None
    return find_project_root(directory.parent)


@lru_cache(maxsize=4096)
def package_scope(directory: Path) -> tuple[Path, Path]:
    """For files no `manage.py` claims: (the import root their modules are named
    from, the directory whose files make their project). Inside a package: the parent
    of the top-level package, and that package (one project per package tree, so a
    deep tree is read once, under real module names). Elsewhere (scripts, a
    repository root): the directory itself, twice, its packages being projects of
    their own."""
    if not (directory / "__init__.py").is_file():
        return directory, directory
    top = directory
    while (
        top.parent != top
        and (top.parent / "__init__.py").is_file()
        and not any((top / m).exists() for m in (".git", ".hg"))
    ):
        top = top.parent
    return top.parent, top


def repository_top(root: Path) -> Path:
    """The repository (or working) directory that holds `root`: ancestors of `root` up
    to it are import roots too, as when code is run from the repository root."""
    cwd = Path.cwd().resolve()
    for candidate in (root, *root.parents):
        if any((candidate / m).exists() for m in REPO_MARKERS) and candidate != root:
            return candidate
        if candidate == cwd:
            return candidate
    return root


def config_directories(root: Path) -> list[Path]:
    """`root` and the directories above it up to the repository top: where a project's
    configuration files (pytest, tox, Docker, compose, .env) may sit."""
    top = repository_top(root)
    return [root, *(p for p in root.parents if top in p.parents or p == top)]


def is_identifier_path(parts: tuple[str, ...]) -> bool:
    return all(p.isidentifier() for p in parts)


@lru_cache(maxsize=65536)
def resolve_module(root: Path, dotted: str) -> Path | None:
    """The file `dotted` names under import root `root` (namespace packages allowed)."""
    parts = dotted.split(".")
    if not is_identifier_path(tuple(parts)):
        return None
    directory = os.path.join(str(root), *parts[:-1])
    listing = walk_listing(directory)
    name = parts[-1]
    if name + ".py" in listing.files:
        return listing.paths.get(name + ".py") or root.joinpath(*parts[:-1], name + ".py")
    if name in listing.folders:
        package = walk_listing(os.path.join(directory, name))
        if "__init__.py" in package.files:
            return package.paths.get("__init__.py") or root.joinpath(*parts, "__init__.py")
        return root.joinpath(*parts)  # a namespace package: a directory
    return None


def is_namespace_package(found: Path) -> bool:
    """Whether a path `resolve_module` found is a namespace package, a directory,
    without a `stat`: its other answers are `.py` files, and a package's directory
    name is an identifier."""
    return not str(found).endswith(".py")


def module_name(root: Path, path: Path) -> str | None:
    """The dotted name of `path` when imported from import root `root`."""
    directory, _, last = str(path).rpartition(os.sep)  # strings: paths are normalised
    package = _package_name(str(root), directory or os.sep)
    if package is None:
        return None
    if last == "__init__.py":
        return package or None
    stem = last[:-3] if last.endswith(".py") else last
    if not stem.isidentifier():
        return None
    return f"{package}.{stem}" if package else stem


@lru_cache(maxsize=16384)
def _package_name(root: str, directory: str) -> str | None:
    """The dotted name of `directory` below import root `root` ("" for the root
    itself), None when it is not below it or a part is not an identifier: one
    answer per directory, not per file."""
    prefix = os.path.join(root, "")
    if (directory if directory.endswith(os.sep) else directory + os.sep) == prefix:
        return ""
    if not directory.startswith(prefix):
        return None
    parts = directory[len(prefix):].split(os.sep)
    return ".".join(parts) if all(map(str.isidentifier, parts)) else None
