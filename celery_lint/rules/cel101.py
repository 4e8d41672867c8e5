"""CEL101: a new-style Celery setting without the CELERY_ prefix."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import celery_tables
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Fix, Rule, register
from celery_lint.rules._fixes import renaming
from celery_lint.rules._reads import is_read
from celery_lint.rules._settings import celery_assignments, celery_specific


def check(project: Project) -> Iterator[Finding]:
    for path, name, node, readers in celery_assignments(project):
        key = celery_tables.unprefixed_new_key(name)
        if key is None or not celery_specific(key) or readers.read_by_any(name) or is_read(project, name):
            continue
        yield RULE.finding(
            path, node,
            f"{name} is ignored: with namespace='CELERY' Celery reads {celery_tables.prefixed(key)}{readers.which}",
            subject=name,
        )


def _new_name(name: str) -> str | None:
    key = celery_tables.unprefixed_new_key(name)
    return None if key is None else celery_tables.prefixed(key)


RULE = register(
    Rule(
        code="CEL101",
        severity="E",
        name="setting-without-prefix",
        summary="a new-style Celery setting without the CELERY_ prefix is ignored",
        why="""\
With `app.config_from_object("django.conf:settings", namespace="CELERY")`, Celery
reads each setting as `CELERY_` plus its name in upper case: `task_always_eager` is
`CELERY_TASK_ALWAYS_EAGER`. A Django setting named `TASK_ALWAYS_EAGER` is never
looked at, and Celery silently keeps its default.""",
        bad=Example(
            {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"},
            findings=(("proj/settings.py", "CEL101"),),
        ),
        good=Example(
            {"+proj/settings.py": "CELERY_TASK_ALWAYS_EAGER = True\n"},
        ),
        silent_on=(
            "settings with the CELERY_ prefix, and Celery 3 names (CEL102 reports those)",
            "projects whose Celery app has no namespace, a lowercase one (CEL003), or one the analysis cannot read",
            "names that are not Celery settings",
            "keys of Celery groups that other code names settings after too (DATABASE_URL, REDIS_HOST, "
            "SECURITY_KEY, TIMEZONE, IMPORTS)",
            "names the project reads itself (used in the settings, settings.X, getattr(settings, 'X'))",
        ),
        fix=Fix(
            "unsafe",
            "Renames the setting to the name Celery reads (`TASK_ALWAYS_EAGER` becomes "
            "`CELERY_TASK_ALWAYS_EAGER`). Unsafe: a setting Celery never read comes alive, and the worker's "
            "behaviour changes to the value written there. Never done when the new name is already assigned.",
            renaming(_new_name),
            {"+proj/settings.py": "CELERY_TASK_ALWAYS_EAGER = True\n"},
        ),
        check_project=check,
    )
)
