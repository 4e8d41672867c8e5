"""django-configurations proof: the attributes of the class DJANGO_CONFIGURATION names,
inherited ones included, are the Django settings; a typo among them is a setting Celery
silently ignores, at the class attribute celery-lint reports. A module-level Django
setting is replaced by Django's default the metaclass copies into the class, while a
module-level CELERY_ name stays."""

from __future__ import annotations

import json

from tests.helpers import lint, run_python, write_files
from tests.test_configurations import PROD, PROD_LINE, manage

READ = """\
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
os.environ.setdefault("DJANGO_CONFIGURATION", "Prod")
import configurations
configurations.setup()
from proj.celery import app
from django.conf import settings
print(json.dumps({
    "configuration": settings.CONFIGURATION,
    "written": getattr(settings, "CELERY_TASK_SOFT_TIMELIMIT", None),
    "soft_time_limit": app.conf.task_soft_time_limit,
    "time_limit": app.conf.task_time_limit,
    "inherited": app.conf.result_backend,
    "module_time_zone": settings.TIME_ZONE,
    "module_celery_name": app.conf.task_acks_late,
}))
"""
MODULE_LEVEL = 'TIME_ZONE = "Europe/Paris"\nCELERY_TASK_ACKS_LATE = True\n\n\n'


def test_a_typo_in_the_configuration_class_is_a_setting_celery_ignores(tmp_path):
    settings = PROD.replace("\n\nclass Base", "\n\n" + MODULE_LEVEL + "class Base")
    settings += "    CELERY_TASK_SOFT_TIMELIMIT = 10\n"
    write_files(tmp_path, {"manage.py": manage(), "proj/settings.py": settings})
    result = run_python(READ, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    conf = json.loads(result.stdout.splitlines()[-1])
    assert conf["configuration"] == "proj.settings.Prod"
    assert conf["written"] == 10  # a Django setting ...
    assert conf["soft_time_limit"] is None  # ... Celery never reads
    assert conf["time_limit"] == 300  # Prod's own attribute
    assert conf["inherited"] == "django-db"  # Base's
    assert conf["module_time_zone"] == "America/Chicago"  # Django's default, copied into the class
    assert conf["module_celery_name"] is True
    assert lint(tmp_path, "CEL104") == [("proj/settings.py", PROD_LINE + MODULE_LEVEL.count("\n") + 1, "CEL104")]
