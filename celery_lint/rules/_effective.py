"""The effective value of a Celery setting, for the production checks (CEL5xx).

One reader for "what does this app run with for X": the Django settings chain under
the app's namespace (star imports followed, old names and unreadable namespaces as the
CEL1xx rules decide them), then the app module's own writes (`app.conf.x = ...`,
`app.conf.update(...)`, `Celery(broker=...)`), then Celery's default
(`celery.app.defaults`). UNKNOWN whenever the source does not tell: a rule stays
silent on it.

The production checks read the settings modules a deployment may run: those named
for tests or development (`settings/test.py`, `local.py`) are left out, and so are
values written in test modules (`conftest.py`, `tests/`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import celery_tables
from celery_lint.evaluate import UNKNOWN, options
from celery_lint.project import Project, Settings
from celery_lint.project.settings_names import named_for_tests_or_development
from celery_lint.rules._celeryconf import NOT_SET, Setting, effective, is_test_module


class Value(NamedTuple):
    """What Celery uses for one setting: `values` are its possible values (several when
    branches disagree), empty when UNKNOWN; `where` is the write (NOT_SET: the default)."""

    key: str
    values: tuple[Any, ...]
    where: Setting

    @property
    def known(self) -> bool:
        return bool(self.values)

    @property
    def is_default(self) -> bool:
        return self.where.value is NOT_SET

    @property
    def path(self) -> Path | None:
        return self.where.path

    @property
    def line(self) -> int:
        return self.where.line

    @property
    def name(self) -> str:
        """The setting as written (`CELERY_ACCEPT_CONTENT`), else its Django name."""
        return self.where.name or celery_tables.prefixed(self.key)

    def only(self) -> Any:
        """The one value, UNKNOWN when there are several or none."""
        return self.values[0] if len(self.values) == 1 else UNKNOWN


def value(project: Project, settings: Settings, key: str) -> Value:
    """The effective value of `key` for the app reading `settings`."""
    found = effective(project, settings, key)
    if found.value is NOT_SET:
        if key not in celery_tables.DEFAULTS:
            return Value(key, (), found)
        return Value(key, (celery_tables.DEFAULTS[key],), found)
    if found.value is UNKNOWN:
        return Value(key, (), found)
    values = tuple(options(found.value))
    if any(v is UNKNOWN for v in values):
        return Value(key, (), found)
    return Value(key, values, found)


def production_settings(project: Project) -> list[Settings]:
    """The settings modules a deployment may run, under a namespace the analysis reads."""
    if project.namespace_value is UNKNOWN:
        return []
    return [
        s for s in project.settings
        if not named_for_tests_or_development(s.module) and not is_test_module(project, s.path)
    ]


def written(project: Project, key: str) -> Iterator[tuple[Settings, Value]]:
    """(settings, value) for each production settings module whose value of `key` is
    written somewhere outside test modules and known, once per write."""
    seen: set[tuple[Path, int]] = set()
    for settings in production_settings(project):
        found = value(project, settings, key)
        if not found.known or found.is_default or found.path is None or is_test_module(project, found.path):
            continue
        if (found.path, found.line) in seen:
            continue
        seen.add((found.path, found.line))
        yield settings, found
