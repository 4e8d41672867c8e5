"""CEL008: DJANGO_SETTINGS_MODULE names a settings module the project does not have."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from celery_lint import layout
from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.project.startup import startup_files
from celery_lint.registry import Example, Rule, register

DSM = "DJANGO_SETTINGS_MODULE"
# the copies a checkout makes its own settings from (settings/local.py from local.py.example)
TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".tpl", ".dist", ".default", ".in", ".orig")


def _is_dsm(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == DSM


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def named_settings(tree: ast.Module) -> Iterator[tuple[ast.Constant, str]]:
    """The literal module names `os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)` and
    `os.environ["DJANGO_SETTINGS_MODULE"] = ...` give, wherever they run."""
    for node in ast.walk(tree):
        value: ast.expr | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault":
            if _is_environ(node.func.value) and len(node.args) == 2 and _is_dsm(node.args[0]):
                value = node.args[1]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and _is_environ(target.value) and _is_dsm(target.slice):
                value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            yield value, value.value


def _package_dir(project: Project, dotted: str) -> Path | None:
    """The directory of the project's package `dotted` (at any import root)."""
    found = project.resolve(dotted)
    if found is None:
        return None
    path = found[1]
    if path.name == "__init__.py":
        return path.parent
    return path if path.is_dir() else None


def _made_by_each_checkout(directory: Path, name: str) -> bool:
    """Whether the missing module is one git ignores, or one a template beside it is for."""
    module, package = directory / f"{name}.py", directory / name
    if layout.git_ignores(module) or layout.git_ignores(package, is_directory=True):
        return True
    try:
        names = {p.name for p in directory.iterdir()}
    except OSError:
        return True
    return any(f"{name}.py{suffix}" in names or f"{name}{suffix}.py" in names for suffix in TEMPLATE_SUFFIXES) or any(
        f"{word}_{name}.py" in names or f"{name}_{word}.py" in names for word in ("example", "sample", "template")
    )


def missing(project: Project, dotted: str) -> Path | None:
    """The package directory that lacks the settings module `dotted`; None when the module
    is there, or when the analysis cannot tell (its package is not the project's: an
    installed or another repository's package; a module each checkout makes itself)."""
    parent, _, name = dotted.rpartition(".")
    if not parent or not name.isidentifier() or project.resolve(dotted) is not None:
        return None
    directory = _package_dir(project, parent)
    if directory is None or _made_by_each_checkout(directory, name):
        return None
    return directory


def _nearest(project: Project, dotted: str) -> str:
    import difflib  # only for a finding

    candidates = sorted(set(project.found_settings_names) | {s.module for s in project.settings})
    match = difflib.get_close_matches(dotted, candidates, n=1, cutoff=0.75)
    return f"; did you mean {match[0]}?" if match else ""


def check(project: Project) -> Iterator[Finding]:
    paths = dict.fromkeys([*startup_files(project), *(app.source.path for app in project.celery_apps)])
    for path in paths:
        text = project.text(path) if path.is_file() else None
        if not text or DSM not in text:
            continue
        source = project.source(path)
        if source is None:
            continue
        for node, dotted in named_settings(source.tree):
            directory = missing(project, dotted)
            if directory is None:
                continue
            where = directory.relative_to(project.root).as_posix() if project.root in directory.parents else directory
            name = dotted.rpartition(".")[2]
            yield RULE.finding(
                path, node,
                f"DJANGO_SETTINGS_MODULE names {dotted}, which the project does not have ({where}/ holds no "
                f"{name}.py or {name}/): Django stops with ModuleNotFoundError when it loads the settings{_nearest(project, dotted)}",
                subject=dotted,
            )


RULE = register(
    Rule(
        code="CEL008",
        severity="E",
        name="settings-module-missing",
        summary="DJANGO_SETTINGS_MODULE names a settings module the project does not have",
        why="""\
`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settngs")` in `manage.py`,
`wsgi.py`, `asgi.py` or the Celery app module is only a default: where the
environment names the settings, nobody notices the typo. Where it does not (a new
developer's shell, a worker started by hand, a cron job), Django stops with
`ModuleNotFoundError: No module named 'proj.settngs'` the first time anything reads a
setting: `manage.py` commands fail, and the Celery worker cannot start.

The rule reports a literal module name whose package is the project's own but that
holds no such module. A package that is not in the project (an installed one,
another repository's) is unknown, and so is a module git ignores or that a template
beside it is for (`settings/local.py` made from `local.py.example`): each checkout
makes those itself.""",
        bad=Example(
            {"manage.py": BASE["manage.py"].replace('"proj.settings"', '"proj.settngs"')},
            findings=(("manage.py", "CEL008"),),
        ),
        good=Example({}),
        silent_on=(
            "a settings package (proj/settings/__init__.py) and its modules (proj.settings.production)",
            "a package the project does not hold (an installed package, another repository's)",
            "a module git ignores, or one a template beside it is for (local.py.example, local_example.py)",
            "a value that is not a literal (a variable, os.environ.get(...))",
        ),
        check_project=check,
    )
)
