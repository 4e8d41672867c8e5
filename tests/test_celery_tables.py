"""Celery's setting tables come from the installed library's own module, computed
without importing Celery's runtime (kombu and most of Celery: a tenth of a second
and 20 MiB at every start of the command and of each flake8 worker)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from celery_lint import celery_tables
from tests.helpers import PYTHON, run

REPOSITORY = Path(__file__).resolve().parent.parent


def test_tables_computed_from_the_source_equal_the_imported_module():
    import celery.app.defaults as imported

    package = celery_tables.installed_package()
    assert package is not None
    tables = celery_tables.tables_of(package / "app" / "defaults.py")
    assert tables is not None
    assert tables.SETTING_KEYS == imported.SETTING_KEYS
    assert tables._TO_NEW_KEY == imported._TO_NEW_KEY
    assert tables._TO_OLD_KEY == imported._TO_OLD_KEY
    assert "broker_url" in tables.SETTING_KEYS and tables._TO_NEW_KEY["BROKER_URL"] == "broker_url"
    # the defaults the production rules (CEL5xx) fall back to
    assert tables.DEFAULTS == imported.DEFAULTS
    assert celery_tables.DEFAULTS["worker_prefetch_multiplier"] == 4
    assert celery_tables.DEFAULTS["accept_content"] == ("json",)


def test_the_command_lints_without_importing_celery_or_kombu():
    code = (
        "import json, sys\n"
        "from celery_lint.cli import main\n"
        "status = main([sys.argv[1]])\n"
        "loaded = sorted(m for m in sys.modules if m.partition('.')[0] in ('celery', 'kombu'))\n"
        "print(json.dumps([status, loaded]))\n"
    )
    result = run([PYTHON, "-c", code, str(REPOSITORY / "example")], cwd=REPOSITORY)
    status, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 1  # the example project's planted findings
    assert loaded == []


def test_only_from_imports_of_celery_helpers_get_stand_ins():
    stand_in = celery_tables._stand_in_import("celery.utils.functional", fromlist=("memoize",))
    assert stand_in.memoize(maxsize=10)(len) is len  # a decorator factory passes the function through
    assert celery_tables._stand_in_import("json") is json
    for name, fromlist, level in [("kombu.utils", ("x",), 0), ("celery.utils", (), 0), ("utils", ("x",), 1)]:
        with pytest.raises(ImportError):
            celery_tables._stand_in_import(name, fromlist=fromlist, level=level)
