"""The real flake8 with the CEL plugin on real projects.

Every bad example is its own project under one directory, beside a healthy project
and one whose findings are silenced with noqa comments, so that one flake8 run
checks them all.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from tests.e2e import STATIC_CODES, monorepo_findings, parse_findings, write_bad_examples, write_monorepo
from tests.helpers import BIN, lint, run

NOQA_SETTINGS = """\
TASK_ALWAYS_EAGER = True  # noqa: CEL101
RESULT_EXPIRES = 60  # noqa
TASK_ROUTES = {}  # noqa: E501
BEAT_SCHEDULE = {}  # noqa: CEL102
"""
FIRST_APPENDED_LINE = 33  # of proj/settings.py, for "+proj/settings.py" examples


def flake8(top: Path, *args: str):
    return run([str(BIN / "flake8"), "--select=CEL", *args], top)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> tuple[Path, set[tuple[str, str]]]:
    top = tmp_path_factory.mktemp("flake8")
    expected = write_bad_examples(top)
    write_project(Example({}), top / "healthy")
    write_project(Example({"+proj/settings.py": NOQA_SETTINGS}), top / "noqa")
    expected.add(("noqa/proj/settings.py", "CEL101"))  # noqa for other codes does not silence CEL101
    return top, expected


@pytest.fixture(scope="module")
def full_run(tree) -> list[tuple[str, int, str]]:
    top, _ = tree
    result = flake8(top, "-j", "1", ".")
    assert result.returncode == 1, result.stderr
    return parse_findings(result.stdout)


def test_finds_every_bad_example_in_the_declared_file(tree, full_run):
    _, expected = tree
    assert {(path, code) for path, _, code in full_run} == expected


def test_lines_are_where_the_fix_goes(full_run):
    found = set(full_run)
    assert ("cel001/proj/celery.py", 5, "CEL001") in found  # app = Celery("proj")
    celery_py = REGISTRY["CEL003"].bad.texts()["proj/celery.py"].splitlines()
    config_line = next(i for i, line in enumerate(celery_py, 1) if "config_from_object" in line)
    assert ("cel003/proj/celery.py", config_line, "CEL003") in found  # the config_from_object call
    assert ("cel004/proj/__init__.py", 1, "CEL004") in found
    for code in ("CEL101", "CEL102", "CEL103", "CEL104"):
        assert (f"{code.lower()}/proj/settings.py", FIRST_APPENDED_LINE, code) in found
    assert ("noqa/proj/settings.py", FIRST_APPENDED_LINE + 2, "CEL101") in found


def test_same_findings_as_the_engine(tree, full_run):
    top, _ = tree
    engine = []
    for code in STATIC_CODES:
        found = lint(top / code.lower())
        engine += [(f"{code.lower()}/{path}", line, c) for path, line, c in found if c in STATIC_CODES]
    assert sorted(f for f in full_run if not f[0].startswith("noqa/")) == sorted(engine)


def test_each_finding_reported_once(full_run):
    assert [f for f, n in Counter(full_run).items() if n > 1] == []


def test_healthy_project_and_noqa(full_run):
    assert [f for f in full_run if f[0].startswith("healthy/")] == []
    # `# noqa: CEL101` and a bare `# noqa` silence; `# noqa: E501` and `# noqa: CEL102` do not
    assert [f for f in full_run if f[0].startswith("noqa/")] == [
        ("noqa/proj/settings.py", FIRST_APPENDED_LINE + 2, "CEL101"),
        ("noqa/proj/settings.py", FIRST_APPENDED_LINE + 3, "CEL101"),
    ]


def test_parallel_jobs_report_the_same_once(tree, full_run):
    top, _ = tree
    result = flake8(top, "-j", "2", ".")
    parallel = parse_findings(result.stdout)
    assert sorted(parallel) == sorted(full_run)
    assert len(parallel) == len(set(parallel))


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(["cel101/proj/settings.py"], [("cel101/proj/settings.py", FIRST_APPENDED_LINE, "CEL101")],
                     id="the-file-of-the-finding"),
        pytest.param(["cel101/demoapp/tasks.py", "cel101/proj/celery.py"], [], id="other-files-of-the-project"),
        pytest.param(["cel004/demoapp/tasks.py"], [], id="the-file-that-causes-it"),
        pytest.param(["cel004/proj/__init__.py", "cel004/demoapp"], [("cel004/proj/__init__.py", 1, "CEL004")],
                     id="the-file-and-a-directory"),
    ],
)
def test_a_subset_of_files_shows_only_their_findings(tree, files, expected):
    top, _ = tree
    result = flake8(top, *files)
    assert parse_findings(result.stdout) == expected
    assert result.returncode == (1 if expected else 0), result.stderr


# -- one table per project -----------------------------------------------------------------


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    top = write_monorepo(tmp_path_factory.mktemp("flake8") / "repo")
    prod = "from .settings import *\n\nTASK_ALWAYS_EAGER = True\n"
    write_project(Example({"proj/settings_prod.py": prod}), top / "services" / "d")
    (top / "services" / "d" / "pyproject.toml").write_text(
        '[tool.celery-lint]\nsettings = ["proj.settings_prod"]\n', encoding="utf-8"
    )
    return top


def monorepo_flake8(top: Path) -> set[tuple[Path, int, str]]:
    """What flake8 --select=CEL reports: what the command reports under each project's
    own table (its settings, app, own-settings, and its selection and per-file-ignores:
    one answer), and d's settings module."""
    found = monorepo_findings(top)
    found.add(((top / "services" / "d" / "proj" / "settings_prod.py").resolve(), 3, "CEL101"))  # d's settings module
    return found


@pytest.mark.parametrize("cwd", [".", "services/a", "services/a/proj"])
def test_flake8_reads_each_projects_table_from_any_directory(monorepo, cwd):
    where = monorepo / cwd
    result = flake8(where, "-j", "1", ".")
    assert result.returncode == 1, result.stderr
    found = {((where / path).resolve(), line, code) for path, line, code in parse_findings(result.stdout)}
    assert found == {f for f in monorepo_flake8(monorepo) if where.resolve() in f[0].parents}


def test_flake8_argument_order_does_not_matter(monorepo):
    forward = flake8(monorepo, "-j", "1", "services/a", "services/d")
    backward = flake8(monorepo, "-j", "1", "services/d", "services/a")
    assert sorted(forward.stdout.splitlines()) == sorted(backward.stdout.splitlines())
    found = {((monorepo / path).resolve(), line, code) for path, line, code in parse_findings(forward.stdout)}
    assert found == {f for f in monorepo_flake8(monorepo) if f[0].parts[-3] in ("a", "d")}
