"""Start-up code and configuration the project model reads: `sys.path` additions and
`DJANGO_SETTINGS_MODULE` in functions and under the `__main__` guard of manage.py,
wsgi/asgi and the Celery app module, and the settings module named outside Python."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.project import Project
from tests.helpers import lint, write_files
from tests.startup_shapes import (
    ALL_SHAPES,
    BAD_IMPORT,
    BILLING,
    CEL001_LOCAL_TEXT,
    MANAGE_GUARD,
    MANAGE_INSIDE_PACKAGE,
    MANAGE_INSIDE_SCRIPT,
    OTHER,
    OTHER_BAD,
)

SHAPES = ALL_SHAPES


@pytest.mark.parametrize("name", SHAPES)
def test_bad_variant_finds(project, name):
    shape = SHAPES[name]
    write_files(project, shape.bad)
    assert lint(project) == list(shape.findings)


@pytest.mark.parametrize("name", SHAPES)
def test_clean_variant_is_clean(project, name):
    write_files(project, SHAPES[name].clean)
    assert lint(project) == []


@pytest.mark.parametrize(
    ("name", "index"), [(name, i) for name, shape in SHAPES.items() for i in range(len(shape.unknown))]
)
def test_unknown_variant_is_silent(project, name, index):
    write_files(project, SHAPES[name].unknown[index])
    assert lint(project) == []


def _project(root, files: dict[str, str]) -> Project:
    write_files(root, files)
    return Project.get(root)


def test_sys_path_additions_in_order(project):
    manage = MANAGE_GUARD.format(path='str(current_path / "apps")').replace(
        "    execute_from_command_line", '    sys.path.insert(0, "libs")\n    execute_from_command_line'
    )
    model = _project(project, {**BILLING, "manage.py": manage, "libs/x.py": ""})
    root = project.resolve()
    assert model.import_roots[:3] == [root, root / "apps", root / "libs"]  # "libs": from the project root


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("def main():\n    main()\n\n\nmain()\n", id="recursive"),
        pytest.param("def main(apps):\n    sys.path.insert(0, apps)\n\n\nmain('apps')\n", id="parameter"),
        pytest.param("def main():\n    sys.path.insert(0, 'apps')\n\n\nmain = print\nmain()\n", id="rebound"),
        pytest.param("main()\n\n\ndef main():\n    sys.path.insert(0, 'apps')\n", id="called-before-defined"),
        pytest.param("def main():\n    sys.path.insert(0, 'apps')\n", id="never-called"),
        pytest.param("for apps in DIRS:\n    sys.path.insert(0, apps)\n", id="loop-variable"),
        pytest.param("if False:\n    sys.path.insert(0, 'apps')\n", id="branch-not-taken"),
    ],
)
def test_code_that_does_not_add_a_known_directory(project, body):
    model = _project(project, {**BILLING, **BAD_IMPORT, "manage.py": "import sys\n\n" + body})
    assert project.resolve() / "apps" not in model.import_roots
    assert lint(project, "CEL201") == []


def test_both_branches_of_an_undecided_if(project):
    body = "import os\nimport sys\n\nif os.environ.get('X'):\n    sys.path.insert(0, 'apps')\n"
    body += "else:\n    sys.path.insert(0, 'libs')\n"
    model = _project(project, {**BILLING, "manage.py": body, "libs/x.py": ""})
    root = project.resolve()
    assert {root / "apps", root / "libs"} <= set(model.import_roots)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"manage.py": "import os\n\nos.environ['DJANGO_SETTINGS_MODULE'] = 'proj.' + 'settings_other'\n"},
                     ["proj.settings_other", "proj.settings"], id="item-assignment"),
        pytest.param({"manage.py": "import os\n\nos.environ.update(DJANGO_SETTINGS_MODULE='proj.settings_other')\n"},
                     ["proj.settings_other", "proj.settings"], id="update-keyword"),
        pytest.param({"manage.py": "import os\n\nNAME = 'settings_other'\n\n\ndef main():\n"
                      "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', f'proj.{NAME}')\n\n\n"
                      "if __name__ == '__main__':\n    main()\n"},
                     ["proj.settings_other", "proj.settings"], id="f-string-in-main"),
        pytest.param({"manage.py": "import os\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', env('X'))\n",
                      "env.py": ""}, ["proj.settings"], id="unknown-call-never-names-a-module"),
        pytest.param({"manage.py": "", "Dockerfile": "ENV DJANGO_SETTINGS_MODULE=django_extensions.settings\n"},
                     ["proj.settings"],
                     id="not-a-module-of-the-project"),
        pytest.param({"manage.py": "", "docs/Dockerfile": "ENV DJANGO_SETTINGS_MODULE=proj.settings_other\n"},
                     ["proj.settings"],
                     id="only-files-at-the-root-and-above"),
    ],
)
def test_settings_module_names(project, files, expected):
    """The base project's proj/celery.py names "proj.settings" after manage.py."""
    assert _project(project, {**files, **OTHER_BAD}).settings_module_names == expected


def test_start_up_names_come_before_configuration(project):
    files = {"pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings_other\n", **OTHER_BAD}
    assert _project(project, files).settings_module_names == ["proj.settings", "proj.settings_other"]


def test_test_settings_from_pytest_stay_quiet_for_cel401(project):
    """Eager tasks in the settings pytest names: a settings module of the project,
    which CEL401 knows for test settings even when wsgi.py names it too."""
    wsgi = "import os\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings_other')\n"
    files = {
        "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--ds=proj.settings_other"\n',
        "proj/wsgi.py": wsgi,
        OTHER: "from proj.settings import *  # noqa: F403\n\nCELERY_TASK_ALWAYS_EAGER = True\n",
    }
    write_files(project, files)
    assert lint(project) == []
    other = write_files(project.parent / "without-pytest", {**files, "-pyproject.toml": ""})
    assert lint(other) == [(OTHER, 3, "CEL401")]


def _cel001_message(project, files: dict[str, str]) -> str:
    app = 'import os\n\nfrom celery import Celery\n\napp = Celery("proj")\n'
    app += 'app.config_from_object("django.conf:settings", namespace="CELERY")\n'
    write_files(project, {**files, "proj/celery.py": app})
    (finding,) = lint_paths([project], select_rules(["CEL001"])).findings
    return finding.message


def test_cel001_fix_names_the_settings_module_start_up_code_names(project):
    manage = MANAGE_GUARD.format(path='"x"').replace('"proj.settings"', '"proj.settings_other"')
    message = _cel001_message(project, {"manage.py": manage, **OTHER_BAD})
    fix = 'add os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings_other") before Celery()'
    assert message.endswith(fix)


@pytest.mark.parametrize(
    ("local", "production"),
    [
        (".envs/.local/.django", ".envs/.production/.django"),
        ("docker-compose.local.yml", "docker-compose.yml"),
        ("compose/local/django/Dockerfile", "compose/production/django/Dockerfile"),
        (".env", "Procfile"),  # the name settings_local says it is a developer's
    ],
)
def test_cel001_fix_prefers_production_settings(project, local, production):
    line = "ENV DJANGO_SETTINGS_MODULE {}\n" if "Dockerfile" in production else "DJANGO_SETTINGS_MODULE={}\n"
    files = {
        "manage.py": "", local: line.format("proj.settings_local"), production: line.format("proj.settings_other"),
        "proj/settings_local.py": "", OTHER: "",
    }
    assert '"proj.settings_other") before Celery()' in _cel001_message(project, files)


def test_cel001_fix_names_local_settings_when_only_those_are_named(project):
    files = {"manage.py": "", ".envs/.local/.django": "DJANGO_SETTINGS_MODULE=proj.settings_local\n",
             "proj/settings_local.py": ""}
    assert _cel001_message(project, files).endswith(CEL001_LOCAL_TEXT)


def test_cel001_fix_names_a_settings_module_from_deployment_files(project):
    files = {"manage.py": "", ".envs/.production/.django": "DJANGO_SETTINGS_MODULE=proj.settings_other\n", **OTHER_BAD}
    assert '"proj.settings_other") before Celery()' in _cel001_message(project, files)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"manage.py": "import os\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', env('X'))\n"},
                     id="unknown-value"),
        pytest.param({"manage.py": "", "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings_other\n",
                      **OTHER_BAD}, id="only-test-settings"),
    ],
)
def test_cel001_fix_says_when_the_settings_module_is_unknown(project, files):
    message = _cel001_message(project, files)
    assert "proj.settings" not in message
    assert message.endswith(
        'add os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...) with your settings module before Celery() '
        "(no start-up file or deployment configuration names it)"
    )



def test_each_case_of_a_match_on_its_own(project):
    """Like the branches of an undecided `if`: each case runs in order on its own."""
    body = "import sys\n\nmatch sys.argv[1:]:\n    case ['x']:\n        APPS = 'apps'\n"
    body += "        sys.path.insert(0, APPS)\n    case _:\n        APPS = 'libs'\n"
    model = _project(project, {**BILLING, **BAD_IMPORT, "manage.py": body})
    assert project.resolve() / "apps" in model.import_roots
    assert lint(project, "CEL201") == [("demoapp/billing_views.py", 1, "CEL201")]


def test_manage_inside_package_is_rooted_at_the_parent(project):
    """`python -m proj.manage` runs from the parent: modules are named from there and
    proj/ is no import root (CEL006 is silent on proj/celery.py, see the shape)."""
    write_files(project, MANAGE_INSIDE_PACKAGE.clean)
    model = Project.get(project / "proj")
    parent = project.resolve()
    assert model.module_root == parent and not model.root_on_path
    assert model.module_name(parent / "proj" / "billing" / "tasks.py") == "proj.billing.tasks"
    assert model.import_roots[0] == parent and model.root not in model.import_roots


def test_manage_inside_package_run_as_script_keeps_its_root(project):
    write_files(project, MANAGE_INSIDE_SCRIPT.bad)
    model = Project.get(project / "proj")
    assert model.root_on_path and model.import_roots[:2] == [model.root, project.resolve()]
    assert model.module_name(model.root / "billing" / "tasks.py") == "proj.billing.tasks"
