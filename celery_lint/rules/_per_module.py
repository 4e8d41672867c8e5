"""The project part of the rules whose findings come one module at a time (CEL504,
CEL505, CEL508-CEL510): their module part (`Rule.project_module`, which flake8 runs
file by file) over each module whose text may hold a finding. One definition, so the
whole-project pass and the per-file one cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import ModuleCheck, ProjectCheck


def each_module(words: tuple[str, ...], module_findings: ModuleCheck) -> ProjectCheck:
    """A project check running `module_findings` over every module mentioning one of
    `words` (the text filter: no other module is parsed)."""

    def check(project: Project) -> Iterator[Finding]:
        for path in project.files_mentioning(*words):
            source = project.source(path)
            if source is not None:
                yield from module_findings(project, source)

    return check
