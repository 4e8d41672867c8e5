"""The distributions `python -m build` makes: full metadata, the packages and py.typed in
the wheel and no tests there, the whole test suite in the sdist, and a wheel that runs
on its own (the command, the flake8 entry point). One build per test run (about 5 s)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import celery_lint
from celery_lint.config import read_toml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel built from it (build's default), in a temporary directory."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist, "log": out}


def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_holds_the_packages_and_py_typed_and_no_tests(dist):
    names = wheel_names(dist["wheel"])
    sources = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "celery_lint").rglob("*.py"))
    sources = [s for s in sources if "__pycache__" not in s]
    assert set(sources) <= set(names), set(sources) - set(names)
    assert "celery_lint/py.typed" in names
    assert "flake8_plugin/__init__.py" in names
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n or n.endswith((".pyc", "conftest.py"))]
    tops = {n.split("/")[0] for n in names}
    assert tops == {"celery_lint", "flake8_plugin", f"celery_lint-{celery_lint.__version__}.dist-info"}


def test_the_wheel_metadata_is_complete(dist):
    with zipfile.ZipFile(dist["wheel"]) as archive:
        info = f"celery_lint-{celery_lint.__version__}.dist-info"
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        licenses = [n for n in archive.namelist() if n.startswith(f"{info}/licenses/")]
    assert metadata["Name"] == "celery-lint"
    assert metadata["Version"] == celery_lint.__version__
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE" and licenses == [f"{info}/licenses/LICENSE"]
    assert metadata["Summary"] and metadata["Author"] and metadata["Keywords"]
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().startswith("# celery-lint")  # the README
    requires = metadata.get_all("Requires-Dist")
    assert "celery>=5.3" in requires
    assert any(r.startswith("tomli") and 'python_version < "3.11"' in r for r in requires)
    # --fix's one dependency is an extra: the linter never needs it
    assert 'tokenize-rt>=5; extra == "fix"' in requires
    assert not [r for r in requires if r.startswith("tokenize-rt") and "extra ==" not in r]
    classifiers = metadata.get_all("Classifier")
    assert {"Typing :: Typed", "Framework :: Django :: 4.2", "Framework :: Django :: 6.1"} <= set(classifiers)
    script = read_toml(ROOT / "pyproject.toml")["project"]["scripts"]["celery-lint"]
    assert f"[console_scripts]\ncelery-lint = {script}" in entry_points
    assert "[flake8.extension]\nCEL = flake8_plugin:CeleryLintPlugin" in entry_points


def test_the_classifiers_are_the_support_matrix():
    """The Django and Python versions named by classifiers are those the noxfile's
    sessions test (`python="3.12"`, `"django==6.0.*"`), no more and no fewer."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    pythons = {
        node.value.value for node in ast.walk(tree)
        if isinstance(node, ast.keyword) and node.arg == "python" and isinstance(node.value, ast.Constant)
    }
    pins = (re.fullmatch(r"django==(\d+\.\d+)\.\*", node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str))
    djangos = {pin[1] for pin in pins if pin}
    classifiers = read_toml(ROOT / "pyproject.toml")["project"]["classifiers"]
    named = {c.rpartition(" :: ")[2] for c in classifiers if c.startswith("Framework :: Django :: ")}
    assert djangos == named == {"4.2", "5.2", "6.0", "6.1"}
    named = {c.rpartition(" :: ")[2] for c in classifiers if c.startswith("Programming Language :: Python :: 3.")}
    assert pythons == named == {"3.10", "3.11", "3.12", "3.13"}


def test_the_sdist_holds_the_whole_test_suite(dist):
    with tarfile.open(dist["sdist"]) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    expected = {"pyproject.toml", "README.md", "LICENSE", "noxfile.py", "celery_lint/py.typed",
                "flake8_plugin/__init__.py", "tests/helpers.py", "tests/conftest.py", "tests/__init__.py",
                "tests/data/sarif-schema-2.1.0.json", "tests/test_packaging.py"}
    assert expected <= names, expected - names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_wheel_runs_on_its_own(dist, tmp_path):
    """Unpacked alone (the repository not importable): the command and the flake8 plugin load."""
    with zipfile.ZipFile(dist["wheel"]) as archive:
        archive.extractall(tmp_path / "site")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import celery_lint, flake8_plugin;"
        "assert celery_lint.__file__.startswith(sys.argv[1]), celery_lint.__file__;"
        "assert flake8_plugin.__file__.startswith(sys.argv[1]), flake8_plugin.__file__;"
        "from celery_lint.cli import main; sys.exit(main(['--list-rules']))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "site")], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("CEL001 E ")


def test_the_console_script_loads_the_engine_with_the_collector_off():
    """`celery-lint` points at a module that imports nothing of the engine, so that
    `run()` turns the cyclic collector off before the engine's modules load."""
    scripts = read_toml(ROOT / "pyproject.toml")["project"]["scripts"]
    assert scripts == {"celery-lint": "celery_lint.console:run"}
    code = (
        "import sys, celery_lint.console;"
        "engine = sorted(m for m in sys.modules if m.startswith('celery_lint.') and m != 'celery_lint.console');"
        "assert not engine, engine"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
