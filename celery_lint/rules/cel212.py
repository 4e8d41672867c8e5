"""CEL212: a Celery task API used on a django.tasks task, or the reverse."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from celery_lint import django_tasks as dt
from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._sending import module_level_name
from celery_lint.tasks import canonical, task_defs

# methods of celery.app.task.Task (and DjangoTask's *_on_commit) that django.tasks.Task,
# a frozen slots dataclass, does not have
CELERY_API = frozenset({"delay", "apply_async", "apply", "s", "si", "signature", "map", "starmap", "chunks",
                        "retry", "AsyncResult", "update_state", "delay_on_commit", "apply_async_on_commit"})
# methods of django.tasks.Task that celery's Task does not have
DJANGO_API = frozenset({"enqueue", "aenqueue", "using", "get_result", "aget_result", "acall"})
_DJANGO_CALL = re.compile(r"\.\s*(?:" + "|".join(sorted(DJANGO_API)) + r")\b")
_CELERY_CALL = re.compile(r"\.\s*(?:" + "|".join(sorted(CELERY_API)) + r")\b")


def _may_use(text: str) -> bool:
    return _DJANGO_CALL.search(text) is not None or _CELERY_CALL.search(text) is not None


def _plain_task_class(project: Project, task: dt.DjangoTask) -> bool:
    """Whether every settings module gives the task's alias a backend whose task class
    is the package's own `Task` (a custom backend may give another class)."""
    alias = task.alias
    if not isinstance(alias, str) or not project.settings:
        return False
    for settings in project.settings:
        found = dt.backends(settings)
        backend = found.get(alias) if isinstance(found, dict) else None
        if backend is None or backend.path not in dt.BASE_VALIDATION | dt.FENNEL:
            return False
    return True


def _made_by(project: Project, source: SourceModule, node: ast.expr, scopes: list[ast.AST]) -> str | None:
    """"celery" when `node` names a module-level Celery task of a project module (made by
    @shared_task or @app.task, without `base=`), "django" when a django.tasks task whose
    task class is known; None otherwise."""
    if not module_level_name(source, node, scopes):
        return None
    qualname = source.local_qualname(node)
    module, _, name = canonical(project, qualname).rpartition(".") if qualname else ("", "", "")
    owner = project.source_of(module) if module and project.resolve(module) is not None else None
    if owner is None:
        return None
    celery = [t for t in task_defs(project, owner) if t.col_offset == 0 and t.function.name == name]
    django = [t for t in dt.django_tasks(project, owner) if t.module_level and t.function.name == name]
    if celery and not django:
        plain = all(t.option("base") is None for t in celery)
        return "celery" if plain and not project.files_mentioning("task_cls") else None
    if django and not celery and all(_plain_task_class(project, t) for t in django):
        return "django"
    return None


def _message(kind: str, receiver: str, attr: str) -> str:
    if kind == "django":
        fix = (
            f"enqueue it with {receiver}.enqueue(...) ({receiver}.using(priority=..., queue_name=..., "
            f"run_after=...) for options)"
        )
        if attr in ("s", "si", "signature", "map", "starmap", "chunks"):
            fix = "django.tasks has no signatures or canvas: " + fix
        return (
            f"{receiver}.{attr}: {receiver} is a django.tasks Task (@task of django.tasks), which has no "
            f"{attr} (AttributeError when this runs): {fix}"
        )
    fix = f"send it with {receiver}.delay(...) / {receiver}.apply_async(...)"
    if attr in ("get_result", "aget_result"):
        fix = f"read a result with {receiver}.AsyncResult(task_id)"
    elif attr == "using":
        fix = f"pass options to {receiver}.apply_async(..., queue=..., priority=..., countdown=...)"
    return (
        f"{receiver}.{attr}: {receiver} is a Celery task (@shared_task / @app.task), which has no {attr} "
        f"(AttributeError when this runs): {fix}"
    )


def _wanted(attr: str) -> str | None:
    """Which framework's task `.attr` is an AttributeError on."""
    return "django" if attr in CELERY_API else "celery" if attr in DJANGO_API else None


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    django_names = {t.function.name for t in dt.project_django_tasks(project)}
    words = _DJANGO_CALL.search(source.text) is not None
    if not words and not (django_names and _CELERY_CALL.search(source.text)):
        return
    # the attributes whose receiver names such a task, module-level names first; the
    # functions around them are looked at only then (a parameter or local may hide it)
    hits = {
        (node.lineno, node.col_offset) for node in source.nodes(ast.Attribute)
        if isinstance(node.ctx, ast.Load) and (wanted := _wanted(node.attr)) is not None
        and (wanted == "celery" or django_names) and _made_by(project, source, node.value, []) == wanted
    }
    if not hits:
        return

    def visit(node: ast.AST, scopes: list[ast.AST]) -> Iterator[Finding]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            scopes = [*scopes, node]
        if isinstance(node, ast.Attribute) and (node.lineno, node.col_offset) in hits:
            wanted = _wanted(node.attr)
            if wanted is not None and _made_by(project, source, node.value, scopes) == wanted:
                receiver = ast.unparse(node.value)
                yield RULE.finding(source.path, node, _message(wanted, receiver, node.attr),
                                   subject=f"{receiver}.{node.attr}")
        for child in ast.iter_child_nodes(node):
            yield from visit(child, scopes)

    yield from visit(source.tree, [])


_TASKS = """\
from celery import shared_task
from django.tasks import task


@shared_task
def add(x, y):
    return x + y


@task
def send_report(user_id):
    return user_id
"""
_VIEWS = """\
from django.http import JsonResponse

from demoapp.tasks import add, send_report


def report(request):
    send_report.{django}(request.user.pk)
    result = add.{celery}(2, 3)
    return JsonResponse({{"task_id": result.id}})
"""
_SETTINGS = '+proj/settings.py', 'TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}\n'

RULE = register(
    Rule(
        code="CEL212",
        severity="E",
        name="task-api-mixed-up",
        summary="a Celery task method used on a django.tasks task, or a django.tasks method on a Celery task",
        why="""\
Django 6's task framework (`django.tasks`, and the django-tasks backport's
`django_tasks`) and Celery both call their decorator a task, and both run tasks
elsewhere, but the objects have different methods. `@task` of `django.tasks` makes
a `django.tasks.Task`, a frozen dataclass with `enqueue()`, `aenqueue()`,
`using()`, `get_result()` and `call()`: `.delay()`, `.apply_async()`, `.s()`,
`.si()`, `.signature()`, `.map()` and the other Celery methods raise
`AttributeError` on it. `@shared_task` and `@app.task` make a Celery `Task`, which
has no `enqueue()`, `using()` or `get_result()`. A project moving from one to the
other, or using both, meets the error only when the line runs (in a view: a 500).

The rule knows which decorator made the name (the task's own module, followed
through imports and re-exports) and reports only then.""",
        bad=Example(
            {
                "demoapp/tasks.py": _TASKS,
                "demoapp/views.py": _VIEWS.format(django="delay", celery="enqueue"),
                _SETTINGS[0]: _SETTINGS[1],
            },
            findings=(("demoapp/views.py", "CEL212"), ("demoapp/views.py", "CEL212")),
        ),
        good=Example(
            {
                "demoapp/tasks.py": _TASKS,
                "demoapp/views.py": _VIEWS.format(django="enqueue", celery="delay"),
                _SETTINGS[0]: _SETTINGS[1],
            }
        ),
        silent_on=(
            "names the analysis cannot trace to the decorator that made them: parameters, local variables, "
            "attributes, names of library modules",
            "Celery tasks made with base= (a custom Task class may define any method) or in a project that "
            "spells task_cls (a custom Task class for an app)",
            "django.tasks tasks whose backend alias has, in some settings module, a backend other than Django's "
            "(or the backport's) ImmediateBackend / DummyBackend, django-tasks-celery or django-tasks-fennel "
            "(its task_class may be another class), or whose TASKS cannot be read",
            "a name defined both ways in one module",
        ),
        check_module=check,
        module_text=_may_use,
    )
)
