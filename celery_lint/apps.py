from django.apps import AppConfig


class CeleryLintConfig(AppConfig):
    """`"celery_lint"` in INSTALLED_APPS registers the system checks and the
    worker-boot report (`celery_lint.worker_boot`)."""

    name = "celery_lint"
    verbose_name = "celery-lint"

    def ready(self) -> None:
        from celery_lint import checks, checks_beat  # noqa: F401  (register the checks)
        from celery_lint import worker_boot

        worker_boot.connect()  # the findings in a starting worker's log
