"""CEL303 proof: `CELERY_CACHE_BACKEND = 'django-cache'` breaks the 'django-cache' result backend.

The backend of django-celery-results reads and writes results in
`caches[CELERY_CACHE_BACKEND]`: with a name that is no CACHES alias, storing a result
(what the worker does when a task finishes) and reading one (`AsyncResult.state`)
both raise `InvalidCacheBackendError`. With a CACHES alias both work.
"""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL303"]

STORE_AND_READ = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.result import AsyncResult

from proj.celery import app


def attempt(action):
    try:
        return {"ok": action()}
    except Exception as exc:
        return {"error": f"{type(exc).__module__}.{type(exc).__name__}: {exc}"}


print(json.dumps({
    "backend": type(app.backend).__module__ + "." + type(app.backend).__name__,
    "store": attempt(lambda: app.backend.store_result("task-1", 5, "SUCCESS") and "stored"),
    "read": attempt(lambda: AsyncResult("task-1", app=app).state),
}))
"""


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict:
    return probe(RULE.bad, tmp_path_factory.mktemp("cel303") / "bad", STORE_AND_READ)


def test_bad_example_uses_the_django_cache_backend(bad):
    assert bad["backend"] == "django_celery_results.backends.cache.CacheBackend"


@pytest.mark.parametrize("action", ["store", "read"])
def test_bad_example_cannot_store_or_read_results(bad, action):
    assert bad[action] == {
        "error": "django.core.cache.backends.base.InvalidCacheBackendError: The connection 'django-cache' doesn't exist."
    }


def test_good_example_stores_and_reads(tmp_path):
    good = probe(RULE.good, tmp_path, STORE_AND_READ)
    assert good["store"] == {"ok": "stored"}
    assert good["read"] == {"ok": "SUCCESS"}


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (the store and read errors)."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL303"], extend_select=["CEL303"])).findings
    for phrase in ("raises InvalidCacheBackendError",):
        assert phrase in finding.message, finding.message
