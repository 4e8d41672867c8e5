"""Django system checks: the catalogue in `manage.py check` (ids `celery_lint.E101`).

`check_gate` registers them (stand-ins that import this module only where the checks
run in full: `command_level.runs_in_full`).

They run inside the user's process (in `check`, the test runner's `check`, at every
worker boot, and in the commands the settings name), so each is cheap, caches its work for the process, never raises, and
touches a database only when the command was given one (`check --database`,
`migrate`, the test runner; not Django 6.1's every database for `check --tag`) --
and never reports unapplied migrations to `migrate` itself, which would refuse
to apply them.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core import checks

from celery_lint import command_level, config_lookup, layout, live
from celery_lint.config import Config, ConfigError
from celery_lint.engine import project_findings
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.project.facts import missing_module
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from celery_lint.rules.cel301 import RESULTS_APP
from celery_lint.rules import cel308
from celery_lint.rules.cel304 import BEAT_APP
from celery_lint.suppression import Reporting

load_rules()
logger = logging.getLogger(__name__)
TAG = "celery_lint"
#: rules decided by the running process (`check_effective_settings`), not by `check_source`
LIVE_CODES = frozenset(live.RULES)


def _never_raise(check: Callable[..., list[checks.CheckMessage]]) -> Callable[..., list[checks.CheckMessage]]:
    """A check that never raises, and whose errors stop only the commands where they
    should (`command_level`)."""
    @functools.wraps(check)
    def wrapper(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
        try:
            return command_level.as_reported(check(app_configs, **kwargs))
        except Exception as exc:  # noqa: BLE001 - a check must never break manage.py or the worker
            # but never pass silently: a check that did not run is not a check that passed
            logger.warning(
                "celery-lint: the check %s failed and reported nothing (%s: %s)",
                check.__name__, type(exc).__name__, exc,
            )
            logger.debug("celery-lint check %s failed", check.__name__, exc_info=True)
            return []

    return wrapper


def message(
    code: str, text: str, obj: str | None = None, hint: str | None = None, severity: str = ""
) -> checks.CheckMessage:
    """A check message; `severity` overrides the rule's level, never its id: the id
    `SILENCED_SYSTEM_CHECKS` names stays the same whatever the Celery version."""
    rule = REGISTRY[code]
    level = checks.Error if (severity or rule.severity) == "E" else checks.Warning
    return level(text, hint=hint, obj=obj, id=rule.django_id)


def _settings_path() -> Path | None:
    module = sys.modules.get(getattr(django_settings, "SETTINGS_MODULE", "") or "")
    file = getattr(module, "__file__", None)
    return Path(file).resolve() if file else None


@functools.lru_cache(maxsize=1)
def _live_root() -> Path | None:
    """The root of the running project, found from its settings module."""
    path = _settings_path()
    if path is None:
        return None
    root = layout.find_project_root(path.parent)
    if root is None:
        package_depth = django_settings.SETTINGS_MODULE.count(".")
        root = path.parents[package_depth]
    return root


@functools.lru_cache(maxsize=1)
def live_configuration() -> Config:
    """The `[tool.celery-lint]` table of the running project (none: the defaults): the
    nearest at or above its root, up to the repository root, as for the command."""
    root = _live_root()
    if root is None:
        return Config()
    try:
        return config_lookup.for_project(root)
    except ConfigError as exc:  # a check must not raise: say why the table is not used
        logger.warning("celery-lint: configuration not used: %s", exc)
        return Config()


@functools.lru_cache(maxsize=1)
def live_reporting() -> Reporting:
    """What the checks report: the rules the table selects, and of their findings what
    `celery-lint` reports under it (per-file-ignores, exclude, noqa on the line, baseline)."""
    config = live_configuration()
    try:
        return Reporting.configured(config)
    except ConfigError as exc:  # its baseline cannot be read: a check must not raise, say why
        logger.warning("celery-lint: baseline not used: %s", exc)
        return Reporting.configured(config._replace(baseline=None))


@functools.lru_cache(maxsize=1)
def _baselined() -> frozenset[Finding]:
    """The static findings the table's baseline records (hidden, with their live answers)."""
    project, reporting = live_project(), live_reporting()
    if project is None or reporting.baseline is None:
        return frozenset()
    shown = [
        f for f in project_findings(project, reporting.rules)
        if reporting.reports(f.code, f.path, f.line, project.text(f.path))
    ]
    return frozenset(shown) - frozenset(reporting.baseline.new(shown))


@functools.lru_cache(maxsize=1)
def live_project() -> Project | None:
    """The static model of the running project, with the table's options."""
    root = _live_root()
    if root is None:
        return None
    options = live_configuration().project_options()
    running = getattr(django_settings, "CONFIGURATION", None)  # django-configurations: "proj.settings.Prod"
    if isinstance(running, str) and options.configuration is None:
        options = options._replace(configuration=running.rpartition(".")[2])
    return Project.get(root, (django_settings.SETTINGS_MODULE,), options)


_current_app = live.current_app
#: the id of a warning about the configuration itself (no rule's)
CONFIGURATION_ID = f"{TAG}.W000"


def _configuration_messages(project: Project) -> list[checks.CheckMessage]:
    """`app` in [tool.celery-lint] naming no module: the app rules would be silent."""
    app = project.options.app
    wrong = missing_module([project], "[tool.celery-lint] app", app, "app") if app else None
    if wrong is None:
        return []
    hint = "Correct `app` in [tool.celery-lint] (the module that creates the Celery app, proj.celery)"
    return [checks.Warning(f"{wrong}: the Celery app rules did not run", hint=hint, id=CONFIGURATION_ID)]


def _as_message(project: Project, finding: Finding) -> checks.CheckMessage:
    try:
        where = finding.path.relative_to(project.root)
    except ValueError:
        where = finding.path
    return message(finding.code, finding.message, obj=f"{where}:{finding.line}", severity=finding.severity)


def _reported(project: Project, finding: Finding) -> bool:
    """Whether the table, the noqa comments and the baseline report a static finding
    (and the live answer it lends its location to). `SILENCED_SYSTEM_CHECKS` is Django's to apply: a
    silenced message is returned, and Django counts it."""
    reporting = live_reporting()
    shown = reporting.reports(finding.code, finding.path, finding.line, project.text(finding.path))
    return shown and finding not in _baselined()


@_never_raise
def check_source(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """The project-level rules, read from the project's files (what only source shows,
    such as statement order in the app module)."""
    project = live_project()
    if project is None:
        return []
    found = _configuration_messages(project)
    for finding in project_findings(project, live_reporting().rules):
        if finding.code in LIVE_CODES or not _reported(project, finding):
            continue
        if finding.code == "CEL004" and _current_app() is not None:
            continue  # some module did load the app: the process is fine whatever the source says
        found.append(_as_message(project, finding))
    return found


@_never_raise
def check_effective_settings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """The rules of `live.RULES` from the running configuration, one message per cause: a
    static finding of the same cause lends its location; where the process cannot tell,
    the static finding is reported as it is."""
    project = live_project()
    reporting = live_reporting()
    static = project_findings(project, reporting.rules) if project is not None else []
    view = live.view(project)
    found = []
    for code, rule in live.RULES.items():
        if not reporting.reports(code):
            continue
        # all of them: a live answer of a cause whose static finding is not reported
        # (noqa, per-file-ignores) is left out with it
        mine = [f for f in static if f.code == code]
        shown = [f for f in mine if project is not None and _reported(project, f)]
        answers = _ask(rule, view)
        if answers is None:
            found += [_as_message(project, f) for f in shown] if project is not None else []
            continue
        if code in live.SOURCE_FINDINGS_STAND and project is not None:
            found += [_as_message(project, f) for f in shown]
            answers = [a for a in answers if not any(f.subject == a.subject for f in mine)]
        for answer in answers:
            located = next((f for f in mine if f.subject == answer.subject), None)
            if located is None or located in shown:
                found.append(_live_message(project, answer, located))
    return found


def _ask(rule: Callable[[live.View], list[live.Live] | None], view: live.View | None) -> list[live.Live] | None:
    if view is None:
        return None
    try:
        return rule(view)
    except Exception as exc:  # noqa: BLE001 - the static finding stands in for a rule that failed
        logger.warning(
            "celery-lint: the live check of %s failed (%s: %s); only the source was checked",
            rule.__name__.upper(), type(exc).__name__, exc,
        )
        logger.debug("celery-lint live rule %s failed", rule.__name__, exc_info=True)
        return None


def _live_message(project: Project | None, answer: live.Live, located: Finding | None = None) -> checks.CheckMessage:
    obj = None
    if located is not None and project is not None:
        obj = _as_message(project, located).obj
    severity = answer.severity or (located.severity if located is not None else "")
    return message(answer.code, answer.text, obj=obj, hint=answer.hint, severity=severity)


@_never_raise
def check_deployment(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: eager tasks with DEBUG off (CEL401, unless the source said so
    already), no broker (CEL403), django.tasks on the Immediate/DummyBackend (CEL308)."""
    project = live_project()
    reporting = live_reporting()
    static = project_findings(project, reporting.rules) if project is not None else []
    found: list[live.Live] = []
    if reporting.reports("CEL308") and not any(f.code == "CEL308" for f in static):
        found += cel308.live(project)  # django.tasks run inline or never; never raises
    view = live.view(project)
    if view is None:
        return [_live_message(project, answer) for answer in found]
    if reporting.reports("CEL401") and not any(f.code == "CEL401" for f in static):
        found += _ask(live.cel401, view) or []
    if reporting.reports("CEL403"):
        found += _ask(live.cel403, view) or []
    return [_live_message(project, answer) for answer in found]


def running_migrate() -> bool:
    """Whether these checks run for `migrate`, which must be free to apply migrations."""
    try:
        from django.core.management.commands.migrate import Command as Migrate
    except ImportError:
        return False
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if isinstance(frame.f_locals.get("self"), Migrate):
            return True
        frame = frame.f_back
    return False


def unapplied_migrations(alias: str, app_label: str) -> list[str]:
    """Names of `app_label`'s migrations not applied on database `alias`."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] == app_label]
    plan = executor.migration_plan(targets)
    return [migration.name for migration, backwards in plan if migration.app_label == app_label and not backwards]


def requested_databases(handed: Iterable[str] | None) -> Iterable[str] | None:
    """The databases the command was asked to check: the `databases` given to the
    management command's `check()` (`check --database`, the test runner's aliases,
    `migrate`'s database), else what Django handed the check.

    Django 6.1 hands every database to checks selected by tag when none was named
    (`check --tag celery_lint`): not a request to touch them. Before 6.1 both are
    the same value."""
    from django.core.management.base import BaseCommand

    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code is BaseCommand.check.__code__:
            asked: Iterable[str] | None = frame.f_locals.get("databases")
            return asked
        frame = frame.f_back
    return handed


def migration_messages(code: str, app_label: str, databases: Iterable[str] | None) -> list[checks.CheckMessage]:
    if not databases or not live_reporting().reports(code):
        return []
    if not django_apps.is_installed(app_label) or running_migrate():
        return []
    databases = requested_databases(databases)
    if not databases:
        return []
    found = []
    for alias in sorted(databases):
        try:
            missing = unapplied_migrations(alias, app_label)
        except Exception as exc:  # noqa: BLE001 - an unreachable database: say it was not checked
            logger.debug("celery-lint: cannot read migrations of %s", alias, exc_info=True)
            found.append(
                message(
                    code,
                    f"could not check the migrations of {app_label} on database {alias!r} "
                    f"({type(exc).__name__}: {exc}): whether its tables exist is unknown",
                    hint=f"Check that database {alias!r} can be reached, then run: "
                    f"python manage.py check --database {alias}",
                    obj=alias,
                    severity="W",
                )
            )
            continue
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            found.append(
                message(
                    code,
                    f"{len(missing)} migration(s) of {app_label} not applied on database {alias!r} ({shown}): "
                    f"its tables do not exist yet",
                    hint=f"Run: python manage.py migrate {app_label} --database {alias}",
                    obj=alias,
                )
            )
    return found


@_never_raise
def check_results_migrations(app_configs: Any, databases: Iterable[str] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """CEL302: django_celery_results tables missing on a database the check was given."""
    return migration_messages("CEL302", RESULTS_APP, databases)


@_never_raise
def check_beat_migrations(app_configs: Any, databases: Iterable[str] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """CEL305: django_celery_beat tables missing on a database the check was given."""
    return migration_messages("CEL305", BEAT_APP, databases)


# -- CEL201 live: one file loaded as two modules ---------------------------------------------------

_worker_imports_done = False


def project_celery_app() -> Any:
    """The Celery app the project configured for Django in this process (it has the
    Django fixup), or None."""
    from celery import _state
    from celery.fixups.django import DjangoFixup

    for app in list(_state._get_active_apps()):
        if any(isinstance(fixup, DjangoFixup) for fixup in getattr(app, "_fixups", ())):
            return app
    return None


def import_like_worker(app: Any) -> None:
    """Import the task modules as `celery worker` does at start-up, once per process:
    the autodiscovery receivers of `import_modules` (`app.loader.import_default_modules()`),
    then `imports` / `include`; and the URLconf, which the web side imports.

    The Django fixup's own receiver is skipped: Django is set up already, and it would
    run these very checks again. `app.conf` is not loaded (no `on_configure` receivers
    run); `imports` / `include` are read from the settings and `Celery()` arguments."""
    global _worker_imports_done
    if _worker_imports_done:
        return
    _worker_imports_done = True
    import importlib

    from celery import signals
    from celery.fixups.django import DjangoFixup

    for receiver in signals.import_modules._live_receivers(app):
        if isinstance(getattr(receiver, "__self__", None), DjangoFixup):
            continue
        try:
            receiver(signal=signals.import_modules, sender=app)
        except Exception:  # noqa: BLE001 - a broken tasks module is the worker's error to report
            logger.debug("celery-lint: autodiscovery failed", exc_info=True)
    prefix = f"{app.namespace}_" if app.namespace else "CELERY_"
    modules: list[str] = []
    for value in (
        getattr(django_settings, f"{prefix}IMPORTS", None) or getattr(django_settings, "CELERY_IMPORTS", None),
        getattr(django_settings, f"{prefix}INCLUDE", None) or getattr(django_settings, "CELERY_INCLUDE", None),
        app._preconf.get("imports"),
        app._preconf.get("include"),
        getattr(django_settings, "ROOT_URLCONF", None),
    ):
        modules += [value] if isinstance(value, str) else list(value or ())
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 - as above
            logger.debug("celery-lint: cannot import %s", module, exc_info=True)


def modules_loaded_twice(app: Any) -> dict[str, list[str]]:
    """realpath -> the module names of each file that defines tasks and is loaded more than once."""
    import os

    task_files = set()
    for task in list(app.tasks.values()):
        module = sys.modules.get(getattr(task, "__module__", "") or "")
        file = getattr(module, "__file__", None)
        if file:
            task_files.add(os.path.realpath(file))
    basenames = {os.path.basename(file) for file in task_files}
    names: dict[str, list[str]] = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and os.path.basename(file) in basenames and os.path.realpath(file) in task_files:
            names.setdefault(os.path.realpath(file), []).append(name)
    return {file: sorted(found) for file, found in names.items() if len(found) > 1}


@_never_raise
def check_modules_loaded_twice(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """CEL201 live: after the worker's imports, a tasks file loaded as two modules."""
    import os

    app = project_celery_app()
    if app is None or not live_reporting().reports("CEL201"):
        return []  # the table turns it off; SILENCED_SYSTEM_CHECKS hides it (it runs, Django counts it)
    if getattr(app.loader, "worker_initialized", False) or running_migrate():
        return []  # inside the worker (it imports them itself), or migrate: leave them alone
    import_like_worker(app)
    project = live_project()
    static = {f.subject for f in project_findings(project, live_reporting().rules) if f.code == "CEL201"} if project else set()
    static = {os.path.realpath(subject) for subject in static}
    discovered = {f"{config.name}.tasks" for config in django_apps.get_app_configs()}
    found = []
    for file, names in sorted(modules_loaded_twice(app).items()):
        if file in static or not live_reporting().reports("CEL201", Path(file)):
            continue  # the static finding, at the import, speaks for this file; or the table ignores it
        tasks = {name: sorted(t for t, task in app.tasks.items() if task.__module__ == name) for name in names}
        shown = "; ".join(f"{name} registers {', '.join(tasks[name]) or 'no task'}" for name in names)
        expected = next((name for name in names if name in discovered), None)
        where = Path(file)
        if project is not None and project.root in where.parents:
            where = where.relative_to(project.root)
        worker = f"the worker imports {expected} (autodiscovery) and rejects" if expected else "a worker rejects"
        found.append(
            message(
                "CEL201",
                f"{where} is loaded as {len(names)} modules ({', '.join(names)}): {shown}; {worker} the other "
                f"names as unregistered tasks",
                obj=str(where),
                hint=f"import it as {expected or names[0]} everywhere",
            )
        )
    return found
