"""Where projects are: `manage.py` directories, import roots, and the files of a tree.

Only the filesystem is read here; no module is imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from celery_lint import gitignore

# Directories that hold no project code: environments, caches, build output, VCS data.
# The walk of the project's code also skips every hidden directory (`.github/`,
# `.semgrep/`) and, inside a git work tree, what git ignores (ruff's defaults).
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".env", "node_modules",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist",
        "site-packages", ".eggs", ".hypothesis", "htmlcov", ".celery_lint_cache",
    }
)
REPO_MARKERS = (".git", ".hg", "pyproject.toml", "setup.cfg", "setup.py", "tox.ini")


def is_skipped_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info")


def iter_python_files(
    top: Path, own_project: bool = False, packages: bool = True, respect_gitignore: bool = True
) -> Iterator[Path]:
    """The project's Python files below `top`, in a stable order, never following
    directory symlinks (a symlink to a parent would loop), never in a hidden or
    ignored directory (see `code_listing`). `own_project`: leave out the directories
    that hold their own `manage.py`, the files of another project (a monorepo);
    without `packages`, leave out packages too (each tree is a project of its own)."""
    for path, _ in python_files(top, own_project, packages, respect_gitignore):
        yield path


def python_files(
    top: Path, own_project: bool = False, packages: bool = True, respect_gitignore: bool = True
) -> Iterator[tuple[Path, bool]]:
    """`iter_python_files`, each file with whether it is a symlink (known from the
    listing: no `lstat` per file). A file `top` is listed whatever ignores it."""
    if top.is_file():
        yield top, top.is_symlink()
        return
    for directory, _ in listings(top, own_project, packages, code=True, respect_gitignore=respect_gitignore):
        code = code_listing(directory, respect_gitignore)
        for name, path in code.paths.items():
            yield path, name in code.links


def listings(
    top: Path, own_project: bool = False, packages: bool = True, code: bool = False, respect_gitignore: bool = True
) -> Iterator[tuple[str, Listing]]:
    """(directory, its listing) for every directory the walk enters, in its order:
    with `code`, those `python_files` enters; else every one but environments,
    caches and VCS data (deployment files live in hidden directories too)."""
    pending = [str(top)]
    while pending:
        directory = pending.pop()
        listing = walk_listing(directory)
        yield directory, listing
        if code:
            entered = list(code_listing(directory, respect_gitignore).directories)
        else:
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


# `--git-tracked`: (the work tree's top with a trailing separator, the paths of the
# files git tracks or has staged below it); None: every file on disk
_tracked: tuple[str, frozenset[str]] | None = None


def only_tracked(top: str, files: Iterable[str]) -> None:
    """From now on, list below the git work tree `top` (resolved) only the files of
    `files` (paths relative to it): what a commit holds, not an untracked work in
    progress. Listings made before are forgotten."""
    global _tracked
    _tracked = (os.path.join(top, ""), frozenset(os.path.join(top, name) for name in files))
    for value in list(globals().values()):
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


class _Listed(dict[str, None]):
    """The directories listed in this process, in order: what cached answers depend on
    besides the files read (see `cache`); forgotten with the listings (`cache_clear`)."""

    cache_clear: Callable[[], None]


LISTED = _Listed()
LISTED.cache_clear = LISTED.clear


@lru_cache(maxsize=16384)
def walk_listing(directory: str) -> Listing:
    """`directory`'s listing (of tracked files only, see `only_tracked`); empty when it
    cannot be listed."""
    LISTED[directory] = None
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
    if _tracked is not None and os.path.join(directory, "").startswith(_tracked[0]):
        untracked = {n for n in walked if not n.startswith(".git") and os.path.join(directory, n) not in _tracked[1]}
        walked = [n for n in walked if n not in untracked]
        files -= untracked
    base = Path(directory)
    paths = {name: base / name for name in sorted(walked) if name.endswith(".py")}
    return Listing(tuple(sorted(directories)), frozenset(links), paths, frozenset(files), frozenset(folders))


class CodeListing(NamedTuple):
    """What of a directory is the project's code: the directories to enter, the `.py` files."""

    directories: tuple[str, ...]
    paths: dict[str, Path]  # by name, sorted
    links: frozenset[str]  # the names that are symlinks


@lru_cache(maxsize=16384)
def code_listing(directory: str, respect_gitignore: bool = True) -> CodeListing:
    """`directory`'s sub-directories and `.py` files that hold the project's code: no
    hidden directory, no environment, cache or build output, and, inside a git work
    tree, nothing git ignores (`respect_gitignore`). Decided once per directory, for
    the command's walk, the project's own walk and flake8's files alike."""
    listing = walk_listing(directory)
    entered = [d for d in listing.directories if not d.startswith(".") and not is_skipped_dir(d)]
    paths = listing.paths
    stack = _ignore_stack(directory) if respect_gitignore else ()
    if stack:
        levels = [(rules, _relative(directory, rules.base)) for rules in stack]
        entered = [d for d in entered if not _ignored(levels, d, True)]
        paths = {name: path for name, path in paths.items() if not _ignored(levels, name, False)}
    return CodeListing(tuple(entered), paths, listing.links)


def _relative(directory: str, base: str) -> str:
    """`directory` relative to `base` (its ancestor or itself) with "/" separators and a
    trailing "/" ("" for `base` itself)."""
    rest = os.path.join(directory, "")[len(base):]
    return rest.replace(os.sep, "/") if os.sep != "/" else rest


def _ignored(levels: list[tuple[gitignore.Rules, str]], name: str, is_directory: bool) -> bool:
    for rules, prefix in levels:  # the deepest .gitignore first, info/exclude last
        verdict = rules.ignores(prefix + name, is_directory)
        if verdict is not None:
            return verdict
    return False


@lru_cache(maxsize=16384)
def _ignore_stack(directory: str) -> tuple[gitignore.Rules, ...] | None:
    """The ignore rules that apply to `directory`'s entries, the deepest first (its own
    `.gitignore`, its parents' up to the work tree's top, then `.git/info/exclude`);
    None outside a git work tree (ruff's `respect-gitignore` needs one too)."""
    listing = walk_listing(directory)
    own = gitignore.read_rules(os.path.join(directory, ".gitignore"), directory) if ".gitignore" in listing.files else None
    if ".git" in listing.folders or ".git" in listing.files:
        git_dir = gitignore.git_directory(directory)
        exclude = gitignore.read_rules(os.path.join(git_dir, "info", "exclude"), directory) if git_dir else None
        return tuple(r for r in (own, exclude) if r is not None)
    parent = os.path.dirname(directory)
    above = _ignore_stack(parent) if parent != directory else None
    if above is None:
        return None
    return (own, *above) if own is not None else above


def git_ignores(path: Path, is_directory: bool = False) -> bool:
    """Whether git ignores `path` (which need not exist): a file each checkout makes
    for itself (`settings/local.py`), not one the project lacks."""
    stack = _ignore_stack(str(path.parent))
    if not stack:
        return False
    levels = [(rules, _relative(str(path.parent), rules.base)) for rules in stack]
    return _ignored(levels, path.name, is_directory)


def reached(path: Path, tops: Iterable[Path], respect_gitignore: bool = True) -> bool:
    """Whether a walk of `tops` (resolved files or directories) lists the file at
    `path` (resolved) as the project's code: named, or below a top through no hidden or
    ignored directory and not ignored itself. A file below no top is reached (it was
    named in some other way)."""
    below = False
    directory = str(path.parent)
    for top in tops:
        if path == top:
            return True
        if directory == str(top) or directory.startswith(os.path.join(str(top), "")):  # below `top`
            below = True
            if _entered(str(top), directory, respect_gitignore) and path.name in code_listing(
                directory, respect_gitignore
            ).paths:
                return True
    return not below


@lru_cache(maxsize=16384)
def _entered(top: str, directory: str, respect_gitignore: bool) -> bool:
    """Whether the walk from `top` enters `directory` (below or at it)."""
    if directory == top:
        return True
    parent, name = os.path.split(directory)
    return _entered(top, parent, respect_gitignore) and name in code_listing(parent, respect_gitignore).directories


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
    """`root` and the directories above it up to the repository root: where a project's
    configuration files (pytest, tox, Docker, compose, .env) may sit, the same
    wherever the command runs."""
    top = repository_root(root)
    return [root, *(p for p in root.parents if top in p.parents or p == top)]


@lru_cache(maxsize=1024)
def repository_root(root: Path) -> Path:
    """The top of the repository that holds `root`: the nearest directory at or above
    it with `.git` or `.hg`; outside version control, the nearest parent with a
    project file (pyproject.toml, setup.cfg...), else `root`. Unlike `repository_top`,
    never the working directory: what is read there (the Celery pins) must not
    depend on where the command runs."""
    marked: Path | None = None
    for candidate in (root, *root.parents):
        listing = walk_listing(str(candidate))
        names = listing.files | listing.folders
        if ".git" in names or ".hg" in names:
            return candidate
        if marked is None and candidate != root and any(m in names for m in REPO_MARKERS):
            marked = candidate
    return marked or root


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
