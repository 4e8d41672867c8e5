"""Files no linter should choke on: each gets a clear message and a sensible exit
status (0 clean, 1 findings, 2 usage or input errors), never a traceback, from the
command and from flake8.

The policy, for a file that cannot be read or parsed: when the analysis needs it (a
settings module, the Celery app module, a file named on the command line) the
results are incomplete, so the command says "error" and exits 2; any other file a
rule reads is reported as a "warning", skipped, and the exit status comes from the
findings. A file no rule reads is never parsed, so its syntax errors are not
reported (flake8's and ruff's business); one that cannot be read or decoded is.
flake8 reports such files itself (E902, E999) and the plugin never raises.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from celery_lint import cli, sources
from celery_lint.engine import lint_paths, select_rules
from celery_lint.project import Project
from flake8_plugin import CeleryLintPlugin
from tests.helpers import BASE_FACTS, BIN, PYTHON, lint, run, write_files

UNPRESCRIBED = "TASK_ALWAYS_EAGER = True\n"  # CEL101 when appended to the base settings (line 33)
FINDING = ("proj/settings.py", 33, "CEL101")


def findings(out: str) -> list[str]:
    """"path:line CODE" of each finding line of the command's text output."""
    return [
        f"{line.split(':')[0]}:{line.split(':')[1]} {line.split()[1]}"
        for line in out.splitlines()
        if re.match(r"^\S+:\d+:\d+: CEL\d{3} ", line)
    ]


def command(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `celery-lint ARGS` run in `root`."""
    Project._cache.clear()
    monkeypatch.chdir(root)
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


# -- files no analysis needs: a warning, and the findings decide the exit status --------

SKIPPED = {
    "syntax-error": ("demoapp/broken.py", b"def f(:\n    pass\n", "syntax error (Python"),
    "jinja-template": (
        "{{cookiecutter.name}}/settings.py",
        b"{% if cookiecutter.use_celery %}\nCELERY_BROKER_URL = '{{ cookiecutter.broker }}'\n{% endif %}\n",
        "syntax error",
    ),
    "nul-bytes": ("demoapp/nul.py", b"x = 1\x00\n", "null bytes"),
    "not-utf8": ("demoapp/latin.py", b"NAME = '\xe9t\xe9'\n", "cannot decode"),
    "unknown-cookie": ("demoapp/cookie.py", b"# -*- coding: klingon -*-\nx = 1\n", "unknown encoding"),
    "too-deep-to-parse": ("demoapp/deep.py", ("x = 1" + " + 1" * 100_000 + "\n").encode(), "too deeply nested"),
}


READ_BY_A_RULE = b"# a task module\n"  # what the model's task questions read, and so parse

# Python 3.10's parser accepts that depth: the file is then analysed like any other.
PARSES_ON_THIS_PYTHON = {"too-deep-to-parse"} if sys.version_info < (3, 11) else set()
# Before 3.12 ast.parse raises ValueError on NUL bytes, which flake8 itself does not catch.
CRASHES_FLAKE8_ITSELF = {"too-deep-to-parse"} | ({"nul-bytes"} if sys.version_info < (3, 12) else set())


@pytest.mark.parametrize(
    ("path", "data", "reason"),
    [
        pytest.param(*case, id=name, marks=pytest.mark.skipif(name in PARSES_ON_THIS_PYTHON, reason="parses here"))
        for name, case in SKIPPED.items()
    ],
)
def test_an_unneeded_bad_file_a_rule_reads_is_a_warning(project, monkeypatch, capsys, path, data, reason):
    write_files(project, {"+proj/settings.py": UNPRESCRIBED})
    (project / path).parent.mkdir(parents=True, exist_ok=True)
    (project / path).write_bytes(READ_BY_A_RULE + data)
    status, out, err = command(project, monkeypatch, capsys, ".")
    assert status == 1  # the finding elsewhere still counts, and nothing more
    assert "proj/settings.py:33:1: CEL101" in out
    assert f"celery-lint: warning: {path}:" in err and reason in err and "(file skipped)" in err
    assert "1 file(s) could not be analysed" in out


def test_a_clean_project_with_a_bad_file_exits_0(project, monkeypatch, capsys):
    write_files(project, {"templates/page.py": "{% block title %}{{ page.task }}{% endblock %}\n"})
    status, out, err = command(project, monkeypatch, capsys, ".")
    assert status == 0
    assert out.startswith(f"No findings in 9 files ({BASE_FACTS}).")
    assert "warning: templates/page.py:1:" in err


def test_files_no_rule_reads_are_never_parsed_nor_reported(project, monkeypatch, capsys):
    """A file whose text no rule's filter accepts (nor the model's task questions) is
    read for the filters and never parsed: its syntax errors are not ours to report,
    and it costs no parse. An undecodable one is still a warning: nothing can tell
    whether a rule would read it."""
    write_files(project, {
        "templates/page.py": "{% block title %}{{ page.title }}{% endblock %}\n",
        "demoapp/broken.py": "def g(:\n",
        "demoapp/odd.py": "nonlocal x\n\n\ndef f(a, a):\n    return a\n",
    })
    (project / "demoapp" / "latin.py").write_bytes(b"NAME = '\xe9t\xe9'\n")
    status, out, err = command(project, monkeypatch, capsys, ".")
    assert status == 0 and out.startswith(f"No findings in 12 files ({BASE_FACTS}).")
    assert "page.py" not in err and "broken.py" not in err and "odd.py" not in err
    assert "warning: demoapp/latin.py:1: cannot decode" in err


def test_a_file_the_model_needs_is_parsed_whatever_the_rules_read(project, monkeypatch, capsys):
    """A module the project model follows (here a settings module star-imported by
    the settings) is parsed when the model asks, and its syntax error reported."""
    write_files(project, {"+proj/settings.py": "from .extra import *  # noqa\n", "proj/extra.py": "X = (\n"})
    status, _, err = command(project, monkeypatch, capsys, ".")
    assert "proj/extra.py:1: syntax error" in err


def test_a_file_named_on_the_command_line_is_needed(project, monkeypatch, capsys):
    write_files(project, {"demoapp/broken.py": "def f(:\n"})
    status, _, err = command(project, monkeypatch, capsys, "demoapp/broken.py")
    assert status == 2
    assert "celery-lint: error: demoapp/broken.py:1: syntax error" in err


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="PEP 695 syntax parses on 3.12+")
def test_newer_syntax_names_the_running_python(project, monkeypatch, capsys):
    write_files(project, {"demoapp/typing_.py": "# task helpers\ntype Pair = tuple[int, int]\n\ndef first[T](x: list[T]) -> T:\n    return x[0]\n"})
    status, _, err = command(project, monkeypatch, capsys, ".")
    assert status == 0
    assert f"syntax error (Python {sys.version_info[0]}.{sys.version_info[1]}): invalid syntax" in err


def test_a_file_too_large_is_skipped(project, monkeypatch, capsys):
    write_files(project, {"demoapp/fixtures.py": "DATA = " + repr(list(range(2000))) + "\n"})
    monkeypatch.setattr(sources, "MAX_BYTES", 4096)
    status, _, err = command(project, monkeypatch, capsys, ".")
    assert status == 0
    assert "warning: demoapp/fixtures.py:1: file too large to analyse" in err


def test_a_fifo_named_py_is_skipped_not_read(project, monkeypatch, capsys):
    write_files(project, {})
    os.mkfifo(project / "demoapp" / "pipe.py")  # reading it would block forever
    status, _, err = command(project, monkeypatch, capsys, ".")
    assert status == 0
    assert "warning: demoapp/pipe.py:1: not a regular file" in err


# -- files the analysis needs: an error, exit status 2 ----------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        pytest.param("proj/settings.py", b"INSTALLED_APPS = [\n", id="settings-syntax-error"),
        pytest.param("proj/settings.py", b"SECRET_KEY = '\xff\xfe'\n", id="settings-not-utf8"),
        pytest.param("proj/celery.py", b"from celery import Celery\napp = Celery(\n", id="app-syntax-error"),
        pytest.param("proj/celery.py", b"app = '\x00'\n", id="app-nul-bytes"),
        pytest.param("proj/celery.py", b"import celery\n{% if broker %}app = celery.Celery()\n{% endif %}\n", id="app-template"),
    ],
)
def test_a_needed_bad_file_is_an_error(project, monkeypatch, capsys, path, data):
    write_files(project, {})
    (project / path).write_bytes(data)
    status, _, err = command(project, monkeypatch, capsys, ".")
    assert status == 2
    assert f"celery-lint: error: {path}:" in err
    assert "(file skipped)" not in err


def test_a_needed_file_is_reported_after_an_unneeded_look_at_it(project, monkeypatch, capsys):
    """The settings module mentions "Celery", so the app search parses it first without
    needing it: the settings analysis must still report it."""
    write_files(project, {})
    settings = project / "proj" / "settings.py"
    settings.write_text("# Celery configuration\nCELERY_BROKER_URL = (\n", encoding="utf-8")
    status, _, err = command(project, monkeypatch, capsys, ".")
    assert status == 2
    assert "celery-lint: error: proj/settings.py:2: syntax error" in err


def test_a_settings_module_too_large_is_an_error(project, monkeypatch, capsys):
    write_files(project, {"+proj/settings.py": "PADDING = " + repr("x" * 5000) + "\n"})
    monkeypatch.setattr(sources, "MAX_BYTES", 4096)
    status, _, err = command(project, monkeypatch, capsys, ".")
    assert status == 2
    assert "celery-lint: error: proj/settings.py:1: file too large to analyse" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_settings_module_is_an_error(project, monkeypatch, capsys):
    write_files(project, {})
    settings = project / "proj" / "settings.py"
    settings.chmod(0)
    try:
        status, _, err = command(project, monkeypatch, capsys, ".")
    finally:
        settings.chmod(0o644)
    assert status == 2
    assert "celery-lint: error: proj/settings.py:1: cannot read file" in err


def test_a_missing_path_is_a_usage_error(project, monkeypatch, capsys):
    write_files(project, {})
    status, out, err = command(project, monkeypatch, capsys, "no/such/dir")
    assert status == 2
    assert "celery-lint: error: no such file or directory: no/such/dir" in err
    assert out == ""


# -- text that decodes and parses: read exactly as Python reads it ----------------------


def test_utf8_bom(project):
    write_files(project, {"+proj/settings.py": UNPRESCRIBED})
    settings = project / "proj" / "settings.py"
    settings.write_bytes(b"\xef\xbb\xbf" + settings.read_bytes())
    assert lint(project) == [FINDING]


def test_latin1_coding_cookie(project):
    write_files(project, {"+proj/settings.py": UNPRESCRIBED})
    settings = project / "proj" / "settings.py"
    text = settings.read_text(encoding="utf-8").replace("DEBUG = True", "DEBUG = True  # r\xe9sum\xe9")
    settings.write_bytes(("# -*- coding: latin-1 -*-\n" + text).encode("latin-1"))
    assert lint(project) == [("proj/settings.py", 34, "CEL101")]


def test_crlf_line_endings_and_noqa(project):
    write_files(project, {"+proj/settings.py": UNPRESCRIBED + "RESULT_EXPIRES = 60  # noqa: CEL101\n"})
    for path in project.rglob("*.py"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert lint(project) == [FINDING]


def test_a_form_feed_does_not_shift_lines(project):
    """`str.splitlines` ends a line at a form feed, Python does not: a noqa comment
    must be read from the line Python numbers."""
    write_files(project, {"+proj/settings.py": "\x0c\n" + UNPRESCRIBED + "\x0cRESULT_EXPIRES = 60  # noqa: CEL101\n"})
    assert lint(project) == [("proj/settings.py", 34, "CEL101")]


def test_empty_files(project):
    write_files(project, {"demoapp/tasks.py": "", "proj/urls.py": "", "demoapp/apps.py": "", "empty/__init__.py": ""})
    assert lint(project) == []


def test_an_empty_settings_module_and_app_module(project):
    write_files(project, {"proj/settings.py": "", "proj/celery.py": ""})
    assert lint(project) == []


# -- deep nesting: Python parses it, the analysis must not recurse into a crash ---------

DEEP = 2500  # parses, but deeper than the interpreter's recursion limit


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("X = 1" + " + 1" * DEEP, id="binop-chain"),
        pytest.param("X = os" + ".path" * DEEP, id="attribute-chain"),
        pytest.param("X = " + "-" * DEEP + "1", id="unary-chain"),
        pytest.param("X = " + "not " * DEEP + "DEBUG", id="not-chain"),
        pytest.param("CELERY_TASK_ROUTES = {'a': 'b'}" + " | {}" * DEEP, id="dict-union-chain"),
        pytest.param("@shared_task" + ".s" * DEEP + "\ndef f():\n    pass", id="decorator-chain"),
        pytest.param("app.conf.update(x=1)" + ".y" * DEEP, id="call-chain"),
    ],
)
@pytest.mark.parametrize("path", ["proj/settings.py", "proj/celery.py", "demoapp/tasks.py"])
def test_deep_expressions(project, monkeypatch, capsys, path, code):
    write_files(project, {"+" + path: code + "\n"})
    status, out, err = command(project, monkeypatch, capsys, ".")
    assert status in (0, 1)  # a finding the deep code may cause is fine; a crash or an error is not
    assert "error:" not in err


def test_huge_values_in_settings_stay_small(project):
    """Doubling a string or a list in a loop, huge integers in f-strings, values
    nesting themselves (2**60 items when expanded): unknown, fast."""
    doubling = 'S = "ab"\n' + "S += S\n" * 60 + "L = [1]\n" + "L = L + L\n" * 60 + "M = [1]\n" + "M.extend(M)\n" * 60
    big = "N = 0x" + "f" * 4000 + "\nF = f'{N}'\nG = f'{N * N}'\nI = 10\n" + "I = I * I\n" * 40
    shared = "T = [1]\n" + "T = [T, T]\n" * 60 + "A = [1]\n" + "A.append(A)\n" * 60 + "D = {}\n" + "D['k'] = [D, D]\n" * 60
    shared += "CELERY_TASK_ROUTES = {'a': T, 'b': A, 'c': D}\n"
    added = doubling + big + shared
    write_files(project, {"+proj/settings.py": added + UNPRESCRIBED})
    assert lint(project) == [("proj/settings.py", 33 + added.count("\n"), "CEL101")]


# -- trees: loops, several projects, no Django, no Python ------------------------------


def test_a_symlink_loop_is_not_followed(project, monkeypatch, capsys):
    write_files(project, {"+proj/settings.py": UNPRESCRIBED})
    (project / "demoapp" / "up").symlink_to("..", target_is_directory=True)
    (project / "proj" / "self").symlink_to(".", target_is_directory=True)
    status, out, _ = command(project, monkeypatch, capsys, ".")
    assert status == 1
    assert findings(out) == ["proj/settings.py:33 CEL101"]
    assert out.splitlines()[-1] == f"Found 1 finding in 8 files ({BASE_FACTS})."


def test_a_monorepo_attributes_findings_to_each_project(tmp_path, monkeypatch, capsys):
    """Each manage.py is its own project; a tool script at the repository root belongs
    to none of them and must not see their files as its own."""
    write_files(tmp_path / "services" / "shop", {"+proj/settings.py": UNPRESCRIBED})
    never_set = (
        "from celery import Celery\n\napp = Celery('proj')\n"
        "app.config_from_object('django.conf:settings', namespace='CELERY')\napp.autodiscover_tasks()\n"
    )
    write_files(tmp_path / "services" / "blog", {"proj/celery.py": never_set})
    (tmp_path / "noxfile.py").write_text("import nox\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'mono'\n", encoding="utf-8")
    status, out, _ = command(tmp_path, monkeypatch, capsys, ".")
    assert status == 1
    assert findings(out) == ["services/blog/proj/celery.py:3 CEL001", "services/shop/proj/settings.py:33 CEL101"]
    assert out.splitlines()[-3:] == [
        "Found 2 findings in 17 files, 2 projects:",
        f"  services/blog: {BASE_FACTS}",
        f"  services/shop: {BASE_FACTS}",
    ]


def test_celery_without_django(tmp_path):
    files = {
        "worker/__init__.py": "",
        "worker/app.py": "from celery import Celery\n\napp = Celery('worker', broker='redis://')\n"
        "app.config_from_object('worker.celeryconfig')\napp.autodiscover_tasks(['worker'])\n",
        "worker/celeryconfig.py": "broker_url = 'redis://'\ntask_serializer = 'json'\nCELERY_TASK_ALWAYS_EAGER = True\n",
        "worker/tasks.py": "from worker.app import app\n\n\n@app.task(bind=True)\ndef add(self, x, y):\n    return x + y\n",
    }
    write_files(tmp_path, files, base=False)
    assert lint(tmp_path) == []


def test_a_tree_without_python(tmp_path, monkeypatch, capsys):
    (tmp_path / "README.md").write_text("# nothing to lint\n", encoding="utf-8")
    (tmp_path / "static").mkdir()
    status, out, err = command(tmp_path, monkeypatch, capsys, ".")
    assert (status, out, err) == (0, "No findings in 0 files.\n", "celery-lint: warning: no Python file under .: nothing was analysed\n")


# -- flake8: the same files, through the plugin ---------------------------------------


def test_flake8_never_crashes_on_bad_files(project):
    """flake8 reports unparsable files itself; the plugin keeps reporting the rest."""
    write_files(project, {"+proj/settings.py": UNPRESCRIBED})
    for name, (path, data, _) in SKIPPED.items():
        if name not in CRASHES_FLAKE8_ITSELF:  # flake8's own parsing dies there, before any plugin
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_bytes(data)
    (project / "demoapp" / "loop").symlink_to("..", target_is_directory=True)
    result = run([str(BIN / "flake8"), "--select=CEL,E9", "--jobs=1", "."], project)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert "./proj/settings.py:33:1: CEL101" in "\n".join(lines)
    assert any(line.startswith("./demoapp/broken.py:1:") and " E999 " in line for line in lines)
    if "nul-bytes" not in CRASHES_FLAKE8_ITSELF:
        assert any(line.startswith("./demoapp/nul.py:1:") and " E999 " in line for line in lines)
    assert result.returncode == 1


def test_flake8_shows_an_unparsable_settings_module(project):
    write_files(project, {})
    (project / "proj" / "settings.py").write_text("INSTALLED_APPS = [\n", encoding="utf-8")
    result = run([str(BIN / "flake8"), "--extend-select=CEL", "--jobs=1", "."], project)
    assert "Traceback" not in result.stderr
    assert " E999 " in result.stdout and "proj/settings.py" in result.stdout
    assert result.returncode == 1


@pytest.mark.parametrize("path", ["proj/settings.py", "proj/celery.py", "demoapp/tasks.py"])
def test_the_flake8_plugin_on_deep_code(project, caplog, path):
    """flake8's own checkers die of RecursionError on such files; the plugin, given the
    tree, must not (nor log an internal error)."""
    deep = "\n".join(["X = 1" + " + 1" * DEEP, "Y = os" + ".path" * DEEP, "@shared_task" + ".s" * DEEP, "def f():\n    pass"])
    write_files(project, {"+" + path: deep + "\n" + UNPRESCRIBED})
    target = project / path
    reported = list(CeleryLintPlugin(ast.parse(target.read_text(encoding="utf-8")), str(target)).run())
    assert caplog.records == []
    assert [message.split()[0] for _, _, message, _ in reported] == (["CEL101"] if path == "proj/settings.py" else [])


def test_a_deep_package_tree_without_manage_py_is_one_project(tmp_path):
    """Not one project per directory (each re-reading the whole tree below it): one per
    top-level package, its modules named from the directory it is imported from."""
    files = {"setup.py": "", "tools/release.py": ""}
    path = "pkg"
    for depth in range(6):
        files[f"{path}/__init__.py"] = ""
        files[f"{path}/m{depth}.py"] = "from celery import shared_task\n\n\n@shared_task\ndef t():\n    pass\n"
        path += f"/sub{depth}"
    write_files(tmp_path, files, base=False)
    Project._cache.clear()
    report = lint_paths([tmp_path], select_rules())
    assert (report.findings, report.errors, report.files) == ([], [], 14)
    roots = sorted((p.root.name, p.scope.name) for p in Project._cache.values())
    assert roots == [(tmp_path.name, "pkg"), (tmp_path.name, tmp_path.name), ("tools", "tools")]
    [package] = [p for p in Project._cache.values() if p.scope.name == "pkg"]
    deepest = package.source(tmp_path.resolve() / path.rpartition("/")[0] / "m5.py")
    assert deepest is not None and deepest.module == "pkg.sub0.sub1.sub2.sub3.sub4.m5"
    assert len(package.files) == 12


def test_output_to_a_closed_pipe(tmp_path):
    """`celery-lint | head -1`: the reader leaves early; no traceback about it."""
    write_files(tmp_path / "project", {"+proj/settings.py": UNPRESCRIBED * 3 + "BROKER_URL = 'memory://'\n" * 300})
    child = subprocess.Popen(
        [str(BIN / "celery-lint"), "."], cwd=tmp_path / "project", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert (child.wait(), stderr) == (1, "")


def test_package_trees_side_by_side_each_report(tmp_path):
    """Two package trees share an import root: both projects' findings are reported."""
    never_set = (
        "from celery import Celery\n\napp = Celery('proj')\n"
        "app.config_from_object('django.conf:settings', namespace='CELERY')\n"
    )
    files = {"a/__init__.py": "", "a/celery.py": never_set, "b/__init__.py": "", "b/celery.py": never_set}
    write_files(tmp_path, files, base=False)
    Project._cache.clear()
    report = lint_paths([tmp_path], select_rules(["CEL001"]))
    found = [(f.path.relative_to(tmp_path.resolve()).as_posix(), f.code) for f in report.findings]
    assert found == [("a/celery.py", "CEL001"), ("b/celery.py", "CEL001")]


def test_compiler_warnings_are_not_ours(project):
    """An invalid escape sequence warns (and fails under -W error) when parsed: the
    project's own business, not a reason to skip its file or to print anything."""
    write_files(project, {"+proj/settings.py": 'PATTERN = "\\d+"\n' + UNPRESCRIBED})
    result = run([PYTHON, "-W", "error", str(BIN / "celery-lint"), "."], project)
    assert (result.returncode, result.stderr) == (1, "")
    assert "proj/settings.py:34:1: CEL101" in result.stdout
