"""CEL001: `Celery()` created before DJANGO_SETTINGS_MODULE is set in the app module."""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.layout import is_namespace_package
from celery_lint.project import CeleryApp, Project, SourceModule
from celery_lint.project.settings_names import settings_to_run
from celery_lint.registry import Edits, Example, Fix, Rule, register

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext

DSM = "DJANGO_SETTINGS_MODULE"


class Sets(enum.IntEnum):
    """Whether code sets DJANGO_SETTINGS_MODULE: on no path, on some (or unknown), on every."""

    NEVER = 0
    MAYBE = 1
    ALWAYS = 2


def _is_environ(source: SourceModule, node: ast.expr) -> bool:
    qualname = source.qualname(node)
    return qualname in ("os.environ", "os.environ") or (qualname or "").endswith(".environ")


def _sets(source: SourceModule, stmt: ast.stmt) -> Sets:
    """What running `stmt` does to DJANGO_SETTINGS_MODULE."""
    text = ast.get_source_segment(source.text, stmt) or ""
    if isinstance(stmt, ast.If):
        branches = (_block(source, stmt.body), _block(source, stmt.orelse))
        if all(b == Sets.ALWAYS for b in branches):
            return Sets.ALWAYS
        return Sets.MAYBE if any(branches) else Sets.NEVER
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return _block(source, stmt.body)
    if isinstance(stmt, ast.Try):
        inner = [_block(source, stmt.body), _block(source, stmt.finalbody)]
        inner += [_block(source, h.body) for h in stmt.handlers]
        if _block(source, stmt.finalbody) == Sets.ALWAYS:
            return Sets.ALWAYS
        return Sets.MAYBE if any(inner) else Sets.NEVER
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "setdefault"
            and _is_environ(source, func.value)
            and call.args
            and isinstance(call.args[0], ast.Constant)
            and call.args[0].value == DSM
        ):
            return Sets.ALWAYS
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            if (
                isinstance(target, ast.Subscript)
                and _is_environ(source, target.value)
                and isinstance(target.slice, ast.Constant)
                and target.slice.value == DSM
            ):
                return Sets.ALWAYS
    if DSM in text:
        return Sets.MAYBE  # set in a way this rule does not follow: unknown
    return Sets.NEVER


def _block(source: SourceModule, body: list[ast.stmt]) -> Sets:
    return max((_sets(source, s) for s in body), default=Sets.NEVER)


def _before(source: SourceModule, body: list[ast.stmt], line: int, helpers: set[str]) -> Sets:
    """What the statements of `body` do to DJANGO_SETTINGS_MODULE before `line` runs."""
    state = Sets.NEVER
    for stmt in body:
        if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            for attr in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, attr, None)
                if inner and any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in inner):
                    state = max(state, _before(source, inner, line, helpers))
            return state
        state = max(state, _sets(source, stmt))
        if _calls_helper(stmt, helpers):
            state = max(state, Sets.MAYBE)
    return state


def _calls_helper(stmt: ast.stmt, helpers: set[str]) -> bool:
    """A call of a function, or an import of a module, that may set the variable."""
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and "*helpers*" in helpers:
            return True
    return False


def _helpers(project: Project, source: SourceModule) -> set[str]:
    """Local functions, and (as "*helpers*") project imports, that mention the variable."""
    helpers = {
        node.name
        for node in source.nodes(ast.FunctionDef)
        if DSM in (ast.get_source_segment(source.text, node) or "")
    }
    for _, name in project.imported_modules(source):
        found = project.resolve(name)
        if found and not is_namespace_package(found[1]) and DSM in (project.text(found[1]) or ""):
            helpers.add("*helpers*")
    return helpers


def _state(project: Project, app: CeleryApp, call: ast.Call) -> tuple[Sets, Sets]:
    """(before the Celery() call, anywhere in the module) for the app's module."""
    source = app.source
    helpers = _helpers(project, source)
    anywhere = _block(source, source.tree.body)
    if "*helpers*" in helpers:
        anywhere = max(anywhere, Sets.MAYBE)
    if isinstance(app.scope, ast.Module):
        return _before(source, source.tree.body, call.lineno, helpers), anywhere
    # In a factory function: the module body has run before any call of the function.
    inside = _before(source, app.scope.body, call.lineno, helpers)
    return max(inside, anywhere), anywhere


def check(project: Project) -> Iterator[Finding]:
    for app in project.django_apps:
        if app.call is None:
            continue  # built elsewhere (a factory, current_app): when the fixup was decided is unknown
        before, anywhere = _state(project, app, app.call)
        if before != Sets.NEVER:
            continue
        settings = settings_to_run(project)
        if anywhere != Sets.NEVER:  # set after the call, or by code that runs later (a `main()`)
            message = (
                "Celery() is created before DJANGO_SETTINGS_MODULE is set: a worker started without it in its "
                "environment gets no Django fixup (no django.setup(), tasks not discovered); "
                "move os.environ.setdefault(...) above this line"
            )
        elif settings is not None:
            message = (
                f"DJANGO_SETTINGS_MODULE is never set in this app module: a worker started without it in its "
                f"environment gets no Django fixup; "
                f'add os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}") before Celery()'
            )
        else:
            message = (
                "DJANGO_SETTINGS_MODULE is never set in this app module: a worker started without it in its "
                "environment gets no Django fixup; add os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", ...) "
                "with your settings module before Celery() (no start-up file or deployment configuration names it)"
            )
        yield RULE.finding(app.source.path, app.call, message, subject=str(app.source.path))


def _literal_setdefault(ctx: FixContext, stmt: ast.stmt) -> bool:
    """`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<a string>")` on one line."""
    if not isinstance(stmt, ast.Expr) or stmt.lineno != stmt.end_lineno or not isinstance(stmt.value, ast.Call):
        return False
    call = stmt.value
    return (
        ast.unparse(call.func) == "os.environ.setdefault"
        and len(call.args) == 2 and not call.keywords
        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
        and call.args[0].value == DSM  # type: ignore[attr-defined]
        and ctx.text[ctx.line_start(stmt.lineno):ctx.span(stmt)[0]].strip() == ""
        and ctx.text[ctx.span(stmt)[1]:ctx.after_line(stmt.lineno)].strip()[:1] in ("", "#")  # the line is its own
    )


def _imports_os(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Import) and any(a.name == "os" and a.asname is None for a in stmt.names)


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """Move the module's one literal setdefault (with the comment lines right above it)
    to just above the statement creating the app, when `os` is imported before that."""
    body = ctx.tree.body
    app = next((i for i, s in enumerate(body) if s.lineno <= finding.line <= (s.end_lineno or s.lineno)), None)
    if app is None or not any(_imports_os(s) for s in body[:app]):
        return []
    moving = [i for i, s in enumerate(body) if i > app and _literal_setdefault(ctx, s)]
    if len(moving) != 1 or DSM in "".join(ctx.source(s) for i, s in enumerate(body) if i != moving[0]):
        return []  # set in more places than this one statement (another line is unknown)
    stmt = body[moving[0]]
    first = stmt.lineno
    while ctx.line(first - 1).lstrip().startswith("#"):
        first -= 1  # its comment goes with it
    start, end = ctx.line_start(first), ctx.after_line(stmt.lineno)
    block = ctx.text[start:end]
    if not block.endswith(("\n", "\r")):
        block += ctx.newline
    blank_before = first > 1 and not ctx.line(first - 1).strip()
    if blank_before and stmt.lineno < ctx.line_count and not ctx.line(stmt.lineno + 1).strip():
        end = ctx.after_line(stmt.lineno + 1)  # one blank line of the two around it goes too
    target = body[app].lineno
    if ctx.text[ctx.line_start(target):ctx.span(body[app])[0]].strip():
        return []  # the app statement shares its line with another
    before_app = target > 1 and not ctx.line(target - 1).strip()
    at = ctx.line_start(target)
    return [(at, at, block + ctx.newline if before_app else block), (start, end, "")]


RULE = register(
    Rule(
        code="CEL001",
        severity="E",
        name="settings-module-after-app",
        summary="Celery() is created before DJANGO_SETTINGS_MODULE is set in the app module",
        why="""\
`Celery()` installs its Django fixup only if `DJANGO_SETTINGS_MODULE` is in
`os.environ` at that moment (`celery/fixups/django.py`). When the app module sets
the variable after creating the app, or never, `celery -A proj worker` runs without
the fixup: no `django.setup()`, no database connection clean-up between tasks,
`autodiscover_tasks()` finds nothing (the worker logs "Received unregistered task"),
and a `django-db` result backend crashes with `AppRegistryNotReady`.

`manage.py` and `wsgi.py` set the variable before they import the app module, so
the web process never shows the problem: only the order of statements in the app
module tells. The fix names the settings module the project's start-up code, its
`Dockerfile`, compose, `Procfile` or `.env` files name (never test settings, and
production ones before those named for local development: `local.yml`,
`.envs/.local/`, `settings.local`); when none names one, the message says so.""",
        bad=Example(
            {
                "proj/celery.py": """\
                import os

                from celery import Celery

                app = Celery("proj")

                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

                app.config_from_object("django.conf:settings", namespace="CELERY")
                app.autodiscover_tasks()
                """
            },
            findings=(("proj/celery.py", "CEL001"),),
        ),
        good=Example({"proj/celery.py": BASE["proj/celery.py"]}),
        silent_on=(
            'os.environ["DJANGO_SETTINGS_MODULE"] = ... before the call, also when set on every branch of an if',
            "setdefault inside the same factory function before the call, or at module level of a factory's module",
            "a variable set in a way the analysis cannot follow (a helper function, an imported module that sets it)",
            "Celery apps that are not configured from Django settings",
            "apps not built by a Celery() call in their module (app = create_app(), app = current_app): "
            "when the app was created is unknown",
        ),
        fix=Fix(
            "safe",
            "Moves the app module's `os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"...\")` (a literal, "
            "on one line, with the comment lines right above it) to just above the statement that creates the "
            "app. Safe: the variable is set only where it was not set before, so the worker now gets the Django "
            "fixup the message names; a process that sets the variable itself is unchanged. Not fixed: a module "
            "that never sets the variable (which settings module to name is the project's choice), one that "
            "sets it in other ways or more than once, an app created in a function.",
            fix,
            {
                "proj/celery.py": """\
                import os

                from celery import Celery

                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

                app = Celery("proj")

                app.config_from_object("django.conf:settings", namespace="CELERY")
                app.autodiscover_tasks()
                """
            },
        ),
        check_project=check,
    )
)
