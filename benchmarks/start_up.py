#!/usr/bin/env python
"""What starting celery-lint costs, against a bare interpreter, and what the flake8
plugin adds to flake8's start.

Usage:  .venv/bin/python benchmarks/start_up.py [--runs N]

Each figure is the median of `--runs` fresh processes (wall and CPU, user + system,
from `os.wait4` in `bench_tree.py`'s launcher), bytecode compiled first as a wheel
install has it:

- baseline: `python -c "import ast"`;
- `celery-lint --version`, and `celery-lint` in an empty directory;
- `flake8 --version` (which imports every plugin) without the plugin (dropped from
  the plugins flake8 finds, as `bench_tree.py` does) and with it: flake8's start;
- flake8 on one empty file: without the plugin, with it and no CEL code selected
  (`--select=E9`), and with it selected (flake8's default selection: the engine is
  imported and that file's project looked for, the work itself).

Goals: `--version` and the empty directory at most 2x the baseline (CPU); the plugin
adds at most 10 ms to flake8's start and to a run that selects no CEL code. The
machine's load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_tree  # noqa: E402  (its launcher and flake8 wrapper)

import celery_lint  # noqa: E402
import flake8_plugin  # noqa: E402

BIN = Path(sys.executable).parent


def median(args: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `runs` fresh processes."""
    found = [bench_tree.measure(args, cwd, ok=(0, 1)) for _ in range(runs)]
    return statistics.median(f[0] for f in found) * 1000, statistics.median(f[1] for f in found) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure (median)")
    args = parser.parse_args()
    packages = [str(Path(m.__file__).parent) for m in (celery_lint, flake8_plugin)]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True, stdout=subprocess.DEVNULL)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="cl-start-") as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        one = Path(tmp) / "one"
        one.mkdir()
        (one / "empty.py").write_text("", encoding="utf-8")
        flake8 = [python, "-c", bench_tree.FLAKE8]
        figures = {
            "python -c 'import ast'": median([python, "-c", "import ast"], empty, args.runs),
            "celery-lint --version": median([str(BIN / "celery-lint"), "--version"], empty, args.runs),
            "celery-lint (empty directory)": median([str(BIN / "celery-lint")], empty, args.runs),
            "flake8 --version without the plugin": median([*flake8, "without", "--version"], one, args.runs),
            "flake8 --version with the plugin": median([*flake8, "with", "--version"], one, args.runs),
            "flake8 without the plugin": median([*flake8, "without", "--isolated", "empty.py"], one, args.runs),
            "flake8, plugin, CEL not selected": median(
                [*flake8, "with", "--isolated", "--select=E9", "empty.py"], one, args.runs),
            "flake8, plugin, CEL selected": median([*flake8, "with", "--isolated", "empty.py"], one, args.runs),
        }
    load = os.getloadavg()
    print(f"Python {sys.version.split()[0]}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on "
          f"{os.cpu_count()} CPUs (a loaded machine inflates wall times), median of {args.runs} processes:")
    for label, (wall, cpu) in figures.items():
        print(f"  {label:<34} {wall:7.1f} ms wall {cpu:7.1f} ms CPU")
    base_wall, base_cpu = figures["python -c 'import ast'"]
    for label in ("celery-lint --version", "celery-lint (empty directory)"):
        wall, cpu = figures[label]
        verdict = "PASS" if cpu <= 2 * base_cpu else "FAIL"
        print(f"goal: {label} at most 2x the baseline: {verdict} ({cpu / base_cpu:.2f}x CPU, {wall / base_wall:.2f}x wall)")
    for label, without in (("flake8 --version with the plugin", "flake8 --version without the plugin"),
                           ("flake8, plugin, CEL not selected", "flake8 without the plugin")):
        (wall, cpu), (without_wall, without_cpu) = figures[label], figures[without]
        verdict = "PASS" if cpu - without_cpu <= 10 else "FAIL"
        print(f"goal: {label}: the plugin adds at most 10 ms: {verdict} "
              f"({cpu - without_cpu:+.1f} ms CPU, {wall - without_wall:+.1f} ms wall)")
    (wall, cpu), (without_wall, without_cpu) = figures["flake8, plugin, CEL selected"], figures["flake8 without the plugin"]
    print(f"flake8 with CEL selected, one empty file (the engine imported, the work done): "
          f"{cpu - without_cpu:+.1f} ms CPU, {wall - without_wall:+.1f} ms wall; no goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
