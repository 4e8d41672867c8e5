"""The system checks `CeleryLintConfig.ready()` registers: light stand-ins that decide
whether a check runs here (`command_level.runs_in_full`) before importing anything of
the engine, so a command that runs the system checks without needing ours
(`showmigrations`, `migrate`, `runserver`...) pays for a look at the call stack, not
for the static project model. The stand-ins carry the names of the checks in
`celery_lint.checks` and call them.

When `import celery` gives this process another module than the installed library
(`shadowing`), only CEL006 is reported: every other check would import Celery, and
fail as the project does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core import checks

from celery_lint import command_level

TAG = "celery_lint"  # the tag of every celery-lint check (celery_lint.checks.TAG)
logger = logging.getLogger("celery_lint.checks")
Check = Callable[..., list[checks.CheckMessage]]


def _shadowed() -> bool:
    from celery_lint import shadowing

    return shadowing.shadowing_module() is not None


def _deferred(name: str, module: str = "checks") -> Check:
    """A stand-in for `celery_lint.<module>.<name>`, run only where checks run in full."""

    def check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
        try:
            if not command_level.runs_in_full() or _shadowed():
                return []
            import importlib

            engine_checks = importlib.import_module(f"celery_lint.{module}")
        except Exception as exc:  # noqa: BLE001 - a check must never break manage.py or the worker
            logger.warning("celery-lint: the check %s did not run (%s: %s)", name, type(exc).__name__, exc)
            return []
        found: list[checks.CheckMessage] = getattr(engine_checks, name)(app_configs, **kwargs)
        return found

    check.__name__ = check.__qualname__ = name
    return check


def check_celery_module(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """CEL006 live: `import celery` gives this process a module that is not the library."""
    try:
        from celery_lint import shadowing

        found = shadowing.shadowing_module()
        if found is None:
            return []
        from celery_lint.registry import REGISTRY
        from celery_lint.rules import cel006  # noqa: F401  (registers CEL006)

        rule = REGISTRY["CEL006"]
    except Exception as exc:  # noqa: BLE001 - as above
        logger.warning("celery-lint: the check check_celery_module did not run (%s: %s)", type(exc).__name__, exc)
        return []
    where = shadowing.shown(found)
    message = checks.Error(
        f"`import celery` in this process loads {where}, not the installed Celery library: its directory comes "
        f"before the library on sys.path, so every `from celery import Celery` imports this file and fails "
        f"(\"cannot import name 'Celery' from partially initialized module 'celery'\"); celery-lint's other "
        f"checks did not run",
        hint=f"do not put {shadowing.shown(_directory(found))}/ before the installed libraries on sys.path "
        f"(append it), or rename {where}",
        obj=where,
        id=rule.django_id,
    )
    return command_level.as_reported([message])


check_source = _deferred("check_source")
check_effective_settings = _deferred("check_effective_settings")
check_modules_loaded_twice = _deferred("check_modules_loaded_twice")
check_deployment = _deferred("check_deployment")
check_results_migrations = _deferred("check_results_migrations")
check_beat_migrations = _deferred("check_beat_migrations")
check_stale_periodic_tasks = _deferred("check_stale_periodic_tasks", "checks_beat")


def _directory(module: Path) -> Path:
    """The sys.path entry a shadowing module was found in (`celery/__init__.py`: two up)."""
    return module.parent.parent if module.name == "__init__.py" else module.parent


def register() -> None:
    """Register the checks (again is harmless: Django's registry keeps a set)."""
    checks.register(check_celery_module, TAG)
    for check in (check_source, check_effective_settings, check_modules_loaded_twice):
        checks.register(check, TAG)
    checks.register(check_deployment, TAG, deploy=True)
    for check in (check_results_migrations, check_beat_migrations, check_stale_periodic_tasks):
        checks.register(check, TAG, checks.Tags.database)
