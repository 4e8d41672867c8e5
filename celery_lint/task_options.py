"""The options a task decorator takes, read from the installed Celery's own sources (not
imported: kombu and most of Celery would load at every start): the attributes and
methods of `celery.app.task.Task`, the execution options it extracts, the options the
decorator and the auto-retry wrapper consume. Every option a decorator is given that
the decorator does not consume becomes a class attribute of the task."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple, TypeVar

from celery_lint.celery_tables import installed_package
from celery_lint.project.modules import walk_blocks

T = TypeVar("T")


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


_CONSUMING = ("_task_from_fun", "inner_create_task_cls")


def _consumed(base: ast.Module) -> set[str]:
    """The parameters of `Celery._task_from_fun` and of the decorator `task()` builds."""
    names: set[str] = set()
    for node in walk_blocks(base):  # statements only: a def is never inside an expression
        if isinstance(node, ast.FunctionDef) and node.name in _CONSUMING:
            names |= _parameters(node)
    return names


def _consumed_in_base() -> set[str] | None:
    """`_consumed` of `app/base.py`, parsing only the two defs it reads (the whole
    module's tree is the largest of all a run holds), else the whole module."""
    package = installed_package()
    try:
        text = (package / "app/base.py").read_text(encoding="utf-8") if package is not None else None
    except (OSError, ValueError):
        return None
    if text is None:
        return None
    blocks = [_def_block(text, name) for name in _CONSUMING]
    if all(blocks):
        import textwrap  # only when the options are asked for: spares every start its import

        try:
            return _consumed(ast.parse("\n".join(textwrap.dedent(b) for b in blocks if b)))
        except SyntaxError:
            pass  # a block cut where a string or bracket went on: read the whole module
    return _read("app/base.py", _consumed)


def _def_block(text: str, name: str) -> str | None:
    """The source lines of `def name(` up to the next line indented as little as the
    def that is not the closing bracket of its signature (None: no such def)."""
    match = re.search(rf"^([ \t]*)def {name}\(", text, re.M)
    if match is None:
        return None
    indent = len(match.group(1))
    lines = text[match.start():].splitlines()
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() and len(line) - len(line.lstrip()) <= indent
                and not line.lstrip().startswith(")")), len(lines))
    return "\n".join(lines[:end]) + "\n"


@lru_cache(maxsize=1)
def task_options() -> TaskOptions | None:
    """None when the installed Celery's sources do not have the expected shape. Each
    source is parsed, read and let go before the next: the three trees at once cost
    more memory than the rest of a large project's model."""
    from_task = _read("app/task.py", _from_task_module)
    consumed = _consumed_in_base()  # bind=True never reaches the class: Task.bind() stays
    option_like = _read("app/autoretry.py", _option_like)
    if from_task is None or consumed is None or option_like is None:
        return None
    methods, attributes, executed = from_task
    options = (attributes - methods) | executed | option_like | consumed
    return TaskOptions(
        frozenset(m for m in methods - consumed if not m.startswith("_")),
        frozenset(o for o in options if not o.startswith("_")),
    )


def _read(relative: str, read: Callable[[ast.Module], T | None]) -> T | None:
    """What `read` finds in a source file of the installed Celery (None: not there)."""
    tree = _tree(relative)
    return read(tree) if tree is not None else None


def _from_task_module(task: ast.Module) -> tuple[set[str], set[str], set[str]] | None:
    """(the Task class's methods and their aliases, its attributes and properties, the
    options `extract_exec_options` takes), None without a Task class."""
    cls = _task_class(task)
    if cls is None:
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
    )
    return methods, attributes, executed


def _option_like(tree: ast.Module) -> set[str]:
    """The keys `add_autoretry_behaviour` reads: `options.get('retry_backoff', ...)`."""
    return {
        n.args[0].value for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get"
        and n.args and isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str)
    }
