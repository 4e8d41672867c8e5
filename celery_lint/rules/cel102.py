"""CEL102: an old (Celery 3) setting name."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import celery_tables
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Fix, Rule, register
from celery_lint.rules._fixes import renaming
from celery_lint.rules._reads import is_read
from celery_lint.rules._settings import celery_assignments
from celery_lint.versions import TargetVersion


HONOURED_FROM = (5, 7, 0)  # 5.7.0 reads old names under a namespace again (5.6.3 does not)
REMOVED_IN = (6, 0, 0)  # Celery's own deprecation notice: removal in 6.0.0


def verdict(target: TargetVersion | None) -> tuple[str, str]:
    """(what the target Celery does with an old name, severity): an error where the
    setting is not read, a warning where it is read but deprecated."""
    if target is None:
        return "ignored by Celery <= 5.6, deprecated in 5.7, removed in 6.0", "E"
    if target.version < HONOURED_FROM:
        return f"ignored by {target}; deprecated in 5.7, removed in 6.0", "E"
    if target.version < REMOVED_IN:
        return f"read by {target} but deprecated, removed in 6.0", "W"
    return f"not read by {target}: old names were removed in 6.0", "E"


# Old names outside these prefixes (S3_BUCKET, CASSANDRA_SERVERS, DATABASE_TABLE_SCHEMAS)
# are as likely the project's own settings as Celery's
CELERY_OLD_PREFIXES = ("CELERY", "BROKER_")


def _reported(project: Project, name: str) -> bool:
    return (
        celery_tables.is_old_name(name)
        and name.startswith(CELERY_OLD_PREFIXES)
        and not is_read(project, name)
    )


def check(project: Project) -> Iterator[Finding]:
    found = [
        (path, name, node, readers) for path, name, node, readers in celery_assignments(project)
        if not readers.read_by_any(name) and _reported(project, name)
    ]
    if not found:
        return
    what, severity = verdict(project.celery_version)
    for path, name, node, readers in found:
        new = celery_tables.prefixed(celery_tables.OLD_TO_NEW[name])
        yield RULE.finding(
            path, node, f"{name} is a Celery 3 name: {what}; use {new}{readers.which}", subject=name, severity=severity
        )


def _new_name(name: str) -> str | None:
    new = celery_tables.OLD_TO_NEW.get(name)
    return None if new is None else celery_tables.prefixed(new)


def _safety(finding: Finding) -> str:
    """Safe where the target Celery reads the old name anyway (a warning: 5.7): the
    rename changes nothing it does. Elsewhere the setting comes alive."""
    return "safe" if finding.severity == "W" else "unsafe"


RULE = register(
    Rule(
        code="CEL102",
        severity="E",
        name="old-setting-name",
        summary="an old (Celery 3) setting name, ignored by Celery <= 5.6 and removed in 6.0",
        why="""\
Celery 4 renamed its settings (`BROKER_URL` became `broker_url`, `CELERYD_CONCURRENCY`
became `worker_concurrency`). Under `namespace="CELERY"` the old names are not read at
all by Celery 5.6 and earlier, are read again but deprecated by 5.7, and are gone in
6.0. The setting to write is `CELERY_` plus the new name, from Celery's own mapping
(`celery.app.defaults`). Names that are valid both ways, such as
`CELERY_RESULT_BACKEND` or `CELERY_TIMEZONE`, are fine.

The message and severity follow the Celery version the project targets
(`celery-version` in `[tool.celery-lint]`, else its pins, else the installed Celery):
an error where the setting is ignored (<= 5.6) or removed (>= 6.0), a warning on
5.7, which reads it but deprecates it. In `manage.py check` the id is
`celery_lint.E102` at either level (an `Error`, or on 5.7 a message of level
`Warning`), so `SILENCED_SYSTEM_CHECKS = ["celery_lint.E102"]` keeps it silenced
across a Celery upgrade.""",
        bad=Example(
            {"+proj/settings.py": "CELERYD_CONCURRENCY = 4\n"},
            findings=(("proj/settings.py", "CEL102"),),
        ),
        good=Example({"+proj/settings.py": "CELERY_WORKER_CONCURRENCY = 4\n"}),
        silent_on=(
            "old names in settings that another app of the project reads without a namespace",
            "names that are the old and the new name at once (CELERY_RESULT_BACKEND, CELERY_TIMEZONE, CELERY_IMPORTS)",
            "projects whose Celery app has no namespace (old names are what Celery reads then) or an unreadable one",
            "old names without a CELERY/BROKER_ prefix (S3_BUCKET, CASSANDRA_SERVERS): as likely the project's own",
            "names the project reads itself (used in the settings, settings.X, getattr(settings, 'X'))",
        ),
        fix=Fix(
            "unsafe",
            "Renames the setting through Celery's own old-to-new map (`CELERYD_CONCURRENCY` becomes "
            "`CELERY_WORKER_CONCURRENCY`). Safe where the target Celery reads the old name anyway (5.7: the "
            "same value is read under the new name); unsafe on Celery <= 5.6 and >= 6.0, which ignore the old "
            "name: a setting that was ignored comes alive. Never done when the new name is already assigned.",
            renaming(_new_name),
            {"+proj/settings.py": "CELERY_WORKER_CONCURRENCY = 4\n"},
            safety_of=_safety,
        ),
        check_project=check,
    )
)
