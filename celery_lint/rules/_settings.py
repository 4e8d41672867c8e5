"""What the settings rules share: the assignments in settings modules, and the
`CELERY_*` names the project reads itself."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from celery_lint.project import Project, module_statements
from celery_lint.project.configurations import ConfigClass, class_statements

_CELERY_WORD = re.compile(r"\bCELERY_[A-Z0-9_]+\b")
# `settings.NAME` and `getattr(settings, "NAME")` outside the settings modules
_SETTINGS_READ = re.compile(r"""\bsettings\s*\.\s*([A-Za-z_]\w*)|\bgetattr\(\s*[\w.]*settings\s*,\s*["']([A-Za-z_]\w*)["']""")
# methods that change a setting in place rather than read it
_MUTATORS = frozenset({"update", "append", "extend", "insert", "setdefault", "pop", "remove", "clear"})
# Celery setting groups no other library or project names its settings after; keys of
# the other groups (redis_host, database_url, security_key, timezone, imports) are
# common words in Django settings and are left alone
CELERY_GROUPS = ("task_", "worker_", "result_", "beat_", "event_", "broker_", "accept_content")


def celery_specific(key: str) -> bool:
    """Whether a new-style Celery key (`task_always_eager`) can only mean Celery's setting."""
    return key.startswith(CELERY_GROUPS)


@lru_cache(maxsize=64)
def configuration_classes(project: Project) -> dict[Path, list[ConfigClass]]:
    """The django-configurations classes whose attributes are settings, by file."""
    found: dict[Path, list[ConfigClass]] = {}
    for settings in project.settings:
        for cls in settings.configuration.classes if settings.configuration else ():
            if cls not in found.setdefault(cls.path, []):
                found[cls.path].append(cls)
    return found


def assignments(project: Project) -> Iterator[tuple[Path, str, ast.expr]]:
    """(file, name, target node) for every module-level name assignment in the
    project's settings modules, those under if/try/with included, and every
    attribute assignment of the configuration classes read (django-configurations),
    in file order."""
    classes = configuration_classes(project)
    for path in sorted(project.settings_files):
        source = project.source(path)
        if source is None:
            continue
        statements = list(module_statements(source.tree))
        for cls in classes.get(path, []):
            statements += class_statements(project, cls)
        for stmt in statements:
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


@lru_cache(maxsize=64)
def names_read(project: Project) -> frozenset[str]:
    """Setting names the project uses itself: names loaded in the settings modules,
    `settings.X` and `getattr(settings, "X")` elsewhere, any `CELERY_*` word outside the
    settings, and those configured as `own-settings`."""
    found: set[str] = set(project.options.own_settings)
    settings_files = project.settings_files
    for path in settings_files:
        source = project.source(path)
        if source is None:
            continue
        # a name whose value is used there is a helper (REDIS_HOST building CELERY_BROKER_URL);
        # `X["k"] = v` and `X.update(...)` only change the setting
        changed = {id(n.value) for n in source.nodes(ast.Subscript) if not isinstance(n.ctx, ast.Load)}
        changed |= {
            id(n.func.value) for n in source.nodes(ast.Call)
            if isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS
        }
        found.update(n.id for n in source.nodes(ast.Name) if isinstance(n.ctx, ast.Load) and id(n) not in changed)
        if path in configuration_classes(project):  # a class's settings read as self.X, cls.X, Base.X
            found.update(
                n.attr for n in source.nodes(ast.Attribute)
                if isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name) and id(n) not in changed
            )
        for node in source.nodes(ast.Constant):
            if isinstance(node.value, str) and _CELERY_WORD.fullmatch(node.value):
                found.add(node.value)
    for path in project.files_mentioning("settings", "CELERY_"):
        if path not in settings_files:
            text = project.text(path) or ""
            found.update(_CELERY_WORD.findall(text))
            found.update(a or b for a, b in _SETTINGS_READ.findall(text))
    return frozenset(found)
