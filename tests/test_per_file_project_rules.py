"""A project rule with a per-module part (`Rule.project_module`) runs that part file
by file under flake8: the same findings as the whole-project pass, without parsing
every module when the first file is linted; and flake8's parent process builds the
model before it starts its workers (`prepare`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from celery_lint.project import modules as project_module
from celery_lint.engine import findings_for_file, lint_paths, prepare, select_rules
from celery_lint.examples import write_project
from celery_lint.layout import iter_python_files
from celery_lint.project import Project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from tests.helpers import write_files

load_rules()
PER_FILE = [rule for rule in REGISTRY if rule.project_module is not None]


def test_some_project_rule_runs_per_file():
    assert [rule.code for rule in PER_FILE] == ["CEL205", "CEL504", "CEL505", "CEL508", "CEL509", "CEL510"]
    assert all(rule.check_project is not None and rule.check_module is None for rule in PER_FILE)


def _file_by_file(root: Path, rules) -> list:
    """What flake8 sees: every file with the tree it parsed, one at a time."""
    Project._cache.clear()
    found = []
    for path in iter_python_files(root):
        text = path.read_text(encoding="utf-8")
        found += findings_for_file(str(path), ast.parse(text), rules)
    return sorted(found)


@pytest.mark.parametrize("example", ["bad", "good"])
@pytest.mark.parametrize("rule", PER_FILE, ids=lambda r: r.code)
def test_file_by_file_finds_what_the_whole_project_pass_finds(rule, example, project):
    write_project(getattr(rule, example), project)
    rules = select_rules(extend_select=[rule.code])  # an opt-in rule (CEL509) too
    Project._cache.clear()
    whole = lint_paths([project], rules).findings
    assert _file_by_file(project, rules) == sorted(whole)
    assert any(f.code == rule.code for f in whole) == (example == "bad")


def test_the_first_file_parses_no_task_module(project, monkeypatch):
    write_files(
        project,
        {
            "demoapp/tasks.py": "from celery import shared_task\n\n\n@shared_task\ndef add(x, y):\n    return x + y\n",
            "demoapp/views.py": "from demoapp.tasks import add\n\n\ndef view(request):\n    add.delay(1, 2)\n",
        },
    )
    parsed: list[str] = []
    parse = project_module.parse_text
    monkeypatch.setattr(project_module, "parse_text", lambda path, text: parsed.append(path.name) or parse(path, text))
    Project._cache.clear()
    first = (project / "manage.py").resolve()
    assert findings_for_file(str(first), ast.parse(first.read_text()), select_rules()) == []
    assert "tasks.py" not in parsed and "views.py" not in parsed
    assert parsed  # the model did read the settings and the Celery app


@pytest.mark.parametrize("name", [".", "proj/settings.py", "demoapp"])
def test_prepare_builds_the_model_before_any_file(name, project, monkeypatch):
    """What flake8's parent process does before it starts workers: afterwards a file
    costs no parse of any other, and its findings are what they would have been."""
    write_project(REGISTRY["CEL004"].bad, project)
    rules = select_rules()
    settings = (project / "proj/settings.py").resolve()
    tree = ast.parse(settings.read_text())
    Project._cache.clear()
    expected = findings_for_file(str(settings), tree, rules)
    assert [f.code for f in expected] == []  # CEL004 reports at proj/__init__.py
    Project._cache.clear()
    monkeypatch.chdir(project)
    prepare([name], rules)
    parsed: list[str] = []
    parse = project_module.parse_text
    monkeypatch.setattr(project_module, "parse_text", lambda path, text: parsed.append(path.name) or parse(path, text))
    init = (project / "proj/__init__.py").resolve()
    assert [f.code for f in findings_for_file(str(init), ast.parse(init.read_text()), rules)] == ["CEL004"]
    assert findings_for_file(str(settings), tree, rules) == expected
    assert parsed == []
