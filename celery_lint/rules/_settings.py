"""What the settings rules share: the assignments in settings modules (the names the
project reads itself are `_reads`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from celery_lint.project import Project, module_statements

# Celery setting groups no other library or project names its settings after; keys of
# the other groups (redis_host, database_url, security_key, timezone, imports) are
# common words in Django settings and are left alone
CELERY_GROUPS = ("task_", "worker_", "result_", "beat_", "event_", "broker_", "accept_content")


def celery_specific(key: str) -> bool:
    """Whether a new-style Celery key (`task_always_eager`) can only mean Celery's setting."""
    return key.startswith(CELERY_GROUPS)


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
    namespace = project.namespace_value
    return isinstance(namespace, str) and namespace.rstrip("_") == "CELERY"  # Celery adds the "_" itself

