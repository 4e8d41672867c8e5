"""What opens a transaction on the default database: `transaction.atomic` (a block or a
decorator, under any import alias or re-export) and the project's functions that wrap
it, followed one level (CEL204 asks; a send in such a block can run before the commit).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from celery_lint.project import Project, SourceModule
from celery_lint.tasks import canonical, project_function

ATOMIC = frozenset({"django.db.transaction.atomic", "django.db.transaction.Atomic"})
DEFAULT_ALIAS = frozenset({"django.db.DEFAULT_DB_ALIAS", "django.db.utils.DEFAULT_DB_ALIAS"})
CONTEXT_MANAGER = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
METHOD_DECORATOR = "django.utils.decorators.method_decorator"


def _is_atomic(project: Project, source: SourceModule, node: ast.expr) -> bool:
    """`transaction.atomic`, `atomic(using=...)` under any import alias or re-export."""
    target = node.func if isinstance(node, ast.Call) else node
    qualname = source.qualname(target)
    return qualname is not None and (qualname in ATOMIC or canonical(project, qualname) in ATOMIC)


def _on_default(source: SourceModule, call: ast.Call) -> bool:
    """Whether `atomic(...)` called so opens its block on the default database alias:
    `using` absent, None, "default" or DEFAULT_DB_ALIAS. `delay_on_commit()` calls
    `transaction.on_commit()` without `using`, which registers on the default
    connection (django/db/transaction.py): in a block on another alias (a read-only
    replica) the fix does nothing, and an alias the analysis cannot read is unknown."""
    if any(k.arg is None for k in call.keywords):
        return False
    using = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "using"), None)
    if using is None:
        return True
    if isinstance(using, ast.Constant):
        return using.value is None or using.value == "default"
    return source.qualname(using) in DEFAULT_ALIAS


def _wrapper(project: Project, source: SourceModule, node: ast.expr) -> str | None:
    """What a project function named by `node` makes of `transaction.atomic` (followed one
    level, its top-level statements only): "context" when calling it gives an atomic
    block on the default alias (`return transaction.atomic()`, or a @contextmanager that
    yields inside `with transaction.atomic()`), "decorator" when it decorates its first
    parameter with it (`return transaction.atomic(func)`), else None."""
    found = project_function(project, source, node)
    if found is None:
        return None
    owner, function = found
    first = (function.args.posonlyargs + function.args.args)[:1]
    manager = any(owner.qualname(d) in CONTEXT_MANAGER for d in function.decorator_list)
    for stmt in function.body:
        value = stmt.value if isinstance(stmt, ast.Return) else None
        if isinstance(value, ast.Call) and _is_atomic(project, owner, value):
            arg = value.args[0] if len(value.args) == 1 and not value.keywords else None
            if first and isinstance(arg, ast.Name) and arg.id == first[0].arg:
                return "decorator"
            if _on_default(owner, value):
                return "context"
        if manager and isinstance(stmt, ast.With) and opens_atomic(project, owner, stmt, follow=False):
            if any(isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Yield) for inner in stmt.body):
                return "context"
    return None


def opens_atomic(project: Project, source: SourceModule, node: ast.With | ast.AsyncWith, follow: bool = True) -> bool:
    """Whether the `with` statement opens an atomic block on the default alias (through a
    project wrapper too, when `follow`)."""
    for item in node.items:
        expr = item.context_expr
        if isinstance(expr, ast.Call) and _is_atomic(project, source, expr):
            if _on_default(source, expr):
                return True
        elif follow and isinstance(expr, ast.Call) and _wrapper(project, source, expr.func) == "context":
            return True
    return False


def _atomic_decorator(project: Project, source: SourceModule, decorator: ast.expr) -> bool:
    """`@transaction.atomic`, `@transaction.atomic(...)` on the default alias, or a project wrapper."""
    if _is_atomic(project, source, decorator):
        return not isinstance(decorator, ast.Call) or _on_default(source, decorator)
    if isinstance(decorator, ast.Call):
        return _wrapper(project, source, decorator.func) == "context"
    return _wrapper(project, source, decorator) == "decorator"


def atomic_decorated(project: Project, source: SourceModule, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in func.decorator_list:
        if _atomic_decorator(project, source, decorator):
            return True
        if (
            isinstance(decorator, ast.Call)
            and source.qualname(decorator.func) == METHOD_DECORATOR
            and decorator.args
            and _atomic_decorator(project, source, decorator.args[0])
        ):
            return True
    return False


_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+(\w+)", re.M)


_RETURNS_ATOMIC = re.compile(r"\breturn[ \t]+[\w.]*atomic\(")
_WITH_ATOMIC = re.compile(r"\bwith[ \t]+[\w.]*atomic\(")


@lru_cache(maxsize=64)
def _wrapper_names(project: Project) -> re.Pattern[str] | None:
    """The names of the module-level functions that may wrap `transaction.atomic` the ways
    `_wrapper` follows: their text up to the next module-level def returns `...atomic(`,
    or yields and opens `with ...atomic(` (read from the text of the files that spell it,
    once per project); None when there are none."""
    names: set[str] = set()
    for path in project.files_mentioning("atomic"):
        # only a file that spells one of the two shapes somewhere can hold one (the cache
        # then keeps these answers, not the texts of every file that spells "atomic")
        if not (project.matches(path, _RETURNS_ATOMIC) or project.mentions(path, "yield")
                and project.matches(path, _WITH_ATOMIC)):
            continue
        text = project.text(path) or ""
        defs = list(_DEF.finditer(text))
        for found, following in zip(defs, [*defs[1:], None]):
            body = text[found.end():following.start() if following else len(text)]
            if _RETURNS_ATOMIC.search(body) or "yield" in body and _WITH_ATOMIC.search(body):
                names.add(found.group(1))
    return re.compile(r"\b(?:" + "|".join(sorted(names)) + r")\b") if names else None


def may_open_atomic(project: Project, source: SourceModule) -> bool:
    """Whether the module can open an atomic block: it spells `atomic`, or the name of a
    project function that may wrap it."""
    if "atomic" in source.text:
        return True
    names = _wrapper_names(project)
    return names is not None and names.search(source.text) is not None
