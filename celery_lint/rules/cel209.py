"""CEL209: a task sent from a model signal receiver or a Model.save() override."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project, SourceModule
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._sending import sends_run_by, sent_after_commit
from celery_lint.rules._signals import handlers, may_hold_handlers


def _may_send_from_handlers(text: str) -> bool:
    return (".delay" in text or ".apply_async" in text) and may_hold_handlers(text)


def check(project: Project, source: SourceModule) -> Iterator[Finding]:
    for function, what in handlers(source):
        for call in sends_run_by(project, source, function):
            sent, fix = sent_after_commit(project, call)
            yield RULE.finding(
                source.path, call,
                f"{sent}() in a {what} sends the task before the save's transaction commits whenever "
                f"the save runs inside one (atomic(), ATOMIC_REQUESTS, a model with parents): a worker can read "
                f"the database before the row is committed (DoesNotExist) or for a save that rolls back; {fix}",
                subject=f"{source.module}.{function.name}",
            )


_TASKS = """\
from celery import shared_task

from demoapp.models import Order


@shared_task
def confirm(order_id):
    return Order.objects.get(pk=order_id).pk
"""
_MODELS = """\
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver


class Order(models.Model):
    total = models.IntegerField(default=0)


@receiver(post_save, sender=Order)
def order_saved(sender, instance, created, **kwargs):
    from demoapp.tasks import confirm

    if created:
        {send}
"""

RULE = register(
    Rule(
        code="CEL209",
        severity="W",
        name="task-sent-from-save-signal",
        summary=".delay() / .apply_async() in a model signal receiver or a Model.save() override",
        why="""\
Django sends `pre_save`, `post_save`, `pre_delete`, `post_delete` and `m2m_changed`
while it saves, and runs `Model.save()` overrides, inside whatever transaction the
save is part of: a view's `transaction.atomic()`, every view under
`ATOMIC_REQUESTS = True`, a model with parents (Django saves multi-table
inheritance in its own atomic block). A task sent from there is published at once;
a worker that picks it up reads the database through its own connection before the
commit and does not find the row (`DoesNotExist`), or runs for a save that is
rolled back.

Send it when the transaction commits: `task.delay_on_commit(...)` (Celery >= 5.4)
or `transaction.on_commit(lambda: task.delay(...))`, which runs at once when no
transaction is open.""",
        bad=Example(
            {"demoapp/models.py": _MODELS.format(send="confirm.delay(instance.pk)"), "demoapp/tasks.py": _TASKS},
            findings=(("demoapp/models.py", "CEL209"),),
        ),
        good=Example(
            {"demoapp/models.py": _MODELS.format(send="confirm.delay_on_commit(instance.pk)"), "demoapp/tasks.py": _TASKS}
        ),
        silent_on=(
            "calls inside a callback given to transaction.on_commit() (a lambda, a nested function)",
            "delay_on_commit() / apply_async_on_commit()",
            "receivers of other signals (request_finished, a project's own signals), and functions a receiver "
            "merely calls",
            "save() of classes not surely Django models (a base class from another module)",
        ),
        check_module=check,
        module_text=_may_send_from_handlers,
    )
)
