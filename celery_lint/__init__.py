"""celery-lint: catch the ways Celery is wired wrongly into Django."""

__version__ = "0.1.0"
