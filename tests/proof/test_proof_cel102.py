"""CEL102 proof: what the installed Celery does with an old (Celery 3) name under namespace='CELERY'.

Celery 5.6 looks a setting up key by key across all maps, so the default of
`worker_concurrency` wins before `CELERYD_CONCURRENCY` is tried: the old name is
ignored. Celery 5.7 looks up map by map: the old name is read again, but listed as
deprecated with removal in 6.0.0 (`Settings.maybe_warn_deprecated_settings`, which
the worker does not call for 'django.conf:settings', so nobody sees the warning).
The test asserts whichever the installed version does, and that the message says it.
"""

from __future__ import annotations

import celery

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL102"]
INSTALLED = tuple(int(p) for p in celery.__version__.split(".")[:2])

READ_CONF = """\
import json, warnings
from proj.celery import app
from celery.exceptions import CDeprecationWarning

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    app.conf.maybe_warn_deprecated_settings()
print(json.dumps({
    "worker_concurrency": app.conf.worker_concurrency,
    "deprecated": sorted(app.conf.deprecated_settings or ()),
    "warnings": [str(w.message) for w in caught if issubclass(w.category, CDeprecationWarning)],
}))
"""


def test_old_name_under_the_namespace(tmp_path):
    conf = probe(RULE.bad, tmp_path, READ_CONF)
    if INSTALLED >= (5, 7):
        assert conf["worker_concurrency"] == 4  # read again...
        assert "CELERYD_CONCURRENCY" in conf["deprecated"]  # ...but deprecated
        (warning,) = [w for w in conf["warnings"] if "CELERYD_CONCURRENCY" in w]
        assert "scheduled for removal in\n    version 6.0.0" in warning
    else:
        assert conf["worker_concurrency"] is None  # the default won: the old name was ignored


def test_new_name_is_read(tmp_path):
    conf = probe(RULE.good, tmp_path, READ_CONF)
    assert conf["worker_concurrency"] == 4
    assert "CELERY_WORKER_CONCURRENCY" not in conf["deprecated"]


def test_message_says_what_the_installed_version_does(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL102"])).findings
    assert finding.message.startswith("CELERYD_CONCURRENCY is a Celery 3 name: ")
    assert finding.message.endswith("use CELERY_WORKER_CONCURRENCY")
    if INSTALLED >= (5, 7):
        assert f"read by Celery {celery.__version__}" in finding.message
        assert "deprecated, removed in 6.0" in finding.message
    else:
        assert f"ignored by Celery {celery.__version__}" in finding.message
