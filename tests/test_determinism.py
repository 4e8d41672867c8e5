"""The command prints the same bytes on every run: whatever the hash seed (set and
dict iteration order), and whether the tree is named by a relative or an absolute
path. Real processes, as CI runs them."""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import pytest

from celery_lint import engine
from celery_lint.engine import findings_for_file, select_rules
from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import BIN, clean_env, write_files

load_rules()

NEVER_SET = (
    "from celery import Celery\n\napp = Celery('proj')\n"
    "app.config_from_object('django.conf:settings', namespace='CELERY')\napp.autodiscover_tasks()\n"
)
OLD_AND_UNPREFIXED = "BROKER_URL = 'memory://'\nTASK_ALWAYS_EAGER = True\nCELERY_RESULTS_BACKEND = 'django-db'\n"


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """Two projects with findings in several files, and a file a rule reads that cannot be parsed."""
    root = tmp_path_factory.mktemp("determinism") / "repo"
    write_files(root / "shop", {"+proj/settings.py": OLD_AND_UNPREFIXED, "proj/celery.py": NEVER_SET})
    write_files(root / "blog", {"+proj/settings.py": OLD_AND_UNPREFIXED, "-proj/__init__.py": ""})
    (root / "blog" / "templates.py").write_text("{% block body %}{{ task.name }}{% endblock %}\n", encoding="utf-8")
    return root


def celery_lint(args: list[str], cwd: Path, seed: str) -> bytes:
    env = dict(clean_env(), PYTHONHASHSEED=seed)
    result = subprocess.run([str(BIN / "celery-lint"), *args], cwd=cwd, capture_output=True, env=env, timeout=120)
    assert result.returncode == 1, result.stderr.decode()
    return b"exit 1\nstdout:\n" + result.stdout + b"stderr:\n" + result.stderr


@pytest.mark.parametrize("output", ["text", "json"])
def test_same_bytes_for_every_hash_seed(repository, output):
    runs = {seed: celery_lint([".", "--format", output], repository, seed) for seed in ("0", "1", "4242", "random")}
    first = runs["0"]
    assert first.count(b"CEL") >= 6 and b"warning: blog/templates.py" in first
    assert all(run == first for run in runs.values()), runs


def test_same_bytes_from_a_relative_or_an_absolute_path(repository):
    parent = repository.parent
    relative = celery_lint([repository.name], parent, "0")
    absolute = celery_lint([str(repository)], parent, "0")
    assert relative == absolute
    inside = celery_lint(["."], repository, "0")
    inside_absolute = celery_lint([os.fspath(repository)], repository, "0")
    assert inside == inside_absolute
    # from the parent, each path carries the repository's name and nothing else changes
    moved = inside.replace(b"shop/", b"repo/shop/").replace(b"blog/", b"repo/blog/")
    assert relative == moved.replace(b"  shop: ", b"  repo/shop: ").replace(b"  blog: ", b"  repo/blog: ")


def test_the_flake8_view_is_the_same_from_a_relative_or_a_linked_name(project, monkeypatch):
    """flake8 names files relative to its working directory; the plugin resolves each
    directory once, and a relative name is always read against the current one."""
    write_project(REGISTRY["CEL101"].bad, project)
    root = project.resolve()
    settings = root / "proj" / "settings.py"
    tree = ast.parse(settings.read_text(encoding="utf-8"))
    rules = select_rules()
    expected = findings_for_file(settings, tree, rules)
    assert [f.code for f in expected] == ["CEL101"]
    monkeypatch.chdir(root / "proj")
    assert findings_for_file(Path("settings.py"), tree, rules) == expected
    monkeypatch.chdir(root / "demoapp")
    assert engine._resolved("tasks.py") == (root / "demoapp", root / "demoapp" / "tasks.py")  # ".", another one
    (root / "linked.py").symlink_to(settings)
    assert findings_for_file(root / "linked.py", tree, rules) == expected
