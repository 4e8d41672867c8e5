"""CEL002: config_from_object() given Django's settings object or a settings module path."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from celery_lint.evaluate import Ref
from celery_lint.findings import Finding
from celery_lint.project import DJANGO_SETTINGS_OBJECT, ConfigCall, Project
from celery_lint.registry import Edits, Example, Fix, Rule, register
from celery_lint.versions import TargetVersion

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext

FIX = "pass the string 'django.conf:settings'"
_GIVEN_OBJECT = "config_from_object() is given Django's settings object"


SPAWN_FROM = (5, 7, 0)  # worker_pool_start_method ('fork' or 'spawn') is new in Celery 5.7


def _pickled(target: TargetVersion | None) -> str:
    """What pickles the settings object with the app, for the target Celery."""
    fails = "serializing every Django setting, SECRET_KEY included, and failing with PicklingError on any " \
        "unpicklable setting (a lambda)"
    if target is not None and target.version < SPAWN_FROM:
        return (
            f"{target} forks its worker pool and never pickles the app, but from Celery 5.7 a pool with "
            f"worker_pool_start_method = 'spawn' pickles the app with it for every child, {fails}"
        )
    where = str(target) if target is not None else "Celery 5.7 and newer"
    return (
        f"Celery pickles it with the app ({where}: a worker pool with worker_pool_start_method = 'spawn' does, "
        f"for every child), {fails}"
    )


def _message(config: ConfigCall, target: TargetVersion | None) -> str | None:
    if isinstance(config.source, Ref) and config.source.qualname == DJANGO_SETTINGS_OBJECT:
        return f"{_GIVEN_OBJECT}: {_pickled(target)}; {FIX}"
    if config.settings_module is not None:
        how = f"{config.source!r}" if isinstance(config.source, str) else f"the module {config.settings_module}"
        return (
            f"config_from_object({how}) makes Celery read the settings module {config.settings_module} itself, "
            f"not Django's settings: when DJANGO_SETTINGS_MODULE names another module (production settings "
            f"set in the environment), Celery still reads {config.settings_module}; {FIX}"
        )
    return None


def check(project: Project) -> Iterator[Finding]:
    for app in project.django_apps:
        for config in app.config_calls:
            message = _message(config, project.celery_version)
            if message is not None:
                yield RULE.finding(app.source.path, config.node, message, subject="config_source")


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """The settings object given to config_from_object() becomes the string, quoted as
    the call's other strings are; a module path is left (the settings read would change)."""
    call = ctx.node_at(ast.Call, finding.line, finding.col)
    if call is None or not finding.message.startswith(_GIVEN_OBJECT):
        return []
    given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "obj"), None)
    if not isinstance(given, (ast.Name, ast.Attribute)):
        return []
    quotes = [ctx.source(k.value)[0] for k in call.keywords if isinstance(k.value, ast.Constant)]
    quote = quotes[0] if quotes and quotes[0] in "'\"" else '"'
    start, end = ctx.span(given)
    return [(start, end, f"{quote}django.conf:settings{quote}")]


_APP = """\
import os

from celery import Celery
{imports}
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

app = Celery("proj")
app.config_from_object({source}, namespace="CELERY")
app.autodiscover_tasks()
"""

RULE = register(
    Rule(
        code="CEL002",
        severity="W",
        name="settings-object-as-config",
        summary="config_from_object() is given the settings object or a settings module path "
        "instead of 'django.conf:settings'",
        why="""\
Celery's Django guide passes the *string* `'django.conf:settings'`: Celery then
imports Django's settings object lazily, in whichever process reads the
configuration, and a pickled app carries only that string.

Given the settings object itself, Celery keeps the object as its config source and
pickles it with the app. From Celery 5.7, a worker with `worker_pool_start_method =
'spawn'` pickles the app for every pool child: the whole of Django's settings is serialized
(`SECRET_KEY`, `DATABASES`), and a single setting that cannot be pickled (a lambda
such as django-debug-toolbar's `SHOW_TOOLBAR_CALLBACK`) stops the pool with
`PicklingError`. Celery 5.6 and older have no such setting: their pool forks, and
the message says so when the project targets one (an upgrade hazard there).

Given a module path such as `'proj.settings'`, Celery imports that module and reads
its attributes directly, bypassing Django: when `DJANGO_SETTINGS_MODULE` names
another module — production settings selected through the environment, while the
app module only `setdefault`s the development one — Django runs with one set of
settings and Celery with another (another broker, another result backend).""",
        bad=Example(
            {"proj/celery.py": _APP.format(imports="from django.conf import settings\n", source="settings")},
            findings=(("proj/celery.py", "CEL002"),),
        ),
        good=Example({"proj/celery.py": _APP.format(imports="", source='"django.conf:settings"')}),
        silent_on=(
            "the strings 'django.conf:settings' and 'django.conf.settings' (Celery resolves both to the same object)",
            "a Celery configuration module that is not a Django settings module ('proj.celeryconfig')",
            "a config source the analysis cannot resolve (a variable, a call)",
            "apps that are never configured from Django settings",
        ),
        fix=Fix(
            "safe",
            "Replaces Django's settings object with the string `\"django.conf:settings\"`: Celery reads the same "
            "settings, lazily, and pickles only the string. A settings module path (`'proj.settings'`) is "
            "not fixed: Django's settings may be another module, and the settings Celery reads would change. The "
            "import of `settings` is left for the code that may use it.",
            fix,
            {
                "proj/celery.py": _APP.format(
                    imports="from django.conf import settings\n", source='"django.conf:settings"'
                )
            },
        ),
        check_project=check,
    )
)
