"""The real `celery-lint --fix` / `--diff` command on the example project: the diff is
a golden file, `--fix --unsafe-fixes` leaves only what no fix covers, and flake8 never
writes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tests.helpers import BIN, run

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "data" / "example-fix.diff"


def codes(out: str) -> list[str]:
    """The codes of the finding lines (`path:line:col: CODE message`), the summary left out."""
    return [line.split(": ", 1)[1].split(" ")[0] for line in out.splitlines()[:-1]]


def snapshot(root: Path) -> dict[str, bytes]:
    """The project's files, but the cache's (its own directory, kept by the command and flake8)."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and ".celery_lint_cache" not in p.parts)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


def test_diff_of_the_example_is_the_golden_one_and_writes_nothing():
    before = snapshot(REPO / "example")
    result = run([sys.executable, "-m", "celery_lint", "--diff", "example"], REPO)
    assert result.returncode == 1, result.stderr
    assert result.stdout == GOLDEN.read_text(encoding="utf-8"), "regenerate: celery-lint --diff example"
    assert snapshot(REPO / "example") == before


def test_fix_with_unsafe_fixes_leaves_only_what_no_fix_covers(tmp_path):
    shop = shutil.copytree(REPO / "example", tmp_path / "example")
    result = run([str(BIN / "celery-lint"), "--fix", "--unsafe-fixes", "."], shop)
    assert result.returncode == 1
    assert result.stderr == "Fixed 7 findings in 6 files.\n"
    assert codes(result.stdout) == ["CEL301"]
    assert "from .celery import app as celery_app" in (shop / "proj/__init__.py").read_text()
    again = run([str(BIN / "celery-lint"), "--fix", "--unsafe-fixes", "."], shop)
    assert again.stderr == "Fixed 0 findings in 0 files.\n"
    diff = run([str(BIN / "celery-lint"), "--diff", "--unsafe-fixes", "."], shop)
    assert (diff.returncode, diff.stdout) == (0, "")


def test_fix_applies_only_the_safe_fixes_and_marks_them(tmp_path):
    shop = shutil.copytree(REPO / "example", tmp_path / "example")
    result = run([str(BIN / "celery-lint"), "--fix", "."], shop)
    assert result.returncode == 1 and result.stderr == "Fixed 3 findings in 3 files.\n"
    assert codes(result.stdout) == ["CEL204", "CEL004", "CEL301", "CEL104", "CEL101"]
    assert "[*]" not in result.stdout  # what is left has no safe fix


def test_flake8_never_writes(tmp_path):
    shop = shutil.copytree(REPO / "example", tmp_path / "example")
    before = snapshot(shop)
    result = run([sys.executable, "-m", "flake8", "--select=CEL", "."], shop)
    assert result.returncode == 1 and "CEL203" in result.stdout and "[*]" not in result.stdout
    assert snapshot(shop) == before
