"""Proof for several apps reading one project's settings (tests/test_settings_readers.py):
what each real Celery app reads from the same Django settings under its own namespace."""

from __future__ import annotations

from celery_lint.registry import Example
from tests.proof import probe
from tests.test_settings_readers import SECOND_APP, two_apps

READ_BOTH = """\
import json
import django
from proj.celery import app as first
from proj.worker import app as second

django.setup()

print(json.dumps({
    name: {"broker_url": app.conf.broker_url, "worker_concurrency": app.conf.worker_concurrency}
    for name, app in (("first", first), ("second", second))
}))
"""


def test_each_app_reads_its_own_namespace(tmp_path):
    settings = "WORKER_BROKER_URL = 'redis://worker'\nCELERY_BROKER = 'redis://typo'\nWORKER_CONCURRENCY = 3\n"
    conf = probe(Example(two_apps(settings)), tmp_path, READ_BOTH)
    # CELERY_BROKER is nobody's (the first app keeps the base project's CELERY_BROKER_URL)
    assert conf["first"] == {"broker_url": "memory://", "worker_concurrency": None}
    # WORKER_BROKER_URL is the second app's; WORKER_CONCURRENCY is not (it reads WORKER_WORKER_CONCURRENCY)
    assert conf["second"] == {"broker_url": "redis://worker", "worker_concurrency": None}


def test_the_second_namespace_reads_its_prefixed_key(tmp_path):
    conf = probe(Example(two_apps("WORKER_WORKER_CONCURRENCY = 3\n")), tmp_path, READ_BOTH)
    assert conf["second"]["worker_concurrency"] == 3


def test_an_app_without_namespace_reads_old_names(tmp_path):
    conf = probe(Example(two_apps("CELERYD_CONCURRENCY = 3\n", namespace="")), tmp_path, READ_BOTH)
    assert conf["second"]["worker_concurrency"] == 3


def test_a_settings_module_read_directly_gives_its_lowercase_names(tmp_path):
    files = {
        "proj/celery.py": SECOND_APP.format(source='"proj.settings"', namespace=', namespace="CELERY"'),
        "+proj/settings.py": "broker_transport_options = {'visibility_timeout': 7}\n",
    }
    code = (
        "import json\nimport django\nfrom proj.celery import app\n\ndjango.setup()\n"
        "print(json.dumps(app.conf.broker_transport_options))\n"
    )
    assert probe(Example(files), tmp_path, code) == {"visibility_timeout": 7}
