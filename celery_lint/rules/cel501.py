"""CEL501: pickle accepted or used as a serializer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._effective import Value, written

#: the names kombu registers pickle under (`kombu/serialization.py`, `register_pickle`)
PICKLE = frozenset({"pickle", "application/x-python-serialize"})
ACCEPT_KEYS = ("accept_content", "result_accept_content")
SERIALIZER_KEYS = ("task_serializer", "result_serializer", "event_serializer")


def _accepts_pickle(value: Any) -> bool:
    """Whether a content list names pickle (its other, unknown, entries aside)."""
    if isinstance(value, str):
        value = [value]
    return isinstance(value, (list, tuple, set, frozenset)) and any(
        isinstance(v, str) and v in PICKLE for v in value
    )


def _message(found: Value) -> str:
    if found.key == "accept_content":
        return (
            f"{found.name} accepts pickle: a worker unpickles every task message with that content type, "
            f"so anyone who can reach the broker runs code in the worker; accept json only"
        )
    if found.key == "result_accept_content":
        return (
            f"{found.name} accepts pickle: reading a result unpickles it, so anyone who can write to the "
            f"result backend runs code in the process reading it; accept json only"
        )
    return (
        f"{found.name} = 'pickle': the messages are pickled, and the workers must accept pickle to read them, "
        f"so anyone who can reach the broker runs code in the worker; use json"
    )


def check(project: Project) -> Iterator[Finding]:
    for key in ACCEPT_KEYS + SERIALIZER_KEYS:
        bad = _accepts_pickle if key in ACCEPT_KEYS else (lambda v: isinstance(v, str) and v in PICKLE)
        for _, found in written(project, key):
            if found.path is not None and all(bad(v) for v in found.values):
                yield RULE.finding(found.path, found.line, _message(found), subject=key)


RULE = register(
    Rule(
        code="CEL501",
        severity="E",
        name="pickle-accepted",
        summary="pickle accepted (CELERY_ACCEPT_CONTENT) or used as a serializer: a message can run code",
        why="""\
Unpickling runs code: a pickle can name any callable to be called with any
arguments. A worker whose `accept_content` names `pickle` (or its content type
`application/x-python-serialize`) unpickles whatever message arrives on its queues,
so anyone who can publish to the broker -- a shared Redis, a leaked URL, another
service -- runs code in the worker, with its database credentials. The same holds
for `result_accept_content` and the processes that read results. `task_serializer`,
`result_serializer` or `event_serializer` set to `pickle` only works when the other
side accepts pickle, so it is reported too.

Celery has accepted only `json` by default since 4.0 (`celery.app.defaults`):
unset settings are fine. The value is the one the app really runs with: the Django
settings under the app's namespace, star imports followed, then `app.conf` writes
in the app module. A value from the environment is unknown and stays silent.

Celery versions: the same on every minor from 5.3 to 5.7 (json the only accepted
content by default, pickle registered by kombu under both names): the message names
no version.""",
        bad=Example(
            {"+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["json", "pickle"]\n'},
            findings=(("proj/settings.py", "CEL501"),),
        ),
        good=Example({"+proj/settings.py": 'CELERY_ACCEPT_CONTENT = ["json"]\n'}),
        silent_on=(
            "the settings unset (Celery accepts and sends json only)",
            "a value from the environment or built in ways the analysis cannot follow (env.list(...))",
            "settings modules named for tests or development (settings/test.py, local.py) and test modules",
            "projects whose Celery namespace the analysis cannot read",
        ),
        check_project=check,
    )
)
