"""The canonical healthy project (Celery's "First steps with Django") that every rule
example is written against: an example lists only the files it changes."""

from __future__ import annotations

from pathlib import Path

from celery_lint.registry import Example, Rule

BASE: dict[str, str] = {
    "manage.py": '''\
#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
''',
    "proj/__init__.py": '''\
# This will make sure the app is always imported when
# Django starts so that shared_task will use this app.
from .celery import app as celery_app

__all__ = ("celery_app",)
''',
    "proj/settings.py": '''\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "not-a-secret"
DEBUG = True
ALLOWED_HOSTS = []

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_celery_results",
    "celery_lint",
    "demoapp",
]

ROOT_URLCONF = "proj.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

USE_TZ = True
TIME_ZONE = "UTC"

CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "django-db"
CELERY_TASK_SERIALIZER = "json"
''',
    "proj/celery.py": '''\
import os

from celery import Celery

# Set the default Django settings module for the 'celery' program.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

app = Celery("proj")

# Using a string here means the worker doesn't have to serialize
# the configuration object to child processes.
app.config_from_object("django.conf:settings", namespace="CELERY")

# Load task modules from all registered Django apps.
app.autodiscover_tasks()


@app.task(bind=True, ignore_result=True)
def debug_task(self):
    print(f"Request: {self.request!r}")
''',
    "proj/urls.py": '''\
from django.urls import path

from demoapp import views

urlpatterns = [
    path("add/", views.add_view),
]
''',
    "demoapp/__init__.py": "",
    "demoapp/views.py": '''\
from django.http import JsonResponse

from demoapp.tasks import add


def add_view(request):
    result = add.delay(2, 3)
    return JsonResponse({"task_id": result.id})
''',
    "demoapp/tasks.py": '''\
from celery import shared_task


@shared_task
def add(x, y):
    return x + y


@shared_task
def mul(x, y):
    return x * y


@shared_task
def xsum(numbers):
    return sum(numbers)
''',
}


#: a sign-up view sending the welcome task (`welcome.{send}({argument})`), and the task:
#: the examples of CEL210 (in a request's transaction) and CEL211 (a model instance sent)
SIGNUP_VIEW = """\
from django.contrib.auth.models import User
from django.http import JsonResponse

from demoapp.tasks import welcome


def signup(request):
    user = User.objects.create(username=request.POST["username"])
    welcome.{send}({argument})
    return JsonResponse({{"id": user.pk}})
"""
SIGNUP_TASKS = """\
from celery import shared_task
from django.contrib.auth.models import User


@shared_task
def welcome(user_id):
    return User.objects.get(pk=user_id).username
"""


def settings_module(apps: list[str], celery: str, before_celery: str = "") -> str:
    """A compact Django settings module for a rule example: the canonical project's
    essentials, these INSTALLED_APPS, then the Celery settings the example is about."""
    listed = "".join(f'    "{app}",\n' for app in apps)
    return (
        "from pathlib import Path\n\n"
        "BASE_DIR = Path(__file__).resolve().parent.parent\n"
        'SECRET_KEY = "not-a-secret"\n'
        f"INSTALLED_APPS = [\n{listed}]\n"
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}\n'
        f"{before_celery}\n"
        'CELERY_BROKER_URL = "memory://"\n'
        f"{celery}"
    )


def project_files(example: Example) -> dict[str, str]:
    """The full file set of an example: the base project with the example's changes."""
    files = dict(BASE)
    for path, text in example.texts().items():
        if path.startswith("-"):
            prefix = path[1:].rstrip("/")
            files = {p: t for p, t in files.items() if p != prefix and not p.startswith(prefix + "/")}
        elif path.startswith("+"):
            files[path[1:]] = files.get(path[1:], "") + "\n" + text
        else:
            files[path] = text
    return files


def fixed_example(rule: Rule) -> Example:
    """The rule's bad example as its fix leaves it (`Fix.fixed` over the bad files)."""
    assert rule.fix is not None, f"{rule.code} has no fix"
    return Example({**rule.bad.files, **rule.fix.fixed})


def write_project(example: Example, root: Path) -> Path:
    for path, text in project_files(example).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
