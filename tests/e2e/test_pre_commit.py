"""The hook in .pre-commit-hooks.yaml, run by the real `pre-commit try-repo`.

pre-commit clones this repository at HEAD (the committed hook definition is what
users get), installs it into a fresh virtualenv (dependencies come from PyPI), and
runs it in a throw-away git repository. try-repo builds that environment in a
temporary store of its own for every run; PRE_COMMIT_HOME points to a temporary
directory as well, so nothing outside the test's directories is read or written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from tests.helpers import BIN

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def start_try_repo(work: Path, home: Path, all_files: bool = True, hook: str = "celery-lint") -> subprocess.Popen[str]:
    """`pre-commit try-repo <this repository> <hook> [--all-files]` in the git repository `work`
    (without --all-files pre-commit looks at the staged files, as on `git commit`)."""
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    head = git(REPO, "rev-parse", "HEAD")
    args = [str(BIN / "pre-commit"), "try-repo", str(REPO), hook, "--ref", head]
    args += ["--all-files"] if all_files else []
    return subprocess.Popen(args, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def throw_away_repository(root: Path, example: Example) -> Path:
    write_project(example, root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    return root


def commit_then_stage_one_file(root: Path) -> Path:
    """Commit the project, then change and stage only demoapp/tasks.py: a commit that
    does not touch proj/__init__.py, where CEL004 is reported."""
    git(root, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "project")
    tasks = root / "demoapp" / "tasks.py"
    tasks.write_text(tasks.read_text(encoding="utf-8") + "\n\n@shared_task\ndef div(x, y):\n    return x / y\n")
    git(root, "add", "demoapp/tasks.py")
    return root


fixed_tasks: dict[str, Path] = {}  # the file the fixing hook is to fix


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """(exit status, output) of the hook on a bad project, on a healthy one, and on a
    commit that changes one file of a bad project; the installs run side by side to
    keep the wall time of one."""
    projects = {
        "bad": REGISTRY["CEL004"].bad, "healthy": Example({}), "one-file": REGISTRY["CEL004"].bad,
        "fix": REGISTRY["CEL203"].bad,
    }
    started = {}
    for name, example in projects.items():
        top = tmp_path_factory.mktemp(f"pre-commit-{name}")
        work = throw_away_repository(top / "work", example)
        if name == "one-file":
            started[name] = start_try_repo(commit_then_stage_one_file(work), top / "home", all_files=False)
        elif name == "fix":
            started[name] = start_try_repo(work, top / "home", hook="celery-lint-fix")
            fixed_tasks[name] = work / "demoapp" / "tasks.py"
        else:
            started[name] = start_try_repo(work, top / "home")
    results = {}
    for name, process in started.items():
        output, _ = process.communicate(timeout=600)
        results[name] = (process.returncode, output)
    return results


def test_the_hook_is_committed():
    tracked = git(REPO, "ls-files", ".pre-commit-hooks.yaml")
    assert tracked == ".pre-commit-hooks.yaml", "try-repo installs the committed hook: commit it first"


def test_hook_fails_on_a_bad_project_and_shows_the_finding(runs):
    status, output = runs["bad"]
    assert status == 1, output
    assert "celery-lint" in output and "Failed" in output
    assert "proj/__init__.py:1:1: CEL004 proj does not import the Celery app at start-up" in output
    # the hook's own environment has the newest Celery from PyPI, not the one installed here
    assert re.search(r"^Found 1 finding in 8 files \(settings proj\.settings, app proj\.celery, Celery \d+\.\d+\S* installed\)\.$",
                     output, re.M), output


def test_hook_passes_on_a_healthy_project(runs):
    status, output = runs["healthy"]
    assert status == 0, output
    assert "celery-lint" in output and "Passed" in output
    assert "CEL" not in output.split("Passed", 1)[1]


def test_a_commit_of_one_file_still_reports_findings_in_the_others(runs):
    """pass_filenames: false -- the finding caused by the project, reported in an
    unchanged file, is not lost at commit time."""
    status, output = runs["one-file"]
    assert status == 1, output
    assert "proj/__init__.py:1:1: CEL004" in output


def test_the_fixing_hook_fixes_and_fails_the_commit_for_review(runs):
    """celery-lint-fix: `--fix` writes the safe fix (tokenize-rt comes with the hook),
    reports nothing left, and pre-commit fails because the hook changed a file."""
    status, output = runs["fix"]
    assert status == 1, output
    assert "files were modified by this hook" in output, output
    assert "Fixed 1 finding in 1 file." in output and "No findings in" in output
    assert "def ping(self):" in fixed_tasks["fix"].read_text(encoding="utf-8")
