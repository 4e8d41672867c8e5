"""Proof of which value Celery reads when the Django settings and the app module both
set a key (`_celeryconf.effective`, which every CEL3xx-5xx rule on a setting reads).

`CELERY_TIMEZONE` in the settings and `app.conf.timezone` in the app module: the
installed Celery reads the app's write on 5.7 and the settings' namespaced name on
5.3-5.6 (`ConfigurationView.__getitem__` tries each key in every source before the
next key there, each source for every key here). The analysis, pinned to the
installed version, names the same value.
"""

from __future__ import annotations

import celery

from celery_lint.examples import BASE
from celery_lint.project import Project
from celery_lint.registry import Example
from celery_lint.rules._celeryconf import effective
from tests.proof import probe

APP = BASE["proj/celery.py"].replace("app.autodiscover_tasks()", 'app.conf.timezone = "Asia/Tokyo"\napp.autodiscover_tasks()')

READ = """\
import json, os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django

django.setup()
from proj.celery import app

print(json.dumps(app.conf.timezone))
"""


def test_the_analysis_names_the_value_the_installed_celery_reads(tmp_path):
    example = Example({
        "+proj/settings.py": 'CELERY_TIMEZONE = "Europe/Paris"\n', "proj/celery.py": APP,
        "requirements.txt": f"celery=={celery.__version__}\n",
    })
    read = probe(example, tmp_path, READ)
    expected = "Asia/Tokyo" if tuple(map(int, celery.__version__.split(".")[:2])) >= (5, 7) else "Europe/Paris"
    assert read == expected
    project = Project.get(tmp_path)
    assert effective(project, project.settings[0], "timezone").value == read
