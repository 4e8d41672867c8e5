"""Module names and namespace packages as the import system finds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from celery_lint.layout import is_namespace_package, module_name, resolve_module


@pytest.mark.parametrize(
    ("root", "path", "expected"),
    [
        ("/srv/site", "/srv/site/manage.py", "manage"),
        ("/srv/site", "/srv/site/proj/__init__.py", "proj"),
        ("/srv/site", "/srv/site/proj/settings/base.py", "proj.settings.base"),
        ("/srv/site", "/srv/site/apps/billing/tasks.py", "apps.billing.tasks"),
        ("/srv/site", "/srv/site/apps/billing", "apps.billing"),  # a namespace package's directory
        ("/srv/site", "/srv/site/__init__.py", None),  # the import root itself is no package
        ("/srv/site", "/srv/site-old/proj/tasks.py", None),  # a sibling that shares the prefix
        ("/srv/site", "/srv/other/tasks.py", None),
        ("/srv/site", "/srv/site/my-app/tasks.py", None),  # not importable: a directory name with a dash
        ("/srv/site", "/srv/site/apps/2fa/tasks.py", None),
        ("/srv/site", "/srv/site/apps/billing/task-list.py", None),
        ("/", "/tasks.py", "tasks"),
        ("/", "/proj/celery.py", "proj.celery"),
    ],
)
def test_module_name(root, path, expected):
    assert module_name(Path(root), Path(path)) == expected


def test_resolved_namespace_packages_are_told_from_modules_without_a_stat(tmp_path):
    for name in ("proj/__init__.py", "proj/tasks.py", "loose/jobs.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = {dotted: resolve_module(tmp_path, dotted) for dotted in ("proj", "proj.tasks", "loose", "loose.jobs")}
    assert {dotted: path.relative_to(tmp_path).as_posix() for dotted, path in found.items()} == {
        "proj": "proj/__init__.py", "proj.tasks": "proj/tasks.py", "loose": "loose", "loose.jobs": "loose/jobs.py",
    }
    assert {dotted: is_namespace_package(path) for dotted, path in found.items()} == {
        "proj": False, "proj.tasks": False, "loose": True, "loose.jobs": False,
    }
    assert [dotted for dotted, path in found.items() if path.is_dir()] == ["loose"]
