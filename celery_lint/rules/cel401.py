"""CEL401: CELERY_TASK_ALWAYS_EAGER = True in the settings the web server runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from celery_lint import layout
from celery_lint.evaluate import options
from celery_lint.findings import Finding
from celery_lint.project import Project, Settings
from celery_lint.project.configurations import configurations_named_in
from celery_lint.project.settings_names import PYTEST_CONFIGS, named_for_tests_or_development
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import effective, is_test_module

_CAMEL = r"(?<=[a-z0-9])(?=[A-Z])"  # DevSettings: dev_settings (compiled on first use by `re`)


def deployed_settings(project: Project) -> set[str]:
    """Settings modules named by the project's `wsgi.py` / `asgi.py`: what the web server runs."""
    names: set[str] = set()
    for path in _server_modules(project):
        names.update(project.settings_named_in(path))
    return names


def _server_modules(project: Project) -> list[Path]:
    return [p for p in project.files if p.name in ("wsgi.py", "asgi.py") and not is_test_module(project, p)]


def deployed_configuration(project: Project, settings: Settings) -> bool:
    """For django-configurations: whether the class read is the one the web server runs,
    named by wsgi/asgi (or configured), and not named for tests or development (`Dev`)."""
    conf = settings.configuration
    if conf is None:
        return True
    if conf.name is None or named_for_tests_or_development(re.sub(_CAMEL, "_", conf.name)):
        return False
    if conf.name == project.options.configuration:
        return True
    return any(conf.name in configurations_named_in(project, path) for path in _server_modules(project))


def test_settings(project: Project) -> set[str]:
    """Settings modules named by pytest/tox configuration (`DJANGO_SETTINGS_MODULE`, `--ds`)
    or by a `conftest.py`."""
    names: set[str] = set()
    configs = [d / name for d in layout.config_directories(project.root) for name in PYTEST_CONFIGS]
    configs += [p for p in project.files if p.name == "conftest.py"]
    for path in configs:
        if path.is_file():
            names.update(project.settings_named_in(path))  # DJANGO_SETTINGS_MODULE and --ds
    return names


def check(project: Project) -> Iterator[Finding]:
    deployed = deployed_settings(project)
    candidates = [
        s for s in project.settings
        if s.module in deployed and not named_for_tests_or_development(s.module) and deployed_configuration(project, s)
    ]
    if not candidates:
        return
    for_tests = test_settings(project)
    for settings in candidates:
        if settings.module in for_tests:
            continue  # the same module serves the tests: cannot tell which use it is meant for
        eager = effective(project, settings, "task_always_eager")
        if not eager.known or eager.path is None or not all(v is True for v in options(eager.value)):
            continue
        if _is_test_or_dev_file(project, eager.path):
            continue
        yield RULE.finding(
            eager.path, eager.line,
            f"{eager.name} = True in settings the web server runs ({settings.module}, named by wsgi/asgi): "
            f"every .delay() runs the task inline in the request instead of sending it to a worker; "
            f"keep it in test settings",
            subject="task_always_eager",
        )


def _is_test_or_dev_file(project: Project, path: Path) -> bool:
    module = project.module_name(path) or path.stem
    return is_test_module(project, path) or named_for_tests_or_development(module)


_WSGI = """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

application = get_wsgi_application()
"""

RULE = register(
    Rule(
        code="CEL401",
        severity="W",
        name="eager-outside-tests",
        summary="CELERY_TASK_ALWAYS_EAGER = True outside test settings",
        why="""\
With `task_always_eager`, `.delay()` and `.apply_async()` do not send anything to the
broker: the task runs inline, in the calling process, and the caller waits for it.
That is what tests want. In the settings a web server runs, every request that
starts a task blocks until the task has finished, time limits are not enforced,
and the workers stay idle.

Statically, "outside test settings" means: in a settings module that `wsgi.py` or
`asgi.py` names, which is not named by pytest/tox configuration or a `conftest.py`,
and whose name has no test or development word (`test`, `testing`, `ci`, `local`,
`dev`, ...). Anything less certain stays silent. A value that depends on a branch
(`if DEBUG:`, `env.bool(...)`) is unknown and stays silent too.

`manage.py check --deploy` reports the running settings: eager tasks with
`DEBUG = False`.""",
        bad=Example(
            {"proj/wsgi.py": _WSGI, "+proj/settings.py": "CELERY_TASK_ALWAYS_EAGER = True\n"},
            findings=(("proj/settings.py", "CEL401"),),
        ),
        good=Example(
            {
                "proj/wsgi.py": _WSGI,
                "proj/test_settings.py": "from .settings import *  # noqa: F403\n\nCELERY_TASK_ALWAYS_EAGER = True\n",
                "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.test_settings\n",
            }
        ),
        silent_on=(
            "settings modules named for tests or development (settings/test.py, test_settings.py, settings_ci.py, "
            "local.py, dev.py), or named by pytest/tox configuration or a conftest.py",
            "settings no wsgi.py/asgi.py names (the analysis cannot tell which settings are deployed)",
            "a value that depends on a branch or the environment (if DEBUG:, env.bool(...))",
            "task_always_eager set on the app in test modules (conftest.py, tests/)",
        ),
        check_project=check,
    )
)
