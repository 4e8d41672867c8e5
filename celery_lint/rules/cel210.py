"""CEL210: a view sending a task directly under ATOMIC_REQUESTS = True."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import lru_cache

from celery_lint.cache import answers
from celery_lint.examples import BASE, SIGNUP_TASKS, SIGNUP_VIEW
from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._atomic import atomic_decorated, opens_atomic
from celery_lint.rules._sending import sends_run_by, sent_after_commit
from celery_lint.rules._signals import Function
from celery_lint.rules._views import is_views_module, views

_MUTATED = r"""ATOMIC_REQUESTS["']\s*\]\s*=|\.update\("""  # `re` compiles it on first use


@lru_cache(maxsize=64)
@answers.kept("CEL210 atomic requests")
def atomic_requests(project: Project) -> str | None:
    """The settings module that turns ATOMIC_REQUESTS on for the 'default' database
    (None when none surely does: a value the analysis cannot read is not True)."""
    for settings in project.settings:
        binding = settings.binding("DATABASES")
        if binding is None or settings.ns.dynamic:
            continue
        default = binding.value.get("default") if isinstance(binding.value, dict) else None
        if not isinstance(default, dict) or default.get("ATOMIC_REQUESTS") is not True:
            continue
        if any(re.search(_MUTATED, project.text(path) or "") for path in settings.files):
            continue  # DATABASES changed after it was built: not read
        return settings.module
    return None


def sends_outside_atomic(project: Project, source: SourceModule, function: Function) -> Iterator[ast.Call]:
    """The sends the view runs itself, outside blocks it opens (CEL204 reports those)."""
    if atomic_decorated(project, source, function):
        return

    def opened(node: ast.AST) -> bool:
        return isinstance(node, (ast.With, ast.AsyncWith)) and opens_atomic(project, source, node)

    yield from sends_run_by(project, source, function, skip=opened)


def _may_send_from_views(text: str) -> bool:
    return ".delay" in text or ".apply_async" in text


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    if not is_views_module(source):
        return
    settings = atomic_requests(project)
    if settings is None:
        return
    found = [(f, call) for f in views(source, atomic_only=True) for call in sends_outside_atomic(project, source, f)]
    for function, call in found:
        sent, fix = sent_after_commit(project, call)
        yield RULE.finding(
            source.path, call,
            f"{sent}() in the view {function.name}, which runs inside a transaction "
            f"(ATOMIC_REQUESTS = True for the 'default' database in {settings}): a worker can run the task before "
            f"the request's transaction commits (without the rows it wrote) or for a request that rolls back; {fix}",
            subject=f"{source.module}.{function.name}",
        )


_URLS = BASE["proj/urls.py"].replace('path("add/", views.add_view)', 'path("signup/", views.signup)')
_ATOMIC = BASE["proj/settings.py"].replace('"NAME": BASE_DIR / "db.sqlite3",', '"NAME": BASE_DIR / "db.sqlite3",\n        "ATOMIC_REQUESTS": True,')

RULE = register(
    Rule(
        code="CEL210",
        severity="W",
        name="task-sent-in-atomic-request",
        summary=".delay() / .apply_async() in a view while ATOMIC_REQUESTS = True",
        why="""\
`ATOMIC_REQUESTS = True` on a database wraps every view in `transaction.atomic()`:
the rows a view writes are committed only after it returns. A task the view sends
with `.delay()` is published at once, so a worker can run it before the commit and
not find those rows (`DoesNotExist`), or for a request that fails and rolls back.
CEL204 sees explicit `atomic()` blocks; this rule sees the one Django opens around
every view.

Send it when the transaction commits: `task.delay_on_commit(...)` (Celery >= 5.4)
or `transaction.on_commit(lambda: task.delay(...))`. Views decorated with
`@transaction.non_atomic_requests` are not wrapped.""",
        bad=Example(
            {"proj/settings.py": _ATOMIC, "proj/urls.py": _URLS, "demoapp/tasks.py": SIGNUP_TASKS,
             "demoapp/views.py": SIGNUP_VIEW.format(send="delay", argument="user.pk")},
            findings=(("demoapp/views.py", "CEL210"),),
        ),
        good=Example(
            {"proj/settings.py": _ATOMIC, "proj/urls.py": _URLS, "demoapp/tasks.py": SIGNUP_TASKS,
             "demoapp/views.py": SIGNUP_VIEW.format(send="delay_on_commit", argument="user.pk")}
        ),
        silent_on=(
            "ATOMIC_REQUESTS off, only on another database alias, or read from the environment",
            "views decorated with @transaction.non_atomic_requests (a function, or a class through method_decorator)",
            "sends inside an explicit atomic() block (CEL204) or an on_commit() callback",
            "functions outside views modules, and functions a view merely calls",
        ),
        check_module=check,
        module_text=_may_send_from_views,
    )
)
