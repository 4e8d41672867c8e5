"""CEL516: `broker_connection_retry_on_startup` unset where the worker warns at every start."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import is_test_module
from celery_lint.rules._effective import production_settings, value
from celery_lint.versions import TargetVersion

#: the setting is new in 5.3; 5.3 and 5.4 warn whenever it is unset, 5.5 to 5.7 only when
#: `broker_connection_retry` is False too (`Consumer.ensure_connected`,
#: `celery/worker/consumer/consumer.py`); Celery 6.0 is to stop reading
#: `broker_connection_retry` at startup, which the warning announces
SINCE, WARNS_ALWAYS_UNTIL, NEWEST = (5, 3, 0), (5, 5, 0), (5, 8, 0)
WARNING = ("The broker_connection_retry configuration setting will no longer determine whether broker "
           "connection retries are made during startup in Celery 6.0 and above")


def warns(target: TargetVersion | None, retry: bool) -> bool | None:
    """Whether a worker with `broker_connection_retry_on_startup` unset warns, on the
    target Celery (None: not known for it, outside 5.3 to 5.7 or with no target)."""
    if target is None:
        return True if retry is False else None  # every minor warns then; otherwise only 5.3 and 5.4
    if not SINCE <= target.version < NEWEST:
        return None
    return target.version < WARNS_ALWAYS_UNTIL or retry is False


def check(project: Project) -> Iterator[Finding]:
    settings = production_settings(project)
    apps = [a for a in project.django_apps if not is_test_module(project, a.source.path)]
    if not settings or not apps:
        return
    retries: list[object] = []
    for one in settings:
        on_startup = value(project, one, "broker_connection_retry_on_startup")
        found = value(project, one, "broker_connection_retry")
        if not on_startup.known or on_startup.only() is not None or not found.known:
            return  # set somewhere (or unknown): that deployment does not warn
        retries.append(found.only())
    retry = retries[0]
    if not isinstance(retry, bool) or any(other is not retry for other in retries):
        return  # the settings modules disagree (or build the value): each warns, or not, on its own
    target = project.celery_version
    if not warns(target, retry):
        return
    on = f"{target}" if target is not None else "Celery 5.3 to 5.7"
    why = "" if retry else " (CELERY_BROKER_CONNECTION_RETRY = False)"
    for app in apps:
        yield RULE.finding(
            app.source.path, app.node,
            f"CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP is unset{why}: every worker start on {on} logs a "
            f"CPendingDeprecationWarning ('{WARNING}'); set CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = {retry}, "
            f"which keeps what the worker does now",
            subject="broker_connection_retry_on_startup",
        )


RULE = register(
    Rule(
        code="CEL516",
        severity="W",
        name="connection-retry-on-startup-unset",
        summary="CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP unset where the worker warns about it at every start",
        why="""\
Celery 5.3 added `broker_connection_retry_on_startup` (default None) and made the
worker's first connection announce the change coming in 6.0: while the setting is
unset, `broker_connection_retry` still decides whether the worker retries its first
connection to the broker, and `Consumer.ensure_connected`
(`celery/worker/consumer/consumer.py`) logs a `CPendingDeprecationWarning`, "The
broker_connection_retry configuration setting will no longer determine whether
broker connection retries are made during startup in Celery 6.0 and above", at
every worker start. Celery's logging shows pending
deprecation warnings always (`celery/app/log.py`): every worker log carries it.

Which releases warn:

- Celery 5.3 and 5.4 warn whenever the setting is unset ("If you wish to retain the
  existing behavior for retrying connections on startup, you should set
  broker_connection_retry_on_startup to True");
- Celery 5.5 to 5.7 warn only when `broker_connection_retry` is False too ("If you
  wish to refrain from retrying connections on startup, you should set
  broker_connection_retry_on_startup to False instead"): an unset setting with the
  default retries is silent there.

The rule follows the Celery version the project targets (see CEL102). With the
version unknown it reports only what every minor warns about, unset with
`CELERY_BROKER_CONNECTION_RETRY = False`; outside 5.3 to 5.7 it is silent. Reported
at the Celery app when every production settings module leaves the setting unset
(Django settings, `app.conf` writes and `Celery(...)` keywords in the app module are
read). Setting it to the value of `broker_connection_retry` (True unless said
otherwise) keeps what the worker does and ends the warning.

Off by default: the canonical layout (Celery's "First steps with Django") leaves the
setting unset, and on 5.3 and 5.4 the warning is noise in the log, not a fault;
select it with `--extend-select CEL516`.""",
        bad=Example({"+requirements.txt": "celery==5.4.0\n"}, findings=(("proj/celery.py", "CEL516"),)),
        good=Example(
            {"+requirements.txt": "celery==5.4.0\n", "+proj/settings.py": "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True\n"}
        ),
        silent_on=(
            "the setting given (True or False) in any production settings module, by app.conf or Celery(...)",
            "Celery 5.5 to 5.7 with broker_connection_retry left True (they do not warn then)",
            "a target version unknown, unless CELERY_BROKER_CONNECTION_RETRY = False (every minor warns then); "
            "a target outside 5.3 to 5.7",
            "values the analysis cannot read (the environment), settings modules that disagree",
            "settings modules named for tests or development; projects without a Celery app configured from "
            "Django's settings",
        ),
        default_enabled=False,
        check_project=check,
    )
)
