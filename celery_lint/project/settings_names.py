"""Which modules are the project's Django settings: the names `DJANGO_SETTINGS_MODULE`
is given where projects give it.

In Python start-up code (`manage.py`, wsgi/asgi, the Celery app module: read by
`startup`, in functions and under the `__main__` guard too), and outside Python: pytest
configuration (`DJANGO_SETTINGS_MODULE = x`, pytest-django's `--ds=x`), tox's `setenv`,
`Dockerfile` `ENV`, compose `environment:` (`docker-compose.*.yml`, `local.yml`), `.env`
files and `Procfile` lines (`web: DJANGO_SETTINGS_MODULE=x gunicorn ...`). Only files of
those names are read, each once, in the project root and the directories above it up
to the repository top, in their `.envs/*/` (as cookiecutter-django has them), and in
their deployment directories (`compose/production/django/Dockerfile`, `docker/`,
`deploy/`, a few levels deep): listed by name, never a walk of the tree. A name counts only
when it names a file of the project; a value the analysis cannot read (`$SETTINGS`,
`env("X")`) names nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from celery_lint import layout
from celery_lint.project import startup

if TYPE_CHECKING:
    from celery_lint.project.core import Project

_NAME = r"([A-Za-z_][\w.]*)"


def variable_set_re(variable: str, value: str) -> re.Pattern[str]:
    """An environment variable given a value, in any file: `VARIABLE=x`, `= x`, `: x` (ini,
    toml, .env, compose), and `"VARIABLE", x` / `["VARIABLE"] = x` in Python text; `value`
    is the pattern of what follows (quotes included)."""
    return re.compile(variable + r"""["']?\s*(?:["']\s*,\s*|\]\s*=\s*|=\s*|:\s*)""" + value)


# the settings module, quoted or not
DSM_RE = variable_set_re("DJANGO_SETTINGS_MODULE", r"""["']?""" + _NAME)
# in Python, only a string literal: `setdefault("DJANGO_SETTINGS_MODULE", env("X"))` names no module
PY_DSM_RE = re.compile(r"""DJANGO_SETTINGS_MODULE["']\s*(?:,|\]\s*=|:)\s*["']""" + _NAME + "[\"']")
DS_RE = re.compile(r"(?:^|[\s\"'\[,=])--ds(?:=|\s+)[\"']?" + _NAME)  # pytest-django's option
DOCKER_ENV_RE = re.compile(r"^\s*ENV\s+DJANGO_SETTINGS_MODULE\s+[\"']?" + _NAME, re.M | re.I)

PYTEST_CONFIGS = ("pytest.ini", "setup.cfg", "tox.ini", "pyproject.toml")
_COMPOSE = re.compile(r"(docker-)?compose([.-][\w.-]+)?\.ya?ml")
# compose files named for their stage alone, as cookiecutter-django had them (local.yml)
_STAGE_COMPOSE = re.compile(r"(local|production|prod|staging|dev|development|test)\.ya?ml")
_DOCKERFILE = re.compile(r"(Dockerfile([.-][\w.-]+)?|[\w.-]+\.[Dd]ockerfile)")
_PROCFILE = re.compile(r"Procfile([.-][\w.-]+)?")
# directories deployment files are kept in (cookiecutter-django's compose/production/django/),
# read to this depth below the project root and the directories above it
DEPLOYMENT_DIRS = ("compose", "docker", "deploy", "deployment", ".docker")
_DEPLOYMENT_DEPTH = 3

#: words of a settings module name (split at "." and "_") that make it test settings
TEST_WORDS = frozenset({"test", "tests", "testing", "ci", "pytest", "unittest", "conftest"})
#: ... or settings for a developer's machine, where eager tasks are a deliberate shortcut
DEV_WORDS = frozenset({"dev", "devel", "develop", "development", "local", "debug"})


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[./_\-\s]+", text.lower()) if word}


def named_for_tests_or_development(module: str) -> bool:
    """Whether a settings module's name, or a deployment file's path, says it is for
    tests or a developer's machine (`settings.local`, `local.yml`, `.envs/.local/`)."""
    return bool(_words(module) & (TEST_WORDS | DEV_WORDS))


def config_files(project: Project) -> list[Path]:
    """The files outside Python that may name the settings module, root first: in each
    directory, its own, then those in `.envs/*/` and the deployment directories."""
    found: list[Path] = []
    for directory in layout.config_directories(project.root):
        listing = layout.walk_listing(str(directory))
        found += [directory / n for n in PYTEST_CONFIGS if n in listing.files]
        found += [directory / n for n in sorted(listing.files) if _is_deployment_file(n)]
        if ".envs" in listing.folders:  # cookiecutter-django's .envs/.production/.django
            envs = directory / ".envs"
            for stage in sorted(layout.walk_listing(str(envs)).folders):
                found += [envs / stage / n for n in sorted(layout.walk_listing(str(envs / stage)).files)]
        for name in DEPLOYMENT_DIRS:
            if name in listing.folders:
                found += _deployment_files(directory / name, _DEPLOYMENT_DEPTH)
    return found


def _deployment_files(directory: Path, depth: int) -> list[Path]:
    """Deployment files in `directory` and its sub-directories down to `depth`."""
    listing = layout.walk_listing(str(directory))
    found = [directory / n for n in sorted(listing.files) if _is_deployment_file(n)]
    if depth > 1:
        for name in listing.directories:
            if not layout.is_skipped_dir(name):
                found += _deployment_files(directory / name, depth - 1)
    return found


def _is_deployment_file(name: str) -> bool:
    return (
        name == ".env" or name.endswith(".env") or name.startswith(".env.")
        or any(p.fullmatch(name) for p in (_COMPOSE, _STAGE_COMPOSE, _DOCKERFILE, _PROCFILE))
    )


def names_in(project: Project, path: Path) -> list[str]:
    """The settings module names a file gives DJANGO_SETTINGS_MODULE, as written (Python
    start-up code as it runs, configuration by its spellings), known ones only."""
    if path.suffix == ".py":
        text = project.text(path) or ""
        names = startup.read(project, path).settings if "DJANGO_SETTINGS_MODULE" in text else []
        return names + [m.group(1) for m in PY_DSM_RE.finditer(text)]
    text = project.text(path) or ""  # read once, as Python files are (and as large as they may be)
    names = [m.group(1) for m in DSM_RE.finditer(text)]
    if "--ds" in text:
        names += [m.group(1) for m in DS_RE.finditer(text)]
    if "dockerfile" in path.name.lower():
        names += [m.group(1) for m in DOCKER_ENV_RE.finditer(text)]
    return names


def settings_named_in(project: Project, path: Path) -> list[str]:
    """Settings modules of this project that a file (Python or configuration) names."""
    return [n for n in dict.fromkeys(names_in(project, path)) if project.resolve_file(n)]


def found_settings_names(project: Project) -> list[str]:
    """Settings modules named by start-up code, then by configuration outside Python
    (whatever the user configured: start-up code may add to `sys.path` in them)."""
    names: list[str] = []
    for path in [*startup.startup_files(project), *config_files(project)]:
        if path.is_file():
            names += [n for n in settings_named_in(project, path) if n not in names]
    return names


def settings_to_run(project: Project) -> str | None:
    """The settings module a process of the project runs with, for a fix to name: the
    configured one, else the first that start-up code or deployment files (not test
    configuration) name, preferring one neither the file nor its name marks as for
    tests or development (`local.yml`, `settings.local`); None when there is none."""
    if project.configured_settings:
        return project.configured_settings[0]
    named: list[tuple[Path, str]] = []
    for path in [*startup.startup_files(project), *config_files(project)]:
        if path.name not in PYTEST_CONFIGS and path.is_file():
            named += [(path, name) for name in settings_named_in(project, path)]
    for path, name in named:
        if not named_for_tests_or_development(name) and not _is_local_file(project, path):
            return name
    return named[0][1] if named else None


def _is_local_file(project: Project, path: Path) -> bool:
    """Whether a file's path below its directory (the project root's, or one above it)
    is named for tests or development: `local.yml`, `.envs/.local/.django`."""
    for directory in layout.config_directories(project.root):
        if directory in path.parents:
            return named_for_tests_or_development(path.relative_to(directory).as_posix())
    return False


def settings_module_names(project: Project) -> list[str]:
    """The settings modules given by configuration, else the ones the project names."""
    if project.configured_settings:
        return list(project.configured_settings)
    return list(project.found_settings_names)

