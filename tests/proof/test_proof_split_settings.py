"""django-split-settings proof: a component's settings are Django settings of the
settings module, read in order (a later file extends INSTALLED_APPS), relative to
the including file; a typo there is a Django setting Celery silently ignores, at
the line celery-lint reports."""

from __future__ import annotations

import json

from tests.helpers import lint, run_python, write_files
from tests.test_split_settings import COMPONENT_TYPO, split

READ = """\
import json
from proj.celery import app
from django.conf import settings
print(json.dumps({
    "written": getattr(settings, "CELERY_BROKER", None),
    "broker_url": app.conf.broker_url,
    "results_app": "django_celery_results" in settings.INSTALLED_APPS,
    "backend": app.conf.result_backend,
}))
"""


def test_a_component_typo_is_a_setting_celery_ignores(tmp_path):
    write_files(tmp_path, split(celery=COMPONENT_TYPO))
    result = run_python(READ, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    conf = json.loads(result.stdout.splitlines()[-1])
    assert conf["written"] == "redis://"  # the component ran in the settings module
    assert conf["broker_url"] == "memory://"  # CELERY_BROKER_URL, not the typo
    assert conf["results_app"] is True  # INSTALLED_APPS += [...] in the later component
    assert conf["backend"] == "django-db"
    assert lint(tmp_path, "CEL104") == [("proj/settings/components/celery.py", 5, "CEL104")]
