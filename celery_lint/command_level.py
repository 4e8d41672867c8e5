"""Which management command runs the checks, and the level celery-lint's errors get there.

Django stops every command with `requires_system_checks` (`migrate`, `runserver`,
`makemigrations`, ...) on an error-level message (`BaseCommand.check` raises
`SystemCheckError`), and the test runner runs `call_command("check")` before the
tests (`DiscoverRunner.run_checks`). A linter must not break a deploy that way: our
error-level messages stay errors only in the commands named by the setting
`CELERY_LINT_ERROR_COMMANDS` (default `("check",)`, so `manage.py check` and
`check --deploy` still fail CI), and are reported as warnings, with the same id and
text, everywhere else: other commands, the test runner, Celery's Django fixup, a
direct `run_checks()`.

What runs where: the whole of celery-lint's checks (the static project model, the
worker's imports for CEL201) costs a large project a second, and most management
commands run the system checks (`requires_system_checks = "__all__"`: migrate,
showmigrations, makemigrations, runserver...). So they run in full only where they
pay: in the commands named by `CELERY_LINT_CHECK_COMMANDS` (default `("check",)`,
which includes the test runner's `check`) and those where our errors stay errors, and
where no management command runs (Celery's Django fixup at worker boot, a direct
`run_checks()`). Elsewhere only the cheap check that the installed Celery is the one
imported (`shadowing`) runs.

The command is the outermost `BaseCommand` instance on the calling thread's stack,
whether it was started by `manage.py`, `django-admin` or `call_command`. `sys.argv`
would be wrong for `call_command`, for wrappers (pytest, gunicorn, a script) and
for the test runner, whose `check` runs inside `test`; check functions are not told
the command (`run_checks` passes only `app_configs` and `databases`), and the
deployment flag only separates `check --deploy`, not plain `check`.
"""

from __future__ import annotations

import sys
from types import FrameType

from django.conf import settings as django_settings
from django.core import checks

SETTING = "CELERY_LINT_ERROR_COMMANDS"
DEFAULT: tuple[str, ...] = ("check",)
ALL = "__all__"
#: the commands the whole of celery-lint's checks run in (besides those of SETTING)
CHECK_SETTING = "CELERY_LINT_CHECK_COMMANDS"


def running_commands() -> list[str]:
    """The names of the management commands on this thread's stack (the module name
    under `management/commands/`, as Django names commands), the outermost last."""
    from django.core.management.base import BaseCommand

    found: list[str] = []
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        command = frame.f_locals.get("self")
        if isinstance(command, BaseCommand):
            name = type(command).__module__.rpartition(".")[2]
            if not found or found[-1] != name:
                found.append(name)
        frame = frame.f_back
    return found


def running_command() -> str | None:
    """The name of the outermost management command on this thread's stack, or None."""
    found = running_commands()
    return found[-1] if found else None


def error_commands() -> frozenset[str] | None:
    """The commands in which our errors stay errors; None for every command (`"__all__"`)."""
    return _commands(SETTING)


def runs_in_full() -> bool:
    """Whether the whole of celery-lint's checks runs here (see the module docstring)."""
    running = running_commands()
    if not running:
        return True
    errors, checked = error_commands(), _commands(CHECK_SETTING)
    if errors is None or checked is None:
        return True
    return any(name in errors or name in checked for name in running)


def _commands(setting: str) -> frozenset[str] | None:
    """The commands a setting names; None for every command (`"__all__"`)."""
    value = getattr(django_settings, setting, DEFAULT)
    if value == ALL:
        return None
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(name, str) for name in value):
        return frozenset(value)
    return frozenset(DEFAULT)  # a value we cannot read: the documented default


def as_reported(found: list[checks.CheckMessage]) -> list[checks.CheckMessage]:
    """`found` with error-level messages as warnings unless the running command is one
    where they stay errors."""
    if not any(message.is_serious() for message in found):
        return found
    keep = error_commands()
    if keep is None or running_command() in keep:
        return found
    return [
        checks.Warning(message.msg, hint=message.hint, obj=message.obj, id=message.id)
        if message.is_serious() else message
        for message in found
    ]
