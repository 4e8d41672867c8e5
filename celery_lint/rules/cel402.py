"""CEL402: DatabaseScheduler with CELERY_TIMEZONE unset and TIME_ZONE not UTC."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery_lint.evaluate import UNKNOWN, options
from celery_lint.findings import Finding
from celery_lint.project import Project, Settings
from celery_lint.project.app_settings import settings_readers
from celery_lint.registry import Edits, Example, Fix, Rule, register
from celery_lint.rules._fixes import unassigned
from celery_lint.rules._celeryconf import NOT_SET, effective
from celery_lint.rules.cel304 import BEAT_APP, beat_settings, is_database_scheduler

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext

#: Django's TIME_ZONE when the settings do not set it (`django/conf/global_settings.py`)
DJANGO_DEFAULT_TIME_ZONE = "America/Chicago"
#: zone names that are UTC all year round
UTC_NAMES = frozenset(
    name.lower()
    for name in (
        "UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
        "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "GMT-0", "Etc/GMT+0", "Etc/GMT-0",
        "Greenwich", "Etc/Greenwich",
    )
)


def is_utc(zone: str) -> bool:
    return zone.lower() in UTC_NAMES


def time_zone(settings: Settings) -> Any:
    """Django's TIME_ZONE for these settings: a string, None, or UNKNOWN."""
    has = settings.ns.has("TIME_ZONE")
    if settings.ns.dynamic or has is UNKNOWN:
        return UNKNOWN
    if has is False:
        return DJANGO_DEFAULT_TIME_ZONE
    values = options(settings.value("TIME_ZONE"))
    if len(values) != 1 or not isinstance(values[0], (str, type(None))):
        return UNKNOWN
    return values[0]


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[Path, int]] = set()
    for settings, reader in ((s, r) for s in project.settings for r in settings_readers(project, s)):
        if reader.namespace not in ("CELERY", None):
            continue  # the crontab default reads "<namespace>_TIMEZONE": only these two are plain
        scheduler = effective(project, settings, "beat_scheduler", reader)
        if not scheduler.known or scheduler.path is None or (scheduler.path, scheduler.line) in seen:
            continue
        if is_database_scheduler(project, scheduler.value) is not True:
            continue
        if project.is_installed(settings, BEAT_APP) is not True:
            continue  # CEL304 reports a missing app
        if effective(project, settings, "timezone", reader).value is not NOT_SET:
            continue
        zone = time_zone(settings)
        if not isinstance(zone, str) or is_utc(zone):
            continue
        seen.add((scheduler.path, scheduler.line))
        where = "TIME_ZONE" if settings.ns.has("TIME_ZONE") is True else "Django's default TIME_ZONE"
        yield RULE.finding(
            scheduler.path, scheduler.line,
            f"CELERY_TIMEZONE is unset: Celery runs on {where} ({zone!r}) but django-celery-beat creates "
            f"crontab schedules in 'UTC' (CrontabSchedule.timezone defaults to CELERY_TIMEZONE, else UTC), "
            f"so crontabs added in the admin fire at UTC times; set CELERY_TIMEZONE = TIME_ZONE",
            subject="timezone",
        )


def _binds_time_zone(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    else:
        targets = [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
    return any(isinstance(t, ast.Name) and t.id == "TIME_ZONE" for t in targets)


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """`CELERY_TIMEZONE = TIME_ZONE` on the line after this file's (last, module-level)
    TIME_ZONE assignment; not when TIME_ZONE is set elsewhere or CELERY_TIMEZONE anywhere."""
    if not finding.message.startswith("CELERY_TIMEZONE is unset: Celery runs on TIME_ZONE "):
        return []  # Django's default TIME_ZONE: the settings do not spell it
    binding = [s for s in ctx.tree.body if _binds_time_zone(s)]
    if not binding or not unassigned(ctx, "CELERY_TIMEZONE") or ctx.assigned("CELERY_TIMEZONE"):
        return []
    last = binding[-1]
    end_line = last.end_lineno or last.lineno
    rest = ctx.text[ctx.span(last)[1]:ctx.after_line(end_line)].strip()
    rebound = any(
        isinstance(n, ast.Name) and n.id == "TIME_ZONE" and isinstance(n.ctx, ast.Store) and n.lineno > end_line
        for n in ast.walk(ctx.tree)
    )
    if last.col_offset or rebound or rest and not rest.startswith("#"):
        return []
    chains = [s for s in ctx.project.settings if ctx.path in s.files]
    if not all((b := s.binding("TIME_ZONE")) is not None and (b.path, b.line) == (ctx.path, last.lineno) for s in chains):
        return []  # the TIME_ZONE in force is another file's (or another line's)
    at = ctx.after_line(end_line)
    prefix = "" if ctx.text[:at].endswith(("\n", "\r")) else ctx.newline
    return [(at, at, f"{prefix}CELERY_TIMEZONE = TIME_ZONE{ctx.newline}")]


RULE = register(
    Rule(
        code="CEL402",
        severity="W",
        name="beat-crontab-timezone",
        summary="DatabaseScheduler with CELERY_TIMEZONE unset and TIME_ZONE not UTC",
        why="""\
Celery's time zone is `CELERY_TIMEZONE`, else Django's `TIME_ZONE` (itself
`'America/Chicago'` when the settings leave it out). django-celery-beat's
`CrontabSchedule.timezone` field defaults to `CELERY_TIMEZONE`, else `'UTC'`
(`django_celery_beat/models.py`, `crontab_schedule_celery_timezone`) -- never to
`TIME_ZONE`. With `CELERY_TIMEZONE` unset and `TIME_ZONE = 'Europe/Paris'`, a crontab
"every day at 9:00" created in the admin runs at 9:00 UTC while everything else
in the project, Celery included, speaks Paris time. Setting
`CELERY_TIMEZONE = TIME_ZONE` makes both agree.""",
        bad=Example(
            {"proj/settings.py": beat_settings(True, "Europe/Paris")}, findings=(("proj/settings.py", "CEL402"),)
        ),
        good=Example({"proj/settings.py": beat_settings(True, "Europe/Paris", "CELERY_TIMEZONE = TIME_ZONE\n")}),
        silent_on=(
            "TIME_ZONE = 'UTC' (or another zone that is UTC all year), or CELERY_TIMEZONE set",
            "schedulers other than the DatabaseScheduler; django_celery_beat not installed (CEL304)",
            "TIME_ZONE, the scheduler or the timezone set in ways the analysis cannot follow",
            "settings read only by apps with another namespace than 'CELERY' (or none), or one the analysis "
            "cannot read: each settings module is judged for each app reading it",
        ),
        fix=Fix(
            "safe",
            "Inserts `CELERY_TIMEZONE = TIME_ZONE` on the line after the settings' `TIME_ZONE`. Safe: Celery "
            "already runs on TIME_ZONE (its timezone is TIME_ZONE when CELERY_TIMEZONE is unset), so only "
            "django-celery-beat's default for new crontabs changes, to the zone the message names. Not fixed "
            "when TIME_ZONE is Django's default (not written in the settings) or assigned in another file.",
            fix,
            {
                "proj/settings.py": beat_settings(True, "Europe/Paris").replace(
                    'TIME_ZONE = "Europe/Paris"\n', 'TIME_ZONE = "Europe/Paris"\nCELERY_TIMEZONE = TIME_ZONE\n'
                )
            },
        ),
        check_project=check,
    )
)
