"""What the settings rules share: the assignments in settings modules, and which Celery
apps read each of them with which namespace (the names the project reads itself are
`_reads`).

Several apps may read one settings module with different namespaces (`CELERY` and
`WORKER`). The per-name rules judge a name for the apps reading it under
namespace 'CELERY'; a name is reported only when no app reading that module reads
it (`WORKER_BROKER_URL` is the second app's setting, `CELERY_BROKER` is nobody's), and
once, naming the app when there are several.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import celery_tables
from celery_lint.evaluate import UNKNOWN
from celery_lint.project import Project, module_statements
from celery_lint.project.configurations import class_statements, configuration_classes
from celery_lint.project.settings import star_chain

# Celery setting groups no other library or project names its settings after; keys of
# the other groups (redis_host, database_url, security_key, timezone, imports) are
# common words in Django settings and are left alone
CELERY_GROUPS = ("task_", "worker_", "result_", "beat_", "event_", "broker_", "accept_content")


def celery_specific(key: str) -> bool:
    """Whether a new-style Celery key (`task_always_eager`) can only mean Celery's setting."""
    return key.startswith(CELERY_GROUPS)


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


class Reader(NamedTuple):
    """An app reading a settings module: its label (None for the configured
    `namespace`), its namespace, and whether it reads the module's attributes itself
    (`config_from_object("proj.settings")`) rather than through Django's settings."""

    label: str | None
    namespace: Any
    direct: bool = False

    @property
    def is_celery(self) -> bool:
        return isinstance(self.namespace, str) and self.namespace.rstrip("_") == "CELERY"  # Celery adds the "_"

    def reads(self, name: str) -> bool:
        """Whether this app reads the setting `name` (as the name of a setting, its
        value aside): `<NAMESPACE>_<KEY>`, an old name without a namespace, or a
        lowercase key in a module read directly (Django's settings expose none)."""
        if self.direct and name in celery_tables.NEW_KEYS:
            return True
        if not self.namespace:
            return name in celery_tables.OLD_TO_NEW
        prefix = str(self.namespace).rstrip("_") + "_"
        if self.namespace != str(self.namespace).upper() or not name.startswith(prefix):
            return False
        return name[len(prefix):].lower() in celery_tables.NEW_KEYS

    def __str__(self) -> str:
        return f"{self.label} (namespace {self.namespace!r})"


class Readers(NamedTuple):
    """The apps reading one settings module, those under namespace 'CELERY' first."""

    celery: list[Reader]
    others: list[Reader]

    def read_by_any(self, name: str) -> bool:
        """Whether one of the apps reads `name` (a name the rules would report is never
        read by an app reading Django's settings under namespace 'CELERY')."""
        return any(r.reads(name) for r in self.celery + self.others)

    @property
    def which(self) -> str:
        """Which app a finding is about, when several read the module ("" for one)."""
        if len(self.celery) + len(self.others) < 2:
            return ""
        apps = ", ".join(str(r.label) for r in self.celery)
        others = ", ".join(map(str, self.others))
        return f" (for the app{'s' if len(self.celery) > 1 else ''} {apps} with namespace 'CELERY'" + (
            f"; {others} also read{'s' if len(self.others) == 1 else ''} these settings, not this name)"
            if others else ")"
        )


@lru_cache(maxsize=64)
def _readers(project: Project) -> dict[Path, list[Reader]]:
    """The apps reading each settings file: an app configured from Django's settings
    reads every settings module of the project, one given a settings module's name
    reads that module and what it star-imports."""
    if project.options.namespace is not None:
        configured = Reader(None, project.options.namespace or None)
        return {path: [configured] for path in project.settings_files}
    found: dict[Path, list[Reader]] = {}
    for app in project.django_apps:
        files: set[Path] = set()
        direct = False
        for config in app.config_calls:
            if config.reads_django_settings:
                files |= project.settings_files
            elif config.settings_module is not None:
                files.update(star_chain(project, config.settings_module))
                direct = True
        reader = Reader(app.label, app.namespace, direct)
        for path in files:
            if reader not in found.setdefault(path, []):
                found[path].append(reader)
    return found


def celery_assignments(project: Project) -> Iterator[tuple[Path, str, ast.expr, Readers]]:
    """The `assignments` of the settings modules some app reads under namespace
    'CELERY' (and none with a namespace the analysis cannot read), with their readers."""
    return iter(_celery_assignments(project))


@lru_cache(maxsize=64)
def _celery_assignments(project: Project) -> list[tuple[Path, str, ast.expr, Readers]]:
    """`celery_assignments`, found once per project: seven rules ask (settings of
    thousands of lines, star-import chains of hundreds of modules)."""
    readers = _readers(project)
    found = []
    for path, name, node in assignments(project):
        apps = readers.get(path, [])
        if any(r.namespace is UNKNOWN for r in apps):
            continue
        celery = [r for r in apps if r.is_celery]
        if celery:
            found.append((path, name, node, Readers(celery, [r for r in apps if not r.is_celery])))
    return found

