"""CEL006: a celery.py beside manage.py shadows the celery library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register


def shadowing_modules(project: Project) -> list[Path]:
    """Files that `import celery` finds before the library when run from the project root.

    `python manage.py ...` puts the directory of manage.py first on sys.path. A
    `celery/` directory without `__init__.py` is only a namespace portion: a regular
    package later on sys.path wins over it, so it shadows nothing.
    """
    if not project.has_manage:
        return []  # where code runs from is unknown
    candidates = (project.root / "celery.py", project.root / "celery" / "__init__.py")
    return [path for path in candidates if path.is_file()]


def check(project: Project) -> Iterator[Finding]:
    for path in shadowing_modules(project):
        shown = path.relative_to(project.root).as_posix()
        yield RULE.finding(
            path, 1,
            f"{shown} beside manage.py shadows the celery library: manage.py, and anything run from this directory, "
            f"imports it for `import celery` and fails (\"cannot import name 'Celery' from partially initialized "
            f"module 'celery'\"); move the app module into the project package (proj/celery.py)",
            subject="celery-module",
        )


RULE = register(
    Rule(
        code="CEL006",
        severity="E",
        name="celery-module-shadows-library",
        summary="a celery.py at the project root (beside manage.py) shadows the celery library",
        why="""\
Python puts the directory of the script it runs first on `sys.path`:
`python manage.py ...` (and `python -c`, `python -m`, gunicorn, run from the project
root) finds a `celery.py` — or a `celery/` package — beside `manage.py` before the
installed library. Every `from celery import Celery` and `from celery import
shared_task` of the project then imports that file instead, and start-up fails
with `ImportError: cannot import name 'Celery' from partially initialized module
'celery'`, or with a circular import of the project's own app module.

Celery's Django layout keeps the app module inside the project package
(`proj/celery.py`), where it is `proj.celery` and shadows nothing.""",
        bad=Example(
            {"celery.py": "from proj.celery import app  # noqa: F401\n"},
            findings=(("celery.py", "CEL006"),),
        ),
        good=Example({"proj/celery.py": BASE["proj/celery.py"]}),
        silent_on=(
            "celery.py inside a package (proj/celery.py is the module proj.celery)",
            "a celery/ directory without __init__.py (a namespace portion never wins over the installed package)",
            "celery.py in other directories (scripts/, directories the settings add to sys.path after celery "
            "is imported): whether code runs from there is unknown",
            "trees without manage.py",
        ),
        check_project=check,
    )
)
