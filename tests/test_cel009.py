"""CEL009: the Celery app module loads Django models at import."""

from __future__ import annotations

import pytest

from celery_lint.examples import BASE
from tests.helpers import BIN, lint, run, write_files

APP = BASE["proj/celery.py"]
MODELS = "from django.db import models\n\n\nclass Order(models.Model):\n    total = models.IntegerField()\n"


def with_import(line: str) -> str:
    return APP.replace("from celery import Celery\n", f"from celery import Celery\n{line}\n")


def cel009(project, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, {"demoapp/models.py": MODELS, **files})
    return lint(project, "CEL009")


@pytest.mark.parametrize(
    "line",
    [
        "from demoapp.models import Order", "import demoapp.models", "from demoapp import models",
        "from django.contrib.auth.models import User", "from django_celery_beat.models import PeriodicTask",
    ],
)
def test_a_models_import_in_the_app_module(project, line):
    assert cel009(project, {"proj/celery.py": with_import(line)}) == [("proj/celery.py", 4, "CEL009")]


def test_through_a_project_module(project):
    files = {"proj/celery.py": with_import("from demoapp import services"),
             "demoapp/services.py": "from demoapp.models import Order\n"}
    write_files(project, {"demoapp/models.py": MODELS, **files})
    result = run([str(BIN / "celery-lint"), "--select", "CEL009", "."], project)
    assert "imports demoapp.services (which imports demoapp.models) while it is imported" in result.stdout


def test_force_true_and_the_package_init(project):
    files = {
        "proj/celery.py": APP.replace("app.autodiscover_tasks()", "app.autodiscover_tasks(force=True)"),
        "proj/__init__.py": BASE["proj/__init__.py"] + "from demoapp.models import Order\n",
    }
    assert sorted(p for p, _, _ in cel009(project, files)) == ["proj/__init__.py", "proj/celery.py"]


@pytest.mark.parametrize(
    "line",
    [
        "from django.db import models", "from django.db.models import Q", "from django.conf import settings",
        "from demoapp import services",  # a module that loads no models
        "try:\n    from demoapp.models import Order\nexcept Exception:\n    Order = None",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demoapp.models import Order",
        "def load():\n    from demoapp.models import Order\n    return Order",
        "from shop.models import Product",  # a package the analysis does not have
    ],
)
def test_silent(project, line):
    files = {"proj/celery.py": with_import(line), "demoapp/services.py": "import json\n"}
    assert cel009(project, files) == []
