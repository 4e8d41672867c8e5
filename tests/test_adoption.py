"""The pieces of adoption: baseline entries and matching, noqa edits, CEL901's fix."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from celery_lint.baseline import Baseline, BaselineError, load, subject_of, write
from celery_lint.findings import Finding
from celery_lint.noqa import NoqaEditError, Source, add_codes, remove_codes
from celery_lint.stale_noqa import fixed_text


def finding(line: int, code: str = "CEL104", message: str = "m", subject: str = "", path: str = "/p/s.py") -> Finding:
    return Finding(Path(path), line, 0, code, message, subject)


def test_subject_is_the_rules_unless_it_names_a_file_or_a_line():
    assert subject_of(finding(3, subject="CELERY_X")) == "CELERY_X"
    moved = finding(3, subject="/p/s.py", message="in proj/celery.py:12 (line 12)")
    assert subject_of(moved) == "in proj/celery.py (line)"
    assert subject_of(finding(3, subject="/p/s.py:7", message="x.delay() in atomic")) == "x.delay() in atomic"


def test_baseline_matches_by_count_the_first_ones_by_line(tmp_path):
    baseline = Baseline(tmp_path / "b.json", Counter({("s.py", "CEL104", "CELERY_X"): 1}))
    first, second = finding(9, subject="CELERY_X", path=str(tmp_path / "s.py")), finding(
        20, subject="CELERY_X", path=str(tmp_path / "s.py")
    )
    other = finding(9, subject="CELERY_Y", path=str(tmp_path / "s.py"))
    assert baseline.new([first, other, second]) == [other, second]


def test_written_baseline_loads_back(tmp_path):
    path = tmp_path / "b.json"
    a = str(tmp_path / "a.py")
    assert write(path, [finding(5, subject="B", path=a), finding(2, subject="A", path=a)]) == 2
    assert load(path).entries == Counter({("a.py", "CEL104", "A"): 1, ("a.py", "CEL104", "B"): 1})
    path.write_text('{"version": 1, "findings": [{"path": "a.py"}]}')
    with pytest.raises(BaselineError, match="must list path, code and subject"):
        load(path)


def source(tmp_path: Path, text: str) -> Source:
    path = tmp_path / "m.py"
    path.write_text(text)
    return Source(path)


@pytest.mark.parametrize(
    ("line", "codes", "after"),
    [
        ("X = 1", ["CEL104"], "X = 1  # noqa: CEL104"),
        ("X = 1  # noqa: E501", ["CEL104", "CEL101"], "X = 1  # noqa: CEL101, CEL104, E501"),
        ("X = 1  # noqa:CEL104,E501  # why", ["CEL101"], "X = 1  # noqa:CEL101, CEL104, E501  # why"),
        ("X = 1  # type: ignore", ["CEL104"], "X = 1  # type: ignore  # noqa: CEL104"),
        ("X = 1  # noqa", ["CEL104"], "X = 1  # noqa"),
    ],
)
def test_add_codes(tmp_path, line, codes, after):
    src = source(tmp_path, line + "\n")
    add_codes(src, 1, codes)
    assert src.text() == after + "\n"


@pytest.mark.parametrize("text", ['X = """\n1\n"""\n', "X = 1 + \\\n    2\n", 'X = "# noqa: E501"; Y = 1\n'])
def test_add_codes_refuses_a_line_that_cannot_take_a_comment(tmp_path, text):
    with pytest.raises(NoqaEditError):
        add_codes(source(tmp_path, text), 1, ["CEL104"])


@pytest.mark.parametrize(
    ("line", "codes", "after"),
    [
        ("X = 1  # noqa: CEL104", ["CEL104"], "X = 1"),
        ("X = 1  # noqa: CEL104, E501", ["CEL104"], "X = 1  # noqa: E501"),
        ("X = 1  # noqa: CEL104 the reason", ["CEL104"], "X = 1  # the reason"),
        ("X = 1  # type: ignore  # noqa: CEL1", ["CEL1"], "X = 1  # type: ignore"),
        ("    # noqa: CEL104", ["CEL104"], ""),
        ("X = 1  # noqa", ["CEL104"], "X = 1  # noqa"),
    ],
)
def test_remove_codes(line, codes, after):
    assert remove_codes(line, codes) == after


def test_fixed_text_keeps_line_endings():
    text = "A = 1  # noqa: CEL104\r\nB = 2  # noqa: CEL104\r\n"
    assert fixed_text(text, [finding(2, "CEL901", subject="CEL104")]) == "A = 1  # noqa: CEL104\r\nB = 2\r\n"
