"""CEL105: a CELERY_* setting newer than the Celery the project targets."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint import celery_tables, setting_history
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._reads import is_read
from celery_lint.rules._settings import celery_assignments


def check(project: Project) -> Iterator[Finding]:
    target = project.celery_version
    if target is None or not setting_history.covers(target.version[:2]):
        return  # no target, or one outside the supported minors: nothing is known
    minor = (target.version[0], target.version[1])
    for path, name, node, readers in celery_assignments(project):
        if not name.startswith(celery_tables.PREFIX) or name != name.upper() or name in celery_tables.OLD_TO_NEW:
            continue
        since = setting_history.added_in(name[len(celery_tables.PREFIX):].lower())
        if since is None or since <= minor or is_read(project, name):
            continue
        new = setting_history.format_minor(since)
        yield RULE.finding(
            path, node,
            f"{name} is new in Celery {new}: {target} does not know it and silently ignores it; "
            f"target Celery {new} or newer, or remove it{readers.which}",
            subject=name,
        )


RULE = register(
    Rule(
        code="CEL105",
        severity="W",
        name="setting-newer-than-target",
        summary="a CELERY_ setting that the targeted Celery version does not know yet",
        why="""\
Celery adds settings in minor releases (`worker_soft_shutdown_timeout` in 5.5,
`worker_eta_task_limit` in 5.6, `worker_pool_start_method` in 5.7). An older Celery
has no warning for a name it does not know: the setting is silently dead, and the
behaviour it was written for (a soft shutdown, a limit) never happens, until the
day Celery is upgraded and it suddenly does.

The target version is `celery-version` under `[tool.celery-lint]`, else the
project's Celery pin (requirements, `pyproject.toml`, lock files), else the
installed Celery. Which settings each minor knows comes from each release's own
`celery/app/defaults.py` (5.3 to 5.7), not from a hand-written list. CEL104
(typos) judges names no Celery version knows.""",
        bad=Example(
            {"requirements.txt": "celery==5.4.0\n", "+proj/settings.py": "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10\n"},
            findings=(("proj/settings.py", "CEL105"),),
        ),
        good=Example(
            {"requirements.txt": "celery==5.5.3\n", "+proj/settings.py": "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10\n"}
        ),
        silent_on=(
            "projects whose target Celery version is unknown or outside 5.3 to 5.7",
            "names the project reads itself (settings.CELERY_X), or old (Celery 3) names (CEL102)",
            "names another app of the project reads under its own namespace; apps whose namespace cannot be read",
        ),
        check_project=check,
    )
)
