"""CEL107: a project's own setting spelled as an old Celery name (an upgrade hazard)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from celery_lint import celery_tables
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._reads import is_read
from celery_lint.rules._settings import celery_assignments
from celery_lint.rules.cel102 import CELERY_OLD_PREFIXES, HONOURED_FROM, REMOVED_IN
from celery_lint.versions import TargetVersion


def _what_celery_does(target: TargetVersion | None, key: str) -> str:
    if target is not None and target.version < HONOURED_FROM:
        return f"{target} ignores it, but Celery 5.7 reads old names again: after the upgrade it takes the value as {key}"
    return f"{target or 'Celery 5.7 and newer (until 6.0)'} reads it as {key}"


def _safe_name(project: Project, path: Path, name: str) -> str:
    """The name with the settings' top package in front (`PROJ_CELERY_QUEUES`): outside
    Celery's namespace and its old names."""
    module = project.module_name(path) or "project"
    return f"{module.partition('.')[0].upper()}_{name}"


def _new_name_set(project: Project, path: Path, key: str) -> bool:
    """Whether a settings module reading `path` sets `CELERY_<KEY>` too (or may: unknown)."""
    new = celery_tables.prefixed(key)
    return any(
        settings.ns.dynamic or settings.binding(new) is not None or settings.ns.has(new) is not False
        for settings in project.settings if path in settings.files
    )


def check(project: Project) -> Iterator[Finding]:
    target = project.celery_version
    if target is not None and target.version >= REMOVED_IN:
        return  # old names are gone: the project's name is its own again
    for path, name, node, readers in celery_assignments(project):
        if not (celery_tables.is_old_name(name) and name.startswith(CELERY_OLD_PREFIXES)) or not is_read(project, name):
            continue
        key = celery_tables.OLD_TO_NEW[name]
        if _new_name_set(project, path, key):
            continue  # Celery reads the new name first: the old one stays the project's
        yield RULE.finding(
            path, node,
            f"{name} is the project's own setting, but also the Celery 3 name of {key}: "
            f"{_what_celery_does(target, key)}, and a value that is not one for {key} breaks Celery (every .delay() "
            f"can fail); rename it outside Celery's namespace ({_safe_name(project, path, name)}){readers.which}",
            subject=name,
        )


_READER = """\
from django.conf import settings


def report_queues():
    return list(settings.CELERY_QUEUES)
"""

RULE = register(
    Rule(
        code="CEL107",
        severity="W",
        name="own-setting-is-old-name",
        summary="a project's own setting spelled as an old Celery name: Celery 5.7 reads it as its own",
        why="""\
Projects keep settings of their own next to Celery's, and some happen to spell a
Celery 3 name: `CELERY_QUEUES` for the project's list of report queues,
`CELERY_RESULT_SERIALIZER`... Celery 5.6 and older ignore old names under
`namespace="CELERY"` (CEL102), so the project's name was harmless. Celery 5.7 reads
old names again: after the upgrade, `CELERY_QUEUES = ("reports", "mail")` becomes
Celery's `task_queues`, and every `.delay()` fails with `AttributeError: 'str'
object has no attribute 'name'`. Celery 6.0 removes the old names.

CEL102 reports old names nothing in the project reads; this rule reports the ones
the project reads itself (or lists in `own-settings`), and suggests a spelling
outside the namespace.""",
        bad=Example(
            {"+proj/settings.py": 'CELERY_QUEUES = ("reports", "mail")\n', "demoapp/reports.py": _READER},
            findings=(("proj/settings.py", "CEL107"),),
        ),
        good=Example(
            {
                "+proj/settings.py": 'PROJ_CELERY_QUEUES = ("reports", "mail")\n',
                "demoapp/reports.py": _READER.replace("CELERY_QUEUES", "PROJ_CELERY_QUEUES"),
            }
        ),
        silent_on=(
            "old names nothing in the project reads (CEL102 reports those)",
            "projects targeting Celery 6.0 or newer (old names are gone)",
            "old names outside the CELERY and BROKER_ prefixes (S3_BUCKET, CASSANDRA_SERVERS)",
            "an old name beside its new spelling (BROKER_URL read to build CELERY_BROKER_URL): Celery reads the new "
            "one first",
        ),
        check_project=check,
    )
)
