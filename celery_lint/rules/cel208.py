"""CEL208: a task decorator option Celery does not know, close to one it does (a typo)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from celery_lint import celery_tables
from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._task_keywords import keywords
from celery_lint.tasks import may_define_tasks


def _custom_task_class(project: Project) -> bool:
    """Whether an app of the project is given its own Task class (whose attributes the
    analysis does not read)."""
    return any("task_cls" in app.source.text for app in project.celery_apps)


def nearest(name: str, options: frozenset[str]) -> str | None:
    if len(name) < 5:
        return None
    best = min(options, key=lambda o: (celery_tables.edit_distance(name, o), o))
    return best if celery_tables.edit_distance(name, best) <= (3 if len(best) >= 10 else 2) else None


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    found = [(task, keyword, table) for task, keyword, table in keywords(project, source)
             if keyword.arg not in table.options and keyword.arg not in table.methods]
    if not found or _custom_task_class(project):
        return
    for task, keyword, table in found:
        name = str(keyword.arg)
        meant = nearest(name, table.options)
        if meant is None or len(re.findall(rf"\b{name}\b", source.text)) > 1:
            continue  # no option is close, or the project reads its own attribute (self.max_retry)
        yield RULE.finding(
            source.path, keyword,
            f"{name}= is not a task option: Celery sets it as an attribute of {task.function.name} that nothing "
            f"reads, and {meant} keeps its default; did you mean {meant}=?",
            subject=f"{source.module}.{task.function.name}",
        )


RULE = register(
    Rule(
        code="CEL208",
        severity="W",
        name="task-option-typo",
        summary="a task decorator option Celery does not know, close to one it does: probably a typo",
        why="""\
Celery accepts any keyword in `@shared_task(...)` and `@app.task(...)`: one it does
not know becomes an attribute of the task class that nothing reads, without an
error or a warning. `max_retry=5` leaves `max_retries` at its default of 3,
`soft_timelimit=30` sets no soft time limit, `ignore_results=True` still stores
every result.

The known options are read from the installed Celery's sources: the attributes of
`celery.app.task.Task`, the execution options it sends (`queue`, `routing_key`,
...), the auto-retry options and the ones the decorator consumes (`bind`, `name`,
`base`). A name within two edits of one of them (three for an option of ten
letters or more: `max_retry`) is reported; any other name is left alone (a project's own attribute for its own base class).""",
        bad=Example(
            {"+demoapp/tasks.py": "\n\n@shared_task(max_retry=5)\ndef sync():\n    return 1\n"},
            findings=(("demoapp/tasks.py", "CEL208"),),
        ),
        good=Example({"+demoapp/tasks.py": "\n\n@shared_task(max_retries=5)\ndef sync():\n    return 1\n"}),
        silent_on=(
            "names close to no option (a project's own attribute: @shared_task(audit=True))",
            "decorators given base= or **options; apps given their own task_cls",
            "names shorter than five characters; names the module spells anywhere else (self.max_retry)",
        ),
        check_module=check,
        module_text=may_define_tasks,
    )
)
