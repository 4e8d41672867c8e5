"""The queues an app declares (`task_queues`) and those its routes name, for CEL512 and CEL513.

`task_queues` is usually a tuple of kombu `Queue("name", ...)` calls, which the
settings evaluator does not run: their names are read from the assignment's own
source when every element is such a call with a constant name. A dict
(`{"name": {...}}`, Celery's compatible form) gives its keys.
"""

from __future__ import annotations

import ast
from typing import Any

from celery_lint.evaluate import UNKNOWN
from celery_lint.project import Project, Settings
from celery_lint.rules._effective import Value, value

QUEUE_CLASSES = frozenset({"kombu.Queue", "kombu.entity.Queue"})
#: `task_queues` unset: Celery declares the default queue only
UNSET: Any = "unset"


def declared(project: Project, settings: Settings) -> tuple[Value, Any]:
    """(the task_queues value, the queue names it declares): a frozenset, UNSET, or UNKNOWN."""
    found = value(project, settings, "task_queues")
    if found.is_default:
        return found, UNSET
    only = found.only()
    if isinstance(only, dict) and all(isinstance(k, str) for k in only):
        return found, frozenset(only)
    if found.path is None or not (found.where.value is UNKNOWN or isinstance(only, (tuple, list))):
        return found, UNKNOWN  # branches that disagree, or a value of another kind
    return found, _from_source(project, found)


def _from_source(project: Project, found: Value) -> Any:
    source = project.source(found.path) if found.path is not None else None
    if source is None:
        return UNKNOWN
    for node in source.nodes(ast.Assign, ast.AnnAssign):
        if node.lineno != found.line or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or ast.unparse(targets[0]) != found.where.name:
            return UNKNOWN
        if not isinstance(node.value, (ast.Tuple, ast.List)):
            return UNKNOWN
        names = [_queue_name(source.qualname(e.func), e) if isinstance(e, ast.Call) else None for e in node.value.elts]
        return frozenset(n for n in names if n) if all(names) else UNKNOWN
    return UNKNOWN


def _queue_name(qualname: str | None, call: ast.Call) -> str | None:
    if qualname not in QUEUE_CLASSES:
        return None
    node = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value else None


def route_queues(routes: Any) -> list[tuple[str, str]] | None:
    """(task pattern, queue name) of the routes in `task_routes` that name a queue by
    name; None when any route cannot be read (a router function, a non-constant)."""
    if routes is None:
        return []
    maps = routes if isinstance(routes, (list, tuple)) else [routes]
    found: list[tuple[str, str]] = []
    for mapping in maps:
        if not isinstance(mapping, dict):
            return None
        for pattern, route in mapping.items():
            queue = route if isinstance(route, str) else route.get("queue") if isinstance(route, dict) else UNKNOWN
            if queue is None:
                continue
            if not isinstance(pattern, str) or not isinstance(queue, str):
                return None
            found.append((pattern, queue))
    return found
