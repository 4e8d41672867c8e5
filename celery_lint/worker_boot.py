"""celery-lint's findings in the log of a starting Celery worker or beat.

Celery's Django fixup runs the system checks at worker start
(`DjangoWorkerFixup.validate_models`, on `import_modules`, inside
`WorkController.__init__` -> `loader.init_worker()`) and discards their result, so
the process that suffers a misconfiguration never shows it. `CeleryLintConfig.ready()`
connects `report` to two signals of the main process:

- `celeryd_after_setup`: sent by `celery.apps.worker.Worker.on_start`, after the
  worker set up logging (`on_init_blueprint`) and before any bootstep starts, so
  before the pool forks its children, before the embedded beat (`-B`) starts and
  before "ready"; the children never send it. (`worker_init` comes earlier, before
  logging is set up; `worker_ready` comes with "ready" itself.)
- `beat_init`: sent by `beat.Service.start` after `celery beat` set up logging.
  An embedded beat sends it too, in a process forked after `celeryd_after_setup`,
  which inherits `_reported` and stays quiet.

By then the fixup has run the checks, so the static model is built and a second
run of our checks costs little (`benchmarks/live_checks.py` measures it). Each
message is logged once, as a warning, through Celery's logger. Off with
`CELERY_LINT_WORKER_BOOT = False`, and when Celery skips the checks
(`celery --skip-checks`, `CELERY_SKIP_CHECKS`). Never raises: a worker must start.

The signals are connected only when Celery is loaded already, as in `celery worker`
and `celery beat`, which import it before Django is set up: a management command
does not import Celery for a report it never sends (nor a `celery.py` that shadows
the library, CEL006).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from django.core.checks import CheckMessage

SETTING = "CELERY_LINT_WORKER_BOOT"
TAG = "celery_lint"  # the tag of every celery-lint check (celery_lint.checks.TAG)
_reported = False


def connect() -> None:
    """Connect `report` to the start signals (idempotent: one dispatch_uid each)."""
    if "celery" not in sys.modules:
        return
    try:
        from celery import signals

        signals.celeryd_after_setup.connect(report, weak=False, dispatch_uid="celery_lint.worker_boot")
        signals.beat_init.connect(report, weak=False, dispatch_uid="celery_lint.beat_boot")
    except Exception:  # noqa: BLE001 - installing celery_lint must never break django.setup()
        logging.getLogger(__name__).debug("celery-lint: worker-boot report not connected", exc_info=True)


def report(**kwargs: Any) -> None:
    """Log celery-lint's findings once per process tree (see the module docstring)."""
    global _reported
    if _reported:
        return
    _reported = True
    from celery.utils.log import get_logger

    logger = get_logger(__name__)
    try:
        found = lines()
        for line in found:
            logger.warning(line)
        if found:
            logger.warning(
                "celery-lint: %d finding(s) in this project's Celery set-up; `python manage.py check --tag %s` "
                "lists them (%s = False stops this report)", len(found), TAG, SETTING,
            )
    except Exception:  # noqa: BLE001 - a report must never stop the worker
        logger.debug("celery-lint: worker-boot report failed", exc_info=True)


def lines() -> list[str]:
    """One line per unsilenced celery-lint message of this process's checks (what the
    fixup's `run_checks()` found: no deployment checks, no database)."""
    from django.conf import settings
    from django.core import checks

    if not getattr(settings, SETTING, True) or os.environ.get("CELERY_SKIP_CHECKS"):
        return []
    found = [m for m in _run_source_checks() if not m.is_silenced() and m.level >= checks.WARNING]
    return [line(message) for message in found]


def _run_source_checks() -> list[CheckMessage]:
    """celery-lint's checks but the database ones, run as `run_checks` would: a booting
    worker must not connect (Django 6.1's `run_checks(tags=...)` hands every database
    to the database checks a tag selects)."""
    from django.core import checks

    messages: list[CheckMessage] = []
    for check in checks.registry.registry.get_checks(include_deployment_checks=False):
        tags = set(getattr(check, "tags", ()))
        if TAG in tags and checks.Tags.database not in tags:
            messages.extend(check(app_configs=None, databases=None))
    return messages


def line(message: CheckMessage) -> str:
    """`celery-lint CEL101 proj/settings.py:33: <message> -- fix: <hint>`."""
    code = _code(message.id or "")
    where = f" {message.obj}:" if message.obj is not None else ""
    fix = message.hint or (f"see celery-lint --explain {code}" if code.startswith("CEL") else "")
    return f"celery-lint {code}{where} {message.msg}" + (f" -- fix: {fix}" if fix else "")


def _code(check_id: str) -> str:
    """The rule code of a check id (`celery_lint.E101` -> `CEL101`), or the id itself."""
    from celery_lint.registry import REGISTRY

    return next((rule.code for rule in REGISTRY if rule.django_id == check_id), check_id)
