"""django-split-settings: `include()` runs component files in the settings module's
globals, so their settings are read (and reported at their own lines) as if written there."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.examples import BASE
from tests.helpers import lint, write_files

SETTINGS = 'from split_settings.tools import include, optional\n\ninclude("components/base.py", "components/*.py")\n'
# the canonical settings, less the Celery part and django_celery_results; three
# levels up from the components, as `__file__` is the settings package's __init__.py
COMPONENT_BASE = (
    BASE["proj/settings.py"]
    .replace('    "django_celery_results",\n', "")
    .replace("parent.parent", "parent.parent.parent")
    .split("CELERY_BROKER_URL")[0]
)
COMPONENT_CELERY = """\
INSTALLED_APPS += ["django_celery_results"]

CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "django-db"
"""
COMPONENT_TYPO = COMPONENT_CELERY + "CELERY_BROKER = 'redis://'\n"  # line 5
WITHOUT_RESULTS_APP = COMPONENT_CELERY.replace('INSTALLED_APPS += ["django_celery_results"]\n\n', "")


def split(settings: str = SETTINGS, celery: str = COMPONENT_CELERY, **extra: str) -> dict[str, str]:
    files = {
        "-proj/settings.py": "",
        "proj/settings/__init__.py": settings,
        "proj/settings/components/__init__.py": "",
        "proj/settings/components/base.py": COMPONENT_BASE,
        "proj/settings/components/celery.py": celery,
    }
    files.update({f"proj/settings/{name.replace('__', '/')}.py": text for name, text in extra.items()})
    return files


def run(project, files: dict[str, str], select: str = "CEL") -> list[tuple[str, int, str]]:
    write_files(project, files)
    return lint(project, select)


def test_a_healthy_split_layout_is_clean(project):
    assert run(project, split()) == []


def test_a_typo_in_a_component_is_reported_at_its_line(project):
    celery = COMPONENT_CELERY + "CELERY_BROKER = 'redis://'\nCELERY_TASK_SOFT_TIMELIMIT = 10\n"
    assert run(project, split(celery=celery)) == [
        ("proj/settings/components/celery.py", 5, "CEL104"),
        ("proj/settings/components/celery.py", 6, "CEL104"),
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("TASK_ALWAYS_EAGER = True", "CEL101"),
        ("CELERYD_CONCURRENCY = 4", "CEL102"),
        ("broker_url = 'redis://'", "CEL103"),
    ],
)
def test_every_settings_rule_reads_the_components(project, line, code):
    assert run(project, split(celery=COMPONENT_CELERY + line + "\n"), code) == [
        ("proj/settings/components/celery.py", 5, code)
    ]


def test_components_extend_what_earlier_ones_bound(project):
    """`INSTALLED_APPS += [...]` in a later file: without it the results app is missing (CEL301)."""
    celery = WITHOUT_RESULTS_APP
    assert run(project, split(celery=celery)) == [("proj/settings/components/celery.py", 2, "CEL301")]


def test_paths_are_relative_to_the_including_file(project):
    """A nested include() is relative to the component that calls it."""
    settings = 'from split_settings.tools import include\n\ninclude("components/base.py", "components/more.py")\n'
    more = 'from split_settings.tools import include\n\ninclude("celery/*.py")\n'
    files = split(settings, components__more=more, components__celery__broker="CELERY_BROKR_URL = 'memory://'\n")
    files["proj/settings/components/celery/__init__.py"] = ""
    assert run(project, files, "CEL104") == [("proj/settings/components/celery/broker.py", 1, "CEL104")]


def test_a_file_is_included_once(project):
    """`components/*.py` matches base.py again: the library skips a file it ran."""
    celery = COMPONENT_CELERY + "CELERY_TASK_TIME_LIMT = 1\n"
    assert run(project, split(celery=celery)) == [("proj/settings/components/celery.py", 5, "CEL104")]


def test_star_imports_in_components_are_relative_to_the_settings_module(project):
    """A component runs with the settings module's `__name__`: `from .defaults import *`
    finds proj/settings/defaults.py, and a typo there is reported."""
    celery = "from .defaults import *  # noqa: F403\n\n" + COMPONENT_CELERY
    files = split(celery=celery, defaults="CELERY_TASK_ALWAYS_EGAR = True\n")
    assert run(project, files, "CEL104") == [("proj/settings/defaults.py", 1, "CEL104")]


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param(SETTINGS.replace('"components/*.py"', '"components/*.py", optional("local.py")'),
                     id="missing-optional-file"),
        pytest.param(SETTINGS.replace('"components/*.py"', '"components/*.py", "generated.py"'),
                     id="missing-required-file"),
        pytest.param(SETTINGS.replace('"components/*.py"', 'f"components/{ENV}.py"').replace(
            "include(", 'import os\n\nENV = os.environ["ENV"]\ninclude("components/*.py")\ninclude('), id="f-string"),
        pytest.param(SETTINGS.replace('include("components/base.py", "components/*.py")',
                                      'import os\n\nparts = ["components/*.py"] + os.environ["EXTRA"].split()\n'
                                      "include(*parts)"), id="starred-unknown"),
        pytest.param(SETTINGS.replace('"components/*.py")', '"components/*.py", scope=CONTEXT)'), id="other-scope"),
    ],
)
def test_what_cannot_be_seen_is_unknown(project, settings):
    """The healthy values become unknown; the bait (no results app) stays silent."""
    celery = WITHOUT_RESULTS_APP
    assert run(project, split(settings, celery=celery), "CEL301") == []


def test_order_of_a_glob_is_unknown_where_it_matters(project):
    """`glob` returns files in directory order: two components writing INSTALLED_APPS
    leave its value unknown, so CEL301 cannot say the results app is missing."""
    settings = SETTINGS.replace('"components/base.py", ', "")
    celery = "INSTALLED_APPS = []\n" + WITHOUT_RESULTS_APP
    assert run(project, split(settings, celery=celery), "CEL301") == []


def test_names_the_glob_members_share_nothing_on_stay_known(project):
    settings = SETTINGS.replace('"components/base.py", ', "")
    found = run(project, split(settings, celery=WITHOUT_RESULTS_APP), "CEL301")
    assert found == [("proj/settings/components/celery.py", 2, "CEL301")]


def test_a_literal_starred_list_and_an_explicit_globals_scope_are_followed(project):
    settings = SETTINGS.replace('include("components/base.py", "components/*.py")',
                                'PARTS = ("components/base.py", "components/*.py")\ninclude(*PARTS, scope=globals())')
    celery = COMPONENT_CELERY + "CELERY_BROKER = 'redis://'\n"
    assert run(project, split(settings, celery=celery)) == [("proj/settings/components/celery.py", 5, "CEL104")]


def test_an_unparsable_component_is_an_error_not_a_clean_result(project):
    write_files(project, split(celery="CELERY_BROKER_URL = (\n"))
    report = lint_paths([project], select_rules(["CEL"]))
    assert [e.path.name for e in report.errors] == ["celery.py"]


@pytest.mark.parametrize(
    "call",
    ["include()", "include(1)", "include(optional())", "include(optional(None))", "include(None)",
     "include(*BASE_DIR)", 'include("../../*.txt")', 'include("components")', "x = include('components/*.py')"],
)
def test_odd_calls_never_crash(project, call):
    settings = SETTINGS + f"BASE_DIR = 3\n{call}\n"
    assert run(project, split(settings)) == []
