"""CEL007: a settings or Celery app module the running Python cannot parse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from celery_lint import layout, toml
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.sources import PYTHON, SourceError

APP_MODULE_NAMES = ("celery.py", "celery_app.py")


def needed_modules(project: Project) -> dict[Path, str]:
    """The files the project model cannot do without, each with what it is."""
    needed = {}
    for name in project.settings_module_names:
        path = project.resolve_file(name)
        if path is not None:
            needed[path] = f"the settings module {name}"
    configured = project.options.app.partition(":")[0] if project.options.app else None
    for path in project.files:
        if path.name in APP_MODULE_NAMES:
            needed.setdefault(path, f"the Celery app module {project.module_name(path) or path.name}")
    path = project.resolve_file(configured) if configured else None
    if path is not None:
        needed.setdefault(path, f"the Celery app module {configured}")
    return needed


def unparsable(project: Project) -> list[tuple[SourceError, str]]:
    """(failure, what the file is) for each needed file the running Python's parser rejects."""
    project.settings, project.celery_apps  # noqa: B018 - reading them records the needed files that fail
    needed = needed_modules(project)
    return [(e, needed[e.path]) for e in project.errors if e.syntax and e.path in needed]


def requires_python(project: Project) -> str | None:
    """`requires-python` of the nearest pyproject.toml at or above the project root."""
    top = layout.repository_top(project.root)
    for directory in (project.root, *project.root.parents):
        path = directory / "pyproject.toml"
        if path.is_file():
            try:
                declared = toml.load(path).get("project", {}).get("requires-python")
            except (OSError, ValueError):
                declared = None
            if isinstance(declared, str):
                return declared
        if directory == top:
            break
    return None


def located(project: Project, error: SourceError) -> tuple[Path, int]:
    """Where the finding is shown: `manage.py`, at the line naming the settings, which
    flake8 hands to the plugin (it never hands over a file it cannot parse itself);
    without one, the file at the line the parser stopped."""
    manage = project.root / "manage.py"
    text = project.text(manage) if project.has_manage else None
    if text is None or manage == error.path:
        return error.path, error.line
    lines = text.splitlines()
    return manage, next((i for i, line in enumerate(lines, 1) if "DJANGO_SETTINGS_MODULE" in line), 1)


def check(project: Project) -> Iterator[Finding]:
    declared = requires_python(project)
    need = f" (requires-python {declared!r} in pyproject.toml)" if declared else ""
    for error, what in unparsable(project):
        shown = error.path.relative_to(project.root).as_posix() if project.root in error.path.parents else error.path
        path, line = located(project, error)
        yield RULE.finding(
            path, line,
            f"{shown}:{error.line} ({what}) cannot be parsed by Python {PYTHON}: {error.syntax}; the project may "
            f"need a newer Python{need}: run celery-lint under the project's Python",
            subject=str(error.path),
        )


RULE = register(
    Rule(
        code="CEL007",
        severity="E",
        name="needed-module-unparsable",
        summary="a settings or Celery app module that the Python running celery-lint cannot parse",
        why="""\
celery-lint reads the project's source with the parser of the Python it runs
under. A settings module or Celery app module written for a newer Python (a
`type Seconds = int` statement or generic `def f[T](x: T)` of Python 3.12 read by
3.11, a `match` statement read by 3.9) is a syntax error to it: every rule that
reads the settings or the app learns nothing, and a silent run would look like a
clean one.

When the file is written for the Python the project runs on, run celery-lint
under that Python (the project's virtual environment; `requires-python` in
pyproject.toml, which the message names, says which). A plain syntax error in
the file is reported the same way: the project's own Python rejects it too.

flake8 never hands a plugin a file it cannot parse (it reports E999 itself, which
`--select=CEL` hides), so the finding is shown at `manage.py`, on the line that
names the settings; the command also exits 2, as for any file the analysis needs.""",
        bad=Example(
            {"+proj/settings.py": "type Seconds = int\n\nCELERY_TASK_TIME_LIMIT: Seconds = 300\n"},
            findings=(("manage.py", "CEL007"),),
            newer_syntax=(3, 12),
        ),
        good=Example({"+proj/settings.py": "Seconds = int\n\nCELERY_TASK_TIME_LIMIT: Seconds = 300\n"}),
        silent_on=(
            "modules the analysis does not need (a tasks or views module that does not parse is reported "
            "as a skipped file, and by flake8's E999)",
            "a settings module star-imported by another (its names are unknown, so silent)",
            "settings and app modules this Python parses",
        ),
        check_project=check,
        in_manage_check=False,
    )
)
