"""CEL304 proof: the DatabaseScheduler without django_celery_beat installed stops beat.

`celery -A proj beat` exits at start with the RuntimeError of the models of
django-celery-beat, and every spelling the rule knows loads that same class (the
`django` alias through the `celery.beat_schedulers` entry point). With the app
installed, beat's scheduler class is the DatabaseScheduler and loads without error.
"""

from __future__ import annotations

from celery_lint.examples import write_project
from celery_lint.engine import lint_paths, select_rules
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules
from celery_lint.rules.cel304 import SPELLINGS
from tests.helpers import BIN, run
from tests.proof import probe

load_rules()
RULE = REGISTRY["CEL304"]
MODELS_ERROR = (
    "RuntimeError: Model class django_celery_beat.models.SolarSchedule doesn't declare an explicit app_label "
    "and isn't in an application in INSTALLED_APPS."
)

LOAD_SCHEDULERS = """\
import json, os, sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from celery.apps.beat import Beat
from celery.utils.imports import load_extension_class_names, symbol_by_name

from proj.celery import app

aliases = dict(load_extension_class_names("celery.beat_schedulers"))
loaded = {}
for spelling in sys.argv[1:] or [Beat(app=app).scheduler_cls]:
    try:
        cls = symbol_by_name(spelling, aliases=aliases)
        loaded[spelling] = [f"{c.__module__}.{c.__name__}" for c in cls.__mro__]
    except Exception as exc:
        loaded[spelling] = f"{type(exc).__name__}: {exc}"
print(json.dumps(loaded))
"""


def test_beat_fails_at_start(tmp_path):
    write_project(RULE.bad, tmp_path)
    result = run([str(BIN / "celery"), "-A", "proj", "beat", "-s", str(tmp_path / "schedule")], tmp_path, timeout=60)
    assert result.returncode != 0
    assert MODELS_ERROR in result.stdout + result.stderr


def test_every_spelling_loads_the_models_and_fails(tmp_path):
    code = LOAD_SCHEDULERS.replace("sys.argv[1:]", repr(sorted(SPELLINGS)))
    loaded = probe(RULE.bad, tmp_path, code)
    assert loaded == {spelling: MODELS_ERROR for spelling in SPELLINGS}


def test_good_example_loads_the_database_scheduler(tmp_path):
    loaded = probe(RULE.good, tmp_path, LOAD_SCHEDULERS)
    (mro,) = loaded.values()
    assert mro[0] == "django_celery_beat.schedulers.DatabaseScheduler"


def test_spellings_are_the_database_scheduler_per_django_celery_beat(tmp_path):
    """django_celery_beat.utils.is_database_scheduler, the library's own test, agrees."""
    code = (
        "import json, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\nimport django\n"
        "django.setup()\nfrom django_celery_beat.utils import is_database_scheduler\n"
        f"print(json.dumps([is_database_scheduler(s) for s in {sorted(SPELLINGS)!r}]))\n"
    )
    assert probe(RULE.good, tmp_path, code) == [True] * len(SPELLINGS)


def test_the_message_says_what_the_proof_shows(tmp_path):
    """The finding on the bad example names what the tests above show (beat's RuntimeError)."""
    root = write_project(RULE.bad, tmp_path / "message")
    (finding,) = lint_paths([root], select_rules(["CEL304"], extend_select=["CEL304"])).findings
    for phrase in ("`celery beat` fails at start with RuntimeError",):
        assert phrase in finding.message, finding.message
