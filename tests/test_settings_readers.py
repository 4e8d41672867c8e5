"""Several Celery apps reading one project's settings: each name is judged for the
apps reading it under namespace 'CELERY', and reported only when no app reading those
settings reads it (`celery_lint/rules/_settings.py`)."""

from __future__ import annotations

import pytest

from celery_lint.engine import lint_paths, select_rules
from tests.helpers import lint, write_files

FIRST = 33  # the first line appended to proj/settings.py
SECOND_APP = (
    'import os\n\nfrom celery import Celery\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\n'
    'app = Celery("worker")\napp.config_from_object({source}{namespace})\napp.autodiscover_tasks()\n'
)


def two_apps(settings: str, namespace: str = ', namespace="WORKER"', source: str = '"django.conf:settings"'):
    return {"proj/worker.py": SECOND_APP.format(source=source, namespace=namespace), "+proj/settings.py": settings}


def messages(project) -> list[tuple[int, str, str]]:
    return [(f.line, f.code, f.message) for f in lint_paths([project], select_rules(["CEL"])).findings]


def test_a_name_of_the_second_namespace_is_right_and_a_typo_of_the_first_is_wrong(project):
    write_files(project, two_apps('WORKER_BROKER_URL = "memory://"\nCELERY_BROKER = "memory://"\n'))
    assert messages(project) == [(
        FIRST + 1, "CEL104",
        "CELERY_BROKER is not a Celery setting and is silently ignored; did you mean CELERY_BROKER_URL? "
        "(for the app proj.celery:app with namespace 'CELERY'; proj.worker:app (namespace 'WORKER') also reads "
        "these settings, not this name)",
    )]


def test_a_name_neither_namespace_reads_is_reported_once(project):
    # WORKER reads worker_concurrency as WORKER_WORKER_CONCURRENCY, CELERY as CELERY_WORKER_CONCURRENCY
    write_files(project, two_apps("TASK_ALWAYS_EAGER = True\nWORKER_CONCURRENCY = 2\n"))
    assert lint(project) == [("proj/settings.py", FIRST, "CEL101"), ("proj/settings.py", FIRST + 1, "CEL101")]


def test_clean_two_namespaces(project):
    write_files(project, two_apps("WORKER_BROKER_URL = 'memory://'\nWORKER_WORKER_CONCURRENCY = 2\n"
                                  "CELERY_TASK_ALWAYS_EAGER = True\n"))
    assert lint(project) == []


def test_two_apps_with_the_same_namespace_report_once_naming_both(project):
    write_files(project, two_apps("CELERY_BROKER = 'memory://'\n", namespace=', namespace="CELERY"'))
    ((line, code, message),) = messages(project)
    assert (line, code) == (FIRST, "CEL104")
    assert message.endswith("(for the apps proj.celery:app, proj.worker:app with namespace 'CELERY')")


def test_old_names_are_right_for_an_app_without_namespace(project):
    settings = "CELERYD_CONCURRENCY = 2\nBROKER_URL = 'memory://'\nTASK_ALWAYS_EAGER = True\n"
    write_files(project, two_apps(settings, namespace=""))
    assert lint(project) == [("proj/settings.py", FIRST + 2, "CEL101")]


def test_no_namespace_beside_a_celery_app_is_not_cel003_for_the_names_that_app_reads(project):
    write_files(project, two_apps("", namespace=""))
    assert lint(project, "CEL003") == []


def test_no_namespace_alone_is_cel003(project):
    write_files(project, {"proj/celery.py": SECOND_APP.format(source='"django.conf:settings"', namespace="")})
    assert lint(project, "CEL003") == [("proj/celery.py", 8, "CEL003")]


def test_a_lowercase_key_is_read_from_a_settings_module_read_directly(project):
    """`config_from_object("proj.settings")` reads the module's attributes: `broker_url`
    is read there (CEL002 says why not to do this; CEL103 does not apply)."""
    settings = "broker_transport_options = {}\n"
    write_files(project, two_apps(settings, namespace=', namespace="CELERY"', source='"proj.settings"'))
    assert lint(project) == [("proj/worker.py", 8, "CEL002")]
    files = {"proj/celery.py": SECOND_APP.format(source='"proj.settings"', namespace=', namespace="CELERY"'),
             "+proj/settings.py": settings}
    single = write_files(project.parent / "single", files)
    assert lint(single) == [("proj/celery.py", 8, "CEL002")]


@pytest.mark.parametrize(
    "namespace",
    [
        pytest.param(", namespace=NAMESPACE", id="unknown-namespace"),
        pytest.param(", **OPTIONS", id="unknown-options"),
    ],
)
def test_an_app_with_an_unknown_namespace_silences_the_settings_it_reads(project, namespace):
    write_files(project, two_apps("CELERY_BROKER = 'memory://'\nTASK_ALWAYS_EAGER = True\n", namespace=namespace))
    assert lint(project) == []


def test_an_app_of_another_source_does_not_count(project):
    files = two_apps("CELERY_BROKER = 'memory://'\n", namespace=', namespace="CELERY"', source='"proj.celeryconfig"')
    write_files(project, files)
    ((line, code, message),) = messages(project)
    assert (line, code) == (FIRST, "CEL104") and "(for the app" not in message
