"""CEL106 (opt-in): a CELERY_* name no Celery version or known extension reads."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import celery_tables, setting_history
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._reads import is_read
from celery_lint.rules._settings import celery_assignments


def unknown(name: str) -> bool:
    """Whether no supported Celery (table or `conf.get`), no known extension and no
    old name reads `name`, and it is close to no real setting (that is CEL104's)."""
    prefix = celery_tables.PREFIX
    if not name.startswith(prefix) or name != name.upper() or celery_tables.is_known_prefixed(name):
        return False
    key = name[len(prefix):].lower()
    extension_keys, extension_names = setting_history.extension_names()
    if key in setting_history.every_key() or key in extension_keys or name in extension_names:
        return False
    return celery_tables.nearest_prefixed(name) is None


def check(project: Project) -> Iterator[Finding]:
    for path, name, node, readers in celery_assignments(project):
        if readers.read_by_any(name) or not unknown(name) or is_read(project, name):
            continue
        yield RULE.finding(
            path, node,
            f"{name} is no setting of Celery 5.3 to 5.7 or of a known extension, and nothing in the project reads "
            f"it: it is silently ignored; remove it, or list it in own-settings if another package reads it"
            f"{readers.which}",
            subject=name,
        )


RULE = register(
    Rule(
        code="CEL106",
        severity="W",
        name="unknown-setting",
        summary="a CELERY_ name that no Celery version, known extension or the project reads (off by default)",
        why="""\
Celery ignores a name under its namespace that it does not know, without a warning:
a setting copied from a blog post for another tool, one left over from a removed
package, or one misremembered too far for CEL104 to see a typo (`CELERY_CONCURRENCY`
for `CELERY_WORKER_CONCURRENCY` is caught; `CELERY_MAX_WORKERS` is not).

A name is reported when no supported Celery (5.3 to 5.7) has it in its table or
reads it with `conf.get` (`result_backend_thread_safe`), no known extension reads it
(celery-redbeat's `CELERY_REDBEAT_REDIS_URL`, celery-singleton, celery-once,
django-celery-email), and nothing in the project reads it. Projects keep settings
of their own under the prefix, so the rule is off by default; list a name another
package reads in `own-settings`.""",
        bad=Example({"+proj/settings.py": "CELERY_MAX_WORKERS = 8\n"}, findings=(("proj/settings.py", "CEL106"),)),
        good=Example({"+proj/settings.py": "CELERY_WORKER_CONCURRENCY = 8\n"}),
        silent_on=(
            "names of a supported Celery, old names included, and keys Celery reads outside its table",
            "names known extensions read (CELERY_REDBEAT_REDIS_URL, CELERY_SINGLETON_BACKEND_URL, CELERY_ONCE, "
            "CELERY_EMAIL_BACKEND)",
            "names the project reads itself, or lists in own-settings; names close to a real one (CEL104)",
            "names another app of the project reads under its own namespace; apps whose namespace cannot be read",
        ),
        default_enabled=False,
        check_project=check,
    )
)
