"""CEL511: results never cleaned (`result_expires` None or 0 with a database or cache backend)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._effective import value, written


def backend_kind(backend: Any) -> str | None:
    """'database' or 'cache' for the result backends that keep results until cleaned
    (django-celery-results' `django-db`/`django-cache`, Celery's `db+...`/`cache+...`)."""
    if not isinstance(backend, str):
        return None
    scheme = backend.partition("://")[0].lower()
    if scheme == "django-db" or scheme.startswith("db+"):
        return "database"
    if scheme in ("django-cache", "cache") or scheme.startswith("cache+"):
        return "cache"
    return None


def never(raw: Any) -> bool:
    """None, 0 or a zero timedelta: `if conf.result_expires` is false (`celery/beat.py`)."""
    if raw is None:
        return True
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return raw == 0
    from datetime import timedelta  # only for a value that is neither: spares every start its import

    return isinstance(raw, timedelta) and not raw


def check(project: Project) -> Iterator[Finding]:
    for settings, expires in written(project, "result_expires"):
        if expires.path is None or not all(never(v) for v in expires.values):
            continue
        backend = value(project, settings, "result_backend").only()
        kind = backend_kind(backend)
        if kind is None or value(project, settings, "task_ignore_result").only() is not False:
            continue
        yield RULE.finding(
            expires.path, expires.line,
            f"{expires.name} = {expires.values[0]!r} with the {backend!r} result backend: results are never "
            f"deleted (beat schedules celery.backend_cleanup only when result_expires is set, and the "
            f"{'cleanup deletes nothing' if kind == 'database' else 'cache keeps them with no timeout'} without "
            f"it), so the {'result table' if kind == 'database' else 'cache'} grows with every task; leave it "
            f"unset (1 day) or give the time results are needed",
            subject="result_expires",
        )


RULE = register(
    Rule(
        code="CEL511",
        severity="W",
        name="results-never-expire",
        summary="CELERY_RESULT_EXPIRES = None or 0 with a database or cache result backend: results never cleaned",
        why="""\
A database result backend (django-celery-results' `django-db`, Celery's `db+...`)
keeps every result until `celery.backend_cleanup` deletes those older than
`result_expires`; beat adds that task to its schedule (daily, at 4:00) only when
`result_expires` is set (`celery/beat.py`, `install_default_entries`), and the
backend's `cleanup()` deletes nothing without it
(`django_celery_results/backends/database.py`). A cache backend stores each result
with `result_expires` as its timeout: None means no timeout. With `None` or `0` the
results are never cleaned: the table (or the cache) grows with every task.

Celery's default is one day. Silent when results are not stored
(`CELERY_TASK_IGNORE_RESULT = True`).

Celery versions: beat's default entries are the same on every minor from 5.3 to 5.7.
The cleanup itself is django-celery-results': from 2.6 it returns at once without an
expiry, before 2.6 it fails (`TypeError`, `now() - None`); neither deletes anything,
which is all the message says.""",
        bad=Example(
            {"+proj/settings.py": "CELERY_RESULT_EXPIRES = None\n"}, findings=(("proj/settings.py", "CEL511"),)
        ),
        good=Example({"+proj/settings.py": "from datetime import timedelta\n\nCELERY_RESULT_EXPIRES = timedelta(days=7)\n"}),
        silent_on=(
            "result_expires unset (one day) or a duration",
            "other result backends (Redis, RPC: their own expiry), a backend from the environment",
            "CELERY_TASK_IGNORE_RESULT = True, or unknown",
            "settings modules named for tests or development",
        ),
        check_project=check,
    )
)
