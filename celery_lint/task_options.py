"""The options a task decorator takes, read from the installed Celery's own sources (not
imported: kombu and most of Celery would load at every start): the attributes and
methods of `celery.app.task.Task`, the execution options it extracts, the options the
decorator and the auto-retry wrapper consume. Every option a decorator is given that
the decorator does not consume becomes a class attribute of the task."""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import NamedTuple

from celery_lint.celery_tables import installed_package


class TaskOptions(NamedTuple):
    methods: frozenset[str]  # Task methods: an option of that name replaces the method
    options: frozenset[str]  # every name a decorator option is read under


def _tree(relative: str) -> ast.Module | None:
    """A source file of the installed Celery (`app/task.py`), parsed, not imported."""
    package = installed_package()
    try:
        return ast.parse((package / relative).read_bytes()) if package is not None else None
    except (OSError, SyntaxError, ValueError):
        return None


def _task_class(tree: ast.Module) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Task"), None)


def _is_property(function: ast.FunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == "property") or (isinstance(d, ast.Attribute) and d.attr == "setter")
        for d in function.decorator_list
    )


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _parameters(function: ast.FunctionDef) -> set[str]:
    args = function.args
    return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]} - {"self", "fun", "cls"}


def _consumed(base: ast.Module) -> set[str]:
    """The parameters of `Celery._task_from_fun` and of the decorator `task()` builds."""
    names: set[str] = set()
    for node in ast.walk(base):
        if isinstance(node, ast.FunctionDef) and node.name in ("_task_from_fun", "inner_create_task_cls"):
            names |= _parameters(node)
    return names


@lru_cache(maxsize=1)
def task_options() -> TaskOptions | None:
    """None when the installed Celery's sources do not have the expected shape."""
    task, base, autoretry = _tree("app/task.py"), _tree("app/base.py"), _tree("app/autoretry.py")
    cls = _task_class(task) if task is not None else None
    if cls is None or base is None or autoretry is None:
        return None
    methods = {s.name for s in cls.body if isinstance(s, ast.FunctionDef) and not _is_property(s)}
    attributes: set[str] = set()
    for stmt in cls.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        attributes |= {t.id for t in targets if isinstance(t, ast.Name)}
        if isinstance(stmt, ast.FunctionDef) and _is_property(stmt):
            attributes.add(stmt.name)
    methods |= {a for a in attributes if any(  # aliases: `subtask = signature`
        isinstance(s, ast.Assign) and isinstance(s.value, ast.Name) and s.value.id in methods
        and any(isinstance(t, ast.Name) and t.id == a for t in s.targets) for s in cls.body
    )}
    executed = next(  # extract_exec_options = mattrgetter('queue', 'routing_key', ...)
        (_strings(n.value) for n in task.body if isinstance(n, ast.Assign)
         and any(isinstance(t, ast.Name) and t.id == "extract_exec_options" for t in n.targets)), set()
    ) if task is not None else set()
    consumed = _consumed(base)  # bind=True never reaches the class: Task.bind() stays
    options = (attributes - methods) | executed | _option_like(autoretry) | consumed
    return TaskOptions(
        frozenset(m for m in methods - consumed if not m.startswith("_")),
        frozenset(o for o in options if not o.startswith("_")),
    )


def _option_like(tree: ast.Module) -> set[str]:
    """The keys `add_autoretry_behaviour` reads: `options.get('retry_backoff', ...)`."""
    return {
        n.args[0].value for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get"
        and n.args and isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str)
    }
