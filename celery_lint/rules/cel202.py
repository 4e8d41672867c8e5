"""CEL202 (opt-in): a reusable app's tasks import the project's Celery app."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from celery_lint.discovery import app_modules, installed_entries, is_test_module
from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.layout import is_namespace_package
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.tasks import canonical, may_define_tasks, task_defs


@lru_cache(maxsize=64)
def reusable_app_dirs(project: Project) -> dict[Path, str]:
    """Directory -> name of every installed project app outside the packages that hold
    the project's Django-configured Celery app modules."""
    packages = {
        app.source.module.rpartition(".")[0]
        for app in project.django_apps
        if app.source.module and app.variable and isinstance(app.scope, ast.Module)
    }
    found: dict[Path, str] = {}
    for settings in project.settings:
        entries = installed_entries(project, settings)
        for entry in entries if entries is not UNKNOWN else []:
            app = app_modules(project, entry)
            name = app[1] if app is not UNKNOWN else None
            if name is None or any(p and (name == p or name.startswith(p + ".")) for p in packages):
                continue
            resolved = project.resolve(name)
            if resolved is not None:
                path = resolved[1]
                found[path if is_namespace_package(path) else path.parent] = name
    return found


def project_app_qualnames(project: Project) -> set[str]:
    return {
        f"{app.source.module}.{app.variable}"
        for app in project.django_apps
        if app.source.module and app.variable and isinstance(app.scope, ast.Module)
    }


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _binding_import(source: SourceModule, name: str, depth: int = 0) -> ast.stmt | None:
    """The import statement that binds `name`, following `task = app.task` aliases."""
    imports: list[ast.Import | ast.ImportFrom] = source.nodes(ast.Import, ast.ImportFrom)
    for node in imports:
        for alias in node.names:
            bound = alias.asname or (alias.name if isinstance(node, ast.ImportFrom) else alias.name.partition(".")[0])
            if bound == name:
                return node
    if depth < 3:
        for stmt in source.tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
                and isinstance(stmt.value, (ast.Name, ast.Attribute))
            ):
                inner = _root_name(stmt.value)
                return _binding_import(source, inner, depth + 1) if inner else None
    return None


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    if is_test_module(project, source.path):
        return
    parents = set(source.path.parents)  # `in path.parents` compares one by one: slow per app and file
    app = next((name for d, name in reusable_app_dirs(project).items() if d in parents), None)
    if app is None:
        return
    ours = project_app_qualnames(project)
    reported: set[int] = set()
    for task in task_defs(project, source):
        if task.shared:
            continue
        target = task.decorator.func if isinstance(task.decorator, ast.Call) else task.decorator
        qualname = source.local_qualname(target) or ""
        owner = canonical(project, qualname).rpartition(".")[0]
        if owner not in ours and canonical(project, qualname.rpartition(".")[0]) not in ours:
            continue
        name = _root_name(target)
        stmt = _binding_import(source, name) if name else None
        if stmt is None or id(stmt) in reported:
            continue
        reported.add(id(stmt))
        yield RULE.finding(
            source.path, stmt,
            f"the reusable app {app} imports the project's Celery app for @{ast.unparse(target)}: in another "
            f"project `{ast.unparse(stmt)}` fails, and its tasks always use this app instead of the current "
            f"one; use @shared_task",
            subject=str(source.path),
        )


RULE = register(
    Rule(
        code="CEL202",
        severity="W",
        name="reusable-app-imports-celery-app",
        summary="a reusable app's tasks import the project's Celery app instead of using @shared_task",
        why="""\
`@app.task` returns a task bound to that app object: calling it always uses that
app, whichever app is current. `@shared_task` returns a proxy that resolves the
task on the current app at each use, which is what Celery's Django guide
recommends for reusable apps. An installed app that lives outside the project
package and imports `proj.celery.app` for its tasks cannot be installed anywhere
else: in another project the import fails (`No module named 'proj'`), and in a
test or a second app its tasks keep sending through this project's app. Off by
default: many single-project code bases import the app on purpose.""",
        bad=Example(
            {
                "demoapp/tasks.py": """\
                from proj.celery import app


                @app.task
                def add(x, y):
                    return x + y
                """
            },
            findings=(("demoapp/tasks.py", "CEL202"),),
        ),
        good=Example(
            {
                "demoapp/tasks.py": """\
                from celery import shared_task


                @shared_task
                def add(x, y):
                    return x + y
                """
            }
        ),
        silent_on=(
            "apps inside the package that holds the Celery app module (proj.reports next to proj/celery.py)",
            "modules that import the app for other uses (send_task, control) and define no @app.task task",
            "@current_app.task and tasks of apps created in functions",
            "INSTALLED_APPS the analysis cannot resolve; test modules",
        ),
        default_enabled=False,
        check_module=check,
        module_text=may_define_tasks,
    )
)
