"""Model signal receivers and `Model.save()` overrides: code Django runs while it saves a
row, inside the save's transaction whenever there is one."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.project import SourceModule

MODEL_SIGNALS = frozenset(
    f"django.db.models.signals.{name}" for name in ("pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed")
)
RECEIVER = frozenset({"django.dispatch.receiver", "django.dispatch.dispatcher.receiver"})
MODEL = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
Function = ast.FunctionDef | ast.AsyncFunctionDef


def may_hold_handlers(text: str) -> bool:
    return "_save" in text or "_delete" in text or "m2m_changed" in text or "def save" in text


def _signals(source: SourceModule, node: ast.expr) -> list[str]:
    """The model signals `node` names: a signal, or a list or tuple of them."""
    nodes = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    return [q for n in nodes if (q := source.qualname(n)) in MODEL_SIGNALS]


_CONNECT = frozenset({"connect"})


def _connected(source: SourceModule) -> dict[str, str]:
    """Module-level functions given to `<signal>.connect(handler, ...)`: name -> signal."""
    found: dict[str, str] = {}
    if not source.method_call_lines(_CONNECT):
        return found  # no `.connect` in the text: no walk of every node
    for call in source.nodes(ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "connect" and call.args:
            signals = _signals(source, func.value)
            if signals and isinstance(call.args[0], ast.Name):
                found[call.args[0].id] = signals[0]
    return found


def _models(source: SourceModule) -> set[str]:
    """The classes of the module deriving from Django's Model (directly or through
    classes of the module)."""
    models: set[str] = set()
    changed = True
    classes: list[ast.ClassDef] = source.nodes(ast.ClassDef)
    while changed:
        changed = False
        for cls in classes:
            if cls.name not in models and any(
                source.qualname(b) in MODEL or (isinstance(b, ast.Name) and b.id in models) for b in cls.bases
            ):
                models.add(cls.name)
                changed = True
    return models


def handlers(source: SourceModule) -> Iterator[tuple[Function, str]]:
    """(function, what it is: "post_save receiver", "Order.save() override") for each
    signal receiver and save override the module defines."""
    connected = _connected(source)
    models = _models(source)
    for node in source.nodes(ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(node, ast.ClassDef):
            if node.name not in models:
                continue
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "save":
                    yield stmt, f"{node.name}.save() override"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and source.qualname(decorator.func) in RECEIVER and decorator.args:
                    signals = _signals(source, decorator.args[0])
                    if signals:
                        yield node, f"{signals[0].rpartition('.')[2]} receiver"
                        break
            else:
                if node.name in connected and node.col_offset == 0:
                    yield node, f"{connected[node.name].rpartition('.')[2]} receiver"
