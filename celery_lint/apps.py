from django.apps import AppConfig


class CeleryLintConfig(AppConfig):
    """`"celery_lint"` in INSTALLED_APPS registers the system checks."""

    name = "celery_lint"
    verbose_name = "celery-lint"

    def ready(self) -> None:
        from celery_lint import checks  # noqa: F401  (registers the checks)
