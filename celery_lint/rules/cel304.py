"""CEL304: django-celery-beat's DatabaseScheduler without django_celery_beat installed."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from celery_lint.evaluate import UNKNOWN, Ref, options
from celery_lint.examples import settings_module
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import effective

BEAT_APP = "django_celery_beat"
DATABASE_SCHEDULER = "django_celery_beat.schedulers.DatabaseScheduler"
#: the spellings Celery resolves to it: the `celery.beat_schedulers` entry point of
#: django-celery-beat, and `symbol_by_name` paths with ":" or "."
SPELLINGS = frozenset({"django", "django_celery_beat.schedulers:DatabaseScheduler", DATABASE_SCHEDULER})
_MAX_DEPTH = 8


def is_database_scheduler(project: Project, value: Any) -> Any:
    """Whether a `beat_scheduler` value is the DatabaseScheduler or a subclass: True,
    False, or UNKNOWN (a project class whose bases the analysis cannot resolve)."""
    answers = {_one(project, option, 0) for option in options(value)}
    return answers.pop() if len(answers) == 1 else UNKNOWN


def _one(project: Project, value: Any, depth: int) -> Any:
    if value is UNKNOWN or depth > _MAX_DEPTH:
        return UNKNOWN
    if value is None:
        return False  # Celery's default, the PersistentScheduler
    if isinstance(value, Ref):
        value = value.qualname
    if not isinstance(value, str):
        return UNKNOWN
    if value in SPELLINGS:
        return True
    module, _, name = value.rpartition(":") if ":" in value else value.rpartition(".")
    source = project.source_of(module) if module else None
    if source is None:
        return False  # a library's scheduler other than the DatabaseScheduler, or an alias
    for node in source.tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            bases = [source.local_qualname(b) for b in node.bases]
            answers = {_one(project, b, depth + 1) if b else UNKNOWN for b in bases}
            if True in answers:
                return True
            return UNKNOWN if UNKNOWN in answers else False
    imported = source.aliases.get(name)
    return _one(project, imported, depth + 1) if imported else UNKNOWN


def check(project: Project) -> Iterator[Finding]:
    for settings in project.settings:
        scheduler = effective(project, settings, "beat_scheduler")
        if not scheduler.known or scheduler.path is None:
            continue
        if is_database_scheduler(project, scheduler.value) is not True:
            continue
        if project.is_installed(settings, BEAT_APP) is False:
            shown = options(scheduler.value)[0]
            shown = shown.qualname if isinstance(shown, Ref) else shown
            yield RULE.finding(
                scheduler.path, scheduler.line,
                f"beat scheduler {shown!r} is django-celery-beat's DatabaseScheduler, which needs "
                f"'django_celery_beat' in INSTALLED_APPS: `celery beat` fails at start with RuntimeError "
                f"(its models are not in an installed app)",
                subject="beat_scheduler",
            )


def beat_settings(installed: bool, time_zone: str = "UTC", extra: str = "") -> str:
    """Example settings with the DatabaseScheduler, django_celery_beat installed or not."""
    apps = ["django.contrib.contenttypes", "django.contrib.auth", "django_celery_results"]
    apps += [BEAT_APP] * installed + ["celery_lint", "demoapp"]
    return settings_module(
        apps,
        'CELERY_RESULT_BACKEND = "django-db"\n'
        'CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"\n' + extra,
        before_celery=f'USE_TZ = True\nTIME_ZONE = "{time_zone}"\n',
    )


RULE = register(
    Rule(
        code="CEL304",
        severity="E",
        name="beat-app-missing",
        summary="beat scheduler is django-celery-beat's DatabaseScheduler without django_celery_beat installed",
        why="""\
`'django'`, `'django_celery_beat.schedulers:DatabaseScheduler'` and
`'django_celery_beat.schedulers.DatabaseScheduler'` (and subclasses of that class)
all load `django_celery_beat.schedulers`, which imports the models of
django-celery-beat. Without `django_celery_beat` in `INSTALLED_APPS`, `celery beat`
fails at start with `RuntimeError: Model class django_celery_beat.models.SolarSchedule
doesn't declare an explicit app_label and isn't in an application in
INSTALLED_APPS`, and no periodic task is ever sent.

The scheduler is read where Celery reads it: `CELERY_BEAT_SCHEDULER` in the
settings, or `app.conf.beat_scheduler` in the Celery app module (which wins).
`celery beat -S django` on a command line is not visible to the analysis.""",
        bad=Example(
            {"proj/settings.py": beat_settings(installed=False)},
            findings=(("proj/settings.py", "CEL304"),),
        ),
        good=Example({"proj/settings.py": beat_settings(installed=True)}),
        silent_on=(
            "other schedulers (celery.beat:PersistentScheduler, redbeat, a project scheduler not derived "
            "from the DatabaseScheduler)",
            "INSTALLED_APPS, the scheduler or a project scheduler's base class the analysis cannot resolve",
            "a scheduler set on the Celery app in a function, or in another module than the app module",
        ),
        check_project=check,
    )
)
