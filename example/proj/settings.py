import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Reusable apps live in apps/; put it on the path so that they can be
# imported by their short names too.
sys.path.insert(0, str(BASE_DIR / "apps"))

SECRET_KEY = "example-only-not-a-secret"
DEBUG = True
ALLOWED_HOSTS = []

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "celery_lint",
    "orders",
    "apps.billing",
]

ROOT_URLCONF = "proj.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "Europe/Paris"

# Celery: read by
# app.config_from_object("django.conf:settings", namespace="CELERY")
CELERY_BROKER_URL = "redis://localhost:6379/0"
CELERY_RESULT_BACKEND = "django-db"
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_SOFT_TIMELIMIT = 300
RESULT_EXPIRES = 3600
