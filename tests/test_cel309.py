"""CEL309: django-celery-beat's DatabaseScheduler with USE_TZ = False, gated by the
django-celery-beat release the project pins (read as the Celery pin is), else the one
installed beside celery-lint."""

from __future__ import annotations

from importlib import metadata

import pytest

from celery_lint.engine import lint_paths, select_rules
from celery_lint.rules.cel309 import CHECKED_UP_TO, MISREADS_FROM, example
from celery_lint.versions import parse_version, pinned
from tests.helpers import lint, write_files

BAD = example(False).texts()["proj/settings.py"]
USE_TZ_LINE = BAD.splitlines().index("USE_TZ = False") + 1


def files(settings: str = BAD, pin: str = "django-celery-beat==2.9.0\n", pin_file: str = "requirements.txt") -> dict[str, str]:
    return {"proj/settings.py": settings, pin_file: pin}


def cel309(project, changed: dict[str, str]) -> list[tuple[str, int, str]]:
    write_files(project, changed)
    return [f for f in lint(project, "CEL309") if f[2] == "CEL309"]


def message(project) -> str:
    (finding,) = [f for f in lint_paths([project], select_rules(["CEL309"])).findings]
    return finding.message


@pytest.mark.parametrize(
    ("pin", "pin_file"),
    [
        pytest.param("django-celery-beat==2.9.0\n", "requirements.txt", id="requirements"),
        pytest.param("Django_Celery_Beat==2.8.1\n", "requirements.txt", id="spelled-otherwise"),
        pytest.param("django-celery-beat>=2.8.1,<3\n", "requirements.txt", id="lower-bound"),
        pytest.param('[project]\nname = "x"\ndependencies = ["django-celery-beat~=2.9.0"]\n', "pyproject.toml",
                     id="pyproject"),
        pytest.param('[[package]]\nname = "django-celery-beat"\nversion = "2.9.0"\n', "uv.lock", id="uv-lock"),
        pytest.param('[tool.poetry.dependencies]\ndjango-celery-beat = "^2.8.1"\n', "pyproject.toml", id="poetry"),
    ],
)
def test_fires_at_use_tz_on_the_releases_that_misread(project, pin, pin_file):
    assert cel309(project, files(pin=pin, pin_file=pin_file)) == [("proj/settings.py", USE_TZ_LINE, "CEL309")]


def test_the_message_names_the_release_and_the_zone(project):
    write_files(project, files())
    text = message(project)
    assert "django-celery-beat 2.9.0 from requirements.txt" in text
    assert "TIME_ZONE 'Europe/Paris' but read as UTC" in text


def test_2_8_0_fails_at_start_whatever_the_zone(project):
    utc = BAD.replace('TIME_ZONE = "Europe/Paris"', 'TIME_ZONE = "UTC"')
    write_files(project, files(utc, "django-celery-beat==2.8.0\n"))
    assert "`celery beat` fails as it loads the schedule" in message(project)


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(files(pin="django-celery-beat==2.7.0\n"), id="before-2.8"),
        pytest.param(files(pin="django-celery-beat==2.5.0\n"), id="oldest-supported"),
        pytest.param(files(pin="django-celery-beat==2.10.0\n"), id="after-the-newest-checked"),
        pytest.param(files(BAD.replace("USE_TZ = False", "USE_TZ = True")), id="use-tz"),
        pytest.param(files(BAD.replace("USE_TZ = False\n", "")), id="use-tz-unset"),
        pytest.param(files(BAD.replace("USE_TZ = False", 'import os\nUSE_TZ = os.environ.get("TZ") == "1"')),
                     id="use-tz-unknown"),
        pytest.param(files(BAD.replace('TIME_ZONE = "Europe/Paris"', 'TIME_ZONE = "Etc/UTC"')), id="utc"),
        pytest.param(files(BAD.replace('"django_celery_beat.schedulers:DatabaseScheduler"',
                                       '"celery.beat:PersistentScheduler"')), id="other-scheduler"),
        pytest.param(files(BAD.replace('"django_celery_beat.schedulers:DatabaseScheduler"', "SCHEDULER")),
                     id="scheduler-unknown"),
        pytest.param(files(BAD.replace('    "django_celery_beat",\n', "")), id="app-not-installed"),
    ],
)
def test_silent(project, changed):
    assert cel309(project, changed) == []


def test_without_a_pin_the_installed_release_decides(project):
    write_files(project, {"proj/settings.py": BAD})
    installed = parse_version(metadata.version("django-celery-beat"))
    expected = [("proj/settings.py", USE_TZ_LINE, "CEL309")] if MISREADS_FROM <= installed <= CHECKED_UP_TO else []
    assert cel309(project, {"proj/settings.py": BAD}) == expected
    if expected:
        assert "from the installed package" in message(project)


def test_other_packages_pins_do_not_count_as_celery(tmp_path):
    """The Celery pin and the django-celery-beat pin are read apart from each other."""
    (tmp_path / "requirements.txt").write_text("celery==5.5.3\ndjango-celery-beat==2.9.0\ndjango-celery-results==2.6.0\n")
    assert pinned([tmp_path]).version == (5, 5, 3)
    assert pinned([tmp_path], "django-celery-beat").version == (2, 9, 0)
    assert pinned([tmp_path], "django-celery-results").version == (2, 6, 0)
    alone = tmp_path / "beat-only"  # each directory's pins are read once per process
    alone.mkdir()
    (alone / "requirements.txt").write_text("django-celery-beat==2.9.0\n")
    assert pinned([alone]) is None
