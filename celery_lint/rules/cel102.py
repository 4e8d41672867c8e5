"""CEL102: an old (Celery 3) setting name."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import celery_tables
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._settings import assignments, namespace_is_celery


def check(project: Project) -> Iterator[Finding]:
    if not namespace_is_celery(project):
        return
    for path, name, node in assignments(project):
        if celery_tables.is_old_name(name):
            new = celery_tables.prefixed(celery_tables.OLD_TO_NEW[name])
            yield RULE.finding(
                path, node,
                f"{name} is a Celery 3 name: ignored by Celery <= 5.6, deprecated in 5.7, removed in 6.0; use {new}",
                subject=name,
            )


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
`CELERY_RESULT_BACKEND` or `CELERY_TIMEZONE`, are fine.""",
        bad=Example(
            {"+proj/settings.py": "CELERYD_CONCURRENCY = 4\n"},
            findings=(("proj/settings.py", "CEL102"),),
        ),
        good=Example({"+proj/settings.py": "CELERY_WORKER_CONCURRENCY = 4\n"}),
        silent_on=(
            "names that are the old and the new name at once (CELERY_RESULT_BACKEND, CELERY_TIMEZONE, CELERY_IMPORTS)",
            "projects whose Celery app has no namespace (old names are what Celery reads then) or an unreadable one",
        ),
        check_project=check,
    )
)
