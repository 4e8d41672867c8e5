"""CEL209: a task sent from a model signal receiver or a Model.save() override."""

from __future__ import annotations

import pytest

from tests.helpers import BIN, lint, run, write_files

TASKS = "from celery import shared_task\n\n\n@shared_task\ndef confirm(pk):\n    return pk\n"
HEAD = (
    "from django.db import models, transaction\nfrom django.db.models.signals import post_save, post_delete, "
    "m2m_changed, pre_save\nfrom django.dispatch import receiver\n\nfrom demoapp.tasks import confirm\n\n\n"
    "class Order(models.Model):\n    total = models.IntegerField(default=0)\n\n\n"
)


def cel209(project, body: str) -> list[tuple[str, int, str]]:
    write_files(project, {"demoapp/tasks.py": TASKS, "demoapp/models.py": HEAD + body})
    return [(p, code) for p, _, code in lint(project, "CEL209")]


FOUND = [("demoapp/models.py", "CEL209")]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("@receiver(post_save, sender=Order)\ndef saved(sender, instance, **kw):\n"
                     "    confirm.delay(instance.pk)\n", id="receiver-post-save"),
        pytest.param("@receiver([pre_save, post_delete], sender=Order)\ndef changed(sender, instance, **kw):\n"
                     "    confirm.apply_async((instance.pk,), countdown=1)\n", id="receiver-list"),
        pytest.param("def changed(sender, instance, **kw):\n    confirm.s(instance.pk).delay()\n\n\n"
                     "m2m_changed.connect(changed, sender=Order)\n", id="connect"),
        pytest.param("class Invoice(Order):\n    def save(self, *args, **kwargs):\n        super().save(*args, **kwargs)\n"
                     "        confirm.delay(self.pk)\n", id="save-override-of-a-subclass"),
        pytest.param("class Receipt(models.Model):\n    def save(self, *args, **kwargs):\n"
                     "        super().save(*args, **kwargs)\n        if self.pk:\n            confirm.delay(self.pk)\n",
                     id="save-override"),
    ],
)
def test_fires(project, body):
    assert cel209(project, body) == FOUND


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("@receiver(post_save, sender=Order)\ndef saved(sender, instance, **kw):\n"
                     "    transaction.on_commit(lambda: confirm.delay(instance.pk))\n", id="on-commit-lambda"),
        pytest.param("@receiver(post_save, sender=Order)\ndef saved(sender, instance, **kw):\n"
                     "    confirm.delay_on_commit(instance.pk)\n", id="delay-on-commit"),
        pytest.param("@receiver(post_save, sender=Order)\ndef saved(sender, instance, **kw):\n"
                     "    def later():\n        confirm.delay(instance.pk)\n\n    transaction.on_commit(later)\n",
                     id="nested-callback"),
        pytest.param("from django.core.signals import request_finished\n\n\n@receiver(request_finished)\n"
                     "def finished(sender, **kw):\n    confirm.delay(1)\n", id="other-signal"),
        pytest.param("class Form:\n    def save(self):\n        confirm.delay(1)\n", id="save-of-a-non-model"),
        pytest.param("@receiver(post_save, sender=Order)\ndef saved(sender, instance, **kw):\n"
                     "    instance.delay(1)\n", id="not-a-task"),
        pytest.param("def helper(pk):\n    confirm.delay(pk)\n", id="plain-function"),
    ],
)
def test_silent(project, body):
    assert cel209(project, body) == []


def test_unknown_base_class_is_silent(project):
    body = "from shop.base import TimestampedModel\n\n\nclass Receipt(TimestampedModel):\n" \
           "    def save(self, *args, **kwargs):\n        confirm.delay(self.pk)\n"
    assert cel209(project, body) == []


def test_old_celery_is_told_only_on_commit(project):
    write_files(project, {"demoapp/tasks.py": TASKS, "requirements.txt": "celery==5.3.6\n", "demoapp/models.py": HEAD
                          + "@receiver(post_save)\ndef saved(sender, instance, **kw):\n    confirm.delay(1)\n"})
    result = run([str(BIN / "celery-lint"), "--select", "CEL209", "."], project)
    assert "; use transaction.on_commit(lambda: confirm.delay(...))" in result.stdout, result.stdout
    assert "delay_on_commit" not in result.stdout


def test_flake8(project):
    write_files(project, {"demoapp/tasks.py": TASKS, "demoapp/models.py": HEAD
                          + "@receiver(post_save)\ndef saved(sender, instance, **kw):\n    confirm.delay(1)\n"})
    result = run([str(BIN / "flake8"), "--select=CEL209", "."], project)
    assert "./demoapp/models.py:" in result.stdout and "CEL209" in result.stdout, result.stdout + result.stderr
