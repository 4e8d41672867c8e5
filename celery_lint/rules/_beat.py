"""The beat schedule's entries, as Celery beat reads them (CEL514, CEL515).

Two sources: the effective `beat_schedule` (`CELERY_BEAT_SCHEDULE` in a production
settings module, or `app.conf.beat_schedule` in the app module, as `_effective`
decides which is in force) and `<app>.add_periodic_task(schedule, sig, **opts)` calls,
which `celery/app/base.py` (`_sig_to_periodic_task_entry`) turns into the same entry
(`options = dict(sig.options, **opts)`).

An entry's period is the shortest time between two of its runs: a number of seconds,
`timedelta(...)`, `schedule(run_every=...)`, or a `crontab` whose only field is the
minute, at evenly spaced minutes (`"*"`, `"*/N"`, `"0,30"`, one minute: an hour);
anything else is UNKNOWN. A task is found
by the name Celery registers it under (`name=`, else `<module>.<function>` under each
import root).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import layout
from celery_lint.evaluate import UNKNOWN
from celery_lint.project import TASK_WORD, Project, SourceModule
from celery_lint.rules._celeryconf import NOT_SET, _literal, effective, is_test_module
from celery_lint.rules._effective import production_settings
from celery_lint.rules._limits import constant_seconds
from celery_lint.tasks import TaskDef, task_defs

TIMEDELTA = "datetime.timedelta"
CRONTABS = frozenset({"celery.schedules.crontab", "celery.crontab"})
SCHEDULES = frozenset({"celery.schedules.schedule", "celery.schedule"})
#: seconds per `timedelta` keyword, and its positional order (days, seconds, microseconds, ...)
_UNITS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1,
          "milliseconds": 0.001, "microseconds": 0.000001}
_POSITIONAL = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
_CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")


class Entry(NamedTuple):
    """One beat entry: where it is written, the task it sends, how often, its options."""

    source: SourceModule
    node: ast.expr  # the entry's schedule (or the add_periodic_task call): where findings go
    task: Any  # the task name, UNKNOWN when not a constant
    period: Any  # seconds between two runs at the shortest, UNKNOWN when unreadable
    options: Any  # the message options (dict of key -> value), UNKNOWN when unreadable


def period(source: SourceModule, node: ast.expr | None, evaluated: Any = UNKNOWN) -> Any:
    """The shortest time in seconds between two runs of a schedule written as `node`
    (`evaluated` is its value where the settings' evaluation knows it)."""
    if isinstance(evaluated, (int, float)) and not isinstance(evaluated, bool):
        return evaluated if evaluated > 0 else UNKNOWN
    if node is None:
        return UNKNOWN
    number = constant_seconds(node)
    if number is not UNKNOWN:
        return number if number > 0 else UNKNOWN
    if not isinstance(node, ast.Call):
        return UNKNOWN
    called = source.qualname(node.func)
    if called == TIMEDELTA:
        return _timedelta(node)
    if called in SCHEDULES:
        every = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "run_every"), None)
        return period(source, every) if not any(k.arg is None for k in node.keywords) else UNKNOWN
    if called in CRONTABS:
        return _crontab(node)
    return UNKNOWN


def _timedelta(call: ast.Call) -> Any:
    total = 0.0
    pairs = [*zip(_POSITIONAL, call.args), *((k.arg, k.value) for k in call.keywords)]
    if len(call.args) > len(_POSITIONAL):
        return UNKNOWN
    for unit, node in pairs:
        amount = constant_seconds(node)
        if unit not in _UNITS or amount is UNKNOWN:
            return UNKNOWN
        total += amount * _UNITS[unit]
    return total if total > 0 else UNKNOWN


def _crontab(call: ast.Call) -> Any:
    """A crontab that runs every hour of every day at evenly spaced minutes: the gap."""
    fields = dict(zip(_CRONTAB_FIELDS, call.args))
    fields.update((k.arg, k.value) for k in call.keywords if k.arg is not None)
    if len(call.args) > len(_CRONTAB_FIELDS) or any(k.arg is None for k in call.keywords):
        return UNKNOWN
    if set(fields) - set(_CRONTAB_FIELDS):
        return UNKNOWN  # nowfun=, app=: not read
    for name in _CRONTAB_FIELDS[1:]:
        if name in fields and _literal(fields[name]) != "*":
            return UNKNOWN
    minutes = _minutes(_literal(fields["minute"]) if "minute" in fields else "*")
    if not minutes:
        return UNKNOWN
    ordered = sorted(minutes)
    gaps = [b - a for a, b in zip(ordered, ordered[1:])] + [60 - ordered[-1] + ordered[0]]
    return 60.0 * gaps[0] if len(set(gaps)) == 1 else UNKNOWN  # irregular: runs per hour and gaps disagree


def _minutes(spec: Any) -> set[int]:
    """The minutes of a crontab minute field: `"*"`, `"*/N"`, `5`, `"0,30"`; empty if other."""
    if isinstance(spec, int) and not isinstance(spec, bool) and 0 <= spec < 60:
        return {spec}
    if not isinstance(spec, str):
        return set()
    found: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        if part == "*":
            found |= set(range(60))
        elif part.startswith("*/") and part[2:].isdigit() and 0 < int(part[2:]) < 60:
            found |= set(range(0, 60, int(part[2:])))
        elif part.isdigit() and int(part) < 60:
            found.add(int(part))
        else:
            return set()
    return found


# -- the task an entry sends --------------------------------------------------------------


@lru_cache(maxsize=64)
def tasks_by_name(project: Project) -> dict[str, TaskDef]:
    """The project's tasks by every name Celery may register them under; a name two
    tasks could have is left out (it names neither for sure)."""
    found: dict[str, TaskDef] = {}
    clashes: set[str] = set()
    roots = project.own_import_roots
    for path in project.files_mentioning(TASK_WORD):
        source = project.source(path)
        for task in task_defs(project, source) if source is not None else ():
            explicit = task.option("name")
            names = [explicit] if isinstance(explicit, str) else [] if explicit is not None else [
                f"{module}.{task.function.name}" for root in roots if (module := layout.module_name(root, path))
            ]
            for name in names:
                clashes |= {name} if name in found else set()
                found[name] = task
    return {name: task for name, task in found.items() if name not in clashes}


def _local_task(project: Project, source: SourceModule, node: ast.expr) -> Any:
    """The task a name in `source` refers to (`add` in `add.s(1, 2)`), else UNKNOWN."""
    if isinstance(node, ast.Name):
        for task in task_defs(project, source):
            if task.function.name == node.id and not task.function.is_class:
                name = task.name
                return name if isinstance(name, str) else UNKNOWN
    qualname = source.qualname(node)
    return qualname if qualname is not None else UNKNOWN


# -- where entries are written ------------------------------------------------------------


def entries(project: Project) -> list[Entry]:
    """Every beat entry of the production configuration the analysis can place."""
    return _entries(project)


@lru_cache(maxsize=64)
def _entries(project: Project) -> list[Entry]:
    found: list[Entry] = []
    seen: set[tuple[Path, int]] = set()
    for settings in production_settings(project):
        schedule = effective(project, settings, "beat_schedule")
        if schedule.value is NOT_SET or schedule.path is None or is_test_module(project, schedule.path):
            continue
        if (schedule.path, schedule.line) in seen:
            continue
        seen.add((schedule.path, schedule.line))
        source = project.source(schedule.path)
        if source is None:
            continue
        if schedule.path in settings.files:
            if schedule.value is UNKNOWN:
                continue  # settings the evaluation cannot read
            roots: list[tuple[SourceModule, ast.AST]] = [
                (s, s.tree) for s in map(project.source, settings.files) if s is not None
            ]
        else:
            stmt = _app_write(project, source, schedule.line, schedule.value)
            if stmt is None:
                continue
            roots = [(source, stmt)]
        found += _written_entries(roots, schedule.value)
    found += _periodic_calls(project)
    return found


def _app_write(project: Project, source: SourceModule, line: int, value: Any) -> ast.stmt | None:
    """The module-level statement of the app module writing the schedule at `line`. When
    the value is UNKNOWN (a literal holding calls: `timedelta(...)`), only if it is the
    project's one write of `beat_schedule` outside settings and tests."""
    stmt = next((s for s in source.tree.body if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
    if stmt is None or value is not UNKNOWN:
        return stmt
    writers = [p for p in project.files_mentioning("beat_schedule")
               if p not in project.settings_files and not is_test_module(project, p)]
    if writers != [source.path] or source.text.count("beat_schedule") != 1:
        return None
    return stmt


def _entry_nodes(roots: list[tuple[SourceModule, ast.AST]]) -> dict[str, list[tuple[SourceModule, ast.expr]]]:
    """Entry name -> the entry literals (`{"task": ..., "schedule": ...}`) written under
    that name below `roots`: as a key of a dict, or `X["name"] = {...}`."""
    nodes: dict[str, list[tuple[SourceModule, ast.expr]]] = {}
    for source, root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and "task" in _fields(value):
                        nodes.setdefault(key.value, []).append((source, value))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
                            and isinstance(target.slice.value, str) and "task" in _fields(node.value):
                        nodes.setdefault(target.slice.value, []).append((source, node.value))
    return nodes


def _fields(node: ast.expr) -> dict[str, ast.expr]:
    """The fields of an entry literal: `{"task": ...}` or `dict(task=...)`; {} otherwise."""
    if isinstance(node, ast.Dict):
        if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
            return {}
        return {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
        if any(k.arg is None for k in node.keywords):
            return {}
        return {k.arg: k.value for k in node.keywords if k.arg is not None}
    return {}


def _written_entries(roots: list[tuple[SourceModule, ast.AST]], value: Any) -> Iterator[Entry]:
    """The entries of a schedule in force: each entry of the evaluated value (or, for an
    app's write the evaluation could not read, of its literal) placed at its literal."""
    nodes = _entry_nodes(roots)
    names = list(value) if isinstance(value, dict) else list(nodes)
    if not isinstance(value, dict) and value is not UNKNOWN:
        return
    for name in names:
        if not isinstance(name, str) or len(nodes.get(name, [])) != 1:
            continue  # an entry the analysis cannot place for sure
        (source, node), = nodes[name]
        fields = _fields(node)
        known = value.get(name) if isinstance(value, dict) else {k: _literal(v) for k, v in fields.items()}
        if not isinstance(known, dict) or known.get("task") != _literal(fields["task"]):
            continue
        yield Entry(
            source, fields.get("schedule", node), known.get("task", UNKNOWN),
            period(source, fields.get("schedule"), known.get("schedule", UNKNOWN)),
            _options(known, fields),
        )


def _options(known: dict[str, Any], fields: dict[str, ast.expr]) -> Any:
    """An entry's message options: {} when it has none, UNKNOWN when they are not literal."""
    if "options" not in fields:
        return {}
    options = known.get("options", UNKNOWN)
    return options if isinstance(options, dict) else UNKNOWN


def _periodic_calls(project: Project) -> Iterator[Entry]:
    """`<app>.add_periodic_task(schedule, sig, args=(), kwargs=(), name=None, **opts)`."""
    for path in project.files_mentioning("add_periodic_task"):
        source = project.source(path)
        if source is None or is_test_module(project, path):
            continue
        for call in source.nodes(ast.Call):
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_periodic_task"):
                continue
            given = dict(zip(("schedule", "sig", "args", "kwargs", "name"), call.args))
            given.update((k.arg, k.value) for k in call.keywords if k.arg is not None)
            if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
                opts: Any = UNKNOWN
            else:
                opts = {k: _literal(v) for k, v in given.items() if k not in ("schedule", "sig", "args", "kwargs", "name")}
            task, sig_options = _signature(project, source, given.get("sig"))
            options = UNKNOWN if UNKNOWN in (opts, sig_options) else {**sig_options, **opts}
            yield Entry(source, call, task, period(source, given.get("schedule")), options)


def _signature(project: Project, source: SourceModule, node: ast.expr | None) -> tuple[Any, Any]:
    """(task name, options) of a signature: `add.s(...)`, `add.si(...)`, `add.signature(...)`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return UNKNOWN, UNKNOWN
    if node.func.attr in ("s", "si"):
        return _local_task(project, source, node.func.value), {}
    if node.func.attr == "signature" and len(node.args) <= 2 and not node.keywords:
        return _local_task(project, source, node.func.value), {}
    return UNKNOWN, UNKNOWN
