"""CEL211: a Django object passed to a task."""

from __future__ import annotations

import pytest

from tests.helpers import BIN, lint, run, write_files

TASKS = "from celery import shared_task\n\n\n@shared_task\ndef work(*args, **kwargs):\n    return 1\n"
VIEWS_HEAD = ("from django.contrib.auth.models import User\nfrom django.shortcuts import get_object_or_404\n"
              "from django.views import View\n\nfrom demoapp.tasks import work\n\n\n")


def cel211(project, body: str, path: str = "demoapp/views.py", extra: dict[str, str] | None = None):
    write_files(project, {"demoapp/tasks.py": TASKS, "demoapp/views.py": "", path: VIEWS_HEAD + body, **(extra or {})})
    return [(p, code) for p, _, code in lint(project, "CEL211")]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("def v(request):\n    work.delay(request)\n", id="request"),
        pytest.param("def v(request):\n    work.delay(user=request.user)\n", id="request-user"),
        pytest.param("def v(request):\n    work.delay(request.FILES['doc'])\n", id="upload"),
        pytest.param("def v(request):\n    work.apply_async(args=(User.objects.get(pk=1),))\n", id="apply-async-args"),
        pytest.param("def v(request):\n    work.apply_async((1,), {'u': get_object_or_404(User, pk=1)})\n",
                     id="apply-async-kwargs"),
        pytest.param("def v(request):\n    users = User.objects.filter(is_active=True).order_by('pk')\n"
                     "    work.delay(users)\n", id="queryset"),
        pytest.param("class V(View):\n    def post(self, request):\n        work.delay(self.request)\n", id="self-request"),
        pytest.param("class V(View):\n    def form_valid(self, form):\n        work.delay(form)\n", id="form"),
    ],
)
def test_fires(project, body):
    assert cel211(project, body) == [("demoapp/views.py", "CEL211")]


def test_fires_on_a_receivers_instance(project):
    body = ("from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n\n"
            "@receiver(post_save, sender=User)\ndef saved(sender, instance, **kwargs):\n    work.delay(instance)\n")
    assert cel211(project, body, path="demoapp/signals.py") == [("demoapp/signals.py", "CEL211")]


def test_fires_on_a_getter_outside_views(project):
    body = "def refresh():\n    work.delay(User.objects.first())\n"
    assert cel211(project, body, path="demoapp/services.py") == [("demoapp/services.py", "CEL211")]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("def v(request):\n    work.delay(request.user.pk, request.POST['name'])\n", id="attributes"),
        pytest.param("def v(request):\n    work.delay(list(User.objects.values_list('pk', flat=True)))\n",
                     id="list-of-keys"),
        pytest.param("def helper(request):\n    work.delay(request)\n", id="not-a-view-module"),
        pytest.param("def v(request, user):\n    work.delay(user)\n", id="unknown-parameter"),
        pytest.param("def v(request):\n    user = User.objects.get(pk=1)\n    user = user.pk\n    work.delay(user)\n",
                     id="rebound"),
        pytest.param("def v(request):\n    work.apply_async((request,), serializer='pickle')\n", id="pickle-call"),
        pytest.param("def v(request):\n    work.delay(**{'r': request})\n", id="star-kwargs"),
        pytest.param("def v(request):\n    request.delay(request)\n", id="not-a-task"),
    ],
)
def test_silent(project, body):
    path = "demoapp/helpers.py" if "helper" in body else "demoapp/views.py"
    assert cel211(project, body, path=path) == []


@pytest.mark.parametrize("serializer", ["'pickle'", "os.environ['SERIALIZER']"])
def test_silent_with_another_or_unknown_serializer(project, serializer):
    extra = {"+proj/settings.py": f"import os\nCELERY_TASK_SERIALIZER = {serializer}\n"}
    assert cel211(project, "def v(request):\n    work.delay(request)\n", extra=extra) == []


def test_command_and_flake8(project):
    write_files(project, {"demoapp/tasks.py": TASKS, "demoapp/views.py": VIEWS_HEAD
                          + "def v(request):\n    work.delay(request.user)\n"})
    for command in (["celery-lint", "."], ["flake8", "--select=CEL211", "."]):
        result = run([str(BIN / command[0]), *command[1:]], project)
        assert "CEL211 work.delay() is given the request's user, a model instance (request.user): the JSON serializer" \
            in result.stdout, result.stdout + result.stderr
