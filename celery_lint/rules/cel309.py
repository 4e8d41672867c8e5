"""CEL309: django-celery-beat's DatabaseScheduler with USE_TZ = False, on the
django-celery-beat releases that misread naive times."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from celery_lint.evaluate import options
from celery_lint.findings import Finding
from celery_lint.project import Project, Settings
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import effective
from celery_lint.rules.cel304 import BEAT_APP, beat_settings, is_database_scheduler
from celery_lint.rules.cel402 import is_utc, time_zone
from celery_lint.versions import (
    INSTALLED, TargetVersion, VersionError, format_version, parse_version, pin_directories, pinned,
)

PACKAGE = "django-celery-beat"
#: `celery beat` fails at start: `get_excluded_hours_for_crontab_tasks` calls
#: `timezone.localtime()` on a naive datetime (django-celery-beat#874, fixed in 2.8.1)
FAILS_AT_START = (2, 8, 0)
#: from 2.8.1, `ModelEntry` takes `last_run_at = model.date_changed` (naive, in TIME_ZONE)
#: and `is_due` reads it as UTC (`maybe_make_aware`; django-celery-beat#918); 2.9.0,
#: the newest release, is the last one checked
MISREADS_FROM, CHECKED_UP_TO = (2, 8, 1), (2, 9, 999)


def beat_version(root: Path) -> TargetVersion | None:
    """The django-celery-beat the project runs: its pin (read as `versions` reads
    Celery's), else the one installed beside celery-lint, else None (unknown)."""
    found = pinned(pin_directories(root), PACKAGE)
    if found is not None:
        return found
    from importlib import metadata  # only when a project has the DatabaseScheduler and USE_TZ = False

    try:
        return TargetVersion(parse_version(metadata.version(PACKAGE)), INSTALLED)
    except (metadata.PackageNotFoundError, VersionError):
        return None


def _use_tz_false(settings: Settings) -> bool:
    binding = settings.binding("USE_TZ")
    return not settings.ns.dynamic and binding is not None and options(binding.value) == (False,)


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[Path, int]] = set()
    for settings in project.settings:
        binding = settings.binding("USE_TZ")
        if binding is None or not _use_tz_false(settings) or (binding.path, binding.line) in seen:
            continue
        scheduler = effective(project, settings, "beat_scheduler")
        if not scheduler.known or is_database_scheduler(project, scheduler.value) is not True:
            continue
        if project.is_installed(settings, BEAT_APP) is not True:
            continue  # CEL304 reports a missing app
        version = beat_version(project.root)
        if version is None:
            continue  # which release runs is unknown: each behaves differently
        shown = f"django-celery-beat {format_version(version.version)} from {version.source}"
        if version.version[:3] == FAILS_AT_START:
            message = (
                f"USE_TZ = False with django-celery-beat's DatabaseScheduler on {shown}: `celery beat` fails as "
                f"it loads the schedule (ValueError: localtime() cannot be applied to a naive datetime); "
                f"set USE_TZ = True"
            )
        elif MISREADS_FROM <= version.version <= CHECKED_UP_TO:
            zone = time_zone(settings)
            if not isinstance(zone, str) or is_utc(zone):
                continue
            message = (
                f"USE_TZ = False with django-celery-beat's DatabaseScheduler on {shown}: a periodic task that has "
                f"not run yet (new, or disabled and enabled again) is due from its naive date_changed, written in TIME_ZONE "
                f"{zone!r} but read as UTC, so its run comes off by {zone}'s UTC offset: hours late east of "
                f"UTC, at once west of it; set USE_TZ = True"
            )
        else:
            continue
        seen.add((binding.path, binding.line))
        yield RULE.finding(binding.path, binding.line, message, subject="USE_TZ")


def example(use_tz: bool, pin: str = "django-celery-beat==2.9.0\n") -> Example:
    text = beat_settings(True, "Europe/Paris", "CELERY_TIMEZONE = TIME_ZONE\n")
    return Example({"proj/settings.py": text.replace("USE_TZ = True\n", f"USE_TZ = {use_tz}\n"), "requirements.txt": pin})


RULE = register(
    Rule(
        code="CEL309",
        severity="W",
        name="beat-database-scheduler-naive-times",
        summary="django-celery-beat's DatabaseScheduler with USE_TZ = False on a release that misreads naive times",
        why="""\
With `USE_TZ = False` Django stores naive datetimes in `TIME_ZONE`, and
django-celery-beat's `ModelEntry.is_due` reads a naive `last_run_at` as UTC
(`celery.utils.time.maybe_make_aware`). From django-celery-beat 2.8.1, a periodic
task that has not run yet takes its `date_changed` (naive, local) as its last run
(`schedulers.py`, `ModelEntry.__init__`; django-celery-beat#918): with
`TIME_ZONE = "Europe/Paris"` a task every minute first runs an hour late, with
`"America/New_York"` it is due at once. In 2.8.0, `celery beat` fails at start
(`ValueError: localtime() cannot be applied to a naive datetime`,
django-celery-beat#874). Releases up to 2.7 compute the first run right.

The version is the project's django-celery-beat pin (read like the Celery pin:
lock files, requirement files, pyproject.toml, ...), else the django-celery-beat
installed beside celery-lint. Checked against 2.5.0 to 2.9.0, the newest release:
a release after 2.9 is not reported until it is checked. Set `USE_TZ = True`
(Django's default since 5.0).""",
        bad=Example(example(False).files, findings=(("proj/settings.py", "CEL309"),)),
        good=example(True),
        silent_on=(
            "USE_TZ = True or not set in the settings (Django 4.2 defaults to False, 5.0 to True), "
            "or set in a way the analysis cannot follow",
            "TIME_ZONE that is UTC all year (2.8.1 to 2.9: naive local time is then UTC)",
            "django-celery-beat up to 2.7 or after 2.9, or whose version is neither pinned nor installed",
            "schedulers other than the DatabaseScheduler; django_celery_beat not installed (CEL304)",
        ),
        check_project=check,
    )
)
