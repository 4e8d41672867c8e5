"""A deep chain of star imports (`from .s1 import *` in s0, `from .s2 import *` in s1...)
resolves, however deep: the chain is evaluated by a loop, not by one Python frame per
link (a chain of about 150 modules used to end in RecursionError)."""

from __future__ import annotations

import pytest

from celery_lint.project import Project
from tests.helpers import BIN, forget_the_filesystem, lint, run, write_files

DEEP = 48  # links: more than a real chain has, and about a third of what the old recursion reached

WSGI = 'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\napplication = get_wsgi_application()\n'


def chain(depth: int, last: str) -> dict[str, str]:
    """proj.settings star-imports proj.conf.s0, which star-imports s1, ... down to
    s<depth - 1>, which ends with `last`; each link binds a name of its own."""
    files = {
        f"proj/conf/s{i}.py": (f"from .s{i + 1} import *  # noqa\n" if i + 1 < depth else "") + f"LINK_{i} = {i}\n"
        for i in range(depth)
    }
    files[f"proj/conf/s{depth - 1}.py"] += last
    files["proj/conf/__init__.py"] = ""
    files["+proj/settings.py"] = "from .conf.s0 import *  # noqa\n"
    files["proj/wsgi.py"] = WSGI
    return files


@pytest.mark.parametrize("depth", [3, DEEP, 1000])
def test_a_deep_chain_resolves(project, depth):
    write_files(project, chain(depth, "CELERY_TASK_ALWAYS_EAGER = True\n"))
    settings = Project.get(project.resolve()).settings[0]
    assert settings.module == "proj.settings"
    assert [settings.value(f"LINK_{i}") for i in (0, depth // 2, depth - 1)] == [0, depth // 2, depth - 1]
    assert settings.value("CELERY_TASK_ALWAYS_EAGER") is True
    assert len(settings.files) == depth + 1  # the settings module and every link
    forget_the_filesystem()
    # the finding sits where the far end binds the setting, two lines down
    assert lint(project, "CEL401") == [(f"proj/conf/s{depth - 1}.py", 2 if depth > 1 else 1, "CEL401")]


def test_a_deep_chain_clean_and_unknown_stay_silent(project):
    write_files(project, chain(1000, "CELERY_TASK_ALWAYS_EAGER = False\n"))
    assert lint(project, "CEL401") == []
    write_files(project, chain(1000, 'import os\nCELERY_TASK_ALWAYS_EAGER = os.environ.get("EAGER") == "1"\n'))
    assert lint(project, "CEL401") == []


def test_a_deep_chain_through_a_cycle_is_unknown_and_silent(project):
    files = chain(DEEP, "from .s0 import *  # noqa\nCELERY_TASK_ALWAYS_EAGER = LINK_0 == 0\n")
    write_files(project, files)
    assert lint(project, "CEL401") == []  # LINK_0 is not bound yet when the far end runs


def test_command_and_flake8_on_a_deep_chain(project):
    write_files(project, chain(400, "CELERY_TASK_ALWAYS_EAGER = True\n"))
    for command in (["celery-lint", "."], ["flake8", "--select=CEL401", "."]):
        result = run([str(BIN / command[0]), *command[1:]], project)
        assert "s399.py:2:1: CEL401" in result.stdout, result.stdout + result.stderr
        assert "RecursionError" not in result.stderr
