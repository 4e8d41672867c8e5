"""The shapes a fix handles beyond its rule's example, and those it leaves as they are
(the finding stays, reported, for the author): `celery-lint --fix --unsafe-fixes`
on minimal projects, through the command."""

from __future__ import annotations

from pathlib import Path

import pytest

from celery_lint import cli
from celery_lint.examples import BASE
from tests.helpers import forget_the_filesystem, lint, write_files


def fixed(root: Path, *options: str) -> dict[str, str]:
    """Run `--fix --unsafe-fixes`; the texts of the project's Python files after it."""
    forget_the_filesystem()
    cli.main([str(root), "--fix", "--unsafe-fixes", "--isolated", *options])
    forget_the_filesystem()
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}


def codes(root: Path) -> list[str]:
    return [code for _, _, code in lint(root)]


def untouched(root: Path, capsys: pytest.CaptureFixture[str], *options: str) -> bool:
    before = {p: p.read_bytes() for p in root.rglob("*.py")}
    fixed(root, *options)
    capsys.readouterr()
    return {p: p.read_bytes() for p in root.rglob("*.py")} == before


def test_a_rename_to_a_name_the_file_assigns_is_left(project, capsys):
    write_files(project, {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\nCELERY_TASK_ALWAYS_EAGER = False\n"})
    assert "CEL101" in codes(project)
    assert untouched(project, capsys)


def test_a_rename_to_a_name_the_settings_chain_assigns_elsewhere_is_left(project, capsys):
    write_files(project, {
        "proj/common.py": "CELERY_WORKER_CONCURRENCY = 2\n",
        "+proj/settings.py": "from proj.common import *  # noqa: F403\n\nCELERYD_CONCURRENCY = 4\n",
    })
    assert "CEL102" in codes(project)
    assert untouched(project, capsys)


def test_a_rename_of_an_annotated_assignment(project, capsys):
    write_files(project, {"+proj/settings.py": "TASK_ALWAYS_EAGER: bool = True  # eager in tests\n"})
    texts = fixed(project)
    assert texts["proj/settings.py"].endswith("\nCELERY_TASK_ALWAYS_EAGER: bool = True  # eager in tests\n")
    assert codes(project) == []


def test_cel003_no_namespace_gets_one(project, capsys):
    app = BASE["proj/celery.py"].replace(', namespace="CELERY")', ")")
    write_files(project, {"proj/celery.py": app})
    assert codes(project) == ["CEL003"]
    texts = fixed(project)
    assert 'app.config_from_object("django.conf:settings", namespace="CELERY")\n' in texts["proj/celery.py"]
    assert codes(project) == []


def test_cel003_no_namespace_after_other_arguments(project, capsys):
    app = BASE["proj/celery.py"].replace(', namespace="CELERY")', ", True)")
    write_files(project, {"proj/celery.py": app})
    assert codes(project) == ["CEL003"]
    texts = fixed(project)
    assert 'app.config_from_object("django.conf:settings", True, namespace="CELERY")\n' in texts["proj/celery.py"]


# an installed app "apps.billing" whose parent directory the settings put on sys.path
BILLING = {
    "+proj/settings.py": 'import sys\n\nsys.path.insert(0, str(BASE_DIR / "apps"))\nINSTALLED_APPS += ["apps.billing"]\n',
    "apps/__init__.py": "",
    "apps/billing/__init__.py": "",
    "apps/billing/tasks.py": "from celery import shared_task\n\n\n@shared_task\ndef charge(invoice_id):\n    return invoice_id\n",
}


def test_cel201_from_the_package_import_tasks(project, capsys):
    write_files(project, {**BILLING, "apps/billing/views.py": "from billing import tasks  # the tasks module\n"})
    assert codes(project) == ["CEL201"]
    assert fixed(project)["apps/billing/views.py"] == "from apps.billing import tasks  # the tasks module\n"
    assert codes(project) == []


def test_cel201_a_plain_import_is_left(project, capsys):
    """`import billing.tasks`: the code spells the name where it uses it."""
    write_files(project, {**BILLING, "apps/billing/views.py": "import billing.tasks\n\nbilling.tasks.charge.delay(1)\n"})
    assert codes(project) == ["CEL201"]
    assert untouched(project, capsys)


ATOMIC_VIEW = """\
from django.db import transaction

from demoapp.tasks import add


def view(request):
    with transaction.atomic():
        {line}
"""


def test_cel204_a_result_that_is_used_is_left(project, capsys):
    write_files(project, {"demoapp/work.py": ATOMIC_VIEW.format(line="result = add.delay(2, 3)")})
    assert codes(project) == ["CEL204"]
    assert untouched(project, capsys)


def test_cel204_before_celery_5_4_is_left(project, capsys):
    write_files(project, {"demoapp/work.py": ATOMIC_VIEW.format(line="add.delay(2, 3)")})
    assert untouched(project, capsys, "--celery-version", "5.3.6")
    assert "add.delay_on_commit(2, 3)" in fixed(project)["demoapp/work.py"]


def test_cel001_a_setdefault_that_is_not_literal_is_left(project, capsys):
    app = BASE["proj/celery.py"].replace(
        '# Set the default Django settings module for the \'celery\' program.\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\n',
        "",
    ).replace('app = Celery("proj")\n', 'app = Celery("proj")\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)\n')
    write_files(project, {"proj/celery.py": "SETTINGS = 'proj.settings'\n" + app})
    assert codes(project) == ["CEL001"]
    assert untouched(project, capsys)


def test_cel001_a_setdefault_sharing_its_line_is_left(project, capsys):
    app = BASE["proj/celery.py"].replace(
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\n', ""
    ).replace('app = Celery("proj")\n', 'app = Celery("proj")\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings"); x = 1\n')
    write_files(project, {"proj/celery.py": app})
    assert codes(project) == ["CEL001"]
    assert untouched(project, capsys)


def test_cel004_merges_an_existing_all(project, capsys):
    write_files(project, {"proj/__init__.py": "VERSION = '1.0'\n__all__ = ['VERSION']\n"})
    assert codes(project) == ["CEL004"]
    assert fixed(project)["proj/__init__.py"] == (
        "from .celery import app as celery_app\n\nVERSION = '1.0'\n__all__ = ['VERSION', 'celery_app']\n"
    )
    assert codes(project) == []


def test_cel004_an_all_that_is_not_a_literal_is_left(project, capsys):
    write_files(project, {"proj/__init__.py": "from .version import names\n\n__all__ = names()\n", "proj/version.py": ""})
    assert codes(project) == ["CEL004"]
    assert untouched(project, capsys)


def test_cel002_a_settings_module_path_is_left(project, capsys):
    app = BASE["proj/celery.py"].replace('"django.conf:settings"', '"proj.settings"')
    write_files(project, {"proj/celery.py": app})
    assert codes(project) == ["CEL002"]
    assert untouched(project, capsys)


def test_cel005_waits_for_cel001_then_both_are_fixed(project, capsys):
    """Passes: CEL005's fix needs the fixup CEL001's fix gives; the second pass does it."""
    app = """\
    import os

    from celery import Celery
    from django.conf import settings

    app = Celery("proj")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)
    """
    apps = 'from django.apps import AppConfig\n\n\nclass DemoappConfig(AppConfig):\n    name = "demoapp"\n'
    settings = BASE["proj/settings.py"].replace('"demoapp",', '"demoapp.apps.DemoappConfig",')
    write_files(project, {"proj/celery.py": app, "demoapp/apps.py": apps, "proj/settings.py": settings})
    assert sorted(codes(project)) == ["CEL001", "CEL005"]
    forget_the_filesystem()
    cli.main([str(project), "--fix", "--isolated"])
    assert capsys.readouterr().err.startswith("Fixed 2 findings in 1 file.")
    text = (project / "proj/celery.py").read_text(encoding="utf-8")
    assert text.index("os.environ.setdefault") < text.index("app = Celery")
    assert "app.autodiscover_tasks()\n" in text
    assert codes(project) == []


def test_a_finding_no_fix_covers_is_left(project, capsys):
    settings = BASE["proj/settings.py"].replace('    "django_celery_results",\n', "")
    write_files(project, {"proj/settings.py": settings})
    assert codes(project) == ["CEL301"]
    assert untouched(project, capsys)


def test_fix_needs_tokenize_rt_only_when_fixing(project):
    """The lint path imports none of the fix machinery."""
    from tests.helpers import run

    probe = (
        "import sys; from celery_lint import cli; cli.main(['.', '--isolated']); "
        "print(sorted(m for m in sys.modules if m.startswith(('tokenize_rt', 'celery_lint.fixing.'))))"
    )
    write_files(project, {"+proj/settings.py": "TASK_ALWAYS_EAGER = True\n"})
    import sys

    result = run([sys.executable, "-c", probe], project)
    assert result.stdout.splitlines()[-1] == "[]", result.stderr


def test_a_file_in_its_own_encoding_stays_in_it(project, capsys):
    """A PEP 263 cookie: the fixed file is written back in latin-1, its other bytes as they were."""
    write_files(project, {})
    tasks = project / "demoapp" / "tasks.py"
    source = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + tasks.read_text() + "\n\n@shared_task(bind=True)\ndef ping():\n    pass\n"
    tasks.write_bytes(source.encode("latin-1"))
    forget_the_filesystem()
    cli.main([str(project), "--fix", "--isolated"])
    assert tasks.read_bytes() == source.replace("def ping():", "def ping(self):").encode("latin-1")
