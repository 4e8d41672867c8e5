"""CEL105 proof: a setting newer than the installed Celery is dead in it.

Under namespace='CELERY' Celery hands any `CELERY_*` name to `app.conf`, known or
not, so the name is not refused: it is simply never read, because no code of that
Celery asks for it. The proof reads the installed Celery's own sources: in the
oldest session of the matrix (Celery 5.3) no module of Celery reads
`worker_soft_shutdown_timeout`, which the bad example sets; from 5.5 the worker
does, and the good example's value reaches `app.conf`.
"""

from __future__ import annotations

from pathlib import Path

import celery
import pytest

from celery_lint import setting_history
from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL105"]
INSTALLED = tuple(int(p) for p in celery.__version__.split(".")[:2])
KEY = "worker_soft_shutdown_timeout"
SINCE = setting_history.added_in(KEY)

READ_CONF = f"""\
import json
from proj.celery import app
print(json.dumps(app.conf.get("{KEY}")))
"""


def readers_of(key: str) -> list[str]:
    """The installed Celery's modules whose source names `key` outside its table."""
    package = Path(celery.__file__).parent
    return sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if path.name != "defaults.py" and key in path.read_text(encoding="utf-8")
    )


@pytest.mark.skipif(SINCE is None or INSTALLED >= SINCE, reason=f"Celery {celery.__version__} knows {KEY}")
def test_an_older_celery_never_reads_the_setting():
    assert readers_of(KEY) == []


@pytest.mark.skipif(SINCE is None or INSTALLED < SINCE, reason=f"Celery {celery.__version__} predates {KEY}")
def test_the_target_celery_reads_it(tmp_path):
    assert readers_of(KEY), f"no module of Celery {celery.__version__} reads {KEY}"
    assert probe(RULE.good, tmp_path, READ_CONF) == 10


def test_the_message_names_the_minor_that_added_it(tmp_path):
    write_project(RULE.bad, tmp_path)
    (finding,) = lint_paths([tmp_path], select_rules(["CEL105"])).findings
    assert SINCE == (5, 5)
    assert finding.message.startswith(f"CELERY_{KEY.upper()} is new in Celery 5.5: Celery 5.4.0 from requirements.txt")
