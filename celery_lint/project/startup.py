"""Start-up code: the directories `manage.py` and the settings put on `sys.path`."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from celery_lint.evaluate import UNKNOWN, FsPath, ModuleEvaluator, Namespace, known_str

if TYPE_CHECKING:
    from celery_lint.project.core import Project


def sys_path_additions(project: Project) -> list[Path]:
    """Directories that `manage.py` or the settings put on `sys.path`."""
    roots: list[Path] = []
    paths = [project.root / "manage.py"]
    for name in project.settings_module_names_raw():
        path = project.resolve_file(name)
        if path:
            paths.append(path)
    for path in paths:
        text = project.text(path) if path.is_file() else None
        if not text or "sys.path" not in text:
            continue
        source = project.source(path)
        if source is None:
            continue
        module = project.module_name(path) or "__main__"
        ns = Namespace(module, path)
        evaluator = ModuleEvaluator(module, path, lambda _: None)
        for stmt in source.tree.body:
            evaluator.statement(stmt, ns)
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                continue
            if source.qualname(call.func.value) != "sys.path" or call.func.attr not in ("insert", "append"):
                continue
            arg = evaluator.expr(call.args[-1], ns) if call.args else UNKNOWN
            value = arg.path if isinstance(arg, FsPath) else known_str(arg)
            if value:
                directory = _directory(value)
                if directory is not None and directory not in roots:
                    roots.append(directory)
    return roots


def _directory(value: str) -> Path | None:
    """The existing directory a settings string names, else None (also for a string
    no filesystem accepts: a NUL byte, a name too long)."""
    try:
        directory = Path(value).resolve()
        return directory if directory.is_dir() else None
    except (OSError, ValueError):
        return None
