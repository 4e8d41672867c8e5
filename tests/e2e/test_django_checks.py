"""The real `manage.py check` with celery_lint in INSTALLED_APPS.

Compatible bad examples are merged into one project per `check` run, which keeps
the number of Django start-ups small; the database steps run in order on one
canonical project: `check` and `check --tag celery_lint` (no database touched),
`check --database default` (CEL302 before the migrations), `migrate` (not
blocked), `check --database default`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
from tests.e2e import STATIC_CODES
from tests.helpers import PYTHON, run

ISSUE_ID = re.compile(r"^(?P<obj>\S+): \(celery_lint\.(?P<id>[EW]\d{3})\) (?P<message>.+)$", re.M)
ANY_ID = re.compile(r"\(celery_lint\.([EW]\d{3})\)")
OUR_NUMBERS = {code[3:] for code in [*STATIC_CODES, "CEL302"]}


def merged(*codes: str, extra: dict[str, str] | None = None) -> Example:
    """The union of the bad examples of `codes` (a file they both replace is refused;
    appended texts are concatenated)."""
    files: dict[str, str] = {}
    for code in codes:
        for path, text in REGISTRY[code].bad.texts().items():
            if path in files and not path.startswith("+"):
                raise ValueError(f"{code} and another example both replace {path}")
            files[path] = files.get(path, "") + text
    for path, text in (extra or {}).items():
        files[path] = files.get(path, "") + text
    return Example(files)


def manage(root: Path, *args: str):
    return run([PYTHON, "manage.py", *args], root)


def our_ids(output: str) -> list[str]:
    """The celery_lint ids of the issue-2 rules in `output`, in order."""
    return [i for i in ANY_ID.findall(output) if i[1:] in OUR_NUMBERS]


# CEL201 live sees a file loaded as two modules once the Django process loads the view
# that imports it under the other name: the URLconf does
BILLING_URLS = {"+proj/urls.py": "from apps.billing import views as billing_views  # noqa: E402,F401\n"}


def check_bad(root: Path, codes: tuple[str, ...], extra: dict[str, str]):
    write_project(merged(*codes, extra=extra), root)
    result = manage(root, "check")
    return result, result.stdout + result.stderr


@pytest.fixture(scope="module")
def settings_and_imports(tmp_path_factory):
    """CEL101-104 and CEL201 (all append to the settings) in one project."""
    root = tmp_path_factory.mktemp("checks") / "settings"
    return check_bad(root, ("CEL101", "CEL102", "CEL103", "CEL104", "CEL201"), BILLING_URLS)


def test_settings_and_imports(settings_and_imports):
    result, output = settings_and_imports
    assert sorted(our_ids(output)) == sorted(["E101", "E102", "E103", "W104", "E201"])  # E102 on any Celery, output
    assert result.returncode == 1


def test_static_findings_point_at_file_and_line(settings_and_imports):
    _, output = settings_and_imports
    where = {m["id"]: m["obj"] for m in ISSUE_ID.finditer(output)}
    settings_line = {"E101": 33, "E102": 34, "E103": 35, "W104": 36}
    assert {i: where[i] for i in settings_line} == {i: f"proj/settings.py:{n}" for i, n in settings_line.items()}
    assert where["E201"] == "apps/billing/tasks.py"  # live: the file loaded as two modules


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        pytest.param(("CEL001", "CEL004"), ["E001", "E004"], id="app-module-and-package"),
        pytest.param(("CEL003",), ["E003"], id="namespace"),
        pytest.param(("CEL301",), ["E301"], id="results-app"),
    ],
)
def test_bad_examples_are_reported_once_each(tmp_path, codes, expected):
    result, output = check_bad(tmp_path, codes, {})
    assert sorted(our_ids(output)) == sorted(expected), output
    assert result.returncode == 1


def test_silenced_system_checks(tmp_path):
    silence = 'SILENCED_SYSTEM_CHECKS = ["celery_lint.E101", "celery_lint.E301"]\n'
    write_project(merged("CEL301", "CEL101", "CEL103", extra={"+proj/settings.py": silence}), tmp_path)
    result = manage(tmp_path, "check")
    output = result.stdout + result.stderr
    assert our_ids(output) == ["E103"], output
    assert "(2 silenced)" in output


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> Path:
    return write_project(Example({}), tmp_path_factory.mktemp("checks") / "canonical")


@pytest.fixture(scope="module")
def database_steps(canonical) -> dict[str, object]:
    """The commands, in order, on the canonical (unmigrated sqlite) project; sqlite
    creates the database file on the first connection."""
    steps: dict[str, object] = {}
    steps["check"] = manage(canonical, "check")
    steps["db_created_by_check"] = (canonical / "db.sqlite3").exists()
    # Django 6.1 hands every database to the checks a --tag selects
    steps["check_tag"] = manage(canonical, "check", "--tag", "celery_lint")
    steps["db_created_by_check_tag"] = (canonical / "db.sqlite3").exists()
    steps["check_db_before"] = manage(canonical, "check", "--database", "default")
    steps["migrate"] = manage(canonical, "migrate", "--noinput")
    steps["check_db_after"] = manage(canonical, "check", "--database", "default")
    return steps


def test_canonical_project_is_clean_and_check_touches_no_database(database_steps):
    result = database_steps["check"]
    assert result.returncode == 0, result.stderr
    assert ANY_ID.findall(result.stdout + result.stderr) == []
    assert "System check identified no issues" in result.stdout
    assert database_steps["db_created_by_check"] is False


def test_check_of_our_tag_touches_no_database(database_steps):
    result = database_steps["check_tag"]
    assert result.returncode == 0, result.stderr
    assert ANY_ID.findall(result.stdout + result.stderr) == []
    assert database_steps["db_created_by_check_tag"] is False


def test_check_with_the_database_reports_unapplied_migrations(database_steps):
    result = database_steps["check_db_before"]
    output = result.stdout + result.stderr
    assert result.returncode == 1
    (issue,) = [m for m in ISSUE_ID.finditer(output) if m["id"] == "E302"]
    assert issue["obj"] == "default"
    assert re.match(r"\d+ migration\(s\) of django_celery_results not applied on database 'default' \(0001_initial",
                    issue["message"]), issue["message"]
    assert "HINT: Run: python manage.py migrate django_celery_results --database default" in output


def test_migrate_is_not_blocked(database_steps):
    result = database_steps["migrate"]
    assert result.returncode == 0, result.stderr
    assert "Applying django_celery_results.0001_initial... OK" in result.stdout
    assert "celery_lint" not in result.stdout + result.stderr


def test_check_with_the_database_is_clean_after_migrate(database_steps):
    result = database_steps["check_db_after"]
    assert result.returncode == 0, result.stderr
    assert ANY_ID.findall(result.stdout + result.stderr) == []


UNREACHABLE = {"+proj/settings.py": 'DATABASES["default"]["NAME"] = BASE_DIR / "no-such-directory" / "db.sqlite3"\n'}


@pytest.mark.parametrize("args", [(), ("--tag", "celery_lint"), ("--tag", "database")], ids=["plain", "our-tag", "database-tag"])
def test_unreachable_database_untouched_without_database(tmp_path, args):
    """No database named: nothing connects (a connection would fail and say so)."""
    root = write_project(Example(UNREACHABLE), tmp_path)
    result = manage(root, "check", *args)
    assert result.returncode == 0, result.stderr
    assert ANY_ID.findall(result.stdout + result.stderr) == []


def test_unreachable_database_named_is_reported_unchecked(tmp_path):
    root = write_project(Example(UNREACHABLE), tmp_path)
    result = manage(root, "check", "--database", "default")
    output = result.stdout + result.stderr
    (issue,) = [m for m in ISSUE_ID.finditer(output) if m["id"] == "E302"]  # the rule's one id, at warning level
    assert issue["obj"] == "default"
    assert issue["message"].startswith("could not check the migrations of django_celery_results on database 'default'")
    assert "unable to open database file" in issue["message"]
