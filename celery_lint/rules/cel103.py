"""CEL103: a lowercase Celery setting in a Django settings module."""

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
        key = celery_tables.lowercase_key(name)
        if key is None or readers.read_by_any(name) or is_read(project, name):
            continue  # a helper variable used to build a real setting
        if name.startswith("celery") or celery_specific(key):
            yield RULE.finding(
                path, node,
                f"{name} is ignored: Django settings only expose UPPERCASE names; use {celery_tables.prefixed(key)}"
                f"{readers.which}",
                subject=name,
            )


def _new_name(name: str) -> str | None:
    key = celery_tables.lowercase_key(name)
    return None if key is None else celery_tables.prefixed(key)


RULE = register(
    Rule(
        code="CEL103",
        severity="E",
        name="lowercase-setting",
        summary="a lowercase Celery setting in a Django settings module is never seen",
        why="""\
Django's settings object only takes the UPPERCASE names of a settings module
(`django/conf/__init__.py`: `if setting.isupper()`). A `broker_url` or
`celery_broker_url` written there never reaches Celery, which silently keeps its
default -- for the broker that means `amqp://guest@localhost`.""",
        bad=Example(
            {"+proj/settings.py": 'broker_transport_options = {"visibility_timeout": 3600}\n'},
            findings=(("proj/settings.py", "CEL103"),),
        ),
        good=Example({"+proj/settings.py": 'CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}\n'}),
        silent_on=(
            "lowercase keys in a settings module an app reads directly (config_from_object('proj.settings'), CEL002)",
            "lowercase names that are not Celery settings (base_dir, helpers)",
            "helper variables: lowercase names used in the settings (broker_url building CELERY_BROKER_URL)",
            "keys of Celery groups other code uses too (timezone, database_url, redis_host) unless celery_-prefixed",
            "modules that are not Django settings modules (a celeryconfig.py read by config_from_object)",
            "projects whose Celery app namespace is not 'CELERY' (CEL003 covers a lowercase namespace)",
        ),
        fix=Fix(
            "unsafe",
            "Renames the setting to the UPPERCASE name Celery reads (`broker_url` becomes `CELERY_BROKER_URL`). "
            "Unsafe: a setting Celery never saw comes alive (another broker, another result backend). Never done "
            "when the new name is already assigned.",
            renaming(_new_name),
            {"+proj/settings.py": 'CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}\n'},
        ),
        check_project=check,
    )
)
