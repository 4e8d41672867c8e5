"""Large real trees that are not Django projects: the installed Django, Celery and the
django-celery packages, linted as trees by the command and (a sample) by flake8. No
crash, no finding, nothing skipped. Slow-ish (about 10 s in all on a quiet machine)
but kept in the default run: they are the widest real-code check there is."""

from __future__ import annotations

from pathlib import Path

import celery
import django
import django_celery_beat
import django_celery_results
import pytest

from tests.helpers import BIN, run

PACKAGES = {
    "django": Path(django.__file__).parent,
    "celery": Path(celery.__file__).parent,
    "django_celery_results": Path(django_celery_results.__file__).parent,
    "django_celery_beat": Path(django_celery_beat.__file__).parent,
}
# not Django projects: the settings rules cannot run, and the user is told
NO_DJANGO = (
    "no Django project under {} (no manage.py, no DJANGO_SETTINGS_MODULE naming a settings module): "
    "the settings rules did not run; name the settings module with"
)
FLAKE8_SAMPLE = [
    PACKAGES["django"] / "conf",
    PACKAGES["django"] / "core" / "management",
    PACKAGES["celery"] / "app",
    PACKAGES["celery"] / "fixups",
    PACKAGES["django_celery_results"],
    PACKAGES["django_celery_beat"],
]


@pytest.mark.parametrize("name", PACKAGES)
def test_command_on_an_installed_package(tmp_path, name):
    result = run([str(BIN / "celery-lint"), str(PACKAGES[name])], tmp_path, timeout=300)
    assert result.stderr == f"celery-lint: warning: {NO_DJANGO.format(PACKAGES[name])} --settings\n"
    assert result.returncode == 0, result.stdout[-3000:]
    count = int(result.stdout.split()[3])
    assert result.stdout == f"No findings in {count} files (no Django project).\n" and count > 20


def test_flake8_on_a_sample_of_them(tmp_path):
    result = run([str(BIN / "flake8"), "--select=CEL", *map(str, FLAKE8_SAMPLE)], tmp_path, timeout=300)
    where = f"{FLAKE8_SAMPLE[0]} (and {len(FLAKE8_SAMPLE) - 1} more)"
    warning = f"celery-lint: warning: {NO_DJANGO.format(where)} --celery-lint-settings\n"
    assert (result.returncode, result.stdout, result.stderr) == (0, "", warning)
