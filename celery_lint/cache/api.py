"""The engine's one interface to the on-disk cache (see the package's docstring).

pre-commit and editors lint the whole project again and again, and nearly every file
is as it was. The engine asks `store(project, codes)` for a project's `Store` (None:
the cache is off) and `flush_all()` writes every store at the end of the run. What an
entry depends on, and when it is used, is `store`'s business; the file's name is a
digest of everything else (`header`): celery-lint's version and code, this Python,
the installed Celery, kombu and Django, the project, its options and the rules run.

The cache is on for the command and flake8 (`enable`), never for anything else using
the engine: the Django checks give the live answer of the code as it is.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from celery_lint import __version__, layout
from celery_lint.cache import signatures
from celery_lint.cache import DIRECTORY
from celery_lint.cache.store import FORMAT, STARTED, TICK, Record, load_kept
from celery_lint.cache.store import Store as Store
from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.sources import OVERLAY, SourceError

if TYPE_CHECKING:
    import argparse

    from celery_lint.project import ProjectOptions

T = TypeVar("T")
_front: str | None = None  # "command" or "flake8": the cache is on
_stores: dict[tuple[Project, tuple[str, ...]], Store] = {}


def enable(front: str | None) -> None:
    """The front end using the cache (None: off, and the stores are forgotten)."""
    global _front
    _front = front
    Project.records_reads = front is not None
    Project.kept = staticmethod(memo)  # with no store (the cache off): computed, no summary
    Project.summarised = staticmethod(_summarised)
    if front is None:
        _stores.clear()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's cache options."""
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--cache-dir", type=Path, metavar="DIR",
        help=f"where the cache is kept (default: [tool.celery-lint] cache-dir, else {DIRECTORY}/ in the project root)",
    )


def flake8_cache_dir(options: argparse.Namespace) -> Path | None:
    """flake8's `--celery-lint-cache-dir`; the cache is turned on unless `--celery-lint-no-cache`."""
    if not getattr(options, "celery_lint_no_cache", False):
        enable("flake8")
        import atexit  # flake8 returns from main: its main process writes at exit

        atexit.register(flush_all)
    directory = getattr(options, "celery_lint_cache_dir", None)
    return Path(directory) if directory else None


def configured(options: ProjectOptions, cache_dir: Path | None) -> ProjectOptions:
    """`options` with a front end's cache directory over the configuration's."""
    return options if cache_dir is None else options._replace(cache_dir=str(cache_dir.resolve()))


def store(project: Project, codes: tuple[str, ...]) -> Store | None:
    """The cache of `project` linted with the rules `codes`, when the cache is on. Not
    for a text standing in for a file (an editor's buffer, `--diff`): the cache knows
    the files on disk."""
    if _front is None or Project._buffers or OVERLAY:
        return None
    found = _stores.get((project, codes))
    if found is None:
        options = project.options
        header = (
            FORMAT, __version__, signatures.code_identity(), sys.version, signatures.tables_identity(), _front,
            str(project.root), str(project.scope), os.getcwd(), project.configured_settings,
            repr(options._replace(cache_dir=None)), codes,
        )
        directory = Path(options.cache_dir) if options.cache_dir else project.root / DIRECTORY
        found = _stores[(project, codes)] = Store(directory / f"{signatures.name_of(header)}.pickle", header, project)
    return found


def memo(
    project: Project, key: tuple[str, ...], compute: Callable[[], T], keep: Callable[[T], bool] | None = None
) -> T:
    """An answer of the project model, from the cache of the project's latest rule set
    (`keep`: whether a value computed may be kept)."""
    found = _latest(project)
    return found.memo(key, compute, keep) if found is not None else compute()


def _summarised(project: Project, path: Path, text: str) -> SourceModule | None:
    """A module the model asks for, from the summary the project's cache keeps of its text."""
    found = _latest(project)
    return found.summaries.source(project, path, text) if found is not None else None


def _latest(project: Project) -> Store | None:
    """The store of the rule set last linting `project` (None: the cache is off)."""
    return next((s for (p, _), s in reversed(_stores.items()) if p is project), None)


def readable(value: object) -> bool:
    """Whether the cache can read `value` back: a value its unpickler refuses would make
    the whole cache file unreadable."""
    import io
    import pickle

    try:
        load_kept(io.BytesIO(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
    except Exception:
        return False
    return True


def put_findings(
    found_in: Store, project: Project, source: SourceModule, found: list[Finding], errors: list[SourceError]
) -> None:
    """A file's module findings, with the errors its checks reported: an error in the
    file itself is reported by every run (its findings are not kept); one in another
    file comes from the model its checks asked, whose answers then depend on this text."""
    if any(error.path == source.path for error in errors):
        found_in.volatile(source.path)
    if any(error.path != source.path for error in errors):
        project.model_reads[source.path] = None
    found_in.put(source.path, source.text, found, None, parsed=True)


def kept_failure(path: Path, record: Record, needed: bool) -> list[SourceError]:
    """The parse failure a record keeps, as the run reports it (`needed`: named)."""
    if record.failure is None:
        return []
    reason, line, syntax = record.failure
    return [SourceError(path, reason, line, needed, syntax)]


def replay_inputs() -> tuple[dict[str, tuple[int, int, bool, bytes]], dict[str, tuple[str, tuple[str, ...], bytes]]] | None:
    """What a `replay` record of this run depends on, once every store is written: the
    files of the projects and the model's other reads, every directory listed and the
    parents of the working directory and of each project; None when the run cannot be
    replayed (a cache elsewhere than the working directory's, one not written, a
    directory changed during the run)."""
    here = Path.cwd().resolve() / DIRECTORY
    stores = list(_stores.values())
    tops = {found._top for found in stores}
    if not stores or len(tops) != 1 or any(found.file.parent != here or found._dirty for found in stores):
        return None
    (top,) = tops
    files: dict[str, tuple[int, int, bool, bytes]] = {}
    directories = dict.fromkeys(layout.LISTED)
    for found in stores:
        files.update((name, (r.size, r.mtime, r.trusted, r.digest)) for name, r in found.records.items())
        for name, known in (found.state.reads.items() if found.state is not None else ()):
            if known is None:
                return None
            files.setdefault(name, (-1, -1, False, known))
        directories.update(dict.fromkeys(str(p) for p in (found.project.root, *found.project.root.parents)))
    directories.update(dict.fromkeys(str(p) for p in (here.parent, *here.parent.parents)))
    skipped = (DIRECTORY,)
    recent = STARTED - TICK
    inside = [name for name in layout.LISTED if name == top or name.startswith(os.path.join(top, ""))]
    if any(_mtime(name) >= recent for name in inside):
        return None  # a name may have come or gone during the run (above the repository: markers only)
    return files, {name: (top, skipped, stores[0].signature(name)) for name in directories}


def _mtime(directory: str) -> int:
    """A directory's mtime; -1 when it is not there (its signature says so)."""
    try:
        return os.stat(directory).st_mtime_ns
    except OSError:
        return -1


def flush_all() -> None:
    """Write every store (the command calls this before it leaves by `os._exit`), without
    the cyclic collector: pickling a store allocates nothing that lives on, and the
    collector's passes over the model cost a fifth of the writing at 20,000 files."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        for found in _stores.values():
            found.flush()
    finally:
        if enabled:
            gc.enable()
