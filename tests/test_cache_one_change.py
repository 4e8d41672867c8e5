"""One file changed since the cached run: the warm run parses that file and what truly
depends on it, and says exactly what a run without the cache (`--no-cache`) says,
whichever file changed: a task's name or options, a send, a task module added,
removed or renamed, the settings' Celery names."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from celery_lint.cache import DIRECTORY
from celery_lint.examples import BASE
from celery_lint.project import core, modules
from tests.helpers import write_files
from tests.test_cache import BAD, lint_cli, same_as_cold

VIEWS = "demoapp/views.py"
TASKS = "demoapp/tasks.py"


@pytest.fixture
def cached(tmp_path: Path) -> Path:
    """The CEL204 project (a send inside `transaction.atomic()`), linted once with the
    cache, with a settings chain (`settings` star-imports `base`)."""
    root = write_files(tmp_path / "project", {
        **BAD,
        "proj/settings.py": "from .base import *  # noqa: F403\n",
        "proj/base.py": BASE["proj/settings.py"],
    })
    assert "CEL204" in lint_cli(root)[1]
    return root


def _replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _task_renamed(root: Path) -> None:
    _replace(root, TASKS, "def send_welcome_email", "def send_welcome")


def _task_option_misspelt(root: Path) -> None:
    _replace(root, TASKS, "@shared_task\ndef send_welcome_email", "@shared_task(retry=3)\ndef send_welcome_email")


def _no_longer_a_task(root: Path) -> None:
    _replace(root, TASKS, "@shared_task\ndef send_welcome_email", "def send_welcome_email")


def _send_on_commit(root: Path) -> None:
    _replace(root, VIEWS, "send_welcome_email.delay(user.pk)",
             "transaction.on_commit(lambda: send_welcome_email.delay(user.pk))")


def _task_module_added(root: Path) -> None:
    (root / "demoapp/jobs.py").write_text("from celery import shared_task\n\n\n@shared_task\ndef job():\n    return 1\n")
    _replace(root, VIEWS, "from demoapp.tasks import add, send_welcome_email",
             "from demoapp.jobs import job\nfrom demoapp.tasks import add, send_welcome_email")
    _replace(root, VIEWS, "send_welcome_email.delay(user.pk)", "send_welcome_email.delay(user.pk)\n        job.delay()")


def _task_module_removed(root: Path) -> None:
    (root / TASKS).unlink()


def _task_module_renamed(root: Path) -> None:
    (root / TASKS).rename(root / "demoapp/jobs.py")
    _replace(root, VIEWS, "from demoapp.tasks import", "from demoapp.jobs import")


def _views_renamed(root: Path) -> None:
    (root / VIEWS).rename(root / "demoapp/signup.py")


def _settings_celery_names(root: Path) -> None:
    _replace(root, "proj/base.py", 'CELERY_BROKER_URL = "memory://"', 'CELERY_BROKER_URLL = "memory://"')


def _settings_atomic_requests(root: Path) -> None:
    _replace(root, "proj/base.py", '"NAME": BASE_DIR / "db.sqlite3",', '"NAME": BASE_DIR / "db.sqlite3", "ATOMIC_REQUESTS": True,')


def _settings_imports(root: Path) -> None:
    with open(root / "proj/base.py", "a") as stream:
        stream.write('CELERY_IMPORTS = ["demoapp.jobs"]\n')
    (root / "demoapp/jobs.py").write_text("from celery import shared_task\n\n\n@shared_task\ndef job():\n    return 1\n")


CHANGES: dict[str, Callable[[Path], None]] = {
    "task renamed": _task_renamed, "task option misspelt": _task_option_misspelt,
    "no longer a task": _no_longer_a_task, "send on commit": _send_on_commit,
    "task module added": _task_module_added, "task module removed": _task_module_removed,
    "task module renamed": _task_module_renamed, "views module renamed": _views_renamed,
    "settings' CELERY_ name": _settings_celery_names, "settings' ATOMIC_REQUESTS": _settings_atomic_requests,
    "settings' CELERY_IMPORTS": _settings_imports,
}


@pytest.mark.parametrize("change", CHANGES)
def test_warm_equals_cold_after(cached: Path, change: str) -> None:
    before = lint_cli(cached)  # from the cache the first run wrote
    CHANGES[change](cached)
    after = same_as_cold(cached)
    assert after != before, after
    assert same_as_cold(cached) == after  # and from the cache this run wrote


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files parsed for the project model from now on, counted where every parse goes."""
    parsed: list[Path] = []
    real = modules.parse_text
    monkeypatch.setattr(modules, "parse_text", lambda path, text: parsed.append(path) or real(path, text))
    return parsed


def test_a_views_edit_parses_only_that_file(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The views module's checks ask whether what it sends is a task (the tasks module's
    summary, kept by its text's digest), which modules autodiscovery imports and the
    import roots (answers kept while what they read holds): none parses a file again."""
    _replace(cached, VIEWS, "def add_view(request):", "def add_view(request):  # edited")
    cold = lint_cli(cached, "--no-cache")
    parsed = _parses(monkeypatch)
    assert lint_cli(cached) == cold
    assert parsed == [(cached / VIEWS).resolve()]


def test_a_kept_summary_is_that_of_the_text(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited tasks module is parsed again, and the views module reads its new summary."""
    _no_longer_a_task(cached)
    _replace(cached, VIEWS, "def add_view(request):", "def add_view(request):  # edited")
    parsed = _parses(monkeypatch)
    warm = same_as_cold(cached)
    assert "CEL204" not in warm[1]
    assert (cached / TASKS).resolve() in parsed


def test_unreadable_summaries_are_ignored_and_rewritten(cached: Path) -> None:
    (kept,) = (cached / DIRECTORY).glob("*.summaries")
    kept.write_bytes(b"\x80\x05not a pickle")
    _replace(cached, VIEWS, "def add_view(request):", "def add_view(request):  # edited")
    assert "CEL204" in same_as_cold(cached)[1]
    assert kept.read_bytes() != b"\x80\x05not a pickle"


def test_a_views_edit_reads_only_that_file(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every other file known by its size and mtime, the text filters' answers
    (which files spell `atomic`, `Celery`, ...) come from the cache: no other text is
    read but the tasks module's, whose digest its kept summary is found by."""
    old = 1_000_000_000_000_000_000
    for path in cached.rglob("*.py"):
        os.utime(path, ns=(old, old))
    lint_cli(cached)
    _replace(cached, VIEWS, "def add_view(request):", "def add_view(request):  # edited")
    cold = lint_cli(cached, "--no-cache")
    read: list[Path] = []
    real = core.read_text
    monkeypatch.setattr(core, "read_text", lambda path: read.append(path) or real(path))
    assert lint_cli(cached) == cold
    assert sorted(read) == [(cached / TASKS).resolve(), (cached / VIEWS).resolve()]
