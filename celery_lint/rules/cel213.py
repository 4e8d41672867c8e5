"""CEL213: a django.tasks task that Django rejects when the decorator is applied."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint import django_tasks as dt
from celery_lint.findings import Finding
from celery_lint.project import TASK_WORD, Project, SourceModule
from celery_lint.registry import Example, Rule, register

# the versions whose sources were read: django/tasks/base.py `task()` and
# backends/base.py `validate_task` are the same in Django 6.0 and 6.1; the backport's too
CHECKED_ON = {"django.tasks": "Django 6.0 and 6.1", "django_tasks": "the django-tasks backport 0.12"}


def _enclosing(tree: ast.Module) -> dict[tuple[int, int], ast.AST]:
    """(line, column) of every def -> the def or class it is directly defined in (absent: the module)."""
    found: dict[tuple[int, int], ast.AST] = {}

    def visit(node: ast.AST, owner: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if owner is not None:
                    found[(child.lineno, child.col_offset)] = owner
                visit(child, child)
            else:
                visit(child, owner)

    visit(tree, None)
    return found


def _inside_function(node: ast.AST | None, owners: dict[tuple[int, int], ast.AST]) -> ast.AST | None:
    """The nearest function `node` is inside (itself when it is one), through classes too."""
    while node is not None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
        node = owners.get((node.lineno, node.col_offset))  # type: ignore[attr-defined]
    return None


def _error(task: dt.DjangoTask, function: ast.FunctionDef | ast.AsyncFunctionDef, outer: ast.AST | None,
           backend: dt.Backend | None) -> tuple[str, str] | None:
    """(exception, Django's message) for the first error Django raises creating the
    task under one settings module's backends, in the order `task()` and
    `validate_task` check them; None when it raises none the analysis knows of."""
    alias = task.alias
    if backend is None:
        return dt.exception_name(task.package, "InvalidTaskBackend"), f"The connection '{alias}' doesn't exist."
    if backend.path not in dt.BASE_VALIDATION:
        return None  # another backend validates as it likes
    invalid = dt.exception_name(task.package, "InvalidTask")
    if outer is not None:
        return invalid, "Task function must be defined at a module level."
    if task.option("takes_context", False) is True:
        arguments = function.args
        names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
        if not names or names[0] != "context":
            return invalid, "Task takes context but does not have a first argument of 'context'."
    queue = task.option("queue_name", dt.DEFAULT_QUEUE)
    if isinstance(queue, str) and isinstance(backend.queues, frozenset) and queue not in backend.queues:
        return invalid, f"Queue '{queue}' is not valid for backend."
    return None


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    tasks = list(dt.django_tasks(project, source))
    if not tasks or not project.settings:
        return
    owners = _enclosing(source.tree)
    defs = {(n.lineno, n.col_offset): n for n in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)}
    for task in tasks:
        function = defs.get((task.lineno, task.col_offset))
        alias = task.alias
        if function is None or not isinstance(alias, str):
            continue
        outer = _inside_function(owners.get((task.lineno, task.col_offset)), owners)
        errors: dict[tuple[str, str], list[str]] = {}
        for settings in project.settings:
            found = dt.backends(settings)
            if not isinstance(found, dict):
                continue
            error = _error(task, function, outer, found.get(alias))
            if error is not None:
                errors.setdefault(error, []).append(settings.module)
        for (exception, text), modules in errors.items():
            when = (
                f"when {getattr(outer, 'name', '?')}() runs and applies the decorator" if outer is not None
                else f"when {source.module or source.path.name} is imported (the decorator runs then)"
            )
            under = ", ".join(modules)
            yield RULE.finding(
                source.path, task,
                f"@task on {function.name}: {exception}(\"{text}\") is raised {when}, under the settings {under} "
                f"({CHECKED_ON[task.package]}; {_fix(text, alias)})",
                subject=f"{function.name}:{text}",
            )


def _fix(text: str, alias: str) -> str:
    if text.startswith("The connection"):
        return f"add {alias!r} to TASKS or pass backend= an alias TASKS defines"
    if text.startswith("Task function"):
        return "define the task at module level"
    if text.startswith("Task takes context"):
        return "make `context` the function's first parameter, or drop takes_context=True"
    return "add the queue to the backend's QUEUES (absent, QUEUES is [\"default\"]) or use a queue it lists"


def _may_define(text: str) -> bool:
    return TASK_WORD in text


_TASKS = """\
from django.tasks import task


@task(queue_name="emails")
def send_report(user_id):
    return user_id
"""

RULE = register(
    Rule(
        code="CEL213",
        severity="E",
        name="django-task-rejected",
        summary="a django.tasks task that Django rejects when its decorator runs (InvalidTask, InvalidTaskBackend)",
        why="""\
Django builds a `django.tasks.Task` when the `@task` decorator runs and validates
it at once (`Task.__post_init__` calls the backend's `validate_task`): for a
module-level task that is when its module is imported, so every process that
imports the module (the web process, a worker, a management command) fails. The
errors the analysis can see in the source, as Django 6.0 and 6.1 (and the
django-tasks backport) raise them:

- `backend=` names an alias `TASKS` does not define: `InvalidTaskBackend("The
  connection 'x' doesn't exist.")` (unset, `TASKS` defines only "default");
- the function is defined inside another function: `InvalidTask("Task function
  must be defined at a module level.")`, raised when the outer function runs;
- `takes_context=True` on a function whose first parameter is not `context`;
- `queue_name` not in the backend's `QUEUES` (absent, `QUEUES` is `["default"]`;
  an empty list checks nothing).

The last three are `BaseTaskBackend.validate_task`'s, reported for the backends
known to run it (Django's and the backport's ImmediateBackend and DummyBackend,
django-tasks-celery). A `@task` on a method is not rejected at import (its
qualified name has no `<locals>`), and is not reported.""",
        bad=Example({"demoapp/reports.py": _TASKS}, findings=(("demoapp/reports.py", "CEL213"),)),
        good=Example(
            {
                "demoapp/reports.py": _TASKS,
                "+proj/settings.py": 'TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", '
                '"QUEUES": ["default", "emails"]}}\n',
            }
        ),
        silent_on=(
            "TASKS the analysis cannot read (from the environment, in branches that disagree), and options "
            "that are not constants (a variable, **options)",
            "backends other than Django's / the backport's ImmediateBackend and DummyBackend and "
            "django-tasks-celery, for the checks their validate_task makes (a backend may validate otherwise)",
            "@task on a method: Django 6.0 and 6.1 accept it at import",
            "errors Django raises later: at enqueue(), or in using() (a queue_name given to using())",
        ),
        check_module=check,
        module_text=_may_define,
    )
)
