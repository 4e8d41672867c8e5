"""What the running Celery app reads from the Django settings, without configuring it.

`app.conf` would load the configuration and send `on_configure` and
`on_after_configure` to the project's receivers from inside `manage.py check`.
Instead, Celery's own `detect_settings` is applied to the Django settings and to the
app's pending changes (`app.conf.X = ...`, `Celery(broker=...)`): the lookup
`app.conf` does, with the namespace prefix, the old names, and the environment
overrides of the broker and result backend URLs.

The rules here answer from that view; each returns None when the running process
cannot tell (the static finding is reported then). The view is that of the app the
Django process loaded (Celery's current app): in a project with several apps the
others are checked by the static rules alone, whose findings stand beside the live
ones for CEL101, CEL102 and CEL104. With no app loaded, the namespace is the
project's one (unknown, so no view, when its apps disagree).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings as django_settings

from celery_lint import celery_tables
from celery_lint.evaluate import UNKNOWN
from celery_lint.project import DJANGO_CONFIG_STRINGS, Project
from celery_lint.rules import cel102 as cel102_rule  # `cel102` below is this module's check
from celery_lint.rules._reads import is_read
from celery_lint.rules._settings import celery_specific
from celery_lint.rules.cel301 import RESULTS_APP, RESULTS_BACKENDS
from celery_lint.rules.cel303 import is_django_cache_backend
from celery_lint.rules.cel304 import BEAT_APP, DATABASE_SCHEDULER, SPELLINGS
from celery_lint.rules.cel402 import is_utc


@dataclass(frozen=True)
class Live:
    """One cause found in the running process; `subject` matches the static finding's."""

    code: str
    subject: str
    text: str
    hint: str | None = None
    severity: str = ""


@dataclass
class View:
    """The running app's configuration: Celery's own `Settings` over the Django settings."""

    app: Any  # the current Celery app; None when the process never loaded the project's
    namespace: Any  # what Celery prefixes the settings with (a string or None)
    conf: Any  # celery.app.utils.Settings
    project: Project | None
    _names: frozenset[str] | None = field(default=None, repr=False)

    @property
    def names(self) -> frozenset[str]:
        """The settings the project sets (Django's defaults left out)."""
        if self._names is None:
            self._names = frozenset(n for n in dir(django_settings) if n.isupper() and django_settings.is_overridden(n))
        return self._names

    def statically_bound(self, name: str) -> bool:
        """Whether the static analysis saw `name` bound in the running settings module."""
        if self.project is None:
            return False
        return any(name in s.ns.bindings for s in self.project.settings)


def current_app() -> Any:
    """The app `@shared_task` resolves to now, or None when it would be Celery's default app."""
    from celery import _state

    return _state._tls.current_app


def reads_django_settings(app: Any) -> bool:
    source = getattr(app, "_config_source", None)
    return source is django_settings or (isinstance(source, str) and source in DJANGO_CONFIG_STRINGS)


def view(project: Project | None) -> View | None:
    """The running configuration, or None when it is not read from the Django settings
    (or the namespace is unknown: no app loaded, and the source does not tell)."""
    from celery.app.utils import detect_settings
    from celery.utils.collections import force_mapping

    app = current_app()
    if app is None:
        namespace = project.namespace_value if project is not None else UNKNOWN
        if namespace is UNKNOWN:
            return None
        preconf: dict[str, Any] = {}
        auto: set[str] = set()
    else:
        if not reads_django_settings(app):
            return None
        namespace = app.namespace
        if app.configured:
            return View(app, namespace, app._conf, project)
        preconf, auto = dict(app._preconf), set(app._preconf_set_by_auto)
    conf = detect_settings(force_mapping(django_settings), preconf, ignore_keys=auto, prefix=namespace)
    return View(app, namespace, conf, project)


# -- CEL003 and CEL1xx: names and namespace ------------------------------------------------


def ignored_settings(v: View) -> list[str]:
    """The project's `CELERY_` + new-name settings the running Celery does not read:
    what the app's configuration holds for the key differs from the setting (the
    installed Celery's own lookup decides, whatever its version)."""
    ignored = []
    for name in sorted(v.names):
        key = name[len(celery_tables.PREFIX):].lower() if name.startswith(celery_tables.PREFIX) else None
        if key in celery_tables.tables().new_keys and read_setting(v.conf, key) != getattr(django_settings, name, None):
            ignored.append(name)
    return ignored


def read_setting(conf: Any, key: str) -> Any:
    """A setting as Celery itself reads it: through the `Settings` property where there is
    one (`result_backend` asks for CELERY_RESULT_BACKEND by name before Celery 5.7), else
    by the configuration's key lookup."""
    if isinstance(getattr(type(conf), key, None), property):
        return getattr(conf, key)
    return conf.get(key)


def cel003(v: View) -> list[Live] | None:
    """The namespace of the running app (the constructor's or config_from_object's)."""
    if v.app is None:
        return None
    namespace = v.namespace
    ignored = ignored_settings(v)
    shown = ", ".join(ignored[:5]) + (f" and {len(ignored) - 5} more" if len(ignored) > 5 else "")
    if isinstance(namespace, str) and namespace and namespace != namespace.upper():
        return [Live(
            "CEL003", "namespace",
            f"the Celery app reads the settings with namespace={namespace!r}: it looks for lowercase names such "
            f"as {namespace.lower()}_broker_url, which Django never exposes"
            + (f", and ignores {shown}" if ignored else ""),
            hint=f"Use namespace={namespace.upper()!r}.",
        )]
    if not namespace and ignored:
        return [Live(
            "CEL003", "namespace",
            f"the Celery app reads the settings without a namespace: it reads only old setting names "
            f"and ignores {shown}",
            hint="Pass namespace='CELERY' to config_from_object().",
        )]
    return []


def _unseen_names(v: View) -> list[str] | None:
    """Settings of the running process the static analysis did not see bound (set by
    code it cannot follow), under namespace 'CELERY'; None when that is not the namespace."""
    if v.project is None or not isinstance(v.namespace, str) or v.namespace.rstrip("_") != "CELERY":
        return None
    project = v.project
    return sorted(n for n in v.names if not v.statically_bound(n) and not is_read(project, n))


def cel101(v: View) -> list[Live] | None:
    names = _unseen_names(v)
    if names is None:
        return None
    found = []
    for name in names:
        key = celery_tables.unprefixed_new_key(name)
        if key is not None and celery_specific(key):
            found.append(Live(
                "CEL101", name,
                f"settings.{name} is ignored: with namespace='CELERY' Celery reads {celery_tables.prefixed(key)}",
            ))
    return found


def cel102(v: View) -> list[Live] | None:
    names = _unseen_names(v)
    if names is None or v.project is None:
        return None
    old = [n for n in names if celery_tables.is_old_name(n) and n.startswith(cel102_rule.CELERY_OLD_PREFIXES)]
    if not old:
        return []
    what, severity = cel102_rule.verdict(v.project.celery_version)
    return [
        Live(
            "CEL102", name,
            f"settings.{name} is a Celery 3 name: {what}; use "
            f"{celery_tables.prefixed(celery_tables.OLD_TO_NEW[name])}",
            severity=severity,
        )
        for name in old
    ]


def cel104(v: View) -> list[Live] | None:
    names = _unseen_names(v)
    if names is None:
        return None
    return [
        Live(
            "CEL104", name,
            f"settings.{name} is not a Celery setting and is silently ignored; did you mean {nearest}?",
        )
        for name in names
        if (nearest := celery_tables.nearest_prefixed(name)) is not None
    ]


# -- CEL3xx and CEL402: backends and the beat scheduler ---------------------------------------


def cel301(v: View) -> list[Live] | None:
    backend = v.conf.result_backend
    name = backend.partition("://")[0] if isinstance(backend, str) else backend
    if name in RESULTS_BACKENDS and not django_apps.is_installed(RESULTS_APP):
        return [Live(
            "CEL301", "result_backend",
            f"the result backend is {backend!r} but 'django_celery_results' is not in INSTALLED_APPS: "
            f"the first .delay() or result access raises RuntimeError",
            hint="Add 'django_celery_results' to INSTALLED_APPS and run manage.py migrate.",
        )]
    return []


def cel303(v: View) -> list[Live] | None:
    if not is_django_cache_backend(v.conf.result_backend):
        return []
    cache = v.conf.get("cache_backend")
    aliases = getattr(django_settings, "CACHES", {}) or {}
    if not cache or cache in aliases:
        return []
    return [Live(
        "CEL303", "cache_backend",
        f"the 'django-cache' result backend uses caches[{cache!r}] (CELERY_CACHE_BACKEND), which is not a "
        f"CACHES alias ({', '.join(map(repr, sorted(aliases)))}): storing or reading a result raises "
        f"InvalidCacheBackendError",
        hint="Set CELERY_CACHE_BACKEND to a CACHES alias such as 'default', or remove it to use the default cache.",
    )]


def database_scheduler(scheduler: Any) -> bool | None:
    """Whether the scheduler is the DatabaseScheduler or a subclass (None: cannot tell).

    The spellings are known without importing anything. Otherwise, with the app
    installed, django-celery-beat's own `is_database_scheduler` decides (it imports the
    scheduler, as beat would); without it that function raises the very RuntimeError
    CEL304 is about, so only a class already loaded in the process is looked at."""
    if not scheduler:
        return False
    if isinstance(scheduler, str) and scheduler in SPELLINGS:
        return True
    if django_apps.is_installed(BEAT_APP):
        try:
            from django_celery_beat.utils import is_database_scheduler
        except ImportError:
            return None
        try:
            return bool(is_database_scheduler(scheduler))
        except Exception:  # noqa: BLE001 - an unimportable scheduler: beat reports that itself
            return None
    cls = scheduler if isinstance(scheduler, type) else _loaded_class(scheduler)
    if cls is None:
        return None
    return any(f"{c.__module__}.{c.__qualname__}" == DATABASE_SCHEDULER for c in cls.__mro__)


def _loaded_class(path: Any) -> type | None:
    """The class a `module:Class` path names, if its module is loaded already (no import)."""
    if not isinstance(path, str):
        return None
    module, _, name = path.partition(":") if ":" in path else path.rpartition(".")
    found = getattr(sys.modules.get(module), name, None)
    return found if isinstance(found, type) else None


def cel304(v: View) -> list[Live] | None:
    scheduler = v.conf.get("beat_scheduler")
    is_database = database_scheduler(scheduler)
    if is_database is None:
        return None
    if not is_database or django_apps.is_installed(BEAT_APP):
        return []
    return [Live(
        "CEL304", "beat_scheduler",
        f"the beat scheduler {scheduler!r} is django-celery-beat's DatabaseScheduler but 'django_celery_beat' "
        f"is not in INSTALLED_APPS: `celery beat` fails at start with RuntimeError",
        hint="Add 'django_celery_beat' to INSTALLED_APPS and run manage.py migrate.",
    )]


def cel402(v: View) -> list[Live] | None:
    if not django_apps.is_installed(BEAT_APP):
        return []
    is_database = database_scheduler(v.conf.get("beat_scheduler"))
    if not is_database:
        return None if is_database is None else []
    # django_celery_beat.models.crontab_schedule_celery_timezone: '<namespace>_TIMEZONE', else UTC
    beat_setting = f"{v.namespace}_TIMEZONE"
    if v.namespace and hasattr(django_settings, beat_setting):
        return []
    zone = v.conf.timezone
    if not isinstance(zone, str) or is_utc(zone):
        return []
    reason = f"{beat_setting} is unset" if v.namespace else "without a namespace it never reads CELERY_TIMEZONE"
    return [Live(
        "CEL402", "timezone",
        f"Celery runs on {zone!r} but django-celery-beat creates crontab schedules in 'UTC' ({reason}): "
        f"crontabs added in the admin fire at UTC times",
        hint="Set CELERY_TIMEZONE = TIME_ZONE." if v.namespace else "Use namespace='CELERY' and set CELERY_TIMEZONE.",
    )]


#: the rules the running process decides, in code order
RULES: dict[str, Callable[[View], list[Live] | None]] = {
    "CEL003": cel003,
    "CEL101": cel101,
    "CEL102": cel102,
    "CEL104": cel104,
    "CEL301": cel301,
    "CEL303": cel303,
    "CEL304": cel304,
    "CEL402": cel402,
}
#: rules whose static findings stand beside the live ones (a finding about the source
#: text stays true whatever the running process does); for the others the live
#: answer replaces the static one, which only lends its location
SOURCE_FINDINGS_STAND = frozenset({"CEL101", "CEL102", "CEL104"})


# -- deployment -----------------------------------------------------------------------------


def cel401(v: View) -> list[Live]:
    if getattr(django_settings, "DEBUG", False) or v.conf.get("task_always_eager") is not True:
        return []
    return [Live(
        "CEL401", "task_always_eager",
        "task_always_eager is True with DEBUG = False: every .delay() runs the task inline in the calling "
        "process (the request waits for it) instead of sending it to a worker",
        hint="Keep CELERY_TASK_ALWAYS_EAGER in test settings.",
    )]


def cel403(v: View) -> list[Live] | None:
    """No broker: Celery falls back to amqp://guest@localhost (kombu's default)."""
    app = v.app
    if app is None:
        return None  # the default app is what runs here: CEL004's business
    from celery.utils.dispatch import Signal

    if not isinstance(app.on_configure, Signal) or app.on_configure.receivers:
        return None  # configuration code runs when the app configures itself
    if v.conf.broker_write_url or v.conf.broker_read_url:
        return []
    return [Live(
        "CEL403", "broker_url",
        "no broker is configured (no CELERY_BROKER_URL setting or environment variable): Celery uses "
        "amqp://guest@localhost:5672//, and .delay() fails with 'Connection refused' unless RabbitMQ runs there",
        hint="Set CELERY_BROKER_URL, e.g. from the environment.",
    )]
