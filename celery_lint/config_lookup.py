"""Which `[tool.celery-lint]` table applies to a project, or to a file.

Each Django project (each `manage.py` directory) reads the nearest table at or
above its root, up to the repository root; a file no `manage.py` claims reads the
nearest table at or above its package tree (or its directory). So a table never
leaks into another project, and the answer does not depend on the working
directory or on the order of the paths linted. `--config PATH` (`explicit`) and
`--isolated` apply one answer to every project.

One lookup per project root and process: the directories are the listings the
walk reads anyway (no extra `stat`), and each file is parsed once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from celery_lint import layout
from celery_lint.config import TABLE, Config, load_config, read_toml

T = TypeVar("T")


def anchor(directory: Path) -> Path:
    """The directory whose table applies to the files in `directory` (resolved): their
    `manage.py` project's root, else the top of their package tree, else `directory`."""
    root = layout.find_project_root(directory)
    return root if root is not None else layout.package_scope(directory)[1]


@lru_cache(maxsize=1024)
def find_table(start: Path) -> Path | None:
    """The nearest pyproject.toml with a `[tool.celery-lint]` table at or above the
    resolved directory `start`, up to its repository root."""
    for directory in layout.config_directories(start):
        if "pyproject.toml" in layout.walk_listing(str(directory)).files:
            path = directory / "pyproject.toml"
            if TABLE in read_toml(path).get("tool", {}):
                return path
    return None


@lru_cache(maxsize=256)
def _loaded(path: Path) -> Config:
    return load_config(path)


def for_project(root: Path, explicit: Path | None = None, isolated: bool = False) -> Config:
    """The configuration of the project at `root` (resolved; a package tree: its top):
    `explicit` for every project, none when `isolated`, else the nearest table."""
    if isolated:
        return Config()
    path = explicit.resolve() if explicit is not None else find_table(root)
    return _loaded(path) if path is not None else Config()


def for_file(path: Path, explicit: Path | None = None, isolated: bool = False) -> Config:
    """The configuration that applies to the file at `path` (resolved)."""
    return for_project(anchor(path.parent), explicit, isolated)


def per_directory(
    make: Callable[[Config], T], explicit: Path | None = None, isolated: bool = False
) -> Callable[[Path], T]:
    """`make(config)` for the table that applies to the files of a resolved directory:
    made once per table, looked up once per directory (flake8 asks for each file)."""
    made: dict[Path | None, T] = {}
    by_directory: dict[Path, T] = {}

    def of(directory: Path) -> T:
        value = by_directory.get(directory)
        if value is None:
            config = for_project(anchor(directory), explicit, isolated)
            value = made.get(config.path)
            if value is None:
                value = made[config.path] = make(config)
            by_directory[directory] = value
        return value

    return of
