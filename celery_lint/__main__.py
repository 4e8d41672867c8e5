from celery_lint.console import run

run()
