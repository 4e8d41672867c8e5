"""What the model keeps of a module it read, on disk, by the digest of the module's text.

After one edit, the changed file's checks ask the model about the modules it uses
(is `send_welcome_email` a task of `demoapp.tasks`?), and each such module was parsed
again to be asked. Its `SourceModule.summary` (imports, decorated defs with their
decorators, module-level aliases) is a function of its text alone: kept here by
the text's digest, it gives the module back without parsing it; a rule that asks
for the tree parses the text then. Only the modules the model read (not every
file's own checks) are kept, in a file of their own read only when the model asks
for a module, so that a run that asks for none pays nothing for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from celery_lint.cache.signatures import digest
from celery_lint.project.modules import SourceModule, Summary

if TYPE_CHECKING:
    from celery_lint.project import Project


class Summaries:
    """The summaries kept beside one cache file."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._kept: dict[bytes, Summary] | None = None  # read when first asked

    def _read(self) -> dict[bytes, Summary]:
        if self._kept is None:
            from celery_lint.cache.store import load_kept

            try:
                with open(self.file, "rb") as stream:
                    data = load_kept(stream)
                self._kept = data if type(data) is dict else {}
            except Exception:  # none yet, unreadable, truncated, foreign: none kept
                self._kept = {}
        return self._kept

    def source(self, project: Project, path: Path, text: str) -> SourceModule | None:
        """The module of `text` at `path`, from its kept summary (None: none kept)."""
        summary = self._read().get(digest(text))
        return None if summary is None else SourceModule.summarised(path, project.module_name(path), text, summary)

    def flush(self, project: Project, digests: set[bytes]) -> None:
        """Keep the summaries of the modules the model read in this run, for the texts
        of the project's files (`digests`: those of any other are let go); written
        atomically, only when there is one more; silently nothing where it cannot be."""
        found: dict[bytes, Summary] = {}
        for path in project.model_reads:
            source = project._sources.get(path)
            if source is not None and (summary := source.summary()) is not None:
                found[digest(source.text)] = summary
        if not found or all(key in self._read() for key in found):
            return
        kept = {key: value for key, value in {**self._read(), **found}.items() if key in digests}
        from celery_lint.cache.store import write_atomically

        if write_atomically(self.file, kept):
            self._kept = kept
