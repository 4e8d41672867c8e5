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
    package later on sys.path wins over it, so it shadows nothing. A `manage.py`
    inside the package it names runs as `python -m proj.manage` from the parent,
    where this file is `proj.celery` (unless its start-up code lets it run as a script).
    """
    if not project.has_manage or not project.root_on_path:
        return []  # where code runs from is unknown, or the root is not on sys.path
    if (project.root / "__init__.py").is_file() and not project.settings_named_in(project.root / "manage.py"):
        return []  # a manage.py inside a package, naming no settings module known: how it runs is unknown
    candidates = (project.root / "celery.py", project.root / "celery" / "__init__.py")
    return [path for path in candidates if path.is_file()]


def check(project: Project) -> Iterator[Finding]:
    package = project.root.name if project.package_parent else None
    fix = (
        f"run it as `python -m {package}.manage` from the parent directory, without putting that directory on "
        f"sys.path in manage.py: then sys.path[0] is the parent and this file is {package}.celery"
        if package else "move the app module into the project package (proj/celery.py)"
    )
    for path in shadowing_modules(project):
        shown = path.relative_to(project.root).as_posix()
        yield RULE.finding(
            path, 1,
            f"{shown} beside manage.py shadows the celery library: manage.py, and anything run from this directory, "
            f"imports it for `import celery` and fails (\"cannot import name 'Celery' from partially initialized "
            f"module 'celery'\"); {fix}",
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
            "celery.py beside a manage.py inside the package it names (proj/manage.py setting proj.settings): it "
            "runs as `python -m proj.manage` from the parent, where the file is proj.celery",
            "a celery/ directory without __init__.py (a namespace portion never wins over the installed package)",
            "celery.py in other directories (scripts/, directories the settings add to sys.path after celery "
            "is imported): whether code runs from there is unknown",
            "trees without manage.py",
        ),
        check_project=check,
        in_manage_check=False,
    )
)
