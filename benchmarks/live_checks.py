#!/usr/bin/env python
"""How long celery-lint's Django checks take in a real `manage.py check` process.

Usage:  .venv/bin/python benchmarks/live_checks.py [--repeat R] [--warm N] [--keep DIR]

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

Target: celery-lint's checks under 20 ms cold on this project. The machine's load
average is printed with the figures (other processes inflate cold wall times); the
script asserts only that every run succeeded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from celery_lint.examples import BASE

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
import celery_lint.checks  # what CeleryLintConfig.ready() does when celery_lint is installed
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes per cold figure (best of)")
    parser.add_argument("--warm", type=int, default=50, help="warm runs per process (median)")
    parser.add_argument("--keep", type=Path, help="write the project here and keep it")
    args = parser.parse_args()
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
    print(f"  once per process, at django.setup(): importing celery_lint.checks and the rules {imported:.1f} ms")
    print(f"  once per worker or beat start, after the fixup's run_checks(): the worker-boot report {boot:.2f} ms")
    verdict = "within" if plain["celery_lint_cold"] < TARGET_MS else "OVER"
    print(f"Target: celery-lint's checks under {TARGET_MS:.0f} ms cold (first in the process): {verdict} "
          f"({plain['celery_lint_cold']:.2f} ms; --deploy {deploy['celery_lint_cold']:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
