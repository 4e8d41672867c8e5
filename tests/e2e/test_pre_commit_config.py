"""The hook as a user configures it: the README's `.pre-commit-config.yaml`, `git commit`.

This repository is cloned at HEAD, the clone is given the README's `rev:` as a tag
(the tag the lead makes on release), and the README's snippet, with `repo:` pointing
at the clone, is the configuration of throw-away repositories in which the real
`pre-commit install` and `git commit` run. pre-commit installs the hook from the
clone into one environment of its own (PRE_COMMIT_HOME is the test's), shared by
the commits below.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from celery_lint import __version__
from celery_lint.examples import BASE, write_project
from celery_lint.registry import Example
from tests.helpers import BIN, run

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = [REPO / "README.md", REPO / "docs" / "getting-started.md", REPO / "docs" / "ci.md"]
PLACEHOLDER = "URL-OF-THE-CELERY-LINT-REPOSITORY"
TYPO_SETTINGS = BASE["proj/settings.py"].replace("CELERY_TASK_SERIALIZER", "CELERY_TASK_SERIALISER")
UNBOUND_TASK = 'from celery import shared_task\n\n\n@shared_task(bind=True)\ndef wip():\n    return 1\n'
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def snippets(path: Path) -> list[str]:
    """The ```yaml blocks of a document that configure the celery-lint hook (not the
    line showing the `celery-lint-fix` variant)."""
    text = path.read_text(encoding="utf-8")
    return [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if re.search(r"id: celery-lint$", b, re.M)]


def readme_config() -> dict:
    (block,) = snippets(REPO / "README.md")
    return yaml.safe_load(block)


def hooks() -> list[dict]:
    return yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_the_documented_snippets_are_the_readme_s():
    shown = [block for path in DOCS for block in snippets(path)]
    assert len(shown) == len(DOCS)
    configs = [yaml.safe_load(block.replace("# .pre-commit-config.yaml\n", "")) for block in shown]
    assert all(config == configs[0] for config in configs), shown


def test_the_readme_hook_id_is_defined_and_its_rev_is_the_version_s_tag():
    (repo,) = readme_config()["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == ["celery-lint"]
    assert "celery-lint" in [hook["id"] for hook in hooks()]
    assert repo["repo"] == PLACEHOLDER
    assert repo["rev"] == f"v{__version__}"  # the tag to make when the version is released


@pytest.mark.parametrize("name", [
    "proj/settings.py", "manage.py", "pyproject.toml", "sub/pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini",
    "requirements.txt", "requirements-dev.txt", "requirements/base.txt", "requirements/prod.in", "dependencies/a.txt",
    "uv.lock", "poetry.lock", "pdm.lock", "Pipfile", "Pipfile.lock", "api/requirements.txt",
])
def test_the_hook_runs_when_a_file_that_changes_the_findings_changes(name: str):
    assert re.search(hooks()[0]["files"], name), name


@pytest.mark.parametrize("name", ["README.md", "docs/index.md", "notes.txt", "static/app.js", "pyproject.toml.bak"])
def test_the_hook_skips_other_files(name: str):
    assert not re.search(hooks()[0]["files"], name), name


def git(cwd: Path, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd, check=check, capture_output=True, text=True, env=env, timeout=900,
    )


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory) -> Path:
    """A clone of this repository at HEAD, tagged with the README's rev."""
    if git(REPO, "ls-files", ".pre-commit-hooks.yaml").stdout.strip() != ".pre-commit-hooks.yaml":
        pytest.fail("the hook is installed from the committed tree: commit .pre-commit-hooks.yaml first")
    clone = tmp_path_factory.mktemp("hook-source") / "celery-lint"
    git(REPO, "clone", "-q", "--no-local", str(REPO), str(clone))
    git(clone, "tag", "-f", readme_config()["repos"][0]["rev"])  # -f: a clone of a tagged repository has it
    return clone


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def commit(hook_source: Path, home: Path, tmp_path: Path):
    """commit(files, stage, untracked) -> (status, output) of `git commit` in a
    throw-away repository: `files` (the base project changed) committed first
    without the hook, then `stage` written and staged, `untracked` written only."""
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def commit(files: dict[str, str], stage: dict[str, str], untracked: dict[str, str]) -> tuple[int, str]:
        work = tmp_path / "work"
        write_project(Example(files), work)
        config = readme_config()
        config["repos"][0]["repo"] = hook_source.as_uri()
        (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        git(work, "init", "-q")
        git(work, "add", "-A")
        git(work, "commit", "-q", "--no-verify", "-m", "project")
        installed = subprocess.run([str(BIN / "pre-commit"), "install"], cwd=work, env=env, capture_output=True, text=True)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        for name, text in {**stage, **untracked}.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text, encoding="utf-8")
        git(work, "add", *stage)
        result = git(work, "commit", "-m", "change", check=False, env=env)
        return result.returncode, result.stdout + result.stderr

    return commit


def plain_run(files: dict[str, str], untracked: dict[str, str], tmp_path: Path) -> int:
    """`celery-lint .` without --git-tracked on the same tree: what the untracked files do to it."""
    root = write_project(Example({**files, **untracked}), tmp_path / "plain")
    return run([str(BIN / "celery-lint"), "."], root).returncode


def test_an_untracked_file_with_a_mistake_does_not_fail_the_commit(commit, tmp_path: Path):
    untracked = {"demoapp/wip.py": UNBOUND_TASK}
    assert plain_run({}, untracked, tmp_path) == 1  # CEL203 in the untracked file
    status, output = commit({}, {"demoapp/tasks.py": BASE["demoapp/tasks.py"] + "\n# a comment\n"}, untracked)
    assert status == 0, output
    assert re.search(r"^celery-lint\.+Passed$", output, re.M), output
    assert "CEL203" not in output


def test_an_untracked_table_does_not_pass_the_commit(commit, tmp_path: Path):
    untracked = {"pyproject.toml": '[tool.celery-lint]\nignore = ["CEL104"]\n'}
    assert plain_run({"proj/settings.py": TYPO_SETTINGS}, untracked, tmp_path) == 0  # the table hides the typo
    status, output = commit({}, {"proj/settings.py": TYPO_SETTINGS}, untracked)
    assert status == 1, output
    assert re.search(r"^celery-lint\.+Failed$", output, re.M), output
    assert "proj/settings.py:31:1: CEL104 CELERY_TASK_SERIALISER is not a Celery setting" in output


def test_a_commit_changing_only_pyproject_toml_runs_the_hook(commit):
    """The table that ignored CEL104 loses the ignore: the settings' typo fails the commit."""
    table = {"pyproject.toml": '[tool.celery-lint]\nignore = ["CEL104"]\n', "proj/settings.py": TYPO_SETTINGS}
    status, output = commit(table, {"pyproject.toml": "[tool.celery-lint]\n"}, {})
    assert status == 1, output
    assert "(no files to check)" not in output
    assert "proj/settings.py:31:1: CEL104" in output


def test_a_commit_changing_only_a_requirement_file_runs_the_hook(commit):
    status, output = commit({}, {"requirements/base.txt": "celery==5.4.0\n"}, {})
    assert status == 0, output
    assert re.search(r"^celery-lint\.+Passed$", output, re.M), output
    assert "(no files to check)" not in output


def test_a_commit_changing_only_documentation_skips_the_hook(commit):
    status, output = commit({"proj/settings.py": TYPO_SETTINGS}, {"README.md": "notes\n"}, {})
    assert status == 0, output
    assert re.search(r"^celery-lint\.+\(no files to check\)Skipped$", output, re.M), output


def test_a_new_file_the_commit_adds_is_linted(commit):
    """What is staged counts: the untracked file of the first test, once added, fails the commit."""
    status, output = commit({}, {"demoapp/wip.py": UNBOUND_TASK}, {})
    assert status == 1, output
    assert "demoapp/wip.py:5:1: CEL203" in output


def test_git_tracked_outside_a_work_tree_is_a_usage_error(tmp_path: Path):
    root = write_project(Example({}), tmp_path / "project")
    result = run([str(BIN / "celery-lint"), "--git-tracked", "."], root)
    assert result.returncode == 2, result.stderr
    assert "--git-tracked needs a git work tree" in result.stderr
