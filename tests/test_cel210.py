"""CEL210: a view sending a task directly under ATOMIC_REQUESTS = True."""

from __future__ import annotations

import pytest

from celery_lint.examples import BASE
from tests.helpers import lint, write_files

ATOMIC = BASE["proj/settings.py"].replace(
    '"NAME": BASE_DIR / "db.sqlite3",', '"NAME": BASE_DIR / "db.sqlite3",\n        "ATOMIC_REQUESTS": True,'
)
HEAD = "from django.db import transaction\nfrom django.utils.decorators import method_decorator\nfrom django.views " \
       "import View\n\nfrom demoapp.tasks import add\n\n\n"


def cel210(project, views: str, settings: str = ATOMIC, path: str = "demoapp/views.py") -> list[tuple[str, str]]:
    files = {"proj/settings.py": settings, "demoapp/views.py": "", path: HEAD + views}  # the base view sends too
    write_files(project, files)
    return [(p, code) for p, _, code in lint(project, "CEL210")]


@pytest.mark.parametrize(
    "views",
    [
        pytest.param("def v(request):\n    add.delay(1, 2)\n", id="function"),
        pytest.param("async def v(request):\n    add.apply_async((1, 2))\n", id="async"),
        pytest.param("class V(View):\n    def post(self, request, *args):\n        add.delay(1, 2)\n", id="method"),
        pytest.param("class V(View):\n    def form_valid(self, form):\n        add.s(1, 2).delay()\n", id="form-valid"),
        pytest.param("class V(View):\n    def perform_create(self, serializer):\n        add.delay(1, 2)\n",
                     id="drf-hook"),
    ],
)
def test_fires(project, views):
    assert cel210(project, views) == [("demoapp/views.py", "CEL210")]


def test_fires_in_a_views_package(project):
    assert cel210(project, "def v(request):\n    add.delay(1, 2)\n", path="demoapp/views/orders.py") == [
        ("demoapp/views/orders.py", "CEL210")
    ]


@pytest.mark.parametrize(
    "views",
    [
        pytest.param("def v(request):\n    add.delay_on_commit(1, 2)\n", id="delay-on-commit"),
        pytest.param("def v(request):\n    transaction.on_commit(lambda: add.delay(1, 2))\n", id="on-commit"),
        pytest.param("@transaction.non_atomic_requests\ndef v(request):\n    add.delay(1, 2)\n", id="non-atomic"),
        pytest.param("@method_decorator(transaction.non_atomic_requests, name='dispatch')\nclass V(View):\n"
                     "    def post(self, request):\n        add.delay(1, 2)\n", id="non-atomic-class"),
        pytest.param("def v(request):\n    with transaction.atomic():\n        add.delay(1, 2)\n", id="cel204s"),
        pytest.param("def helper(pk):\n    add.delay(pk, 2)\n", id="not-a-view"),
    ],
)
def test_silent(project, views):
    assert cel210(project, views) == []


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param(BASE["proj/settings.py"], id="off"),
        pytest.param(ATOMIC.replace('"ATOMIC_REQUESTS": True', '"ATOMIC_REQUESTS": False'), id="false"),
        pytest.param(ATOMIC.replace('"ATOMIC_REQUESTS": True', '"ATOMIC_REQUESTS": os.environ.get("A") == "1"')
                     .replace("from pathlib import Path", "import os\nfrom pathlib import Path"), id="environment"),
        pytest.param(ATOMIC + '\nDATABASES["default"]["ATOMIC_REQUESTS"] = False\n', id="changed-later"),
    ],
)
def test_silent_unless_atomic_requests_is_surely_on(project, settings):
    assert cel210(project, "def v(request):\n    add.delay(1, 2)\n", settings=settings) == []


def test_silent_outside_views_modules(project):
    assert cel210(project, "def v(request):\n    add.delay(1, 2)\n", path="demoapp/services.py") == []
