"""CEL003: the config_from_object namespace does not match the settings."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from celery_lint import celery_tables
from celery_lint.evaluate import UNKNOWN
from celery_lint.examples import BASE
from celery_lint.findings import Finding
from celery_lint.project import CeleryApp, Project
from celery_lint.registry import Edits, Example, Fix, Rule, register
from celery_lint.rules._settings import Reader
from celery_lint.rules.cel102 import HONOURED_FROM, REMOVED_IN
from celery_lint.versions import TargetVersion

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext


def _ignored_names(project: Project, app: CeleryApp) -> list[str] | Any:
    """CELERY_-prefixed new names in the settings that Celery, without namespace, never
    reads, but for those another app configured from the settings reads (UNKNOWN when
    another app's namespace is unknown)."""
    others = [Reader(a.label, a.namespace) for a in project.django_apps if a is not app]
    if any(r.namespace is UNKNOWN for r in others):
        return UNKNOWN
    names: set[str] = set()
    for settings in project.settings:
        names.update(
            n for n in settings.ns.bindings
            if celery_tables.ignored_without_namespace(n) and not any(r.reads(n) for r in others)
        )
    return sorted(names)


def _shown(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _lowercase_effect(target: TargetVersion | None, ignored: list[str]) -> str:
    """What a lowercase namespace leaves. The old names are tried after the prefixed and
    the new one: Celery 5.7 finds them in the settings first, earlier versions find the
    new key's default first. CELERY_RESULT_BACKEND is read by name in every version."""
    if target is not None and HONOURED_FROM <= target.version < REMOVED_IN:
        return f"{target} reads only the old setting names" + (f" and ignores {_shown(ignored)}" if ignored else "")
    if target is not None and target.version < HONOURED_FROM:
        return f"{target} ignores every Celery setting but CELERY_RESULT_BACKEND"
    found = f"{_shown(ignored)} are ignored" if ignored else "new setting names are ignored"
    return f"{found}, and old ones are read only by Celery 5.7 (CELERY_RESULT_BACKEND by every version)"


def check(project: Project) -> Iterator[Finding]:
    for app in project.django_apps:
        for config in app.config_calls:
            namespace = config.namespace
            if namespace is UNKNOWN or not config.reads_django_settings:
                continue  # another source (a celeryconfig module, CEL002's settings module) may use any
            ignored = _ignored_names(project, app)
            if isinstance(namespace, str) and namespace != namespace.upper():
                # Celery matches the prefix's case (celery.utils.text.match_case): anything not
                # all-uppercase looks for lowercase names, which Django never exposes
                yield RULE.finding(
                    app.source.path, config.node,
                    f"namespace={namespace!r} makes Celery look for lowercase settings such as "
                    f"{namespace.lower()}_broker_url, which Django never exposes: "
                    f"{_lowercase_effect(project.celery_version, [] if ignored is UNKNOWN else ignored)}; "
                    f"use namespace={namespace.upper()!r}",
                    subject="namespace",
                )
            elif not namespace:  # None or "": no prefix
                if ignored and ignored is not UNKNOWN:
                    yield RULE.finding(
                        app.source.path, config.node,
                        f"no namespace: Celery reads only old setting names and ignores {_shown(ignored)}; "
                        f"add namespace='CELERY'",
                        subject="namespace",
                    )


def fix(ctx: FixContext, finding: Finding) -> Edits:
    """The namespace string in upper case, or `namespace="CELERY"` added to the call."""
    call = ctx.node_at(ast.Call, finding.line, finding.col)
    if call is None or any(k.arg is None for k in call.keywords) or not call.args and not call.keywords:
        return []  # **options: where the namespace comes from is not spelled here
    given = next((k.value for k in call.keywords if k.arg == "namespace"), None)
    if given is None and len(call.args) > 3:
        return []  # config_from_object(obj, silent, force, namespace): given by position
    strings = [ctx.source(n) for n in ast.walk(call) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    quote = next((t[0] for t in strings if t[0] in "'\""), '"')
    if given is None:
        end = max(ctx.span(n)[1] for n in [*call.args, *call.keywords])
        return [(end, end, f", namespace={quote}CELERY{quote}")]
    if not isinstance(given, ast.Constant) or not (given.value is None or isinstance(given.value, str)):
        return []
    written = ctx.source(given)
    if isinstance(given.value, str) and given.value and written[0] in "'\"" and written[1:-1] == given.value:
        return [(*ctx.span(given), written.upper())]
    if not given.value:
        return [(*ctx.span(given), f"{quote}CELERY{quote}")]
    return []


RULE = register(
    Rule(
        code="CEL003",
        severity="E",
        name="namespace-mismatch",
        summary="the config_from_object namespace does not match the settings",
        why="""\
The namespace becomes a prefix matched to its own case
(`celery/utils/collections.py`, `ConfigurationView._to_keys`): `namespace="celery"`
looks for `celery_broker_url`, which Django never exposes, so the Celery settings
are silently ignored: all but `CELERY_RESULT_BACKEND` (which Celery asks for by name)
before Celery 5.7, all but the old (Celery 3) names on 5.7, which finds them after the
prefixed one. Without a namespace Celery reads only the old names:
`CELERY_BROKER_URL` or `CELERY_TASK_ALWAYS_EAGER` are ignored, while
`CELERY_RESULT_BACKEND` still works because it is an old name too. Reported once,
at the call, rather than once per setting.""",
        bad=Example(
            {"proj/celery.py": BASE["proj/celery.py"].replace('namespace="CELERY"', 'namespace="celery"')},
            findings=(("proj/celery.py", "CEL003"),),
        ),
        good=Example({"proj/celery.py": BASE["proj/celery.py"]}),
        silent_on=(
            "no namespace while the settings use only old names, or names valid both ways (CELERY_RESULT_BACKEND)",
            "a namespace held in a variable the analysis cannot resolve",
            "apps configured from something other than Django settings",
            "no namespace where the CELERY_ names are read by another app of the project (namespace='CELERY'), "
            "or another app's namespace cannot be read",
        ),
        fix=Fix(
            "unsafe",
            "Writes the namespace in upper case (`namespace=\"celery\"` becomes `namespace=\"CELERY\"`), or "
            "adds `namespace=\"CELERY\"` to a call that has none. Unsafe: every `CELERY_` setting Celery ignored "
            "comes alive at once (another broker, eager tasks), and without a namespace the old names it read "
            "are read no more.",
            fix,
            {"proj/celery.py": BASE["proj/celery.py"]},
        ),
        check_project=check,
    )
)
