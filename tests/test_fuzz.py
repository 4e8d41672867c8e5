"""Generated valid programs never make the engine raise: written into a real project
as its settings module, app module, tasks module or a view, and run through the
flake8 plugin (with the tree flake8 would hand it) and the command's analysis; and
a run from the on-disk cache says what a run without it says.

Example counts are modest to keep the suite fast; `HYPOTHESIS_PROFILE=thorough`
runs many more.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from celery_lint.cache import api as cache
from celery_lint.engine import lint_paths, module_findings, project_findings, select_rules
from celery_lint.project import Project, SourceModule, walk_all
from flake8_plugin import CeleryLintPlugin
from tests.helpers import forget_the_filesystem, write_files

# hypothesmith compiles what it generates: its compiler warnings are not ours
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

settings.register_profile(
    "celery-lint-fuzz",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("celery-lint-fuzz"), max_examples=500)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "celery-lint-fuzz"))

TARGETS = ["proj/settings.py", "proj/celery.py", "demoapp/tasks.py", "demoapp/views.py", "proj/__init__.py"]
RULES = select_rules(extend_select=["CEL"])  # every rule, the opt-in ones too
# Grammar-generated programs (odd but valid) and syntax-tree-generated ones (closer to real code).
PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


@pytest.fixture(scope="module")
def base_project(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("fuzz") / "project", {})


def parses(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the generators can produce what this Python will not compile


@PROFILE
@given(code=PROGRAMS, target=st.sampled_from(TARGETS), appended=st.booleans())
def test_engine_never_raises(base_project, code, target, appended):
    tree = parses(code)
    if tree is None:
        return
    path = base_project / target
    original = path.read_text(encoding="utf-8")
    text = original + "\n" + code if appended and parses(original + "\n" + code) else code
    path.write_text(text, encoding="utf-8")
    try:
        Project._cache.clear()
        plugin = CeleryLintPlugin(ast.parse(text), str(path))
        list(plugin.run())
        Project._cache.clear()
        resolved = path.resolve()
        project = Project.get(base_project)
        module_findings(project, resolved, RULES)
        project_findings(project, RULES)
        Project._cache.clear()
        report = lint_paths([base_project], RULES)
        assert not [e for e in report.errors if e.needed], report.errors
    finally:
        path.write_text(original, encoding="utf-8")


@PROFILE
@given(code=PROGRAMS)
def test_the_node_index_is_ast_walk(code):
    """`SourceModule.nodes` answers from a statement-only walk when it can and from a
    generator-free full walk otherwise: both must agree with `ast.walk`."""
    tree = parses(code)
    if tree is None:
        return
    walked = [n for n in ast.walk(tree) if not isinstance(n, ast.expr_context)]
    assert walk_all(tree) == walked
    for kind in {type(n) for n in walked}:
        expected = [n for n in walked if type(n) is kind]
        fresh = SourceModule(Path("m.py"), "m", code, tree)
        assert fresh.nodes(kind) == expected  # statement kinds: from the statement walk
        fresh.nodes(ast.Name)  # builds the full walk
        assert fresh.nodes(kind) == expected


def _report(root: Path, cached: bool) -> tuple[list[tuple[str, int, str, str]], list[tuple[str, str, int, bool]]]:
    """The findings and errors of a run over `root`, with the on-disk cache (written at
    the end, as the command does) or without."""
    forget_the_filesystem()
    cache.enable("command" if cached else None)
    try:
        report = lint_paths([root], RULES)
        cache.flush_all()
    finally:
        cache.enable(None)
    return (
        [(str(f.path), f.line, f.code, f.message) for f in report.findings],
        [(str(e.path), e.reason, e.line, e.needed) for e in report.errors],
    )


@pytest.fixture(scope="module")
def cached_project(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("fuzz-cache") / "project", {})


@PROFILE
@given(code=PROGRAMS, target=st.sampled_from(TARGETS), appended=st.booleans())
def test_a_cached_run_equals_an_uncached_one(cached_project, code, target, appended):
    """Each example edits the project the previous one cached: the run that reads the
    cache (and writes it), and the next (from what it wrote), say what a run without it says."""
    if parses(code) is None:
        return
    path = cached_project / target
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n" + code if appended else code, encoding="utf-8")
    try:
        uncached = _report(cached_project, cached=False)
        assert _report(cached_project, cached=True) == uncached
        assert _report(cached_project, cached=True) == uncached
    finally:
        path.write_text(original, encoding="utf-8")
