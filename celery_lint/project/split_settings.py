"""django-split-settings: `include()` runs other files in the settings module's globals.

`include("components/base.py", "components/*.py", optional("local.py"))` from
`split_settings.tools` execs each file in the globals of the module that calls it
(`split_settings/tools.py`): later files see and change what earlier ones bound
(`INSTALLED_APPS += [...]` across files), while `__file__`, `__name__` and relative
imports stay the settings module's. Paths are relative to the including file (a
nested `include()` to its own file), a file already included is skipped (kept in
`__included_files__`, here `Namespace.ran`), a missing file raises `OSError` unless wrapped in
`optional()`, and `scope=` names the dict to run in (`globals()` is the default).

A glob's files run in the order `glob.glob` returns them, which is the directory's
order and NOT sorted (the project's README says so): they are run here in sorted
order, and a name whose value could depend on that order is unknown. An argument
that is no known string (`include(f"{ENV}.py")`), a missing file (optional or not:
a git-ignored `local.py` is as likely as a file made at deployment), an unreadable
one, or another `scope=` is code the analysis cannot see: what it may bind is unknown.
"""

from __future__ import annotations

import ast
import glob
import os.path
from pathlib import Path
from typing import TYPE_CHECKING

from celery_lint.evaluate import (
    UNKNOWN,
    Binding,
    CallHook,
    ModuleEvaluator,
    Namespace,
    unseen_code_ran,
)

if TYPE_CHECKING:
    from celery_lint.project.core import Project

INCLUDE = "split_settings.tools.include"
OPTIONAL = "split_settings.tools.optional"


def hooks(project: Project, text: str) -> dict[str, CallHook]:
    """The evaluator's hooks for a module whose text is `text` (none unless it spells `include`)."""
    if "include" not in text:
        return {}

    def run_include(evaluator: ModuleEvaluator, call: ast.Call, ns: Namespace) -> None:
        include(project, evaluator, call, ns)

    return {INCLUDE: run_include}


def include(project: Project, evaluator: ModuleEvaluator, call: ast.Call, ns: Namespace) -> None:
    """Run `include(*args, scope=...)` as the library does, in `ns`."""
    for keyword in call.keywords:
        if keyword.arg != "scope" or not _is_globals(keyword.value):
            ns.open = ns.dynamic = True  # the files run in another dict, or in one the analysis cannot name
            return
    for arg in call.args:
        for pattern in _patterns(evaluator, arg, ns):
            if pattern is None:
                unseen_code_ran(ns)
                continue
            found = sorted(glob.glob(os.path.join(evaluator.location.parent, pattern)))
            if not found:
                # a git-ignored local override (optional), or one made at deployment (else the
                # library raises OSError): as for `try: from .local import *`, values so far are unknown
                unseen_code_ran(ns)
                continue
            ran = [tree for path in found if (tree := _run(project, evaluator, Path(path), ns)) is not None]
            if len(ran) > 1:
                for name in _order_dependent(ran) & ns.bindings.keys():
                    old = ns.bindings[name]
                    ns.bindings[name] = Binding(UNKNOWN, old.path, old.line, old.col)


def _run(project: Project, evaluator: ModuleEvaluator, path: Path, ns: Namespace) -> ast.Module | None:
    """Run one included file in `ns`; its tree, or None when it was skipped or unseen."""
    path = Path(os.path.abspath(path))
    if path in ns.ran:
        return None
    ns.ran.append(path)
    source = project.source(path, needed=True) if path.is_file() else None
    if source is None:
        unseen_code_ran(ns)
        return None
    ModuleEvaluator(evaluator.module, evaluator.path, evaluator.loader, evaluator.hooks, location=path).run(
        source.tree, ns
    )
    return source.tree


def _patterns(evaluator: ModuleEvaluator, arg: ast.expr, ns: Namespace) -> list[str | None]:
    """The glob patterns of one argument (None for one that is unknown); `optional()`
    changes nothing here, a missing file being unknown either way."""
    if isinstance(arg, ast.Starred):
        value = evaluator.expr(arg.value, ns)
        if not isinstance(value, (list, tuple)):
            return [None]
        return [item if isinstance(item, str) else None for item in value]
    if isinstance(arg, ast.Call) and evaluator.qualname(arg.func, ns) == OPTIONAL:
        if len(arg.args) != 1 or arg.keywords:
            return [None]
        arg = arg.args[0]
        if isinstance(arg, ast.Constant) and arg.value in (None, ""):
            return []  # skipped by the library
    value = evaluator.expr(arg, ns)
    return [value if isinstance(value, str) else None]


def _is_globals(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and node.value is None:
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "globals"


def _order_dependent(trees: list[ast.Module]) -> set[str]:
    """Names whose value may depend on the order files of one glob run in: written
    by two of them, or written by one that reads a name another writes."""
    writes: list[set[str]] = []
    reads: list[set[str]] = []
    for tree in trees:
        written: set[str] = set()
        read: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                (read if isinstance(node.ctx, ast.Load) else written).add(node.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if isinstance(node.func.value, ast.Name):
                    written.add(node.func.value.id)  # INSTALLED_APPS.append(...)
            elif isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
                if isinstance(node.value, ast.Name):
                    written.add(node.value.id)
        writes.append(written)
        reads.append(read)
    suspect: set[str] = set()
    for i, written in enumerate(writes):
        others = set().union(*(w for j, w in enumerate(writes) if j != i))
        suspect |= written & others
        if reads[i] & others:
            suspect |= written
    return suspect
