import logging

from django.apps import AppConfig


class CeleryLintConfig(AppConfig):
    """`"celery_lint"` in INSTALLED_APPS registers the system checks and the
    worker-boot report (`celery_lint.worker_boot`)."""

    name = "celery_lint"
    verbose_name = "celery-lint"

    def ready(self) -> None:
        """Cheap, and never raises: it runs in every management command, before
        anything tells whether the project can import Celery at all (CEL006)."""
        try:
            from celery_lint import check_gate, worker_boot

            check_gate.register()  # the engine is imported only where the checks run in full
            worker_boot.connect()  # the findings in a starting worker's log
        except Exception:  # noqa: BLE001 - installing celery_lint must never break django.setup()
            logging.getLogger(__name__).warning("celery-lint: the system checks were not registered", exc_info=True)
