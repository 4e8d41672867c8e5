from celery_lint.cli import run

run()
