"""django-configurations: the settings are the attributes of the class DJANGO_CONFIGURATION
names, with its bases; they are read, and reported, at the class attribute's line."""

from __future__ import annotations

import pytest

from celery_lint.config import ConfigError, load_config
from celery_lint.examples import BASE
from celery_lint.project import Project, ProjectOptions
from tests.helpers import lint, write_files

HEAD = """\
from pathlib import Path

from configurations import Configuration, values

BASE_DIR = Path(__file__).resolve().parent.parent


class Base(Configuration):
    SECRET_KEY = "not-a-secret"
    ROOT_URLCONF = "proj.urls"
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
    INSTALLED_APPS = [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django_celery_results",
        "celery_lint",
        "demoapp",
    ]
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "django-db"
"""
BASE_END = HEAD.count("\n")  # the last line of Base
PROD = HEAD + """

class Prod(Base):
    DEBUG = False
    CELERY_TASK_TIME_LIMIT = 300
"""
PROD_LINE = PROD.count("\n")  # its last attribute
DROP_RESULTS_APP = '    INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]\n'
CHOOSE = '    os.environ.setdefault("DJANGO_CONFIGURATION", {})\n'


def manage(configuration: str | None = "Prod", expression: str | None = None) -> str:
    """manage.py choosing `configuration`, or setting DJANGO_CONFIGURATION to `expression`."""
    expression = expression or (f'"{configuration}"' if configuration else None)
    choose = CHOOSE.format(expression) if expression else ""
    return BASE["manage.py"].replace(
        "    from django.core.management import execute_from_command_line",
        choose + "    from configurations.management import execute_from_command_line",
    )


def run(project, settings: str, configuration: str | None = "Prod", select: str = "CEL", **extra: str):
    files = {"manage.py": manage(configuration), "proj/settings.py": settings}
    files.update({name.replace("__", "/") + ".py": text for name, text in extra.items()})
    write_files(project, files)
    return lint(project, select)


def read(project) -> list:
    Project._cache.clear()
    return [s.configuration for s in Project.get(project).settings]


def test_a_healthy_configuration_is_clean(project):
    assert run(project, PROD) == []
    (configuration,) = read(project)
    assert (configuration.name, configuration.named, configuration.candidates) == ("Prod", ("Prod",), ("Base", "Prod"))
    assert [c.name for c in configuration.classes] == ["Prod", "Base"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("CELERY_TASK_SOFT_TIMELIMIT = 10", "CEL104"),
        ("TASK_ALWAYS_EAGER = True", "CEL101"),
        ("CELERYD_CONCURRENCY = 4", "CEL102"),
        ("broker_url = 'redis://'", "CEL103"),
    ],
)
def test_a_bad_attribute_of_the_configuration_is_reported_at_its_line(project, line, code):
    assert run(project, PROD + f"    {line}\n") == [("proj/settings.py", PROD_LINE + 1, code)]


def test_attributes_of_the_bases_are_settings_of_the_configuration(project):
    settings = PROD.replace('    CELERY_RESULT_BACKEND = "django-db"\n', '    CELERY_RESULTS_BACKEND = "django-db"\n')
    assert run(project, settings) == [("proj/settings.py", BASE_END, "CEL104")]


def test_a_class_not_read_is_not_reported(project):
    settings = PROD + "\n\nclass Test(Base):\n    CELERY_TASK_ALWAYS_EGAR = True\n"
    assert run(project, settings) == []


def test_values_of_the_class_are_read_with_inheritance(project):
    """Prod overrides INSTALLED_APPS without the results app Base's backend needs."""
    assert run(project, PROD + DROP_RESULTS_APP) == [("proj/settings.py", BASE_END, "CEL301")]


def test_a_base_in_another_module(project):
    prod = "from .base import Base\n\n\nclass Prod(Base):\n    CELERY_TASK_SOFT_TIMELIMIT = 10\n"
    base = HEAD.replace(".parent.parent", ".parent.parent.parent") + "    CELERY_BROKR_URL = 'memory://'\n"
    files = {"-proj/settings.py": "", "proj/settings/__init__.py": "", "proj/settings/base.py": base,
             "proj/settings/prod.py": prod}
    files["manage.py"] = manage().replace('"proj.settings"', '"proj.settings.prod"')
    files["proj/celery.py"] = BASE["proj/celery.py"].replace('"proj.settings"', '"proj.settings.prod"')
    write_files(project, files)
    assert lint(project, "CEL104") == [("proj/settings/base.py", BASE_END + 1, "CEL104"),
                                       ("proj/settings/prod.py", 5, "CEL104")]


@pytest.mark.parametrize(
    "where",
    [
        pytest.param({"proj/wsgi.py": "import os\n\n" + CHOOSE.format('"Prod"').strip() + "\n"}, id="wsgi"),
        pytest.param({"pytest.ini": "[pytest]\nDJANGO_CONFIGURATION = Prod\n"}, id="pytest-ini"),
    ],
)
def test_the_configuration_is_named_elsewhere(project, where):
    write_files(project, {"manage.py": manage(None), "proj/settings.py": PROD + "    CELERY_BROKER = 'x'\n", **where})
    assert lint(project, "CEL104") == [("proj/settings.py", PROD_LINE + 1, "CEL104")]


def test_a_single_configuration_class_needs_no_name(project):
    settings = HEAD + "    CELERY_BROKER = 'x'\n"
    assert run(project, settings, configuration=None) == [("proj/settings.py", BASE_END + 1, "CEL104")]
    assert read(project)[0].name == "Base"


def test_every_configuration_named_is_read(project):
    settings = PROD + "\n\nclass Dev(Base):\n    CELERY_TASK_ALWAYS_EGAR = True\n"
    extra = {"proj__wsgi": "import os\n\n" + CHOOSE.format('"Dev"').strip() + "\n"}
    assert run(project, settings, select="CEL104", **extra) == [("proj/settings.py", settings.count("\n"), "CEL104")]
    assert [c.name for c in read(project)] == ["Prod", "Dev"]


# a leaf configuration that drops the results app Base's backend needs: CEL301 if it were read
DEV_WITHOUT_RESULTS = PROD + """

class Dev(Base):
    INSTALLED_APPS = ["django.contrib.contenttypes", "celery_lint", "demoapp"]
"""


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param(None, id="never-named"),
        pytest.param('os.environ["CONFIGURATION"]', id="from-the-environment"),
        pytest.param('"Staging"', id="names-no-class-of-the-module"),
    ],
)
def test_no_configuration_is_picked_when_it_cannot_be_determined(project, expression):
    write_files(project, {"manage.py": manage(None, expression), "proj/settings.py": DEV_WITHOUT_RESULTS})
    assert lint(project, "CEL") == []
    (unknown,) = read(project)
    assert (unknown.name, unknown.candidates) == (None, ("Base", "Prod", "Dev"))
    assert [c.name for c in unknown.classes] == ["Base"]  # what every candidate inherits


def test_the_leaf_without_the_results_app_is_cel301_once_named(project):
    assert run(project, DEV_WITHOUT_RESULTS, configuration="Dev", select="CEL301") == [
        ("proj/settings.py", BASE_END, "CEL301")
    ]


def test_the_common_base_is_still_read_by_name(project):
    files = {"manage.py": manage(None), "proj/settings.py": DEV_WITHOUT_RESULTS.replace(
        '    CELERY_BROKER_URL = "memory://"\n', '    CELERY_BROKER = "memory://"\n')}
    write_files(project, files)
    assert lint(project, "CEL104") == [("proj/settings.py", BASE_END - 1, "CEL104")]


@pytest.mark.parametrize(
    "prod",
    [
        pytest.param('    CELERY_RESULT_BACKEND = values.Value("django-db")\n', id="value-from-the-environment"),
        pytest.param("    @property\n    def CELERY_RESULT_BACKEND(self):\n        return 'django-db'\n",
                     id="property"),
        pytest.param("    def INSTALLED_APPS(self):\n        return []\n", id="method"),
        pytest.param("    @classmethod\n    def setup(cls):\n        super().setup()\n", id="setup-hook"),
        pytest.param("    @classmethod\n    def post_setup(cls):\n        cls.INSTALLED_APPS = []\n",
                     id="post-setup-hook"),
        pytest.param("    EMAIL = values.EmailURLValue('smtp://x')\n", id="a-value-setting-several-names"),
    ],
)
def test_what_the_class_computes_is_unknown(project, prod):
    """The bait: Prod drops the results app, which is CEL301 when nothing is computed
    (test_values_of_the_class_are_read_with_inheritance)."""
    settings = PROD + DROP_RESULTS_APP + prod
    assert run(project, settings, select="CEL301") == []


def test_a_base_the_analysis_cannot_read_makes_the_values_unknown(project):
    settings = PROD.replace("class Prod(Base):", "class Prod(SentryMixin, Base):").replace(
        "from configurations import", "from company.settings import SentryMixin\nfrom configurations import"
    ) + DROP_RESULTS_APP
    assert run(project, settings, select="CEL301") == []


def test_the_configured_class_replaces_what_the_source_names(project):
    write_files(project, {"manage.py": manage(), "proj/settings.py": DEV_WITHOUT_RESULTS})
    Project._cache.clear()
    told = Project.get(project, options=ProjectOptions(configuration="Dev"))
    assert [s.configuration.name for s in told.settings] == ["Dev"]


@pytest.mark.parametrize(("body", "problem"), [('configuration = "proj.Dev"', "is not a class name"),
                                               ("configuration = 1", "expected a string, got an integer")])
def test_a_bad_configuration_value_is_refused(tmp_path, body, problem):
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.celery-lint]\n{body}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_config(path)


def test_task_names_in_a_configuration_class_are_checked(project):
    """CEL206 reads the beat schedule where the class writes it."""
    schedule = '    CELERY_BEAT_SCHEDULE = {"add": {"task": "tasks.add", "schedule": 60.0}}\n'
    assert run(project, PROD + schedule, select="CEL206") == [("proj/settings.py", PROD_LINE + 1, "CEL206")]
    good = schedule.replace('"tasks.add"', '"demoapp.tasks.add"')
    assert run(project, PROD + good, select="CEL206") == []


WSGI = 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n{}'
EAGER_DEV = PROD + "\n\nclass Dev(Base):\n    CELERY_TASK_ALWAYS_EAGER = True\n"


@pytest.mark.parametrize(
    ("settings", "manage_names", "wsgi_names", "found"),
    [
        pytest.param(EAGER_DEV, "Dev", "Prod", [], id="eager-in-dev-the-server-runs-prod"),
        pytest.param(PROD + "    CELERY_TASK_ALWAYS_EAGER = True\n", "Dev", "Prod",
                     [("proj/settings.py", PROD_LINE + 1, "CEL401")], id="eager-in-prod-the-server-runs"),
        pytest.param(EAGER_DEV, "Dev", "Dev", [], id="the-server-runs-a-dev-class"),
        pytest.param(PROD + "    CELERY_TASK_ALWAYS_EAGER = True\n", "Prod", None, [],
                     id="the-server-names-no-class"),
    ],
)
def test_eager_tasks_in_the_configuration_the_server_runs(project, settings, manage_names, wsgi_names, found):
    """CEL401 judges the class wsgi.py names, never a development class beside it."""
    wsgi = WSGI.format(CHOOSE.format(f'"{wsgi_names}"').strip() + "\n" if wsgi_names else "")
    assert run(project, settings, manage_names, "CEL401", proj__wsgi=wsgi) == found
