"""CEL003: the config_from_object namespace does not match the settings."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import celery_tables
from celery_lint.evaluate import UNKNOWN
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register


def _ignored_names(project: Project) -> list[str]:
    """CELERY_-prefixed new names in the settings that Celery, without namespace, never reads."""
    names: set[str] = set()
    for settings in project.settings:
        names.update(n for n in settings.ns.bindings if celery_tables.ignored_without_namespace(n))
    return sorted(names)


def _shown(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def check(project: Project) -> Iterator[Finding]:
    for app in project.django_apps:
        for config in app.config_calls:
            namespace = config.namespace
            if namespace is UNKNOWN or not config.reads_django_settings:
                continue  # another source (a celeryconfig module, CEL002's settings module) may use any
            if isinstance(namespace, str) and namespace != namespace.upper():
                # Celery matches the prefix's case (celery.utils.text.match_case): anything not
                # all-uppercase looks for lowercase names, which Django never exposes; what is
                # left are the old names, read without the prefix
                ignored = _ignored_names(project)
                what = f": {_shown(ignored)} are ignored" if ignored else ""
                yield RULE.finding(
                    app.source.path, config.node,
                    f"namespace={namespace!r} makes Celery look for lowercase settings such as "
                    f"{namespace.lower()}_broker_url, which Django never exposes, so only old setting names "
                    f"are read{what}; use namespace={namespace.upper()!r}",
                    subject="namespace",
                )
            elif not namespace:  # None or "": no prefix
                ignored = _ignored_names(project)
                if ignored:
                    yield RULE.finding(
                        app.source.path, config.node,
                        f"no namespace: Celery reads only old setting names and ignores {_shown(ignored)}; "
                        f"add namespace='CELERY'",
                        subject="namespace",
                    )

RULE = register(
    Rule(
        code="CEL003",
        severity="E",
        name="namespace-mismatch",
        summary="the config_from_object namespace does not match the settings",
        why="""\
The namespace becomes a prefix matched to its own case
(`celery/utils/collections.py`, `ConfigurationView._to_keys`): `namespace="celery"`
looks for `celery_broker_url`, which Django never exposes, so every Celery setting
is silently ignored. Without a namespace Celery reads only the old (Celery 3) names:
`CELERY_BROKER_URL` or `CELERY_TASK_ALWAYS_EAGER` are ignored, while
`CELERY_RESULT_BACKEND` still works because it is an old name too. Reported once,
at the call, rather than once per setting.""",
        bad=Example(
            {
                "proj/celery.py": """\
                import os

                from celery import Celery

                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

                app = Celery("proj")
                app.config_from_object("django.conf:settings", namespace="celery")
                app.autodiscover_tasks()
                """
            },
            findings=(("proj/celery.py", "CEL003"),),
        ),
        good=Example(
            {
                "proj/celery.py": """\
                import os

                from celery import Celery

                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

                app = Celery("proj")
                app.config_from_object("django.conf:settings", namespace="CELERY")
                app.autodiscover_tasks()
                """
            }
        ),
        silent_on=(
            "no namespace while the settings use only old names, or names valid both ways (CELERY_RESULT_BACKEND)",
            "a namespace held in a variable the analysis cannot resolve",
            "apps configured from something other than Django settings",
        ),
        check_project=check,
    )
)
