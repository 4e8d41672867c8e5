"""Trees are released once a file's own rules ran, and re-parsed when asked for
again: what the rules find must not depend on it, and a released module answers
from one tree's nodes at a time."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import write_project
from celery_lint.project import modules as project_module
from celery_lint.project import Imported, Project, SourceModule
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import write_files

REPOSITORY = Path(__file__).resolve().parent.parent
TEXT = "from celery import shared_task\nimport os\n\n\n@shared_task(bind=True)\ndef f(self):\n    return os.getcwd()\n"

load_rules()


def _findings(paths: list[Path]) -> list[tuple[str, int, str, str]]:
    Project._cache.clear()
    opt_in = [rule.code for rule in REGISTRY if not rule.default_enabled]  # CEL202, CEL901, the CEL5xx opt-in rules
    return [(str(f.path), f.line, f.code, f.message) for f in lint_paths(paths, select_rules(extend_select=opt_in)).findings]


def _never_released(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Project, "release", lambda self, source, summarise=True: None)


def test_example_project_findings_do_not_depend_on_released_trees(monkeypatch):
    released = _findings([REPOSITORY / "example"])
    _never_released(monkeypatch)
    assert released == _findings([REPOSITORY / "example"])
    assert len(released) >= 8


@pytest.mark.parametrize("rule", [r for r in REGISTRY if not r.live_only and r.bad.shown_here], ids=lambda r: r.code)
def test_bad_example_findings_do_not_depend_on_released_trees(rule, project, monkeypatch):
    write_project(rule.bad, project)
    released = _findings([project])
    _never_released(monkeypatch)
    assert released == _findings([project])
    assert any(code == rule.code for _, _, code, _ in released)


def test_a_released_module_keeps_its_imports_aliases_and_decorators():
    source = SourceModule(Path("m.py"), "m", TEXT, ast.parse(TEXT))
    source.release()
    assert source.imports == [
        Imported(1, 0, True, "celery", 0, (("shared_task", None),)),
        Imported(2, 0, False, None, 0, (("os", None),)),
    ]
    assert source.aliases == {"shared_task": "celery.shared_task", "os": "os"}
    [decorated] = source.decorated
    assert (decorated.name, decorated.lineno, decorated.col_offset, decorated.is_class) == ("f", 6, 0, False)
    assert source._tree is None  # all of it answered without parsing again


def test_module_level_aliases_are_answered_after_release_without_the_tree():
    text = "import celery.app as ca\nfrom celery import shared_task\ntask = shared_task\nx = 1; t = task\nd = ca.task\n"
    kept = SourceModule(Path("m.py"), "m", text, ast.parse(text))
    expected = {"ca": "celery.app", "shared_task": "celery.shared_task", "task": "celery.shared_task",
                "t": "celery.shared_task", "d": "celery.app.task"}
    assert kept.aliases == expected
    released = SourceModule(Path("m.py"), "m", text, ast.parse(text))
    released.release()
    assert released.aliases == expected and released._tree is None


@pytest.mark.parametrize("rule", [r for r in REGISTRY if not r.live_only], ids=lambda r: r.code)
def test_a_healthy_project_parses_task_modules_once_and_the_rest_at_most_twice(rule, project, monkeypatch):
    """Every file's tree is released after its own rules. A module that spells "task"
    is parsed and keeps what the project rules ask of it, so it is never parsed again;
    a file no module rule reads is never parsed unless the model asks for it; any other
    is forgotten, and only the few the project model reads whole are parsed again: the
    settings, the Celery app modules, and the entry points and packages it follows
    (`manage.py`, `wsgi.py`, an AppConfig module, a package `__init__` re-exporting the app)."""
    parsed: list[Path] = []

    def parse_text(path: Path, text: str) -> ast.Module:
        parsed.append(path)
        return ast.parse(text)

    write_project(rule.good, project)
    with (project / "demoapp" / "tasks.py").open("a", encoding="utf-8") as tasks:
        tasks.write('\n\n@shared_task(bind=True, name="demoapp.tasks.ping")\ndef ping(self):\n    return self.request.id\n')
    (project / "demoapp" / "constants.py").write_text("LIMIT = 10\n", encoding="utf-8")  # nothing reads it
    monkeypatch.setattr(project_module, "parse_text", parse_text)
    Project._cache.clear()
    report = lint_paths([project], select_rules())
    model = Project.get(project.resolve())
    evaluated = {f for s in model.settings for f in s.files} | {a.source.path for a in model.celery_apps}
    again = {path for path in parsed if parsed.count(path) > 1}
    assert report.files > len(set(parsed)) > 5
    assert project.resolve() / "demoapp" / "constants.py" not in parsed
    assert max(parsed.count(path) for path in parsed) <= 2
    assert not [path for path in again - evaluated if "task" in path.read_text(encoding="utf-8")]
    assert {path.name for path in again - evaluated} <= {"manage.py", "wsgi.py", "apps.py", "__init__.py"}
    tasks = project.resolve() / "demoapp" / "tasks.py"
    assert parsed.count(tasks) == 1  # module rules read a task module


def test_a_released_tree_asked_for_again_is_parsed_again_and_answers_from_it_alone():
    source = SourceModule(Path("m.py"), "m", TEXT, ast.parse(TEXT))
    source.release()
    tree = source.tree
    assert ast.dump(tree) == ast.dump(ast.parse(TEXT))
    assert all(node in tree.body for node in source.nodes(ast.Import, ast.ImportFrom))  # not the old tree's
    [func] = source.nodes(ast.FunctionDef)
    assert func in tree.body
    assert source.decorated[0].decorators[0] is func.decorator_list[0]


def test_released_without_summary_answers_by_parsing_again():
    source = SourceModule(Path("m.py"), "m", TEXT, ast.parse(TEXT))
    source.release(summarise=False)
    assert [type(n) for n in source.nodes(ast.Import, ast.ImportFrom)] == [ast.ImportFrom, ast.Import]
    assert source.aliases["shared_task"] == "celery.shared_task"


def test_one_file_of_a_project_parses_no_other_task_module(project, monkeypatch):
    """`celery-lint demoapp/views.py` ran every project rule whole, CEL205 parsing every
    module that spells "task" for findings only the named file's could show, and
    kept their trees: on a 20,000-module project, twice the whole tree's memory.
    The project rules' per-module parts now run on the named file alone."""
    write_files(project, {})
    for i in range(20):
        (project / "demoapp" / f"jobs{i}.py").write_text(
            f"from celery import shared_task\n\n\n@shared_task\ndef job{i}():\n    return {i}\n", encoding="utf-8"
        )
    with (project / "demoapp" / "tasks.py").open("a", encoding="utf-8") as tasks:
        tasks.write("".join(f"from demoapp import jobs{i}  # noqa: F401\n" for i in range(20)))
    parsed: list[Path] = []

    def parse_text(path: Path, text: str) -> ast.Module:
        parsed.append(path)
        return ast.parse(text)

    monkeypatch.setattr(project_module, "parse_text", parse_text)
    Project._cache.clear()
    views = project.resolve() / "demoapp" / "views.py"
    report = lint_paths([views], select_rules())
    assert report.files == 1 and not report.findings and not report.errors
    assert views in parsed
    assert not [path for path in parsed if path.name.startswith("jobs")]
    model = Project.get(project.resolve())
    assert not [path for path, source in model._sources.items() if source is not None and path.name.startswith("jobs")]
