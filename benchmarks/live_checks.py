#!/usr/bin/env python
"""How long celery-lint's Django checks take in a real `manage.py check` process, and
what `celery_lint` in INSTALLED_APPS adds to every `manage.py` command.

Usage:  .venv/bin/python benchmarks/live_checks.py [--repeat R] [--warm N] [--keep DIR]
                                                 [--pairs P] [--apps N] [--commands-only]

It writes the canonical example project (`celery_lint.examples.BASE`: Celery's
"First steps with Django", sqlite) to a temporary directory and, in fresh Django
processes started there (`django.setup()` with `proj.settings`), times:

- celery-lint: every check function `celery_lint` registered, called as
  `run_checks()` calls them without databases (`app_configs=None, databases=None`):
  cold (the first run in a process: the static project model is built, the task
  modules imported as the worker would, the effective configuration read) and
  warm (the median of `--warm` further runs in one process);
- the same with the deployment checks included (what `check --deploy` runs);
- baseline: Django's own checks (every other registered check: admin, auth,
  models, urls, ...), cold and warm, measured the same way in the same run.

Cold figures are the best of `--repeat` fresh processes, each running the measured
set first, with bytecode cached as for an installed package. Work both sides share
(importing the URLconf and with it the views and task modules) is paid by whichever
side runs first, so celery-lint's cold figure is also given after Django's checks
ran; the per-check figures likewise charge the static project model to whichever
celery-lint check asks for it first. Warm figures are the median of each process's
median. Also reported: the one-off cost of importing `celery_lint.checks` and the
rules into a set-up Django process (what installing `celery_lint` adds to
`django.setup()`), measured in a project without `celery_lint` installed, and the
worker-boot report (`celery_lint.worker_boot.report`, what `celeryd_after_setup` /
`beat_init` runs): timed after `app.loader.init_worker()`, where Celery's Django fixup
runs `django.setup()` and `run_checks()` at worker start, best of `--repeat` processes.

Target: celery-lint's checks under 20 ms cold on this project.

Per command (`manage.py help`, `showmigrations`, `check`), on the example project
(`example/`) and on the generated tree of `bench_tree.py` (`--apps` apps, 2,410
modules for 200), each with and without `celery_lint` in INSTALLED_APPS:

- paired runs: `--pairs` pairs of fresh `manage.py` processes, with and without,
  alternating which goes first; the median of the pairs' differences in wall time
  (and each side's median). On a loaded machine a pair differs by tens of
  milliseconds either way, so the figure is only as good as the load allows;
- attributed: in `--pairs` fresh processes with `celery_lint`, the time spent in
  `CeleryLintConfig.ready()` and in celery-lint's check functions while the command
  runs (the command run in-process by `execute_from_command_line`); the median. This
  is what celery-lint's code costs the command, free of the other processes' noise.

Goals: what celery_lint adds to a command other than `check` at most 15 ms on the
example project and 50 ms on the 2,000-module one (the attributed median; the paired
figure is printed beside it); `check` is where the whole check runs and pays.

The machine's load average is printed with the figures (other processes inflate cold
wall times); the script asserts only that every run succeeded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from celery_lint.examples import BASE

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_tree  # noqa: E402  (the generated 2,000-module project)

REPOSITORY = Path(__file__).resolve().parent.parent
COMMANDS = (("help",), ("showmigrations",), ("check",))
GOALS_MS = {"example": 15.0, "tree": 50.0}

TARGET_MS = 20.0
PYCACHE = Path(tempfile.gettempdir()) / "celery-lint-bench-pycache"

# Runs inside the project directory; prints one JSON line.
PROBE = r"""
import json, os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django
django.setup()
from django.core.checks.registry import registry

first, warm_runs, deploy = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "deploy"


def ours(check):
    return (getattr(check, "__module__", "") or "").startswith("celery_lint")


def checks(mine):
    found = list(registry.registered_checks)
    if deploy:
        found += list(registry.deployment_checks)
    return [c for c in found if ours(c) == mine]


def run(selected, each=None):
    total = 0.0
    for check in selected:
        start = time.perf_counter()
        check(app_configs=None, databases=None)
        took = (time.perf_counter() - start) * 1000
        total += took
        if each is not None:
            each.setdefault(check.__name__, []).append(took)
    return total


order = [True, False] if first == "celery_lint" else [False, True]
cold, each_cold = {}, {}
for mine in order:
    cold["celery_lint" if mine else "django"] = run(checks(mine), each_cold if mine else None)
warm, each_warm = {}, {}
for mine in order:
    runs = [run(checks(mine), each_warm if mine else None) for _ in range(warm_runs)]
    warm["celery_lint" if mine else "django"] = sorted(runs)[len(runs) // 2]
print(json.dumps({
    "cold": cold,
    "warm": warm,
    "each_cold": {name: runs[0] for name, runs in each_cold.items()},
    "each_warm": {name: sorted(runs)[len(runs) // 2] for name, runs in each_warm.items()},
    "counts": {"celery_lint": len(checks(True)), "django": len(checks(False))},
}))
"""


def write_project(root: Path, with_celery_lint: bool = True) -> None:
    for path, text in BASE.items():
        if path == "proj/settings.py" and not with_celery_lint:
            text = text.replace('    "celery_lint",\n', "")
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def probe_env() -> dict[str, str]:
    """Bytecode cached outside the repository (`PYTHONPYCACHEPREFIX`), as an installed
    package has it: compiling the sources is not what a check costs."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def probe(root: Path, first: str, warm: int, deploy: bool) -> dict:
    env = probe_env()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, first, str(warm), "deploy" if deploy else "plain"],
        cwd=root, capture_output=True, text=True, env=env, timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"probe failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(root: Path, repeat: int, warm: int, deploy: bool) -> dict:
    """Best cold time of each side (each measured first in its own processes), median warm."""
    cold: dict[str, list[float]] = {"celery_lint": [], "django": []}
    after: list[float] = []  # celery-lint's first run once Django's checks have run
    warms: dict[str, list[float]] = {"celery_lint": [], "django": []}
    counts: dict[str, int] = {}
    each_cold: dict[str, list[float]] = {}
    each_warm: dict[str, list[float]] = {}
    for _ in range(repeat):
        for first in ("celery_lint", "django"):
            found = probe(root, first, warm, deploy)
            cold[first].append(found["cold"][first])
            if first == "django":
                after.append(found["cold"]["celery_lint"])
            for side in warms:
                warms[side].append(found["warm"][side])
            counts = found["counts"]
            if first == "celery_lint":
                for name, took in found["each_cold"].items():
                    each_cold.setdefault(name, []).append(took)
                for name, took in found["each_warm"].items():
                    each_warm.setdefault(name, []).append(took)
    return {
        "each": {name: (min(each_cold[name]), statistics.median(each_warm[name])) for name in each_cold},
        "celery_lint_cold": min(cold["celery_lint"]),
        "celery_lint_after": min(after),
        "django_cold": min(cold["django"]),
        "celery_lint_warm": statistics.median(warms["celery_lint"]),
        "django_warm": statistics.median(warms["django"]),
        "celery_lint_checks": counts["celery_lint"],
        "django_checks": counts["django"],
    }


IMPORT_PROBE = r"""
import json, os, time
os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
import django
django.setup()
start = time.perf_counter()
import celery_lint.checks  # what the first check run in full imports
print(json.dumps((time.perf_counter() - start) * 1000))
"""


WORKER_PROBE = r"""
import json, os, time
os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
from proj.celery import app
app.loader.init_worker()  # as WorkController.__init__: the fixup's django.setup() and run_checks()
from celery_lint import worker_boot
start = time.perf_counter()
worker_boot.report()
print(json.dumps((time.perf_counter() - start) * 1000))
"""


def probe_best(root: Path, code: str, repeat: int) -> float:
    """Best of `repeat` fresh processes running `code` (which prints milliseconds)."""
    env = probe_env()
    found = []
    for _ in range(repeat):
        result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                                env=env, timeout=300)
        if result.returncode != 0:
            raise SystemExit(f"probe failed:\n{result.stderr}")
        found.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return min(found)


def import_cost(without: Path, repeat: int) -> float:
    """Best time to import the checks module (and the rules) into a set-up Django process."""
    return probe_best(without, IMPORT_PROBE, repeat)


# Runs `manage.py <command>` in this process (runpy), timing celery-lint's
# own code: CeleryLintConfig.ready() and each check function it registered.
ATTRIBUTE_PROBE = r"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
spent = {"wall": 0.0, "cpu": 0.0}
from celery_lint.apps import CeleryLintConfig

ready = CeleryLintConfig.ready


def timed_ready(self):
    start, cpu = time.perf_counter(), time.process_time()
    ready(self)
    spent["wall"] += time.perf_counter() - start
    spent["cpu"] += time.process_time() - cpu
    from django.core.checks.registry import registry

    for found in (registry.registered_checks, registry.deployment_checks):
        for check in list(found):
            if (getattr(check, "__module__", "") or "").startswith("celery_lint"):
                found.discard(check)
                found.add(wrap(check))


CeleryLintConfig.ready = timed_ready


def wrap(check):
    def timed(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return check(*args, **kwargs)
        finally:
            spent["wall"] += time.perf_counter() - start
            spent["cpu"] += time.process_time() - cpu
    timed.tags, timed.__module__ = check.tags, check.__module__
    return timed


import runpy

sys.argv = ["manage.py", *sys.argv[1:]]
devnull = open(os.devnull, "w")
sys.stdout = sys.stderr = devnull
try:
    runpy.run_path("manage.py", run_name="__main__")  # its main(): the settings module, then the command
except SystemExit:
    pass
sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
print(json.dumps({k: v * 1000 for k, v in spent.items()}))
"""


def write_example(root: Path, with_celery_lint: bool) -> Path:
    """The repository's example project, `celery_lint` in INSTALLED_APPS or not."""
    shutil.copytree(REPOSITORY / "example", root, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    if not with_celery_lint:
        settings = root / "proj" / "settings.py"
        settings.write_text(settings.read_text(encoding="utf-8").replace('    "celery_lint",\n', ""), encoding="utf-8")
    return root


def write_tree(root: Path, apps: int, with_celery_lint: bool) -> Path:
    """`bench_tree.py`'s healthy project, with `celery_lint` added to INSTALLED_APPS or not.
    Its tasks modules import each other in a ring, which the static analysis reads but
    Python cannot import: the last app imports the first one's task where it calls it.
    The chain is as deep as the apps are many: importing the URLconf (Django's own URL
    check, both sides) needs a higher recursion limit."""
    bench_tree.write_tree(root, apps)
    last = sorted((root / "apps").glob("app*/tasks.py"))[-1]
    text = last.read_text(encoding="utf-8")
    first = "from apps.app000.tasks import refresh_app000\n"
    text = text.replace(first, "").replace("    refresh_app000.delay(pk)", f"    {first}\n    refresh_app000.delay(pk)")
    last.write_text(text, encoding="utf-8")
    manage = root / "manage.py"
    text = manage.read_text(encoding="utf-8")
    manage.write_text(text.replace("import sys\n", "import sys\n\nsys.setrecursionlimit(20000)\n", 1), encoding="utf-8")
    if with_celery_lint:
        base = root / "config" / "settings" / "base.py"
        text = base.read_text(encoding="utf-8")
        base.write_text(text.replace("THIRD_PARTY_APPS = [", 'THIRD_PARTY_APPS = ["celery_lint", '), encoding="utf-8")
    return root


def manage_wall(root: Path, command: tuple[str, ...]) -> float:
    """Wall milliseconds of one fresh `manage.py <command>` (any exit status but a traceback)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "manage.py", *command], cwd=root, capture_output=True, text=True,
                            env=probe_env(), timeout=600)
    took = (time.perf_counter() - start) * 1000
    if "Traceback" in result.stderr:
        raise SystemExit(f"manage.py {' '.join(command)} failed in {root}:\n{result.stderr[-3000:]}")
    return took


def attributed(root: Path, command: tuple[str, ...]) -> dict[str, float]:
    """Milliseconds (wall, CPU) spent in celery-lint's code in one fresh process running the command."""
    result = subprocess.run([sys.executable, "-c", ATTRIBUTE_PROBE, *command], cwd=root, capture_output=True,
                            text=True, env=probe_env(), timeout=600)
    if result.returncode != 0:
        raise SystemExit(f"probe failed:\n{result.stderr[-3000:]}")
    spent: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return spent


def added_cost(with_root: Path, without_root: Path, pairs: int) -> dict[str, dict[str, float]]:
    """Per command: median paired difference, each side's median, and the attributed median."""
    manage_wall(with_root, ("help",))  # bytecode cached for both sides
    manage_wall(without_root, ("help",))
    figures = {}
    for command in COMMANDS:
        differences, withs, withouts = [], [], []
        for index in range(pairs):
            order = [(True, with_root), (False, without_root)]
            if index % 2:
                order.reverse()
            took = {side: manage_wall(root, command) for side, root in order}
            withs.append(took[True])
            withouts.append(took[False])
            differences.append(took[True] - took[False])
        own = [attributed(with_root, command) for _ in range(pairs)]
        figures[" ".join(command)] = {
            "paired": statistics.median(differences),
            "with": statistics.median(withs),
            "without": statistics.median(withouts),
            "attributed": statistics.median(o["wall"] for o in own),
            "attributed_cpu": statistics.median(o["cpu"] for o in own),
        }
    return figures


def print_added(label: str, goal: float, figures: dict[str, dict[str, float]]) -> bool:
    print(f"What celery_lint in INSTALLED_APPS adds to manage.py on {label}:")
    ok = True
    for command, found in figures.items():
        print(f"  {command:<15} attributed {found['attributed']:8.1f} ms wall {found['attributed_cpu']:8.1f} ms CPU   "
              f"paired {found['paired']:+8.1f} ms   "
              f"(median wall {found['with']:7.0f} ms with, {found['without']:7.0f} ms without)")
    for command, found in figures.items():
        if command == "check":
            print(f"  check: the whole check runs here and pays ({found['attributed']:.0f} ms attributed wall, "
                  f"{found['attributed_cpu']:.0f} ms CPU); no goal")
            continue
        for kind, key in (("wall", "attributed"), ("CPU", "attributed_cpu")):
            verdict = "PASS" if found[key] <= goal else "FAIL"
            ok = ok and verdict == "PASS"
            print(f"  goal: {command} at most {goal:.0f} ms added ({kind}, attributed): {verdict} ({found[key]:.1f} ms)")
    return ok


def commands_section(pairs: int, apps: int) -> None:
    load = os.getloadavg()
    print(f"Python {sys.version.split()[0]}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on "
          f"{os.cpu_count()} CPUs (a loaded machine inflates and scatters the wall figures), {pairs} pairs")
    with tempfile.TemporaryDirectory(prefix="cl-live-commands-") as tmp:
        base = Path(tmp)
        example = added_cost(write_example(base / "ex-with", True), write_example(base / "ex-without", False), pairs)
        print_added("the example project (example/)", GOALS_MS["example"], example)
        with_tree = write_tree(base / "tree-with", apps, True)
        without_tree = write_tree(base / "tree-without", apps, False)
        tree = added_cost(with_tree, without_tree, pairs)
        modules = sum(1 for _ in with_tree.rglob("*.py"))
        print_added(f"the generated tree ({modules} modules, {apps} apps)", GOALS_MS["tree"], tree)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes per cold figure (best of)")
    parser.add_argument("--warm", type=int, default=50, help="warm runs per process (median)")
    parser.add_argument("--keep", type=Path, help="write the project here and keep it")
    parser.add_argument("--pairs", type=int, default=5, help="paired runs per command (median)")
    parser.add_argument("--apps", type=int, default=200, help="apps of the generated tree (200: 2,410 modules)")
    parser.add_argument("--commands-only", action="store_true", help="only what celery_lint adds per command")
    args = parser.parse_args()
    if args.commands_only:
        commands_section(args.pairs, args.apps)
        return 0
    with tempfile.TemporaryDirectory(prefix="cl-live-bench-") as tmp:
        root = args.keep or Path(tmp) / "project"
        without = Path(tmp) / "without"
        write_project(root)
        write_project(without, with_celery_lint=False)
        probe(root, "celery_lint", 1, deploy=True)  # fills the bytecode cache
        import_cost(without, 1)
        plain = measure(root, args.repeat, args.warm, deploy=False)
        deploy = measure(root, args.repeat, args.warm, deploy=True)
        imported = import_cost(without, args.repeat)
        boot = probe_best(root, WORKER_PROBE, args.repeat)

    def row(label: str, figures: dict) -> None:
        for kind in ("cold", "warm"):
            ours, theirs = figures[f"celery_lint_{kind}"], figures[f"django_{kind}"]
            print(f"  {label:<22} {kind}: celery-lint {ours:7.2f} ms ({figures['celery_lint_checks']} checks)   "
                  f"Django's own {theirs:7.2f} ms ({figures['django_checks']} checks)   ratio {ours / theirs:5.2f}x")

    print(f"Example project (celery_lint.examples.BASE), Python {sys.version.split()[0]}, load average "
          f"{os.getloadavg()[0]:.1f}, "
          f"best of {args.repeat} processes cold, median of {args.warm} runs warm, no databases:")
    row("check", plain)
    row("check --deploy", deploy)
    print(f"  celery-lint cold after Django's own checks ran (URLconf imported): "
          f"check {plain['celery_lint_after']:.2f} ms, --deploy {deploy['celery_lint_after']:.2f} ms")
    print("  per celery-lint check (check --deploy; cold = best first run, warm = median):")
    for name, (cold_ms, warm_ms) in sorted(deploy["each"].items(), key=lambda item: -item[1][0]):
        print(f"    {name:<28} cold {cold_ms:7.2f} ms   warm {warm_ms:7.2f} ms")
    print(f"  once per process, at the first check run in full: importing celery_lint.checks and the rules "
          f"{imported:.1f} ms")
    print(f"  once per worker or beat start, after the fixup's run_checks(): the worker-boot report {boot:.2f} ms")
    verdict = "within" if plain["celery_lint_cold"] < TARGET_MS else "OVER"
    print(f"Target: celery-lint's checks under {TARGET_MS:.0f} ms cold (first in the process): {verdict} "
          f"({plain['celery_lint_cold']:.2f} ms; --deploy {deploy['celery_lint_cold']:.2f} ms)")
    print()
    commands_section(args.pairs, args.apps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
