"""The static evaluator: known values, OneOf for undecidable branches, UNKNOWN for the rest."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from celery_lint.evaluate import (
    UNKNOWN,
    FsPath,
    ModuleEvaluator,
    Namespace,
    OneOf,
    Ref,
    contains,
    is_known,
    one_of,
)
from celery_lint.project import Project
from tests.helpers import write_files

ROOT = Path("/src/proj")


def evaluate(code: str, modules: dict[str, str] | None = None, name: str = "proj.settings") -> Namespace:
    """The namespace of module `name` with source `code`; `modules` are other project modules."""
    sources = dict(modules or {})
    cache: dict[str, Namespace | None] = {}

    def path_of(module: str, text: str | None = None) -> Path:
        return ROOT.parent.joinpath(*module.split(".")).with_suffix(".py")

    def load(module: str) -> Namespace | None:
        if module not in sources:
            return None
        if module not in cache:
            cache[module] = ModuleEvaluator(module, path_of(module), load).run(ast.parse(textwrap.dedent(sources[module])))
        return cache[module]

    return ModuleEvaluator(name, path_of(name), load).run(ast.parse(textwrap.dedent(code)))


def value(code: str, name: str, modules: dict[str, str] | None = None):
    return evaluate(code, modules).value(name)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("X = 'memory://'", "memory://", id="string"),
        pytest.param("X = 3 * 60", 180, id="arithmetic"),
        pytest.param("X = ['a', 'b'] + ['c']", ["a", "b", "c"], id="list-concatenation"),
        pytest.param("A = ['a']\nX = [*A, 'b']", ["a", "b"], id="starred"),
        pytest.param("X = ['a']\nX += ['b']", ["a", "b"], id="augmented"),
        pytest.param("X = ['a']\nX.append('b')\nX.insert(0, 'z')", ["z", "a", "b"], id="list-methods"),
        pytest.param("X = {'a': 1}\nX['b'] = 2", {"a": 1, "b": 2}, id="dict-item"),
        pytest.param("X = {'a': 1} | {'b': 2}", {"a": 1, "b": 2}, id="dict-union"),
        pytest.param("X: int = 5", 5, id="annotated"),
        pytest.param("H = 'redis'\nX = f'{H}://localhost'", "redis://localhost", id="f-string"),
        pytest.param("DEBUG = True\nif DEBUG:\n    X = 1\nelse:\n    X = 2", 1, id="decidable-if"),
        pytest.param("X = 'a' if 1 > 2 else 'b'", "b", id="decidable-ifexp"),
        pytest.param("X = tuple(['a'])", ("a",), id="safe-call"),
        pytest.param("X = 1\ndel X\nX = 2", 2, id="rebound"),
        pytest.param("X = __name__", "proj.settings", id="module-name"),
    ],
)
def test_known_values(code, expected):
    assert value(code, "X") == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("import os\nif os.environ.get('PROD'):\n    X = 'redis'\nelse:\n    X = 'memory'", ("redis", "memory"),
                     id="if-on-environment"),
        pytest.param("import os\nX = 'a' if os.environ.get('A') else 'b'", ("a", "b"), id="ifexp"),
        pytest.param("try:\n    import redis\n    X = 'redis'\nexcept ImportError:\n    X = 'memory'",
                     ("redis", "memory"), id="try-except"),
        pytest.param("import os\nX = 'p'\nif os.environ.get('A'):\n    X += 'q'", ("pq", "p"), id="augmented-in-branch"),
    ],
)
def test_undecidable_branches_give_one_of(code, expected):
    found = value(code, "X")
    assert isinstance(found, OneOf)
    assert set(found.options) == set(expected)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import environ\nenv = environ.Env()\nX = env('BROKER_URL')", id="env-call"),
        pytest.param("import os\nX = os.environ.get('BROKER_URL', 'memory://')", id="environ-get"),
        pytest.param("import os\nX = os.environ['BROKER_URL']", id="environ-item"),
        pytest.param("import os\nX = 'redis://' + os.environ['HOST']", id="concatenated"),
        pytest.param("import os\nX = f\"redis://{os.environ['HOST']}\"", id="f-string"),
        pytest.param("X = compute()", id="unknown-call"),
        pytest.param("X = Y", id="unbound-name"),
        pytest.param("X = 'a'.upper()", id="string-method"),
        pytest.param("X = [1]\nfor i in range(3):\n    X = X + [i]", id="loop"),
        pytest.param("import os\nif os.environ.get('A'):\n    X = 1", id="bound-on-some-paths"),
        pytest.param("import os\nX = 'a' if os.environ.get('A') else os.environ['B']", id="one-unknown-branch"),
    ],
)
def test_unresolvable_values_are_unknown(code):
    assert value(code, "X") is UNKNOWN


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import os\nX = ['a']\nX.append(os.environ['APP'])", id="appended-unknown"),
        pytest.param("import os\nX = ['a', os.environ['APP']]", id="unknown-item"),
    ],
)
def test_unknown_items_leave_known_ones(code):
    found = value(code, "X")
    assert found[0] == "a" and found[-1] is UNKNOWN
    assert not is_known(found)
    assert contains(found, "a") is True
    assert contains(found, "b") is UNKNOWN


def test_unknown_refuses_truth():
    with pytest.raises(TypeError):
        bool(UNKNOWN)


def test_one_of_collapses_and_propagates_unknown():
    assert one_of(["a", "a"]) == "a"
    assert one_of(["a", UNKNOWN]) is UNKNOWN
    assert one_of([OneOf(("a", "b")), "c"]) == OneOf(("a", "b", "c"))
    assert one_of(range(20)) is UNKNOWN  # too many options to be useful


def test_contains_over_options():
    assert contains(OneOf((["a"], ["a", "b"])), "a") is True
    assert contains(OneOf((["a"], ["b"])), "a") is UNKNOWN
    assert contains(["a"], "b") is False
    assert contains(UNKNOWN, "a") is UNKNOWN


def test_star_import_of_a_project_module():
    base = "X = 1\n_PRIVATE = 2\nAPPS = ['a']\n"
    ns = evaluate("from proj.base import *\nAPPS += ['b']\n", {"proj.base": base})
    assert ns.value("X") == 1
    assert ns.value("APPS") == ["a", "b"]
    assert ns.has("_PRIVATE") is False
    assert ns.bindings["X"].path == Path("/src/proj/base.py")  # reported where it was written


def test_relative_star_import_and_all():
    ns = evaluate("from .base import *\n", {"proj.base": "__all__ = ['A']\nA = 1\nB = 2\n"})
    assert ns.value("A") == 1
    assert ns.has("B") is False


def test_named_import_from_a_project_module():
    ns = evaluate("from proj.base import APPS as BASE_APPS\nAPPS = BASE_APPS + ['b']\n", {"proj.base": "APPS = ['a']\n"})
    assert ns.value("APPS") == ["a", "b"]


def test_star_import_of_an_unreadable_module_makes_earlier_names_unknown():
    ns = evaluate("X = 1\nfrom proj.local import *\nY = 2\n")
    assert ns.value("X") is UNKNOWN  # proj.local may rebind it
    assert ns.value("Y") == 2
    assert ns.has("ANYTHING") is UNKNOWN  # and may define any name


def test_optional_local_settings_make_values_unknown():
    ns = evaluate("X = 1\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n")
    assert ns.value("X") is UNKNOWN


def test_imports_of_libraries_are_refs():
    ns = evaluate("import os\nfrom django.conf import settings\nimport celery.schedules as sched\n")
    assert ns.value("os") == Ref("os")
    assert ns.value("settings") == Ref("django.conf.settings")
    assert ns.value("sched") == Ref("celery.schedules")


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("globals()['X'] = 2", id="globals-item"),
        pytest.param("globals().update({'X': 2})", id="globals-update"),
        pytest.param("vars()['X'] = 2", id="vars-item"),
        pytest.param("exec('X = 2')", id="exec"),
        pytest.param("from split_settings.tools import include\ninclude('components/*.py')", id="split-settings-include"),
    ],
)
def test_dynamic_writes_make_the_namespace_dynamic(code):
    ns = evaluate("X = 1\n" + code)
    assert ns.dynamic is True
    assert ns.value("X") is UNKNOWN
    assert ns.has("NEVER_WRITTEN") is UNKNOWN


def test_a_function_declaring_global_makes_the_name_unknown():
    ns = evaluate("X = 1\nY = 2\n\n\ndef configure():\n    global X\n    X = 3\n")
    assert ns.value("X") is UNKNOWN
    assert ns.value("Y") == 2
    assert ns.has("NEW") is UNKNOWN


def test_dynamic_namespace_spreads_through_star_imports():
    ns = evaluate("from proj.base import *\n", {"proj.base": "X = 1\nglobals()['Y'] = 2\n"})
    assert ns.value("X") is UNKNOWN
    assert ns.dynamic


def test_absent_name_is_false_in_a_closed_namespace():
    ns = evaluate("X = 1\n")
    assert ns.has("X") is True and ns.has("Y") is False


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("from pathlib import Path\nX = Path(__file__).parent", FsPath("/src/proj"), id="parent"),
        pytest.param("from pathlib import Path\nX = Path(__file__).resolve().parent.parent", FsPath("/src"),
                     id="resolve-parent-parent"),
        pytest.param("from pathlib import Path\nB = Path(__file__).resolve().parent.parent\nX = B / 'apps'",
                     FsPath("/src/apps"), id="division"),
        pytest.param("import os\nX = os.path.dirname(os.path.abspath(__file__))", "/src/proj", id="os-path"),
        pytest.param("import os\nB = os.path.dirname(__file__)\nX = os.path.join(B, 'static')", "/src/proj/static",
                     id="os-path-join"),
        pytest.param("from pathlib import Path\nX = str(Path(__file__).parent / 'db.sqlite3')", "/src/proj/db.sqlite3",
                     id="str-of-path"),
        pytest.param("from pathlib import Path\nX = Path(__file__).name", "settings.py", id="name"),
    ],
)
def test_paths_from_file(code, expected):
    assert value(code, "X") == expected


def test_path_method_the_analysis_does_not_know_is_unknown():
    assert value("from pathlib import Path\nX = Path(__file__).expanduser()", "X") is UNKNOWN


def test_import_cycle_through_the_project_does_not_hang(tmp_path):
    write_files(
        tmp_path,
        {"proj/__init__.py": "", "proj/a.py": "from proj.b import *\nA = 1\n", "proj/b.py": "from proj.a import *\nB = 2\n"},
        base=False,
    )
    ns = Project.get(tmp_path).namespace("proj.a")
    # proj.b saw proj.a half-evaluated: what either binds is unknown, never a guess
    assert ns.dynamic is True
    assert ns.value("A") is UNKNOWN and ns.value("B") is UNKNOWN


# -- a name grown N times costs N, not N^2 (counted, not timed) ---------------------------

GROWING = {
    "augmented": ('X = []\n', 'X += ["a{i}"]\n', lambda n: [f"a{i}" for i in range(n)]),
    "append": ('X = []\n', 'X.append("a{i}")\n', lambda n: [f"a{i}" for i in range(n)]),
    "item": ('X = {{}}\n', 'X["k{i}"] = {i}\n', lambda n: {f"k{i}": i for i in range(n)}),
}


@pytest.mark.parametrize("case", list(GROWING), ids=list(GROWING))
def test_a_name_grown_n_times_is_measured_in_linear_work(case, monkeypatch):
    """Each statement measured the whole value again (`bounded` walks every item):
    20,000 `INSTALLED_APPS += [...]` lines took minutes. The items walked over the
    whole module are now proportional to its statements."""
    from celery_lint import evaluate as evaluate_module

    walked: list[int] = []
    weight = evaluate_module._weight

    def counting(value):
        walked.append(weight(value))
        return walked[-1]

    monkeypatch.setattr(evaluate_module, "_weight", counting)
    first, each, expected = GROWING[case]
    for n in (500, 2000):
        walked.clear()
        ns = evaluate(first.format() + "".join(each.format(i=i) for i in range(n)))
        assert ns.value("X") == expected(n)
        assert sum(walked) <= 8 * n  # quadratic: about n * n / 2


def test_a_value_grown_in_place_is_never_one_another_name_holds():
    ns = evaluate("""\
        X = []
        X += ["a"]
        Y = X
        X += ["b"]
        X.append("c")
        D = {}
        D["k"] = 1
        E = {"d": D}
        D["l"] = 2
        import os
        if os.environ.get("A"):
            X.append("d")
        Z = X
    """)
    assert ns.value("Y") == ["a"]
    assert ns.value("E") == {"d": {"k": 1}}
    assert ns.value("D") == {"k": 1, "l": 2}
    assert ns.value("Z") == OneOf((["a", "b", "c", "d"], ["a", "b", "c"]))  # the branch grew its own copy


def test_a_value_another_path_or_component_holds_is_copied_before_it_grows(project):
    ns = evaluate("""\
        import os
        X = []
        X += ["a"]
        if os.environ.get("A"):
            Y = X
        else:
            Y = X
        X += ["b"]
    """)
    assert ns.value("Y") == ["a"] and ns.value("X") == ["a", "b"]
    write_files(project, {
        "+proj/settings.py": (
            "from split_settings.tools import include\n"
            "EXTRA = []\nEXTRA += ['a']\ninclude('components/alias.py')\nEXTRA += ['b']\n"
        ),
        "proj/components/alias.py": "COPY = EXTRA\n",
    })
    settings = Project.get(project.resolve()).settings[0]
    assert settings.value("COPY") == ["a"] and settings.value("EXTRA") == ["a", "b"]


def test_a_grown_value_past_the_limit_is_unknown():
    ns = evaluate("X = []\n" + 'X += ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]\n' * 1001)
    assert ns.value("X") is UNKNOWN
