"""CEL006: a celery.py on an import root (beside manage.py, or in a directory start-up
code puts first on sys.path) shadows the celery library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.project import Project, startup
from celery_lint.registry import Example, Rule, register

_CANDIDATES = ("celery.py", "celery/__init__.py")


def shadowing_modules(project: Project) -> dict[Path, str]:
    """Each file `import celery` finds before the library -> where its directory comes
    from ("beside manage.py", "manage.py puts proj/ first on sys.path")."""
    found = {path: "beside manage.py" for path in _beside_manage(project)}
    if project.package_parent is not None and project.has_manage:
        for name in _CANDIDATES:  # `python -m proj.manage` runs from the parent: sys.path[0]
            path = project.package_parent / name
            if path.is_file():
                found.setdefault(path, f"it sits in the directory `python -m {project.root.name}.manage` runs from "
                                       f"(sys.path[0])")
    for directory, why in _first_on_path(project).items():
        for name in _CANDIDATES:
            path = directory / name
            if path.is_file():
                found.setdefault(path, why)
    return found


def _first_on_path(project: Project) -> dict[Path, str]:
    """Directories put before the installed libraries on sys.path (`sys.path.insert(0, X)`)
    before anything imports Celery: by manage.py, wsgi/asgi, and by the settings when no
    package above them imports Celery first (the canonical `proj/__init__.py` imports the
    app, hence the library, before `proj.settings` runs)."""
    files = [project.root / "manage.py"] if project.has_manage else []
    files += [p for p in project.files if p.name in ("wsgi.py", "asgi.py")]
    settings = [project.resolve_file(n) for n in [*project.found_settings_names, *project.configured_settings]]
    files += [p for p in settings if p is not None and not _celery_imported_before(project, p)]
    found: dict[Path, str] = {}
    for path in files:
        for value in startup.read(project, path).first:
            directory = startup.directory(project.root, value)
            if directory is not None and directory != project.root:
                shown = _relative(project, path)
                found.setdefault(directory, f"{shown} puts {_relative(project, directory)}/ first on sys.path")
    return found


def _celery_imported_before(project: Project, settings: Path) -> bool:
    """Whether a package `__init__.py` above the settings module may import Celery (it
    runs first); unreadable counts as may."""
    directory = settings.parent
    while directory != project.module_root and project.module_root in directory.parents:
        init = directory / "__init__.py"
        if init.is_file():
            text = project.text(init)
            if text is None or "celery" in text:
                return True
        directory = directory.parent
    return False


def _relative(project: Project, path: Path) -> str:
    for base in (project.root, project.module_root):
        if path == base or base in path.parents:
            return path.relative_to(base).as_posix()
    return str(path)


def _beside_manage(project: Project) -> list[Path]:
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
    return [path for path in (project.root / name for name in _CANDIDATES) if path.is_file()]


def check(project: Project) -> Iterator[Finding]:
    package = project.root.name if project.package_parent else None
    fix = (
        f"run it as `python -m {package}.manage` from the parent directory, without putting that directory on "
        f"sys.path in manage.py: then sys.path[0] is the parent and this file is {package}.celery"
        if package else "move the app module into the project package (proj/celery.py)"
    )
    for path, why in shadowing_modules(project).items():
        shown = _relative(project, path)
        if why == "beside manage.py":
            yield RULE.finding(
                path, 1,
                f"{shown} beside manage.py shadows the celery library: manage.py, and anything run from this "
                f"directory, imports it for `import celery` and fails (\"cannot import name 'Celery' from partially "
                f"initialized module 'celery'\"); {fix}",
                subject="celery-module",
            )
            continue
        yield RULE.finding(
            path, 1,
            f"{shown} shadows the celery library: {why}, so `import celery` finds this file before the installed "
            f"library and fails (\"cannot import name 'Celery' from partially initialized module 'celery'\"); "
            + ("rename the file" if why.startswith("it sits") else
               "do not put that directory before the libraries on sys.path (append it), or rename the file"),
            subject=f"celery-module:{shown}",
        )


RULE = register(
    Rule(
        code="CEL006",
        severity="E",
        name="celery-module-shadows-library",
        summary="a celery.py on an import root (beside manage.py, or put first on sys.path) shadows the celery library",
        why="""\
Python puts the directory of the script it runs first on `sys.path`:
`python manage.py ...` (and `python -c`, `python -m`, gunicorn, run from the project
root) finds a `celery.py` — or a `celery/` package — beside `manage.py` before the
installed library. Every `from celery import Celery` and `from celery import
shared_task` of the project then imports that file instead, and start-up fails
with `ImportError: cannot import name 'Celery' from partially initialized module
'celery'`, or with a circular import of the project's own app module.

Celery's Django layout keeps the app module inside the project package
(`proj/celery.py`), where it is `proj.celery` and shadows nothing -- unless start-up
code puts the package directory itself first on `sys.path`
(`sys.path.insert(0, str(BASE_DIR / "proj"))` in manage.py, or in the settings when
`proj/__init__.py` does not import the app first): then `proj/celery.py` is also the
top-level module `celery`. The same holds for any directory inserted first that holds
a `celery.py` or a `celery/` package.""",
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
            "celery.py in other directories (scripts/), and in directories appended to sys.path (after the "
            "libraries), inserted at an index other than 0 or 1, or inserted by settings whose package imports "
            "Celery first (proj/__init__.py importing the app): whether code runs from there, or finds it first, "
            "is unknown or not so",
            "the enclosing directories up to the repository top: the analysis resolves names there, Python does "
            "not put them on sys.path",
            "trees without manage.py",
        ),
        check_project=check,
        in_manage_check=False,
    )
)
