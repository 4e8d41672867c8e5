"""CEL507: the Redis/SQS visibility timeout shorter than a countdown or a late-acked task's time limit."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from celery_lint.cache import answers
from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.project import Project, Settings, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import is_test_module
from celery_lint.rules._effective import Value, production_settings, value
from celery_lint.rules._limits import constant_seconds, global_limits, limit_tasks, seconds, task_limit

#: broker URL scheme -> (transport, kombu's default visibility timeout: `kombu/transport/redis.py`
#: `Channel.visibility_timeout`, `kombu/transport/SQS/__init__.py` `default_visibility_timeout`)
TRANSPORTS = {
    "redis": ("Redis", 3600), "rediss": ("Redis", 3600), "redis+socket": ("Redis", 3600),
    "sentinel": ("Redis", 3600), "sqs": ("SQS", 1800),
}
#: calls whose `countdown=` delays a task message (`Task.apply_async`, `Task.retry`, signatures)
DELAYING = frozenset({"apply_async", "retry", "set", "signature"})
OPTIONS_NAME = "CELERY_BROKER_TRANSPORT_OPTIONS"


class Visibility(NamedTuple):
    transport: str
    seconds: float
    default: bool

    def __str__(self) -> str:
        return f"the {self.transport} visibility timeout ({self.seconds:g} s{', kombu default' if self.default else ''})"


def visibility(project: Project, settings: Settings) -> Visibility | None:
    """The broker's visibility timeout for these settings; None when it is not Redis or
    SQS, or the analysis cannot tell."""
    transport = value(project, settings, "broker_transport")
    if not transport.is_default:
        return None
    url = value(project, settings, "broker_url").only()
    first = url[0] if isinstance(url, (list, tuple)) and url else url
    if not isinstance(first, str) or "://" not in first:
        return None
    known = TRANSPORTS.get(first.split(";", 1)[0].strip().partition("://")[0].lower())
    if known is None:
        return None
    options = value(project, settings, "broker_transport_options").only()
    if not isinstance(options, dict):
        return None
    if "visibility_timeout" not in options:
        return Visibility(known[0], known[1], True)
    timeout = seconds(options["visibility_timeout"])
    return Visibility(known[0], timeout, False) if isinstance(timeout, (int, float)) else None


def _longest(found: list[Visibility | None]) -> Visibility | None:
    """The visibility timeout every production settings module gives (their longest,
    so that a finding holds for each), None when one is unknown or not Redis/SQS."""
    if not found or None in found:
        return None
    return max((v for v in found if v is not None), key=lambda v: v.seconds)


def _acks_late(project: Project, settings: Settings) -> Any:
    return value(project, settings, "task_acks_late").only()


def _fix(what: str) -> str:
    return f"raise {OPTIONS_NAME}['visibility_timeout'] above the longest {what}"


def may_report(text: str) -> bool:
    """The text test of the module part: a countdown, a time limit, the settings' limit."""
    return "countdown" in text or "time_limit" in text or "TIME_LIMIT" in text


@lru_cache(maxsize=64)
@answers.kept("CEL507 visibility timeout")
def _timeout(project: Project) -> tuple[Visibility | None, Any, list[Finding]]:
    """(the visibility timeout, the production settings' task_acks_late values, the
    finding at the settings' time limit), once per project."""
    settings = production_settings(project)
    timeout = _longest([visibility(project, s) for s in settings])
    if timeout is None:
        return None, frozenset(), []
    late = frozenset(_acks_late(project, s) for s in settings)
    limits = [global_limits(project, s) for s in settings]
    found: list[Finding] = []
    known = [limit for limit in limits if limit is not None]
    hard = {limit.hard for limit in known}
    if late == {True} and len(known) == len(limits) and len(hard) == 1 and None not in hard:
        where: Value = known[0].hard_value
        if known[0].hard > timeout.seconds and where.path is not None and not where.is_default:
            found.append(RULE.finding(
                where.path, where.line,
                f"{where.name} ({known[0].hard:g} s) with late acknowledgement is longer than {timeout}: a task "
                f"still running after {timeout.seconds:g} s is handed to another worker and runs twice; "
                f"{_fix('time limit')}",
                subject="task_time_limit",
            ))
    return timeout, late, found


def _module_findings(project: Project, source: SourceModule) -> Iterator[Finding]:
    timeout, late, settings_findings = _timeout(project)
    if timeout is None:
        return
    yield from (f for f in settings_findings if f.path == source.path)
    if is_test_module(project, source.path):
        return
    if "countdown" in source.text:
        yield from _countdowns(source, timeout)
    if late - {True, False}:
        return  # acks_late unknown somewhere: which tasks are acknowledged late is unknown
    for task in limit_tasks(project, source):
        own = task_limit(task, "time_limit")
        own_late = task.option("acks_late")
        acked_late = own_late is True or (own_late is None and late == {True})
        if not isinstance(own, (int, float)) or own <= timeout.seconds or not acked_late:
            continue
        yield RULE.finding(
            task.source.path, task.decorator,
            f"task {task.function.name}: time_limit={own:g} with late acknowledgement is longer than {timeout}: "
            f"still running after {timeout.seconds:g} s, it is handed to another worker and runs twice; "
            f"{_fix('time limit')}",
            subject=str(task.function.name),
        )


def _countdowns(source: SourceModule, timeout: Visibility) -> Iterator[Finding]:
    for call in source.nodes(ast.Call):
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in DELAYING):
            continue
        for keyword in call.keywords:
            if keyword.arg != "countdown":
                continue
            delay = seconds(constant_seconds(keyword.value))
            if delay is UNKNOWN or delay is None or delay <= timeout.seconds:
                continue
            yield RULE.finding(
                source.path, keyword.value,
                f"countdown={delay:g} is longer than {timeout}: the worker holds the message unacknowledged "
                f"until the countdown ends, and after {timeout.seconds:g} s the broker hands it to another "
                f"worker: the task runs twice; {_fix('countdown or eta')}",
                subject="countdown",
            )


_VIEWS = '''\
from django.http import JsonResponse

from demoapp.tasks import add


def add_view(request):
    result = add.apply_async((2, 3), countdown=2 * 60 * 60)
    return JsonResponse({"task_id": result.id})
'''

RULE = register(
    Rule(
        code="CEL507",
        severity="W",
        name="visibility-timeout",
        summary="a countdown or a late-acked task's time limit longer than the Redis/SQS visibility timeout",
        why="""\
Redis and SQS have no real acknowledgements: kombu keeps a message a worker has
taken but not acknowledged, and after the *visibility timeout* (Redis: 3600 s,
SQS: 1800 s, unless `CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": ...}`
says otherwise) it puts the message back in the queue (`restore_visible` in
`kombu/transport/redis.py`). Another worker then runs the task while the first
still holds it: the task runs twice, and again every timeout.

A worker holds a message unacknowledged while a `countdown`/`eta` runs out, and,
with `task_acks_late`, while the task runs. So a literal `countdown=` (in
`apply_async`, `self.retry`, a signature) longer than the visibility timeout, or a
time limit of a late-acked task longer than it, lets the message come back.

The broker is read from `CELERY_BROKER_URL` as the app runs with it (a URL from
the environment is unknown and silent).

Celery versions: the kombu releases Celery 5.3 to 5.7 install (5.3 to 5.7) have the
same defaults (Redis 3600 s in `kombu/transport/redis.py`; SQS 1800 s, in
`kombu/transport/SQS.py` before kombu 5.7): the message names no version.""",
        bad=Example(
            {"+proj/settings.py": 'CELERY_BROKER_URL = "redis://redis.internal:6379/0"\n', "demoapp/views.py": _VIEWS},
            findings=(("demoapp/views.py", "CEL507"),),
        ),
        good=Example(
            {
                "+proj/settings.py": 'CELERY_BROKER_URL = "redis://redis.internal:6379/0"\n'
                'CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 60 * 60}\n',
                "demoapp/views.py": _VIEWS,
            }
        ),
        silent_on=(
            "brokers other than Redis and SQS (RabbitMQ acknowledges for real), or a broker URL from the environment",
            "countdowns that are not constants, eta= (never a constant), or transport options the analysis cannot read",
            "time limits of tasks acknowledged early (the default): the message is acknowledged as the task starts",
            "settings modules named for tests or development, and test modules",
        ),
        check_module=_module_findings,
        module_text=may_report,
    )
)
