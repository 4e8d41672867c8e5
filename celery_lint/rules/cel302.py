"""CEL302: django_celery_results migrations not applied (live, with a database)."""

from __future__ import annotations

from celery_lint.registry import Example, Rule, register

RULE = register(
    Rule(
        code="CEL302",
        severity="E",
        name="results-unmigrated",
        summary="django_celery_results migrations not applied on a database",
        why="""\
The `django-db` backend stores results in the tables of django-celery-results
(`django_celery_results_taskresult`, `_groupresult`, `_chordcounter`). Until its
migrations are applied, every stored result fails with `no such table:
django_celery_results_taskresult`.

Live only, and only when the check is given a database (`manage.py check
--database default`, and the test runner): a plain `manage.py check` never touches
a database. `manage.py migrate` runs the checks too, and is never blocked by this
one, since it is the command that applies the migrations.""",
        bad=Example({}, findings=(("", "CEL302"),)),
        good=Example({}, setup=("migrate",)),
        silent_on=(
            "manage.py check without --database, runserver and the worker (no database given), "
            "check --tag celery_lint too (Django 6.1 runs it with every database)",
            "manage.py migrate (which applies the migrations)",
            "projects without django_celery_results in INSTALLED_APPS (CEL301 covers a backend that needs it)",
            "a database that cannot be reached: a message of level Warning, with the same id (celery_lint.E302), says its migrations "
            "could not be checked",
        ),
        live_only=True,
    )
)
