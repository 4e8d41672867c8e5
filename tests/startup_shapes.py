"""Minimal projects of the start-up shapes real projects use (issue 13): where start-up
code puts `sys.path` additions and `DJANGO_SETTINGS_MODULE`, and where configuration
outside Python names the settings module. Each shape is a variant of the canonical
project, bad (one finding) and clean (none); unknown variants must stay silent.
Shared by `tests/test_startup.py` (the engine) and `tests/e2e/test_startup_shapes.py`
(the command and flake8)."""

from __future__ import annotations

from typing import NamedTuple

from celery_lint.examples import BASE

BASE_INIT = BASE["proj/__init__.py"]
TASKS = "from celery import shared_task\n\n\n@shared_task\ndef charge(invoice_id):\n    return invoice_id\n"
# an app in apps/billing, installed as "billing": start-up code must put apps/ on sys.path
BILLING = {
    "+proj/settings.py": 'INSTALLED_APPS += ["billing"]\n',
    "apps/billing/__init__.py": "",
    "apps/billing/tasks.py": TASKS,
}
BAD_IMPORT = {"demoapp/billing_views.py": "from apps.billing.tasks import charge\n"}
CLEAN_IMPORT = {"demoapp/billing_views.py": "from billing.tasks import charge\n"}
CEL201 = (("demoapp/billing_views.py", 1, "CEL201"),)

MANAGE_GUARD = """\
#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

    from django.core.management import execute_from_command_line

    # This allows easy placement of apps within the interior apps directory.
    current_path = Path(__file__).parent.resolve()
    sys.path.append({path})

    execute_from_command_line(sys.argv)
"""
MANAGE_MAIN = """\
#!/usr/bin/env python
import os
import sys

BASE_DIR = os.path.dirname(os.path.abspath(__file__))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    sys.path.insert(0, {path})
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""
MANAGE_HELPER = """\
#!/usr/bin/env python
import os
import sys
from pathlib import Path


def add_apps_dir():
    sys.path.insert(0, {path})


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    add_apps_dir()
    main()
"""
WSGI = """\
import os
import sys
from pathlib import Path

from django.core.wsgi import get_wsgi_application

BASE_DIR = Path(__file__).resolve(strict=True).parent.parent
sys.path.append({path})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

application = get_wsgi_application()
"""
ASGI = """\
import os
import sys

from django.core.asgi import get_asgi_application


def get_application():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, {path})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    return get_asgi_application()


application = get_application()
"""
CELERY_FACTORY = """\
import os
import sys
from pathlib import Path

from celery import Celery


def make_app():
    sys.path.insert(0, {path})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    app = Celery("proj")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks()
    return app


app = make_app()
"""


class Shape(NamedTuple):
    """A project shape: the bad variant's files and findings, the clean variant's files,
    and variants the analysis cannot resolve (silent)."""

    bad: dict[str, str]
    findings: tuple[tuple[str, int, str], ...]
    clean: dict[str, str]
    unknown: tuple[dict[str, str], ...] = ()


def _sys_path(path: str, template: str, known: str, unknown: str = 'os.environ["APPS_DIR"]') -> Shape:
    """An apps directory put on sys.path by `template` at `path`."""
    files = {**BILLING, path: template.format(path=known)}
    return Shape(
        {**files, **BAD_IMPORT}, CEL201, {**files, **CLEAN_IMPORT},
        ({**BILLING, path: template.format(path=unknown), **BAD_IMPORT},),
    )


INSERT = "    sys.path.insert(0, {path})\n"


def _spelled(line: str) -> str:
    """MANAGE_MAIN adding the directory with `line` instead of `sys.path.insert`."""
    return MANAGE_MAIN.replace(INSERT, line).replace("import sys\n", "import site\nimport sys\n")


SYS_PATH_SHAPES: dict[str, Shape] = {
    "manage-guard": _sys_path("manage.py", MANAGE_GUARD, 'str(current_path / "apps")'),
    "manage-main": _sys_path("manage.py", MANAGE_MAIN, 'os.path.join(BASE_DIR, "apps")'),
    "manage-helper-called-from-guard": _sys_path(
        "manage.py", MANAGE_HELPER, 'str(Path(__file__).resolve().parent / "apps")', "str(Path.cwd() / 'apps')"
    ),
    "wsgi-module-level": _sys_path("proj/wsgi.py", WSGI, 'str(BASE_DIR / "apps")'),
    "asgi-function": _sys_path("proj/asgi.py", ASGI, 'os.path.join(root, "apps")', "os.path.join(HOME, 'apps')"),
    "celery-factory": _sys_path(
        "proj/celery.py", CELERY_FACTORY, 'str(Path(__file__).resolve().parent.parent / "apps")'
    ),
    "sys-path-extend": _sys_path("manage.py", _spelled("    sys.path.extend([{path}])\n"), 'os.path.join(BASE_DIR, "apps")'),
    "sys-path-slice": _sys_path("manage.py", _spelled("    sys.path[0:0] = [{path}]\n"), 'os.path.join(BASE_DIR, "apps")'),
    "sys-path-rebound": _sys_path(
        "manage.py", _spelled("    sys.path = [{path}] + sys.path\n"), 'os.path.join(BASE_DIR, "apps")'
    ),
    "site-addsitedir": _sys_path("manage.py", _spelled("    site.addsitedir({path})\n"), 'os.path.join(BASE_DIR, "apps")'),
    "sys-path-augmented": _sys_path("manage.py", _spelled("    sys.path += [{path}]\n"), 'os.path.join(BASE_DIR, "apps")'),
    "site-addsitedir-imported": _sys_path(
        "manage.py", _spelled("    addsitedir({path})\n").replace("import site\n", "from site import addsitedir\n"),
        'os.path.join(BASE_DIR, "apps")',
    ),
    "site-addsitedir-pth": _sys_path(
        "manage.py", _spelled("    site.addsitedir({path})\n"), 'os.path.join(BASE_DIR, "libs")', 'os.environ["LIBS"]'
    ),
}
# the apps directory named by a .pth file in the site directory (relative to it)
SITE_PTH = {"libs/apps.pth": "# the apps directory, relative to libs/\n../apps\nimport os\n"}
_PTH = SYS_PATH_SHAPES["site-addsitedir-pth"]
SYS_PATH_SHAPES["site-addsitedir-pth"] = Shape(
    {**_PTH.bad, **SITE_PTH}, _PTH.findings, {**_PTH.clean, **SITE_PTH}, tuple({**u, **SITE_PTH} for u in _PTH.unknown)
)

# A second settings module, named only where the shape names it: CEL101 in it (bad) or
# an eager setting CEL401 must leave alone in test settings (clean).
OTHER = "proj/settings_other.py"
OTHER_BAD = {OTHER: "from proj.settings import *  # noqa: F403\n\nTASK_TIME_LIMIT = 300\n"}
OTHER_CLEAN = {OTHER: "from proj.settings import *  # noqa: F403\n\nCELERY_TASK_ALWAYS_EAGER = True\n"}
CEL101 = ((OTHER, 3, "CEL101"),)


def _named(files: dict[str, str], unknown: tuple[dict[str, str], ...] = (), clean: str = "") -> Shape:
    return Shape({**files, **OTHER_BAD}, CEL101, {**files, **({OTHER: clean} if clean else OTHER_CLEAN)},
                 tuple({**u, **OTHER_BAD} for u in unknown))


WSGI_NAMES = """\
import os

from django.core.wsgi import get_wsgi_application

SETTINGS = "proj.settings_other"


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", {value})


setup()
application = get_wsgi_application()
"""

SERVICE = "services:\n  web:\n    environment:\n"

SETTINGS_NAME_SHAPES: dict[str, Shape] = {
    "wsgi-function-variable": _named(
        {"proj/wsgi.py": WSGI_NAMES.format(value="SETTINGS")},
        ({"proj/wsgi.py": WSGI_NAMES.format(value='env("SETTINGS")')},),
        clean="from proj.settings import *  # noqa: F403\n\nCELERY_TASK_TIME_LIMIT = 300\n",  # CEL401: the web runs it
    ),
    "pytest-ini-key": _named({"pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings_other\n"}),
    "pytest-ini-ds": _named(
        {"pytest.ini": "[pytest]\naddopts = --reuse-db --ds=proj.settings_other\n"},
        ({"pytest.ini": "[pytest]\naddopts = --ds=$SETTINGS\n"},),
    ),
    "pytest-ini-ds-space": _named({"pytest.ini": "[pytest]\naddopts = -p no:warnings --ds proj.settings_other\n"}),
    "pyproject-key": _named(
        {"pyproject.toml": '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "proj.settings_other"\n'}
    ),
    "pyproject-ds-list": _named(
        {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = ["--ds=proj.settings_other", "-q"]\n'}
    ),
    "setup-cfg": _named({"setup.cfg": "[tool:pytest]\nDJANGO_SETTINGS_MODULE = proj.settings_other\n"}),
    "tox-setenv": _named({"tox.ini": "[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = proj.settings_other\n"}),
    "dockerfile-equals": _named(
        {"Dockerfile": "FROM python:3.12\nENV PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=proj.settings_other\n"},
        ({"Dockerfile": "FROM python:3.12\nARG SETTINGS\nENV DJANGO_SETTINGS_MODULE=$SETTINGS\n"},),
    ),
    "dockerfile-space": _named(
        {"Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE proj.settings_other\n"},
        ({"Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE ${SETTINGS}\n"},),
    ),
    "compose-list": _named(
        {"docker-compose.yml": SERVICE + "      - DJANGO_SETTINGS_MODULE=proj.settings_other\n"},
        ({"docker-compose.yml": SERVICE + "      - DJANGO_SETTINGS_MODULE=${DSM}\n"},),
    ),
    "compose-map": _named(
        {"compose.yaml": SERVICE + '      DJANGO_SETTINGS_MODULE: "proj.settings_other"\n'}
    ),
    "dotenv": _named({".env": "DEBUG=1\nDJANGO_SETTINGS_MODULE=proj.settings_other\n"}),
    "dotenvs-cookiecutter": _named({".envs/.production/.django": "DJANGO_SETTINGS_MODULE=proj.settings_other\n"}),
    "star-env": _named({"prod.env": "export DJANGO_SETTINGS_MODULE='proj.settings_other'\n"}),
    # deployment files in sub-directories and under other names (cookiecutter-django's)
    "compose-dir-dockerfile": _named(
        {"compose/production/django/Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE proj.settings_other\n"},
        ({"compose/production/django/Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE ${SETTINGS}\n"},),
    ),
    "docker-dir-dockerfile": _named(
        {"docker/Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=proj.settings_other\n"},
        ({"docker/Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=$SETTINGS\n"},),
    ),
    "deploy-dir-env": _named(
        {"deploy/production.env": "DJANGO_SETTINGS_MODULE=proj.settings_other\n"},
        ({"deploy/production.env": "DJANGO_SETTINGS_MODULE=${SETTINGS}\n"},),
    ),
    "compose-production-variant": _named(
        {"docker-compose.production.yml": SERVICE + "      - DJANGO_SETTINGS_MODULE=proj.settings_other\n"}
    ),
    "compose-production-yml": _named(
        {"production.yml": SERVICE + "      DJANGO_SETTINGS_MODULE: proj.settings_other\n"},
        ({"production.yml": SERVICE + "      DJANGO_SETTINGS_MODULE: ${DSM:-x}\n"},),
    ),
    "compose-local-yml": _named({"local.yml": SERVICE + "      - DJANGO_SETTINGS_MODULE=proj.settings_other\n"}),
    "procfile": _named(
        {"Procfile": "web: DJANGO_SETTINGS_MODULE=proj.settings_other gunicorn proj.wsgi\n"},
        ({"Procfile": "web: DJANGO_SETTINGS_MODULE=$DSM gunicorn proj.wsgi\n"},),
    ),
    "dotenvs-local": _named({".envs/.local/.django": "DJANGO_SETTINGS_MODULE=proj.settings_other\n"}),
}


# manage.py inside the package it names: `python proj/manage.py` cannot import `proj`
# (the script's directory is on sys.path, not its parent), so the project runs from
# the parent (`python -m proj.manage`, or installed), where "proj.settings" is found,
# modules are named from there (`proj.billing.tasks`) and proj/celery.py is proj.celery
# (no CEL006). The bad variant's settings put proj/ on sys.path too: `billing.tasks`
# then loads the tasks module a second time (CEL201).
INSIDE_MANAGE = MANAGE_MAIN.replace("    sys.path.insert(0, {path})\n", "")
INSIDE = {
    "-manage.py": "",
    "proj/__init__.py": BASE_INIT,
    "proj/manage.py": INSIDE_MANAGE,
    "+proj/settings.py": 'INSTALLED_APPS += ["proj.billing"]\n',
    "proj/billing/__init__.py": "",
    "proj/billing/tasks.py": TASKS,
}
INSIDE_ON_PATH = 'import sys  # noqa: E402\n\nsys.path.append(str({path}))\n'
MANAGE_INSIDE_PACKAGE = Shape(
    {**INSIDE, "+proj/settings.py": INSIDE["+proj/settings.py"] + INSIDE_ON_PATH.format(path='BASE_DIR / "proj"'),
     "proj/billing/views.py": "from billing.tasks import charge\n"},
    (("proj/billing/views.py", 1, "CEL201"),),
    {**INSIDE, "proj/billing/views.py": "from proj.billing.tasks import charge\n"},
    ({**INSIDE, "+proj/settings.py": INSIDE["+proj/settings.py"] + INSIDE_ON_PATH.format(path='os.environ["APPS"]'),
      "proj/billing/views.py": "from billing.tasks import charge\n"},
     {**INSIDE, "proj/manage.py": INSIDE_MANAGE.replace('"proj.settings"', 'os.environ["SETTINGS"]'),
      "proj/billing/views.py": "from billing.tasks import charge\n"}),
)
# ... unless its start-up code puts the parent on sys.path: then `python proj/manage.py`
# runs, with proj/ first on sys.path, and proj/celery.py is `celery` (CEL006). Clean:
# the app module named celery_app.py.
INSIDE_SCRIPT = {**INSIDE, "proj/manage.py": MANAGE_MAIN.format(path="os.path.dirname(BASE_DIR)")}
MANAGE_INSIDE_SCRIPT = Shape(
    INSIDE_SCRIPT,
    (("proj/celery.py", 1, "CEL006"),),
    {**INSIDE_SCRIPT, "-proj/celery.py": "", "proj/celery_app.py": BASE["proj/celery.py"],
     "proj/__init__.py": BASE_INIT.replace(".celery ", ".celery_app ")},
    ({**INSIDE, "proj/manage.py": MANAGE_MAIN.format(path='os.environ["ROOT"]')},),
)

# CEL001's fix names the settings module deployment names (the Dockerfile here: manage.py
# reads it from the environment); the clean variant sets it before Celery().
APP_WITHOUT_SETTINGS = """\
from celery import Celery

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""
NAMED_BY_DOCKERFILE = {
    "manage.py": MANAGE_MAIN.format(path='"."').replace('"proj.settings"', 'os.environ["SETTINGS"]'),
    "Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE proj.settings_other\n",
    OTHER: "from proj.settings import *  # noqa: F403\n",
}
CEL001_FIX = Shape(
    {**NAMED_BY_DOCKERFILE, "proj/celery.py": APP_WITHOUT_SETTINGS},
    (("proj/celery.py", 3, "CEL001"),),
    NAMED_BY_DOCKERFILE,
)
# ... preferring a production file to a local one (`local.yml` sorts first); with only
# local.yml, the local settings. The clean variants set it before Celery().
LOCAL_AND_PRODUCTION = {
    **{k: v for k, v in NAMED_BY_DOCKERFILE.items() if k != "Dockerfile"},
    "local.yml": SERVICE + "      - DJANGO_SETTINGS_MODULE=proj.settings_local\n",
    "compose/production/django/Dockerfile": "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE proj.settings_other\n",
    "proj/settings_local.py": "from proj.settings import *  # noqa: F403\n\nCELERY_TASK_ALWAYS_EAGER = True\n",
}
LOCAL_ONLY = {k: v for k, v in LOCAL_AND_PRODUCTION.items() if not k.startswith("compose/")}
CEL001_PRODUCTION = Shape(
    {**LOCAL_AND_PRODUCTION, "proj/celery.py": APP_WITHOUT_SETTINGS}, (("proj/celery.py", 3, "CEL001"),),
    LOCAL_AND_PRODUCTION,
)
CEL001_LOCAL_ONLY = Shape(
    {**LOCAL_ONLY, "proj/celery.py": APP_WITHOUT_SETTINGS}, (("proj/celery.py", 3, "CEL001"),), LOCAL_ONLY,
)
CEL001_LOCAL_TEXT = 'add os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings_local") before Celery()'
CEL001_FIX_TEXT = 'add os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings_other") before Celery()'
# every shape, by id: what the engine, the command and flake8 tests run
ALL_SHAPES: dict[str, Shape] = {
    **SYS_PATH_SHAPES,
    **SETTINGS_NAME_SHAPES,
    "manage-inside-package": MANAGE_INSIDE_PACKAGE,
    "manage-inside-script": MANAGE_INSIDE_SCRIPT,
    "cel001-fix": CEL001_FIX,
    "cel001-fix-production": CEL001_PRODUCTION,
    "cel001-fix-local-only": CEL001_LOCAL_ONLY,
}
