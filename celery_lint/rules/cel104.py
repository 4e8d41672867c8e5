"""CEL104: an unknown CELERY_* setting close to a real one (a typo)."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import celery_tables
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Fix, Rule, register
from celery_lint.rules._fixes import renaming
from celery_lint.rules._reads import is_read
from celery_lint.rules._settings import celery_assignments


def check(project: Project) -> Iterator[Finding]:
    for path, name, node, readers in celery_assignments(project):
        nearest = celery_tables.nearest_prefixed(name)
        if nearest is None or readers.read_by_any(name) or is_read(project, name):
            continue
        yield RULE.finding(
            path, node,
            f"{name} is not a Celery setting and is silently ignored; did you mean {nearest}?{readers.which}",
            subject=name,
        )


RULE = register(
    Rule(
        code="CEL104",
        severity="W",
        name="setting-typo",
        summary="an unknown CELERY_ setting close to a real one: probably a typo",
        why="""\
Celery has no warning for unknown settings: `CELERY_RESULTS_BACKEND` or
`CELERY_TASK_ALWAYS_EGAR` is silently ignored and the default stays in force. The
rule compares each unknown `CELERY_*` name with Celery's own setting table and
suggests the nearest one. Many projects keep settings of their own under the
`CELERY_` prefix: a name the project reads itself (`settings.CELERY_X`,
`getattr(settings, "CELERY_X")`, `from proj.settings import CELERY_X`, a use in
the settings) is never reported, nor is one listed in `own-settings` under
`[tool.celery-lint]` (for names read by another package). A comment, a docstring or a
string spelling the name is no read.""",
        bad=Example(
            {"+proj/settings.py": "CELERY_TASK_TIME_LIMT = 300\n"},
            findings=(("proj/settings.py", "CEL104"),),
        ),
        good=Example({"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n"}),
        silent_on=(
            "names another app of the project reads under its own namespace (WORKER_BROKER_URL beside an app with "
            "namespace='WORKER'); settings read by an app whose namespace cannot be read",
            "names the project reads itself (settings.CELERY_X, getattr(settings, 'CELERY_X'))",
            "names listed in own-settings under [tool.celery-lint]",
            "names close to no Celery setting (CELERY_REPORTS_QUEUE)",
            "projects whose Celery app namespace is not 'CELERY'",
        ),
        fix=Fix(
            "unsafe",
            "Renames the setting to the suggested one (`CELERY_TASK_TIME_LIMT` becomes `CELERY_TASK_TIME_LIMIT`). "
            "Unsafe: the suggestion is the nearest name, which may not be the one meant, and a setting that was "
            "ignored comes alive. Never done when the suggested name is already assigned.",
            renaming(celery_tables.nearest_prefixed),
            {"+proj/settings.py": "CELERY_TASK_TIME_LIMIT = 300\n"},
        ),
        check_project=check,
    )
)
