"""`.gitignore` reading, checked against git itself on generated trees: the project's
walk lists exactly the untracked files `git ls-files --others --exclude-standard`
does (below hidden directories aside, which the walk always skips)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from celery_lint import gitignore, layout
from celery_lint.project import Project, ProjectOptions
from tests.helpers import forget_the_filesystem

ROOT_IGNORE = r"""
# a comment, and a blank line

*_local.py
!keep_local.py
/build_out/
docs/**/gen_*.py
**/migrations_tmp
cache/
a/b/
\#hash.py
trailing.py\ 
spaces.py   
[ab]x.py
[!c]y.py
?z.py
vendor/**
ignored_dir/
!ignored_dir/keep.py
[[:digit:]]n.py
"""
NESTED_IGNORE = "!m_local.py\n/only_here.py\nsub/\n"
EXCLUDE = "excluded_dir/\n"
DIRS = [
    "", "pkg/", "pkg/sub/", "pkg/deeper/", "docs/", "docs/x/", "docs/x/y/", "build_out/", "x/build_out/", "a/b/",
    "x/a/b/", "cache/", "ignored_dir/", "excluded_dir/", "deep/migrations_tmp/", "vendor/", "vendor/lib/",
]
NAMES = [
    "m.py", "m_local.py", "keep_local.py", "gen_1.py", "ax.py", "cx.py", "dy.py", "cy.py", "qz.py", "qqz.py",
    "#hash.py", "trailing.py", "spaces.py", "only_here.py", "cache.py", "keep.py", "7n.py", "xn.py",
]


def git(cwd: Path, *args: str, stdin: str = "") -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd))
    result = subprocess.run(["git", *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr  # check-ignore: 1 when nothing is ignored
    return result.stdout


def make_tree(top: Path, init: bool = True) -> Path:
    top.mkdir(parents=True, exist_ok=True)
    if init:
        git(top, "init", "-q")
        (top / ".git" / "info").mkdir(exist_ok=True)
        (top / ".git" / "info" / "exclude").write_text(EXCLUDE)
    (top / ".gitignore").write_text(ROOT_IGNORE)
    for directory in DIRS:
        (top / directory).mkdir(parents=True, exist_ok=True)
        for name in NAMES:
            (top / directory / name).write_text("")
    (top / "pkg" / ".gitignore").write_text(NESTED_IGNORE)
    (top / ".hidden").mkdir()
    (top / ".hidden" / "m.py").write_text("")
    return top


def walked(top: Path, respect_gitignore: bool = True) -> set[str]:
    forget_the_filesystem()
    found = layout.iter_python_files(top.resolve(), respect_gitignore=respect_gitignore)
    return {path.relative_to(top.resolve()).as_posix() for path in found}


def git_lists(top: Path) -> set[str]:
    listed = git(top, "ls-files", "-z", "--others", "--exclude-standard").split("\0")
    return {p for p in listed if p.endswith(".py") and not any(part.startswith(".") for part in p.split("/"))}


def test_the_walk_lists_what_git_does_not_ignore(tmp_path):
    top = make_tree(tmp_path / "repo")
    expected = git_lists(top)
    found = walked(top)
    assert found == expected
    # the tree exercises every kind of pattern: each of these is decided by one
    assert {"m.py", "keep_local.py", "pkg/m_local.py", "cy.py", "trailing.py", "xn.py", "x/build_out/m.py"} <= found
    ignored = {"m_local.py", "build_out/m.py", "docs/x/y/gen_1.py", "deep/migrations_tmp/m.py", "cache/m.py",
               "a/b/m.py", "#hash.py", "spaces.py", "ax.py", "dy.py", "qz.py", "vendor/lib/m.py",
               "ignored_dir/keep.py", "7n.py", "pkg/only_here.py", "pkg/sub/m.py", "excluded_dir/m.py"}
    assert not ignored & found
    assert ".hidden/m.py" not in found


def test_git_check_ignore_agrees_file_by_file(tmp_path):
    top = make_tree(tmp_path / "repo")
    every = {f"{d}{n}" for d in DIRS for n in NAMES if n.endswith(".py")}
    ignored = set(git(top, "check-ignore", "--no-index", "--stdin", "-z", stdin="\0".join(sorted(every))).split("\0"))
    assert every - walked(top) == ignored - {""}


def test_without_gitignore_only_hidden_directories_are_skipped(tmp_path):
    top = make_tree(tmp_path / "repo")
    found = walked(top, respect_gitignore=False)
    assert len(found) == len(DIRS) * len(NAMES)
    assert ".hidden/m.py" not in found


def test_outside_a_git_work_tree_gitignore_files_are_not_read(tmp_path):
    """As ruff: `respect-gitignore` applies inside a git work tree only."""
    top = make_tree(tmp_path / "plain", init=False)
    assert walked(top) == walked(top, respect_gitignore=False)


def test_a_linked_work_tree_reads_the_common_info_exclude(tmp_path):
    main = make_tree(tmp_path / "repo")
    git(main, "add", ".gitignore")
    git(main, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "ignore")
    git(main, "worktree", "add", "-q", str(tmp_path / "linked"))
    linked = tmp_path / "linked"
    (linked / "excluded_dir").mkdir()
    (linked / "excluded_dir" / "m.py").write_text("")
    (linked / "m_local.py").write_text("")
    (linked / "m.py").write_text("")
    assert walked(linked) == git_lists(linked) == {"m.py"}


@pytest.mark.parametrize(
    ("line", "path", "is_directory", "verdict"),
    [
        ("*.py", "a/b.py", False, True),
        ("/b.py", "a/b.py", False, None),
        ("b/", "b", False, None),
        ("b/", "b", True, True),
        ("!b.py", "b.py", False, False),
        (r"\!b.py", "!b.py", False, True),
        ("a/**/c", "a/c", True, True),
        ("a/**", "a", True, None),
        ("**/c", "x/y/c", False, True),
        ("[a-c]?.py", "bz.py", False, True),
        ("[a-c]?.py", "b/.py", False, None),
        ("a*", "a/b", False, None),
        ("[unclosed", "[unclosed", False, True),
        ("a\\ ", "a ", False, True),  # an escaped trailing space stays
        ("a\\ ", "a", False, None),
        ("a  ", "a", False, True),  # others go
        # the last matching line decides, whichever way each is matched (name, suffix, regex, path)
        ("*.py\n!keep.py", "keep.py", False, False),
        ("!keep.py\n*.py", "keep.py", False, True),
        ("*.py\n!k*.py", "keep.py", False, False),
        ("k*.py\n!*.py\nke?p.py", "keep.py", False, True),
        ("keep.py\n!/keep.py", "keep.py", False, False),
        ("!/keep.py\nkeep.py", "keep.py", False, True),
        ("*.tar.gz\n!x.gz", "a.tar.gz", False, True),
        ("*.tar.gz", "a.gz", False, None),
        ("*.log", ".log", False, True),
        ("build/\n!build", "build", True, False),
        ("!build\nbuild/", "build", True, True),
    ],
)
def test_one_pattern(line, path, is_directory, verdict):
    rules = gitignore.parse(line, "/top")
    assert rules is not None
    assert rules.ignores(path, is_directory) is verdict


def test_blank_and_comment_lines_make_no_rules():
    assert gitignore.parse("\n# only a comment\n   \n", "/top") is None


def test_the_project_model_walks_the_same_files(tmp_path):
    """Task discovery, settings, everything the model reads: what git ignores is no
    project code, unless configuration says otherwise."""
    top = make_tree(tmp_path / "repo")
    (top / "manage.py").write_text("")
    expected = git_lists(top)
    forget_the_filesystem()
    files = Project.get(top).files
    assert {p.relative_to(top.resolve()).as_posix() for p in files} == expected
    every = Project.get(top, options=ProjectOptions(respect_gitignore=False)).files
    assert len(every) == len(DIRS) * len(NAMES) + 1  # and manage.py
