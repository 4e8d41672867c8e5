"""CEL206: a task name string that names no task of the project."""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from celery_lint import celery_tables
from celery_lint.discovery import TaskNames, app_receiver, const_str, is_conf, is_test_module, nearest, task_names
from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule, module_statements
from celery_lint.project.app_settings import settings_namespaces
from celery_lint.project.configurations import class_statements, configuration_classes
from celery_lint.registry import Example, Rule, register

SIGNATURES = frozenset(
    {
        "celery.signature",
        "celery.Signature",
        "celery.subtask",
        "celery.canvas.signature",
        "celery.canvas.Signature",
        "celery.canvas.subtask",
    }
)


class NameRef(NamedTuple):
    """A string that Celery reads as a task name."""

    source: SourceModule
    node: ast.expr
    name: str
    kind: str  # "beat", "route", "send_task", "signature", "periodic" (a PeriodicTask row)


# -- where task names are written ------------------------------------------------------------


def schedule_names(node: ast.expr | None) -> Iterator[tuple[ast.expr, str]]:
    """The 'task' strings of a beat schedule written as a literal: `{"x": {"task": "..."}}`."""
    if isinstance(node, ast.Dict):
        for value in node.values:
            yield from entry_names(value)


def entry_names(node: ast.expr | None) -> Iterator[tuple[ast.expr, str]]:
    """The 'task' string of one schedule entry: `{"task": "..."}` or `dict(task="...")`."""
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if const_str(key) == "task" and const_str(value):
                yield value, const_str(value)  # type: ignore[misc]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        for keyword in node.keywords:
            if keyword.arg == "task" and const_str(keyword.value):
                yield keyword.value, const_str(keyword.value)  # type: ignore[misc]


def route_names(node: ast.expr | None) -> Iterator[tuple[ast.expr, str]]:
    """The task-name keys of `task_routes`: a dict, or a list/tuple of dicts and (key, route) pairs."""
    if isinstance(node, ast.Dict):
        for key in node.keys:
            if const_str(key):
                yield key, const_str(key)  # type: ignore[misc]
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            if isinstance(item, ast.Dict):
                yield from route_names(item)
            elif isinstance(item, (ast.List, ast.Tuple)):
                for pair in item.elts:
                    if isinstance(pair, ast.Tuple) and len(pair.elts) == 2 and const_str(pair.elts[0]):
                        yield pair.elts[0], const_str(pair.elts[0])  # type: ignore[misc]


_EXTRACT = {"beat": (schedule_names, entry_names), "route": (route_names, None)}


def _setting_kinds(namespaces: Iterable[object]) -> dict[str, str]:
    """The settings names of a schedule and of routes, for the namespaces of the apps
    reading a settings file (CELERY_ and the old names always)."""
    kinds = {"beat_schedule": "beat", "task_routes": "route"}
    names: dict[str, str] = {}
    for key, kind in kinds.items():
        names[celery_tables.prefixed(key)] = kind
        names[celery_tables.defaults._TO_OLD_KEY[key]] = kind
        for namespace in namespaces:
            if isinstance(namespace, str):
                names[f"{namespace}_{key.upper()}"] = kind
    return names


def _assigned(stmt: ast.stmt, is_target: Callable[[ast.expr], str | None]) -> Iterator[tuple[str, ast.expr, bool]]:
    """(what, value, whole) for a statement that writes a schedule/routes value: `whole` is
    False for one entry (`X["key"] = {...}`)."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            what = is_target(target)
            if what:
                yield what, stmt.value, True
            elif isinstance(target, ast.Subscript) and (entry := is_target(target.value)):
                yield entry, stmt.value, False
    for call in (n for n in ast.walk(stmt) if isinstance(n, ast.Call)):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "update":
            what = is_target(func.value)
            if what:
                for arg in call.args:
                    yield what, arg, True
                for keyword in call.keywords:
                    if keyword.arg is not None:
                        yield what, ast.Dict(keys=[ast.Constant(keyword.arg)], values=[keyword.value]), True
            elif is_conf(func.value):
                for keyword in call.keywords:
                    kind = {"beat_schedule": "beat", "task_routes": "route"}.get(keyword.arg or "")
                    if kind:
                        yield kind, keyword.value, True


def _written(
    source: SourceModule, statements: Iterable[ast.stmt], is_target: Callable[[ast.expr], str | None]
) -> Iterator[NameRef]:
    for stmt in statements:
        for kind, value, whole in _assigned(stmt, is_target):
            extract_all, extract_one = _EXTRACT[kind]
            extract = extract_all if whole or extract_one is None else extract_one
            for node, name in extract(value):
                yield NameRef(source, node, name, kind)


def settings_refs(project: Project) -> Iterator[NameRef]:
    classes = configuration_classes(project)
    for path in sorted(project.settings_files):
        source = project.source(path)
        if source is not None:
            # the namespaces of the apps reading the settings modules this file is part of
            namespaces = [n for s in project.settings if path in s.files for n in settings_namespaces(project, s)]
            kinds = _setting_kinds(namespaces)

            def is_target(node: ast.expr, kinds: dict[str, str] = kinds) -> str | None:
                return kinds.get(node.id) if isinstance(node, ast.Name) else None

            statements = [*module_statements(source.tree)]
            statements += [s for cls in classes.get(path, []) for s in class_statements(project, cls)]
            yield from _written(source, statements, is_target)


def conf_refs(project: Project) -> Iterator[NameRef]:
    """`app.conf.beat_schedule = {...}`, `app.conf.update(task_routes=...)` and the like."""

    def is_target(node: ast.expr) -> str | None:
        key = None
        if isinstance(node, ast.Attribute) and is_conf(node.value):
            key = node.attr
        elif isinstance(node, ast.Subscript) and is_conf(node.value):
            key = const_str(node.slice)
        return {"beat_schedule": "beat", "task_routes": "route"}.get(key or "")

    for path in project.files_mentioning("beat_schedule", "task_routes"):
        source = project.source(path)
        if source is not None and path not in project.settings_files:
            statements = [n for n in ast.walk(source.tree) if isinstance(n, ast.stmt)]
            yield from _written(source, statements, is_target)


def call_refs(project: Project) -> Iterator[NameRef]:
    """`<app>.send_task("...")`, `signature("...")`, `<app>.signature("...")`."""
    for path in project.files_mentioning("send_task", "ignature", "subtask"):  # (s|S)ignature in one scan
        source = project.source(path)
        if source is None or is_test_module(project, path):
            continue
        for call in source.nodes(ast.Call):
            func = call.func
            kind = None
            if isinstance(func, ast.Attribute) and func.attr in ("send_task", "signature"):
                if app_receiver(project, source, func.value):
                    kind = func.attr
            elif source.qualname(func) in SIGNATURES:
                kind = "signature"
            if kind is None:
                continue
            arg = call.args[0] if call.args else next(
                (k.value for k in call.keywords if k.arg in ("name", "task", "varies")), None
            )
            if const_str(arg):
                yield NameRef(source, arg, const_str(arg), kind)  # type: ignore[arg-type]


PERIODIC_TASK = "django_celery_beat.models.PeriodicTask"
_MANAGER_CALLS = frozenset({"create", "get_or_create", "update_or_create"})


def periodic_refs(project: Project) -> Iterator[NameRef]:
    """`PeriodicTask(task="...")`, `PeriodicTask.objects.create(task="...")` (and
    get_or_create/update_or_create, `defaults={"task": ...}` too), in code and data
    migrations (`PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")`)."""
    for path in project.files_mentioning("PeriodicTask"):
        source = project.source(path)
        if source is None or is_test_module(project, path):
            continue
        for call in source.nodes(ast.Call):
            func = call.func
            model: ast.expr = func  # PeriodicTask(task=...)
            if isinstance(func, ast.Attribute) and func.attr in _MANAGER_CALLS:
                if not (isinstance(func.value, ast.Attribute) and func.value.attr == "objects"):
                    continue
                model = func.value.value
            qualname = source.qualname(model)
            from_apps = qualname is None and isinstance(model, ast.Name) and model.id == "PeriodicTask" \
                and "django_celery_beat" in source.text  # `apps.get_model("django_celery_beat", ...)`
            if qualname != PERIODIC_TASK and not from_apps:
                continue
            for keyword in call.keywords:
                if keyword.arg == "task" and const_str(keyword.value):
                    yield NameRef(source, keyword.value, const_str(keyword.value), "periodic")  # type: ignore[arg-type]
                elif keyword.arg == "defaults":
                    for node, name in entry_names(keyword.value):
                        yield NameRef(source, node, name, "periodic")


# -- which names are wrong -------------------------------------------------------------------------


def verdict(ref: NameRef, tasks: TaskNames) -> str | None:
    """The message for a name that names no task of the project, or None."""
    name = ref.name
    if name.startswith("celery.") or name in tasks.names:
        return None
    if ref.kind == "route" and name.startswith("re:"):
        try:
            pattern = re.compile(name[3:])
        except re.error:
            return None
        if not any(pattern.match(t) for t in tasks.names):
            return None
        return (
            f"task_routes key {name!r}: Celery has no 're:' prefix (celery/app/routes.py matches a string key "
            f"exactly, or as a glob when it holds '*'), so this route never applies; use re.compile({name[3:]!r}) "
            f"as the key"
        )
    if ref.kind == "route" and "*" in name:
        pattern = re.compile(fnmatch.translate(name))
        top = name.split(".")[0]
        if any(pattern.match(t) for t in tasks.names) or top not in tasks.top_levels:
            return None
        return f"task_routes pattern {name!r} matches no task of this project: the route never applies"
    suggestion = nearest(name, tasks.names)
    in_project = name.split(".")[0] in tasks.top_levels
    is_suffix = suggestion is not None and suggestion.endswith("." + name)
    typo = suggestion is not None and not is_suffix and celery_tables.edit_distance(name, suggestion) <= 2
    if not (in_project or typo or (is_suffix and ref.kind in ("beat", "route", "periodic"))):
        return None  # may be a task of another code base
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    if ref.kind == "beat":
        return (
            f"beat schedule task {name!r} names no task of this project: beat sends it on every run and the "
            f"worker rejects it as an unregistered task{hint}"
        )
    if ref.kind == "periodic":
        return (
            f"periodic task (django-celery-beat PeriodicTask) task {name!r} names no task of this project: beat "
            f"sends it on every run and the worker rejects it as an unregistered task{hint}"
        )
    if ref.kind == "route":
        return f"task_routes key {name!r} names no task of this project: the route never applies{hint}"
    return f"{ref.kind}({name!r}) names no task of this project: the worker rejects it as an unregistered task{hint}"


def check(project: Project) -> Iterator[Finding]:
    refs = [ref for ref in (*settings_refs(project), *conf_refs(project), *call_refs(project), *periodic_refs(project))
            if not ref.name.startswith("celery.")]
    if not refs:
        return
    tasks = task_names(project)
    if tasks.unknown is not None:
        return
    seen: set[tuple[object, int, int]] = set()
    for ref in refs:
        key = (ref.source.path, ref.node.lineno, ref.node.col_offset)
        message = verdict(ref, tasks)
        if message is None or key in seen:
            continue
        seen.add(key)
        yield RULE.finding(ref.source.path, ref.node, message, subject=f"task-name:{ref.name}")


RULE = register(
    Rule(
        code="CEL206",
        severity="E",
        name="unknown-task-name",
        summary="a task name string (beat schedule, PeriodicTask row, send_task, task_routes key) names no task of "
                "the project",
        why="""\
Celery looks tasks up by name, and a name is its module's dotted path plus the
function name (`demoapp.tasks.add`) unless `name=` is given. A beat schedule
entry, `send_task()` or `signature()` with a name no task has is sent anyway: the
worker rejects each message with "Received unregistered task of type ...", and
beat keeps sending it. A `task_routes` key that names no task silently routes
nothing. Task routes match a key exactly, or with `fnmatch` when it holds `*`
(`celery/app/routes.py`); a compiled `re.compile(...)` key is a regular expression,
a `'re:...'` string is not.

django-celery-beat's `PeriodicTask` rows are checked where code or a data
migration writes them: `PeriodicTask(task="...")` and
`PeriodicTask.objects.create/get_or_create/update_or_create(task="...")` (or
`defaults={"task": "..."}`), the model imported or from `apps.get_model(...)`.
Rows added in the admin are CEL307's (live, with a database).""",
        bad=Example(
            {
                "+proj/settings.py": """\
                CELERY_BEAT_SCHEDULE = {
                    "add-every-minute": {"task": "tasks.add", "schedule": 60.0, "args": (1, 2)},
                }
                """
            },
            findings=(("proj/settings.py", "CEL206"),),
        ),
        good=Example(
            {
                "+proj/settings.py": """\
                CELERY_BEAT_SCHEDULE = {
                    "add-every-minute": {"task": "demoapp.tasks.add", "schedule": 60.0, "args": (1, 2)},
                }
                """
            }
        ),
        silent_on=(
            "any project whose set of task names cannot be fully known: a task name from a variable or "
            "f-string, a task decorator the analysis does not recognise, a task decorator called as a "
            "function, tasks registered by hand (register_task, app.tasks.register), a custom gen_task_name, "
            "a file that cannot be parsed",
            "Celery's built-in tasks ('celery.*')",
            "names that may belong to another code base: a name is checked only when its top-level module is "
            "a top-level module or package of the project, or it is within two edits of a real task name, "
            "or (beat schedule and task_routes only) a real task name ends with '.' + the name ('tasks.add' "
            "for 'demoapp.tasks.add'); send_task('tasks.add') to another service stays silent",
            "task_routes globs that match some task, or whose first component is not a project package; "
            "compiled regular expression keys; router classes and functions",
            "names held in variables; send_task calls in test modules; receivers that are not a known Celery app",
            "a schedule or routes under the namespace of an app whose namespace cannot be read "
            "(`<NAMESPACE>_BEAT_SCHEDULE` is read for the apps reading that settings module)",
        ),
        check_project=check,
    )
)
