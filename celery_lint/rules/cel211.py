"""CEL211: a Django object (model instance, queryset, request, form, upload) passed to a task."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from celery_lint.examples import SIGNUP_TASKS, SIGNUP_VIEW
from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._celeryconf import NOT_SET, effective, from_app
from celery_lint.rules._sending import only_value, sends_run_by
from celery_lint.rules._signals import Function, handlers
from celery_lint.rules._views import is_views_module, parameters, views

INSTANCE = "a model instance"
USER = "the request's user, a model instance"
QUERYSET = "a queryset"
GETTERS = frozenset({"get", "first", "last", "latest", "earliest", "create"})
QUERYSETS = frozenset({"filter", "exclude", "all", "order_by", "select_related", "prefetch_related", "annotate",
                       "distinct", "none", "only", "defer", "values", "values_list"})
SHORTCUTS = {"django.shortcuts.get_object_or_404": INSTANCE, "django.shortcuts.get_list_or_404": "a list of model instances"}


def _manager_call(source: SourceModule, node: ast.expr) -> str | None:
    """What `Model.objects.<method>(...)` (any chain of queryset methods) or a shortcut returns."""
    if not isinstance(node, ast.Call):
        return None
    shortcut = SHORTCUTS.get(source.qualname(node.func) or "")
    if shortcut:
        return shortcut
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    inner = func.value
    while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in QUERYSETS:
        inner = inner.func.value
    if not (isinstance(inner, ast.Attribute) and inner.attr == "objects"):
        return None
    if func.attr in GETTERS:
        return INSTANCE
    return QUERYSET if func.attr in QUERYSETS else None


class Known:
    """The Django objects a function's names hold: its request (a view), its instance
    (a receiver), its form (`form_valid`)."""

    def __init__(self, function: Function, view: bool, receiver: bool) -> None:
        params = parameters(function)
        self.function = function
        self.names: dict[str, str] = {}
        if view and "request" in params:
            self.names["request"] = "the request"
        if receiver and "instance" in params:
            self.names["instance"] = INSTANCE
        if view and function.name == "form_valid" and "form" in params:
            self.names["form"] = "a form"
        self.method = len(params) > 0 and params[0] == "self" and view

    def what(self, source: SourceModule, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            value = only_value(self.function, node.id)
            return _manager_call(source, value) if value is not None else None
        if isinstance(node, ast.Attribute):
            if node.attr == "user" and self._request(node.value):
                return USER
            if node.attr in ("FILES",) and self._request(node.value):
                return "the request's uploaded files"
            if self._request(node):
                return "the request"
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "FILES":
            return "an uploaded file" if self._request(node.value.value) else None
        return _manager_call(source, node)

    def _request(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return self.names.get(node.id) == "the request"
        return self.method and isinstance(node, ast.Attribute) and node.attr == "request" and (
            isinstance(node.value, ast.Name) and node.value.id == "self"
        )


def _arguments(call: ast.Call) -> list[ast.expr]:
    """The values a `.delay(...)` / `.apply_async(args, kwargs)` call sends."""
    if call.func.attr == "delay":  # type: ignore[attr-defined]
        return [*call.args, *(k.value for k in call.keywords if k.arg is not None)]
    sent: list[ast.expr] = []
    for node in [*call.args[:2], *(k.value for k in call.keywords if k.arg in ("args", "kwargs"))]:
        if isinstance(node, (ast.Tuple, ast.List)):
            sent += node.elts
        elif isinstance(node, ast.Dict):
            sent += node.values
    return sent


def _sends_json(project: Project) -> bool:
    """Whether every settings module (or the app alone) leaves task_serializer 'json'."""
    values = [effective(project, s, "task_serializer").value for s in project.settings] or [
        from_app(project, "task_serializer").value
    ]
    return all(v is NOT_SET or v == "json" for v in values)


def _functions(source: SourceModule) -> Iterator[tuple[Function, bool, bool]]:
    view_functions = {id(f) for f in views(source)} if is_views_module(source) else set()
    receivers = {id(f) for f, what in handlers(source) if what.endswith("receiver")}
    for node in ast.walk(source.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node, id(node) in view_functions, id(node) in receivers


def _sends(project: Project, source: SourceModule, function: Function) -> Iterator[ast.Call]:
    """The sends `function` runs itself, but those given their own serializer or **options."""
    for call in sends_run_by(project, source, function):
        if not any(k.arg in ("serializer", None) for k in call.keywords):
            yield call


def _advice(what: str, shown: str) -> str:
    if what in (INSTANCE, USER):
        return f"pass its primary key ({shown}.pk) and load it in the task"
    if what == QUERYSET:
        return f"pass a list of primary keys (list({shown}.values_list('pk', flat=True)))"
    return "pass the plain values the task needs"


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    found: list[tuple[ast.Call, ast.expr, str]] = []
    for function, view, receiver in _functions(source):
        known = Known(function, view, receiver)
        for call in _sends(project, source, function):
            for argument in _arguments(call):
                what = known.what(source, argument)
                if what is not None:
                    found.append((call, argument, what))
    if not found or not _sends_json(project):
        return
    for call, argument, what in found:
        shown = ast.unparse(argument)
        task = f"{ast.unparse(call.func.value)}.{call.func.attr}"  # type: ignore[attr-defined]
        yield RULE.finding(
            source.path, argument,
            f"{task}() is given {what} ({shown}): the JSON serializer cannot encode it, so the call raises "
            f"kombu.exceptions.EncodeError (in eager mode too); {_advice(what, shown)}",
            subject=f"{source.module}:{call.lineno}",
        )


def _may_send_django_objects(text: str) -> bool:
    return (".delay" in text or ".apply_async" in text) and (
        "objects." in text or "request" in text or "instance" in text or "_or_404" in text
    )


RULE = register(
    Rule(
        code="CEL211",
        severity="W",
        name="django-object-task-argument",
        summary="a model instance, queryset, request, form or upload passed to .delay() / .apply_async()",
        why="""\
Celery's default serializer is JSON: every argument of `.delay()` and
`.apply_async()` must be a JSON value. A model instance, a queryset, the request,
`request.user`, a form or an uploaded file is not, and the call itself raises
`kombu.exceptions.EncodeError: Object of type User is not JSON serializable` —
in eager mode too, since Celery serializes eager calls as well. Even with the
pickle serializer, a pickled instance is a stale copy by the time the worker runs.

Pass what the task needs to fetch or rebuild the object: the primary key
(`user.pk`), a list of keys for a queryset, the plain values of a request or a
form. The rule reports only objects whose type the analysis knows: the result of
`Model.objects.get/create/first/filter(...)` or `get_object_or_404`, a view's
`request` (and `request.user`, `request.FILES`), a receiver's `instance`, a
`form_valid` form.""",
        bad=Example(
            {"demoapp/tasks.py": SIGNUP_TASKS, "demoapp/views.py": SIGNUP_VIEW.format(send="delay", argument="user")},
            findings=(("demoapp/views.py", "CEL211"),),
        ),
        good=Example({"demoapp/tasks.py": SIGNUP_TASKS, "demoapp/views.py": SIGNUP_VIEW.format(send="delay", argument="user.pk")}),
        silent_on=(
            "task_serializer other than 'json' (pickle, a custom one) or one the analysis cannot read, and calls "
            "given serializer= or **options",
            "names whose value the analysis cannot tell (a parameter of a plain function, a name bound twice)",
            "attributes of those objects (user.pk, request.POST['name'], instance.id)",
        ),
        check_module=check,
        module_text=_may_send_django_objects,
    )
)
