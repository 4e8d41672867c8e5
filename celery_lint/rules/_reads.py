"""The setting names a project reads itself: such a name is the project's own setting
(or a helper building a real one), never reported as one Celery ignores.

A name is read where code loads it: `settings.X` or `getattr(settings, "X"[,
default])` (also `hasattr`) on Django's settings object or a settings module,
`from proj.settings import X`, a name load in a settings module
(`CELERY_BROKER_URL = CELERY_BROKER`), or it is listed in `own-settings`. A comment,
a docstring, a string elsewhere or another assignment spelling the name is no read.
Only the files whose text spells the name are parsed, and only for the few names a
rule is about to report.
"""

from __future__ import annotations

import ast
from functools import lru_cache

from celery_lint.evaluate import absolute_module
from celery_lint.project import DJANGO_SETTINGS_OBJECT, Project, SourceModule
from celery_lint.project.configurations import configuration_classes

# methods that change a setting in place rather than read it
_MUTATORS = frozenset({"update", "append", "extend", "insert", "setdefault", "pop", "remove", "clear"})
_LOOKUPS = frozenset({"getattr", "hasattr"})


def is_read(project: Project, name: str) -> bool:
    """Whether the project reads the setting `name` itself (or configures it as its own)."""
    return name in project.options.own_settings or name in _loaded_in_settings(project) or _read_elsewhere(
        project, name
    )


@lru_cache(maxsize=64)
def _loaded_in_settings(project: Project) -> frozenset[str]:
    """Names whose value the settings modules use: a helper (REDIS_HOST building
    CELERY_BROKER_URL); `X["k"] = v` and `X.update(...)` only change the setting.
    A configuration class's settings are read as `self.X`, `cls.X` or `Base.X`."""
    found: set[str] = set()
    classes = configuration_classes(project)
    for path in project.settings_files:
        source = project.source(path)
        if source is None:
            continue
        changed = {id(n.value) for n in source.nodes(ast.Subscript) if not isinstance(n.ctx, ast.Load)}
        changed |= {
            id(n.func.value) for n in source.nodes(ast.Call)
            if isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS
        }
        found.update(n.id for n in source.nodes(ast.Name) if isinstance(n.ctx, ast.Load) and id(n) not in changed)
        if path in classes:
            found.update(
                n.attr for n in source.nodes(ast.Attribute)
                if isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name) and id(n) not in changed
            )
    return frozenset(found)


@lru_cache(maxsize=1024)
def _read_elsewhere(project: Project, name: str) -> bool:
    settings_files = project.settings_files
    for path in project.files_mentioning(name):
        if path in settings_files:
            continue
        source = project.source(path)
        if source is not None and _reads(project, source, name):
            return True
    return False


def _reads(project: Project, source: SourceModule, name: str) -> bool:
    for node in source.nodes(ast.Attribute):
        if node.attr == name and isinstance(node.ctx, ast.Load) and _is_settings(project, source, node.value):
            return True
    for call in source.nodes(ast.Call):
        if (
            isinstance(call.func, ast.Name)
            and call.func.id in _LOOKUPS
            and len(call.args) >= 2
            and isinstance(call.args[1], ast.Constant)
            and call.args[1].value == name
            and _is_settings(project, source, call.args[0])
        ):
            return True
    for imported in source.nodes(ast.ImportFrom):
        module = absolute_module(source.module or "", source.path, imported)
        if any(a.name == name for a in imported.names) and module and project.is_settings_module(module):
            return True
    return False


def _is_settings(project: Project, source: SourceModule, node: ast.expr) -> bool:
    """Django's settings object, a project settings module, or a receiver spelled
    `settings` that the analysis cannot resolve (`self.settings`, a parameter)."""
    qualname = source.qualname(node)
    if qualname is not None:
        return qualname == DJANGO_SETTINGS_OBJECT or project.is_settings_module(qualname) or (
            qualname.rpartition(".")[2] == "settings" and not qualname.startswith("django.")
        )
    last = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
    return last == "settings"

