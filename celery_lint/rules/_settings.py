"""What the settings rules share: the assignments in settings modules, and the
`CELERY_*` names the project reads itself."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from celery_lint.project import Project, module_statements

_CELERY_WORD = re.compile(r"\bCELERY_[A-Z0-9_]+\b")


def assignments(project: Project) -> Iterator[tuple[Path, str, ast.expr]]:
    """(file, name, target node) for every module-level name assignment in the
    project's settings modules, those under if/try/with included, in file order."""
    for path in sorted(project.settings_files):
        source = project.source(path)
        if source is None:
            continue
        for stmt in module_statements(source.tree):
            targets: list[ast.expr] = []
            if isinstance(stmt, ast.Assign):
                targets = stmt.targets
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                targets = [stmt.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        yield path, node.id, node


def namespace_is_celery(project: Project) -> bool:
    """Per-name settings rules apply only under namespace="CELERY" (else CEL003 speaks)."""
    return project.namespace_value == "CELERY"


@lru_cache(maxsize=64)
def names_read(project: Project) -> frozenset[str]:
    """`CELERY_*` names mentioned outside settings assignments: the project's own settings."""
    found: set[str] = set()
    settings_files = project.settings_files
    for path in project.files_mentioning("CELERY_"):
        if path in settings_files:
            source = project.source(path)
            if source is None:
                continue
            for node in source.nodes(ast.Name):
                if isinstance(node.ctx, ast.Load) and node.id.startswith("CELERY_"):
                    found.add(node.id)
            for node in source.nodes(ast.Constant):
                if isinstance(node.value, str) and _CELERY_WORD.fullmatch(node.value):
                    found.add(node.value)
        else:
            found.update(_CELERY_WORD.findall(project.text(path) or ""))
    return frozenset(found)
