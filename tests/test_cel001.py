"""CEL001: Celery() before DJANGO_SETTINGS_MODULE is set in the app module."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from tests.helpers import lint, write_files

HEAD = "import os\n\nfrom celery import Celery\n\n"
CONFIG = 'app.config_from_object("django.conf:settings", namespace="CELERY")\n'
SET = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'


def cel001(project, celery_py: str) -> list[tuple[str, int, str]]:
    write_files(project, {"proj/celery.py": celery_py})
    return [f for f in lint(project, "CEL001") if f[2] == "CEL001"]


@pytest.mark.parametrize(
    ("celery_py", "line"),
    [
        pytest.param(HEAD + 'app = Celery("proj")\n' + SET + CONFIG, 5, id="set-after"),
        pytest.param(HEAD + 'app = Celery("proj")\n' + CONFIG, 5, id="never-set"),
        pytest.param("import celery\n\napp = celery.Celery('proj')\n" + CONFIG, 3, id="module-attribute"),
        pytest.param("from celery import Celery as C\n\napp = C('proj')\n" + CONFIG, 3, id="alias"),
        pytest.param(
            "from celery import Celery\n\n\nclass App(Celery):\n    pass\n\n\napp = App('proj')\n" + CONFIG,
            8,
            id="subclass",
        ),
        pytest.param(
            "import os\nfrom celery import Celery\n\napp = Celery('proj')\n"
            "app.config_from_object('django.conf:settings', namespace='CELERY')\n"
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'proj.settings'\n",
            4,
            id="assignment-after",
        ),
        pytest.param(
            "from celery import Celery\nfrom django.conf import settings\n\napp = Celery('proj')\n"
            "app.config_from_object(settings, namespace='CELERY')\n",
            4,
            id="settings-object",
        ),
    ],
)
def test_fires(project, celery_py, line):
    assert cel001(project, celery_py) == [("proj/celery.py", line, "CEL001")]


def test_set_in_a_main_run_after_the_app_is_created(project):
    """`celery -A proj worker` imports the module and never calls main(); run as a
    script, main() sets the variable after Celery() has run: no fixup either way."""
    celery_py = HEAD + 'app = Celery("proj")\n' + CONFIG + "\n\ndef main():\n    " + SET + "    app.start()\n\n\n"
    celery_py += 'if __name__ == "__main__":\n    main()\n'
    write_files(project, {"proj/celery.py": celery_py})
    (finding,) = lint_paths([project], select_rules(["CEL001"])).findings
    assert (finding.line, finding.message.rpartition("; ")[2]) == (5, "move os.environ.setdefault(...) above this line")


@pytest.mark.parametrize(
    "celery_py",
    [
        pytest.param(HEAD + SET + 'app = Celery("proj")\n' + CONFIG, id="canonical"),
        pytest.param(HEAD + 'os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"\napp = Celery("p")\n' + CONFIG, id="assign"),
        pytest.param(
            HEAD + "if os.environ.get('TEST'):\n    os.environ['DJANGO_SETTINGS_MODULE'] = 'proj.test'\n"
            "else:\n    " + SET + 'app = Celery("proj")\n' + CONFIG,
            id="every-branch",
        ),
        pytest.param(
            HEAD + "def make_app():\n    " + SET + "    app = Celery('proj')\n    " + CONFIG + "    return app\n",
            id="factory",
        ),
        pytest.param(
            HEAD + "def make_app():\n    app = Celery('proj')\n    " + CONFIG + "    return app\n\n\n" + SET,
            id="factory-module-level-set",
        ),
        pytest.param(HEAD + 'app = Celery("proj")\napp.config_from_object("proj.celeryconfig")\n', id="not-django"),
        pytest.param(HEAD + 'app = Celery("proj")\n', id="not-configured"),
        pytest.param("from celery import Celery\n\nCelery = dict\napp = Celery(x=1)\n", id="shadowed-name"),
    ],
)
def test_silent(project, celery_py):
    assert cel001(project, celery_py) == []


@pytest.mark.parametrize(
    "celery_py",
    [
        pytest.param(
            HEAD + "if not os.environ.get('DJANGO_SETTINGS_MODULE'):\n    " + SET + 'app = Celery("proj")\n' + CONFIG,
            id="set-on-some-paths",
        ),
        pytest.param(
            HEAD + "def setup_env():\n    " + SET + "\n\nsetup_env()\napp = Celery('proj')\n" + CONFIG,
            id="helper-function",
        ),
        pytest.param(
            "from celery import Celery\n\nimport proj.env  # noqa: F401\n\napp = Celery('proj')\n" + CONFIG,
            id="imported-module-sets-it",
        ),
        pytest.param(
            HEAD + "os.environ.update(DJANGO_SETTINGS_MODULE='proj.settings')\napp = Celery('proj')\n" + CONFIG,
            id="update-call",
        ),
        pytest.param(HEAD + SET + "app = Celery('proj')\napp.config_from_object(SOURCE, namespace='CELERY')\n",
                     id="unknown-config-source"),
        pytest.param(HEAD + 'if __name__ == "__main__":\n    ' + SET + "app = Celery('proj')\n" + CONFIG,
                     id="set-under-the-main-guard"),
        pytest.param(
            "import os\nimport sys\n\nfrom celery import Celery\n\n\ndef make_app():\n"
            "    sys.path.insert(0, os.path.dirname(__file__))\n    " + SET + "    app = Celery('proj')\n    "
            + CONFIG + "    return app\n\n\napp = make_app()\n",
            id="factory-with-start-up-code",
        ),
    ],
)
def test_unknown_is_silent(project, celery_py):
    files = {"proj/env.py": "import os\n\n" + SET}
    write_files(project, {**files, "proj/celery.py": celery_py})
    assert [f for f in lint(project, "CEL001") if f[2] == "CEL001"] == []
