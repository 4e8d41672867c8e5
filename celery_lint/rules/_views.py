"""Views: the functions a request runs (function views, class-based views' methods,
the hooks of Django's generic views and DRF's), in views modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.project import SourceModule
from celery_lint.rules._signals import Function

NON_ATOMIC = "django.db.transaction.non_atomic_requests"
# methods of Django's generic views and DRF's that a request runs, without a `request` parameter
HOOKS = frozenset({"form_valid", "perform_create", "perform_update", "perform_destroy"})


def is_views_module(source: SourceModule) -> bool:
    return any(part.endswith(("views", "viewsets")) for part in (source.module or "").split("."))


def non_atomic(source: SourceModule, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if source.qualname(target) == NON_ATOMIC:
            return True
        if isinstance(decorator, ast.Call) and any(source.qualname(a) == NON_ATOMIC for a in decorator.args):
            return True  # method_decorator(transaction.non_atomic_requests, name="dispatch")
    return False


def parameters(function: Function) -> list[str]:
    return [a.arg for a in [*function.args.posonlyargs, *function.args.args]]


def views(source: SourceModule, atomic_only: bool = False) -> Iterator[Function]:
    """Function views (first parameter `request`) and the request-handling methods of
    class-based views (`get(self, request)`, `form_valid`, DRF's `perform_create`);
    with `atomic_only`, not those `@transaction.non_atomic_requests` takes out of
    ATOMIC_REQUESTS."""
    for stmt in source.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if parameters(stmt)[:1] == ["request"] and not (atomic_only and non_atomic(source, stmt)):
                yield stmt
        elif isinstance(stmt, ast.ClassDef) and not (atomic_only and non_atomic(source, stmt)):
            for method in stmt.body:
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and not (
                    atomic_only and non_atomic(source, method)
                ):
                    if parameters(method)[1:2] == ["request"] or method.name in HOOKS:
                        yield method
