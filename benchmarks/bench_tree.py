#!/usr/bin/env python
"""How much celery-lint costs on a large Django project, as ratios to a floor.

Usage:  .venv/bin/python benchmarks/bench_tree.py [--modules 2000|20000] [--repeat R] [--quick]
                                                  [--keep DIR] [--no-flake8] [--no-linearity]

It writes a healthy Django + Celery project of about `--modules` modules (apps of
12 modules each: models, views, tasks, urls, admin, apps, signals, forms, tests, a
migration...; split settings with star imports) to a temporary directory and runs,
each in a fresh process, in `--repeat` paired rounds (every command once per round,
the order turning each round; a ratio is taken within a round, then the median
and min-max of the rounds' ratios are printed: best-of-N of unpaired runs swings
by half on a loaded machine):

- the floor: read every `.py` file the linter would read (the same files in the
  same order, by a plain `os.walk`; the same decoding) and `ast.parse` it, keeping
  nothing: what any whole-tree analysis that parses every file must do. Also
  reported: the same keeping every tree, for scale;
- `celery-lint .`: wall time, CPU time (user + system, the steadier figure on a
  busy machine) and peak RSS (`ru_maxrss` of that child, from `os.wait4` in a
  small launcher, see `SPAWN`), expected to report no finding;
- `celery-lint apps/app000/tasks.py`: one file of the same project;
- `celery-lint .` from its on-disk cache (`celery_lint.cache`, written once before the
  rounds): nothing changed since the last run ("warm"), and one file changed (a
  comment line appended before the run) -- a models module, which no rule reads
  beyond the text filters, and a views module, whose checks ask the project model
  (which functions are tasks): the model is built again for them. Each run writes
  the cache, so each finds only its own edit. The other runs are `--no-cache`;
- flake8 on the tree, with and without the plugin;
- linearity: four inputs grown in the canonical small project (a long settings
  module, a long INSTALLED_APPS, a deep star-import chain, a wide package), each
  at 0, n and 4n units: the CPU cost per unit from 0 to n and from n to 4n.

How flake8 runs "without the plugin": flake8 runs every registered tree plugin
on every file whatever `--select` says (selection only filters what is shown;
see `flake8.plugins.finder._classify_plugins`: only `off_by_default` plugins
are skipped), so `flake8` and `flake8 --extend-select=CEL` both pay for the
plugin. Both flake8 runs therefore go through the same tiny launcher that
imports flake8's plugin finder and, for the run without the plugin, drops the
`celery-lint` distribution from the plugins it finds before flake8 starts;
nothing else differs (same flake8, same options, same worker processes). The
run with the plugin adds `--extend-select=CEL`. Both use the default `--jobs`
(one worker per CPU, each building its own project model) and, separately,
`--jobs=1`.

Targets, each printed as a PASS/FAIL line: celery-lint at most 0.6x the floor's
time (the older target: 1.5x) and 2x its peak memory; warm at most 0.15x the floor's
time and one file changed at most 0.25x; one file at most 0.3x the
whole tree's time and no more memory; flake8 with the plugin at most 10% slower
than without; each linearity case's cost per unit at 4n at most 1.5x that at n.
It asserts nothing about time (machines differ), only that every run succeeded
and found nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import celery_lint
import flake8_plugin
from celery_lint.examples import BASE
from celery_lint.layout import SKIP_DIRS

BIN = Path(sys.executable).parent

# -- the project ------------------------------------------------------------------------


def app_files(name: str, index: int, apps: list[str]) -> dict[str, str]:
    """The modules of one app; tasks call each other across apps, views import tasks."""
    model = name.title().replace("_", "")
    other = apps[(index + 1) % len(apps)]
    return {
        "__init__.py": "",
        "apps.py": f'''\
            from django.apps import AppConfig


            class {model}Config(AppConfig):
                default_auto_field = "django.db.models.BigAutoField"
                name = "apps.{name}"
                label = "{name}"

                def ready(self):
                    from . import signals  # noqa: F401
            ''',
        "signals.py": f'''\
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from .models import {model}


            @receiver(post_save, sender={model})
            def on_save(sender, instance, created, **kwargs):
                if created:
                    from .tasks import refresh_{name}

                    refresh_{name}.delay_on_commit(instance.pk)
            ''',
        "models.py": f'''\
            from django.conf import settings
            from django.db import models
            from django.utils import timezone


            class {model}QuerySet(models.QuerySet):
                def active(self):
                    return self.filter(is_active=True)

                def recent(self, days=7):
                    since = timezone.now() - timezone.timedelta(days=days)
                    return self.filter(created__gte=since)


            class {model}(models.Model):
                owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="{name}_items")
                title = models.CharField(max_length=200)
                slug = models.SlugField(unique=True)
                body = models.TextField(blank=True)
                score = models.DecimalField(max_digits=10, decimal_places=2, default=0)
                is_active = models.BooleanField(default=True)
                created = models.DateTimeField(auto_now_add=True)
                updated = models.DateTimeField(auto_now=True)

                objects = {model}QuerySet.as_manager()

                class Meta:
                    ordering = ["-created"]
                    indexes = [models.Index(fields=["slug"]), models.Index(fields=["owner", "created"])]

                def __str__(self):
                    return self.title

                def get_absolute_url(self):
                    from django.urls import reverse

                    return reverse("{name}:detail", kwargs={{"slug": self.slug}})

                @property
                def is_recent(self):
                    return (timezone.now() - self.created).days < 7
            ''',
        "views.py": f'''\
            from django.contrib.auth.decorators import login_required
            from django.db import transaction
            from django.http import JsonResponse
            from django.shortcuts import get_object_or_404, render
            from django.views.generic import DetailView, ListView

            from .forms import {model}Form
            from .models import {model}
            from .tasks import refresh_{name}, summarise_{name}


            class {model}List(ListView):
                model = {model}
                paginate_by = 50

                def get_queryset(self):
                    return super().get_queryset().active()


            class {model}Detail(DetailView):
                model = {model}


            @login_required
            def create(request):
                form = {model}Form(request.POST or None)
                if request.method == "POST" and form.is_valid():
                    with transaction.atomic():
                        item = form.save(commit=False)
                        item.owner = request.user
                        item.save()
                    refresh_{name}.delay(item.pk)
                    return JsonResponse({{"id": item.pk}})
                return render(request, "{name}/form.html", {{"form": form}})


            def summary(request, slug):
                item = get_object_or_404({model}, slug=slug)
                result = summarise_{name}.apply_async(args=[item.pk], countdown=5)
                return JsonResponse({{"task_id": result.id}})
            ''',
        "tasks.py": f'''\
            import logging

            from celery import shared_task
            from django.db.models import Sum

            from apps.{other}.tasks import refresh_{other}

            from .models import {model}

            logger = logging.getLogger(__name__)


            @shared_task(bind=True, max_retries=3, default_retry_delay=30)
            def refresh_{name}(self, pk):
                try:
                    item = {model}.objects.get(pk=pk)
                except {model}.DoesNotExist as exc:
                    raise self.retry(exc=exc)
                item.save(update_fields=["updated"])
                logger.info("refreshed %s", item)
                return item.pk


            @shared_task(ignore_result=True)
            def summarise_{name}(pk):
                total = {model}.objects.filter(owner_id=pk).aggregate(total=Sum("score"))["total"]
                refresh_{other}.delay(pk)
                return total


            @shared_task
            def purge_{name}():
                return {model}.objects.filter(is_active=False).delete()[0]
            ''',
        "urls.py": f'''\
            from django.urls import path

            from . import views

            app_name = "{name}"
            urlpatterns = [
                path("", views.{model}List.as_view(), name="list"),
                path("new/", views.create, name="create"),
                path("<slug:slug>/", views.{model}Detail.as_view(), name="detail"),
                path("<slug:slug>/summary/", views.summary, name="summary"),
            ]
            ''',
        "admin.py": f'''\
            from django.contrib import admin

            from .models import {model}


            @admin.register({model})
            class {model}Admin(admin.ModelAdmin):
                list_display = ("title", "owner", "score", "is_active", "created")
                list_filter = ("is_active", "created")
                search_fields = ("title", "slug", "body")
                prepopulated_fields = {{"slug": ("title",)}}
                readonly_fields = ("created", "updated")
            ''',
        "forms.py": f'''\
            from django import forms

            from .models import {model}


            class {model}Form(forms.ModelForm):
                class Meta:
                    model = {model}
                    fields = ["title", "slug", "body", "score"]

                def clean_score(self):
                    score = self.cleaned_data["score"]
                    if score < 0:
                        raise forms.ValidationError("score must not be negative")
                    return score
            ''',
        "tests.py": f'''\
            from unittest import mock

            from django.contrib.auth import get_user_model
            from django.test import TestCase

            from .models import {model}
            from .tasks import purge_{name}, refresh_{name}


            class {model}Tests(TestCase):
                def setUp(self):
                    self.user = get_user_model().objects.create(username="u{index}")
                    self.item = {model}.objects.create(owner=self.user, title="t", slug="t")

                def test_refresh(self):
                    self.assertEqual(refresh_{name}.apply(args=[self.item.pk]).get(), self.item.pk)

                def test_purge(self):
                    {model}.objects.update(is_active=False)
                    self.assertEqual(purge_{name}.apply().get(), 1)

                @mock.patch("apps.{name}.tasks.refresh_{name}.delay")
                def test_str(self, delay):
                    self.assertEqual(str(self.item), "t")
            ''',
        "migrations/__init__.py": "",
        "migrations/0001_initial.py": f'''\
            from django.conf import settings
            from django.db import migrations, models
            import django.db.models.deletion


            class Migration(migrations.Migration):
                initial = True
                dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

                operations = [
                    migrations.CreateModel(
                        name="{model}",
                        fields=[
                            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                            ("title", models.CharField(max_length=200)),
                            ("slug", models.SlugField(unique=True)),
                            ("body", models.TextField(blank=True)),
                            ("score", models.DecimalField(decimal_places=2, default=0, max_digits=10)),
                            ("is_active", models.BooleanField(default=True)),
                            ("created", models.DateTimeField(auto_now_add=True)),
                            ("updated", models.DateTimeField(auto_now=True)),
                            (
                                "owner",
                                models.ForeignKey(
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="{name}_items",
                                    to=settings.AUTH_USER_MODEL,
                                ),
                            ),
                        ],
                        options={{"ordering": ["-created"]}},
                    ),
                ]
            ''',
    }


def project_files(n_apps: int) -> dict[str, str]:
    apps = [f"app{i:03d}" for i in range(n_apps)]
    files: dict[str, str] = {
        "manage.py": BASE["manage.py"].replace("proj.settings", "config.settings.production"),
        "config/__init__.py": '''\
            from .celery import app as celery_app

            __all__ = ("celery_app",)
            ''',
        "config/celery.py": '''\
            import os

            from celery import Celery

            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

            app = Celery("config")
            app.config_from_object("django.conf:settings", namespace="CELERY")
            app.autodiscover_tasks()
            ''',
        "config/wsgi.py": '''\
            import os

            from django.core.wsgi import get_wsgi_application

            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
            application = get_wsgi_application()
            ''',
        "config/urls.py": "from django.contrib import admin\nfrom django.urls import include, path\n\n"
        "urlpatterns = [\n    path(\"admin/\", admin.site.urls),\n"
        + "".join(f'    path("{a}/", include("apps.{a}.urls")),\n' for a in apps)
        + "]\n",
        "config/settings/__init__.py": "",
        "config/settings/base.py": textwrap.dedent('''\
            import os
            from pathlib import Path

            BASE_DIR = Path(__file__).resolve().parent.parent.parent
            SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
            DEBUG = False
            ALLOWED_HOSTS = []
            DJANGO_APPS = [
                "django.contrib.admin",
                "django.contrib.auth",
                "django.contrib.contenttypes",
                "django.contrib.sessions",
                "django.contrib.messages",
                "django.contrib.staticfiles",
            ]
            THIRD_PARTY_APPS = ["django_celery_results", "django_celery_beat"]
            LOCAL_APPS = [
            ''')
        + "".join(f'    "apps.{a}",\n' for a in apps)
        + textwrap.dedent('''\
            ]
            INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS
            ROOT_URLCONF = "config.urls"
            DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
            USE_TZ = True
            TIME_ZONE = "UTC"

            CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
            CELERY_RESULT_BACKEND = "django-db"
            CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
            CELERY_TASK_TIME_LIMIT = 5 * 60
            CELERY_TASK_ACKS_LATE = True
            '''),
        "config/settings/production.py": '''\
            from .base import *  # noqa: F403

            ALLOWED_HOSTS = ["example.com"]
            CELERY_WORKER_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY", "4"))  # noqa: F405
            ''',
        "config/settings/test.py": '''\
            from .base import *  # noqa: F403

            CELERY_TASK_ALWAYS_EAGER = True
            ''',
        "apps/__init__.py": "",
    }
    for index, name in enumerate(apps):
        for path, text in app_files(name, index, apps).items():
            files[f"apps/{name}/{path}"] = text
    return {path: textwrap.dedent(text) for path, text in files.items()}


def write_tree(root: Path, n_apps: int) -> int:
    files = project_files(n_apps)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return len(files)


# -- measuring ----------------------------------------------------------------------------

# The same files in the same order as the linter's walk, by a plain `os.walk` that keeps
# nothing (the linter's own walk caches each directory's listing for its later lookups),
# skipping the same directories (hidden ones too; written into the script: importing `celery_lint.layout`
# would add its imports to the baseline's memory).
BASELINE = f"""\
import ast, os, sys
from pathlib import Path
from celery_lint.sources import read_text
skipped = {sorted(SKIP_DIRS)!r}
keep = sys.argv[2] == "keep"
kept = []
for directory, directories, files in os.walk(sys.argv[1]):
    directories[:] = sorted(
        d for d in directories if d not in skipped and not d.startswith(".") and not d.endswith(".egg-info")
    )
    for name in sorted(files):
        if name.endswith(".py"):
            path = Path(directory, name)
            tree = ast.parse(read_text(path), filename=str(path))
            if keep:
                kept.append(tree)
"""

FLAKE8 = """\
import sys
import flake8.plugins.finder as finder

if sys.argv[1] == "without":
    found = finder.find_plugins
    finder.find_plugins = lambda *a, **k: [p for p in found(*a, **k) if p.package != "celery-lint"]
from flake8.main.cli import main

sys.exit(main(sys.argv[2:]))
"""


# The measured command runs under this small launcher, not straight under the benchmark:
# Linux counts the memory a process had before `exec` into its peak RSS, and a child
# forked from the benchmark (which imports celery-lint and flake8) would start from the
# benchmark's size. The launcher is a bare interpreter, smaller than anything measured.
SPAWN = """\
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
figures = (elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
sys.stdout.flush()
print("\\n@@", *figures)
"""


def measure(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS in MiB, output) of one child process (CPU
    time, user + system, is the steadier figure on a busy machine)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryFile() as out:
        subprocess.run([sys.executable, "-c", SPAWN, *args], cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        out.seek(0)
        text, _, figures = out.read().decode("utf-8", "replace").rpartition("\n@@ ")
    elapsed, cpu, peak, code = figures.split()
    if int(code) not in ok:
        raise SystemExit(f"{' '.join(args)} exited {code}:\n{text[-3000:]}")
    return float(elapsed), float(cpu), int(peak) / 1024, text


Run = tuple[float, float, float, str]  # wall s, CPU s, peak MiB, output


Command = tuple[list[str], Path] | tuple[list[str], Path, Callable[[], None]]


def paired(commands: dict[str, Command], repeat: int) -> dict[str, list[Run]]:
    """`repeat` rounds of every command, one after the other in each round (the order
    turning each round): a ratio is taken within a round, where both runs met the same
    load. Best-of-N of unpaired runs swings by half on a loaded machine. A command's
    third item runs before it, unmeasured (an edit)."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    names = list(commands)
    for round_ in range(repeat):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            args, cwd, *before = commands[name]
            for step in before:
                step()
            runs[name].append(measure(args, cwd))
    return runs


def appender(path: Path) -> Callable[[], None]:
    """An edit of one file: a comment line more (its size and mtime change)."""

    def edit() -> None:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write("# changed\n")

    return edit


def spread(values: list[float]) -> str:
    """The median, and min-max, of per-round figures."""
    return f"{statistics.median(values):5.2f}x (min {min(values):.2f}, max {max(values):.2f})"


def ratios(runs: dict[str, list[Run]], top: str, bottom: str, figure: int) -> list[float]:
    return [a[figure] / b[figure] for a, b in zip(runs[top], runs[bottom])]


def target(label: str, values: list[float], limit: float) -> None:
    verdict = "PASS" if statistics.median(values) <= limit else "FAIL"
    print(f"  {verdict} {label}: {spread(values)} (target <= {limit}x)")


def median_of(runs: list[Run], figure: int) -> float:
    return statistics.median(r[figure] for r in runs)


def healthy(name: str, run: Run) -> None:
    if "No findings" not in run[3]:
        raise SystemExit(f"{name} reported something on the healthy project:\n{run[3][-3000:]}")


# -- linearity: one input grown in a small healthy project -------------------------------


def _grown_settings(n: int) -> dict[str, str]:
    """A settings module of n distinct settings and one list assigned to n times."""
    lines = "".join(f"MY_SETTING_{i} = {i}\nMY_LIST += [\"item{i}\"]\n" for i in range(n))
    return {"+proj/settings.py": f"MY_LIST = []\n{lines}"}


def _installed_apps(n: int) -> dict[str, str]:
    """INSTALLED_APPS of n more entries, project apps each with a tasks module
    (autodiscovery's reach, the apps' names and modules are looked up for each)."""
    files = {f"app{i}/__init__.py": "" for i in range(n)}
    files.update({
        f"app{i}/tasks.py": f"from celery import shared_task\n\n\n@shared_task\ndef work{i}():\n    return {i}\n"
        for i in range(n)
    })
    entries = "".join(f'    "app{i}",\n' for i in range(n))
    files["+proj/settings.py"] = f"INSTALLED_APPS = [\n    *INSTALLED_APPS,\n{entries}]\n"
    return files


def _star_chain(n: int) -> dict[str, str]:
    """The settings star-importing a chain of n settings modules, each binding 20
    names (a chain is evaluated by a loop: any depth resolves)."""
    names = "".join(f"S{{i}}_{j} = {{i}}\n" for j in range(20))
    files = {
        f"proj/conf/s{i}.py": (f"from .s{i + 1} import *  # noqa\n" if i + 1 < n else "") + names.format(i=i)
        for i in range(n)
    }
    files["proj/conf/__init__.py"] = ""
    if n:
        files["+proj/settings.py"] = "from .conf.s0 import *  # noqa\n"
    return files


def _wide_package(n: int) -> dict[str, str]:
    """One package of n task modules, all imported by the app's tasks module."""
    files = {
        f"demoapp/jobs/job{i}.py": f"from celery import shared_task\n\n\n@shared_task\ndef job{i}():\n    return {i}\n"
        for i in range(n)
    }
    files["demoapp/jobs/__init__.py"] = ""
    files["+demoapp/tasks.py"] = "".join(f"from demoapp.jobs import job{i}  # noqa: F401\n" for i in range(n))
    return files


LINEARITY = {
    "long settings module (settings lines)": (_grown_settings, 2000),
    "long INSTALLED_APPS (project apps)": (_installed_apps, 300),
    "deep star-import chain (modules)": (_star_chain, 250),
    "wide package (modules)": (_wide_package, 500),
}


def write_case(root: Path, files: dict[str, str]) -> None:
    """The canonical healthy project with `files` (a "+" name appends to that file)."""
    shutil.rmtree(root, ignore_errors=True)
    texts = {path: textwrap.dedent(text) for path, text in BASE.items()}
    for path, text in files.items():
        if path.startswith("+"):
            texts[path[1:]] = texts.get(path[1:], "") + text
        else:
            texts[path] = text
    for path, text in texts.items():
        target_path = root / path
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target_path.write_text(text, encoding="utf-8")


def linearity(base: Path, repeat: int) -> None:
    """Each input at 0, n and 4n: the cost per unit from 0 to n and from n to 4n
    (CPU time, the steadier figure), which a linear analysis keeps equal."""
    print("linearity (CPU per unit, paired rounds; the second size's marginal cost over the first's):")
    for label, (make, n) in LINEARITY.items():
        commands = {}
        for size in (0, n, 4 * n):
            root = base / f"{make.__name__}-{size}"
            write_case(root, make(size))
            commands[str(size)] = ([str(BIN / "celery-lint"), "--no-cache", "."], root)
        runs = paired(commands, repeat)
        for size in commands:
            healthy(f"{label} at {size}", runs[size][0])
        small = [(b[1] - a[1]) / n for a, b in zip(runs["0"], runs[str(n)])]
        large = [(c[1] - b[1]) / (3 * n) for b, c in zip(runs[str(n)], runs[str(4 * n)])]
        print(f"  {label}: {statistics.median(small) * 1e6:7.1f} us/unit at {n}, "
              f"{statistics.median(large) * 1e6:7.1f} us/unit at {4 * n}")
        target(f"{label}, cost per unit at {4 * n} over that at {n}",
               [b / a if a > 0 else float("inf") for a, b in zip(small, large)], 1.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=2000, help="the project's size (12 modules an app)")
    parser.add_argument("--repeat", type=int, default=3, help="paired rounds (at most 3 on a shared machine)")
    parser.add_argument(
        "--quick", action="store_true", help="for --modules 20000: two rounds, one of flake8 --jobs=auto, no linearity"
    )
    parser.add_argument("--keep", type=Path, help="write the project here and keep it")
    parser.add_argument("--no-flake8", action="store_true")
    parser.add_argument("--no-linearity", action="store_true")
    args = parser.parse_args()
    apps = max(1, args.modules // 12)
    rounds = min(args.repeat, 2) if args.quick else args.repeat
    root = args.keep or Path(tempfile.mkdtemp(prefix="celery-lint-bench-"))
    cases = Path(tempfile.mkdtemp(prefix="celery-lint-bench-cases-"))
    try:
        if root.exists() and args.keep:
            shutil.rmtree(root)
        count = write_tree(root, apps)
        size = sum(p.stat().st_size for p in root.rglob("*.py"))
        print(f"project: {count} modules, {size / 1024:.0f} KiB, {apps} apps ({root}); {rounds} paired rounds")
        python = sys.executable
        # As installed from a wheel: bytecode written once (pip compiles it). Without it,
        # and with PYTHONDONTWRITEBYTECODE set, every run would compile the package anew.
        packages = [str(Path(m.__file__).parent) for m in (celery_lint, flake8_plugin)]
        subprocess.run([python, "-m", "compileall", "-q", *packages], check=True, stdout=subprocess.DEVNULL)
        one = "apps/app000/tasks.py"
        lint = [str(BIN / "celery-lint"), "."]
        subprocess.run(lint, cwd=root, check=False, stdout=subprocess.DEVNULL)  # the cache, written
        # ... and written again over 2 s later, as a user's next run: the cache trusts a
        # file's or a listed directory's stat (the tree just written, the root where
        # `.celery_lint_cache/` just appeared) only when it changed over 2 s before the
        # run recording it
        time.sleep(2.1)
        subprocess.run(lint, cwd=root, check=False, stdout=subprocess.DEVNULL)
        runs = paired({
            "floor": ([python, "-c", BASELINE, ".", "drop"], root),
            "keep": ([python, "-c", BASELINE, ".", "keep"], root),
            "lint": ([*lint, "--no-cache"], root),
            "one": ([str(BIN / "celery-lint"), "--no-cache", one], root),
            # from the cache: each run writes what changed, so the next finds only its own edit
            "warm": (lint, root),
            "model changed": (lint, root, appender(root / "apps/app007/models.py")),
            "view changed": (lint, root, appender(root / "apps/app007/views.py")),
        }, rounds)
        healthy("celery-lint", runs["lint"][0])
        healthy("celery-lint on one file", runs["one"][0])
        for name in ("warm", "model changed", "view changed"):
            healthy(f"celery-lint, {name}", runs[name][0])
        for name, label in (
            ("floor", "floor (read + ast.parse, keep nothing)"), ("keep", "read + ast.parse, keep trees"),
            ("lint", "celery-lint --no-cache ."), ("one", f"celery-lint --no-cache {one}"),
            ("warm", "celery-lint . (cache, nothing changed)"),
            ("model changed", "celery-lint . (cache, a models.py changed)"),
            ("view changed", "celery-lint . (cache, a views.py changed)"),
        ):
            print(f"{label + ':':43s}{median_of(runs[name], 0):6.2f} s wall {median_of(runs[name], 1):6.2f} s CPU "
                  f"{median_of(runs[name], 2):7.1f} MiB (medians)")
        print("ratios, per round (median, min-max):")
        target("cold run, wall over the floor's", ratios(runs, "lint", "floor", 0), 0.6)
        target("cold run, CPU over the floor's", ratios(runs, "lint", "floor", 1), 0.6)
        target("peak memory over the floor's", ratios(runs, "lint", "floor", 2), 2.0)
        target("time, the older target", ratios(runs, "lint", "floor", 1), 1.5)
        target(f"one file ({one}), CPU over the whole tree's", ratios(runs, "one", "lint", 1), 0.3)
        target(f"one file ({one}), peak memory over the whole tree's", ratios(runs, "one", "lint", 2), 1.0)
        print(f"  memory over the keep-trees run: {spread(ratios(runs, 'lint', 'keep', 2))}")
        target("warm (cache, nothing changed), wall over the floor's", ratios(runs, "warm", "floor", 0), 0.15)
        target("warm (cache, nothing changed), CPU over the floor's", ratios(runs, "warm", "floor", 1), 0.15)
        for name in ("model changed", "view changed"):
            target(f"one file changed ({name}), wall over the floor's", ratios(runs, name, "floor", 0), 0.25)
            target(f"one file changed ({name}), CPU over the floor's", ratios(runs, name, "floor", 1), 0.25)
        if not args.no_flake8:
            common = [str(BIN / "python"), "-c", FLAKE8]
            for jobs in ("auto",) if args.quick else ("auto", "1"):
                flake8 = paired({
                    "without": ([*common, "without", f"--jobs={jobs}", "--exit-zero", "."], root),
                    "with": ([*common, "with", f"--jobs={jobs}", "--exit-zero", "--extend-select=CEL",
                             "--celery-lint-no-cache", "."], root),
                }, 1 if args.quick else args.repeat)
                if "CEL" in flake8["with"][0][3]:
                    raise SystemExit(f"flake8 reported CEL findings on the healthy project:\n{flake8['with'][0][3][-3000:]}")
                print(f"flake8 --jobs={jobs}: without plugin {median_of(flake8['without'], 0):6.2f} s wall, "
                      f"with --extend-select=CEL {median_of(flake8['with'], 0):6.2f} s wall")
                target(f"flake8 --jobs={jobs} with the plugin, wall over without", ratios(flake8, "with", "without", 0), 1.1)
                target(f"flake8 --jobs={jobs} with the plugin, CPU over without", ratios(flake8, "with", "without", 1), 1.1)
        if not (args.quick or args.no_linearity):
            linearity(cases, args.repeat)
    finally:
        shutil.rmtree(cases, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
