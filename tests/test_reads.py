"""Names the project reads: a `CELERY_*` (or any settings) name is the project's own only
where code loads it, never because a comment, a docstring, a string or another
assignment spells it (`celery_lint/rules/_reads.py`)."""

from __future__ import annotations

import pytest

from celery_lint.project import Project
from celery_lint.rules._reads import is_read
from tests.helpers import lint, write_files

FIRST = 33  # the first line appended to proj/settings.py
TYPO = "CELERY_TASK_TIME_LIMT = 300\n"

READS = {
    "attribute": "from django.conf import settings\n\nX = settings.CELERY_TASK_TIME_LIMT\n",
    "aliased-settings": "from django.conf import settings as s\n\nX = s.CELERY_TASK_TIME_LIMT\n",
    "module-attribute": "import django.conf\n\nX = django.conf.settings.CELERY_TASK_TIME_LIMT\n",
    "getattr": "from django.conf import settings\n\nX = getattr(settings, 'CELERY_TASK_TIME_LIMT')\n",
    "getattr-default": "from django.conf import settings\n\nX = getattr(settings, 'CELERY_TASK_TIME_LIMT', 60)\n",
    "hasattr": "from django.conf import settings\n\nX = hasattr(settings, 'CELERY_TASK_TIME_LIMT')\n",
    "in-a-function": "from django.conf import settings\n\n\ndef f():\n    return settings.CELERY_TASK_TIME_LIMT\n",
    "settings-parameter": "def f(settings):\n    return settings.CELERY_TASK_TIME_LIMT\n",
    "settings-module": "from proj import settings\n\nX = settings.CELERY_TASK_TIME_LIMT\n",
    "import-from-settings": "from proj.settings import CELERY_TASK_TIME_LIMT\n\nX = CELERY_TASK_TIME_LIMT\n",
}
NOT_READS = {
    "comment": "# CELERY_TASK_TIME_LIMT is set in the settings\nX = 1\n",
    "docstring": '"""Reads CELERY_TASK_TIME_LIMT."""\n',
    "string": "NAME = 'CELERY_TASK_TIME_LIMT'\n",
    "environment-variable": "import os\n\nX = os.environ.get('CELERY_TASK_TIME_LIMT')\n",
    "assignment": "CELERY_TASK_TIME_LIMT = 10\n",
    "attribute-of-another-object": "import os\n\nX = os.CELERY_TASK_TIME_LIMT\n",
    "getattr-of-another-object": "import os\n\nX = getattr(os, 'CELERY_TASK_TIME_LIMT', None)\n",
    "store": "from django.conf import settings\n\nsettings.CELERY_TASK_TIME_LIMT = 5\n",
}


@pytest.mark.parametrize("reader", list(READS))
def test_a_read_makes_the_name_the_projects_own(project, reader):
    write_files(project, {"+proj/settings.py": TYPO, "demoapp/limits.py": READS[reader]})
    assert lint(project, "CEL104") == []
    assert is_read(Project.get(project), "CELERY_TASK_TIME_LIMT")


@pytest.mark.parametrize("spelling", list(NOT_READS))
def test_a_spelling_that_is_no_read_does_not(project, spelling):
    write_files(project, {"+proj/settings.py": TYPO, "demoapp/limits.py": NOT_READS[spelling]})
    assert lint(project, "CEL104") == [("proj/settings.py", FIRST, "CEL104")]


@pytest.mark.parametrize(
    ("appended", "expected"),
    [
        pytest.param(TYPO + "CELERY_TASK_TIME_LIMIT = CELERY_TASK_TIME_LIMT * 2\n", [], id="loaded-after-it"),
        pytest.param(TYPO + "CELERY_BEAT_SCHEDULE = {'x': {'task': 't', 'schedule': CELERY_TASK_TIME_LIMT}}\n", [],
                     id="loaded-in-a-setting"),
        pytest.param(TYPO + "# CELERY_TASK_TIME_LIMT above is ours\n", [FIRST], id="comment-in-the-settings"),
        pytest.param(TYPO + "NOTE = 'CELERY_TASK_TIME_LIMT'\n", [FIRST], id="string-in-the-settings"),
        pytest.param("import os\n\nCELERY_TASK_TIME_LIMT = os.environ.get('CELERY_TASK_TIME_LIMT')\n", [FIRST + 2],
                     id="environment-variable-in-the-settings"),
    ],
)
def test_loads_in_the_settings(project, appended, expected):
    write_files(project, {"+proj/settings.py": appended})
    assert lint(project, "CEL104") == [("proj/settings.py", line, "CEL104") for line in expected]


def test_other_rules_read_the_same_way(project):
    files = {
        "+proj/settings.py": "TASK_DEFAULT_PRIORITY = 5\nCELERYD_CONCURRENCY = 2\nbroker_transport_options = {}\n",
        "demoapp/notes.py": "# TASK_DEFAULT_PRIORITY, CELERYD_CONCURRENCY and broker_transport_options\n",
    }
    write_files(project, files)
    assert [code for _, _, code in lint(project)] == ["CEL101", "CEL102", "CEL103"]
    files["demoapp/notes.py"] = (
        "from django.conf import settings\n\n"
        "X = (settings.TASK_DEFAULT_PRIORITY, getattr(settings, 'CELERYD_CONCURRENCY', 1))\n"
    )
    write_files(project, files)
    # a lowercase name is never on settings; the old name the project reads itself is CEL107's (Celery 5.7
    # reads it too), not CEL102's
    assert [code for _, _, code in lint(project)] == ["CEL107", "CEL103"]

