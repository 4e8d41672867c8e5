"""CEL106 and CEL107 proofs, against the installed Celery.

CEL106: no module of Celery reads a `max_workers` setting, and the worker's concurrency stays
its default with `CELERY_MAX_WORKERS = 8`. CEL107: with the project's own
`CELERY_QUEUES = ("reports", "mail")`, Celery 5.7 takes the tuple as its
`task_queues` and every `.delay()` raises AttributeError; Celery 5.6 and older
ignore the old name (the oldest session of the matrix runs 5.3).
"""

from __future__ import annotations

import re
from pathlib import Path

import celery

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
INSTALLED = tuple(int(p) for p in celery.__version__.split(".")[:2])
SETUP = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from proj.celery import app
"""
CONCURRENCY = SETUP + 'print(json.dumps({"concurrency": app.conf.worker_concurrency}))\n'
SEND = SETUP + """\
from demoapp.tasks import add
try:
    add.delay(1, 2)
    sent = "sent"
except Exception as exc:
    sent = f"{type(exc).__name__}: {exc}"
print(json.dumps({"task_queues": app.conf.task_queues, "delay": sent}))
"""


def test_cel106_nothing_in_celery_reads_the_name(tmp_path):
    package = Path(celery.__file__).parent
    as_a_setting = re.compile(r"""conf\W{1,3}max_workers|['"]max_workers['"]""")  # not a pool's max_workers=
    assert not [p for p in package.rglob("*.py") if as_a_setting.search(p.read_text(encoding="utf-8"))]
    assert probe(REGISTRY["CEL106"].bad, tmp_path / "bad", CONCURRENCY) == {"concurrency": None}
    assert probe(REGISTRY["CEL106"].good, tmp_path / "good", CONCURRENCY) == {"concurrency": 8}


def test_cel107_the_projects_tuple_becomes_celerys_queues(tmp_path):
    rule = REGISTRY["CEL107"]
    bad = probe(rule.bad, tmp_path / "bad", SEND)
    if INSTALLED >= (5, 7):
        assert bad == {"task_queues": ["reports", "mail"], "delay": "AttributeError: 'str' object has no attribute 'name'"}
    else:
        assert bad == {"task_queues": None, "delay": "sent"}  # ignored until the upgrade
    assert probe(rule.good, tmp_path / "good", SEND) == {"task_queues": None, "delay": "sent"}
    (finding,) = lint_paths([write_project(rule.bad, tmp_path / "lint")], select_rules(["CEL107"])).findings
    assert "every .delay() can fail" in finding.message
