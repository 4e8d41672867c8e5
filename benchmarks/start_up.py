#!/usr/bin/env python
"""What starting celery-lint costs, against a bare interpreter, and what the flake8
plugin adds to flake8's start and to each file.

Usage:  .venv/bin/python benchmarks/start_up.py [--rounds N] [--files N]

Every command runs in a fresh process (wall and CPU, user + system, from `os.wait4`
in `bench_tree.py`'s launcher), bytecode compiled first as a wheel install has it, in
`--rounds` rounds. Within a round the commands compared run one after the other, their
order turning each round, and each figure is taken within the round (a ratio, or the
difference with and without the plugin): the median over the rounds is printed with
the min-max. Single runs on a shared machine spread by +-20 ms or more, and medians of
unpaired runs differ by as much from one run of the script to the next.

- `celery-lint --version` and `celery-lint` in an empty directory, over the baseline
  `python -c "import ast"` (CPU);
- flake8 with and without the plugin (dropped from the plugins flake8 finds, as
  `bench_tree.py` does), each pair with the same arguments: `--version` (flake8's
  start: it imports every plugin and registers its options); one empty file with no
  CEL code selected (`--select=E9`); one empty file with flake8's default selection
  (CEL selected: the engine is imported and the file's project looked for, the work
  itself; no goal);
- inside one flake8 process over `--files` small modules (`--jobs=1 --select=E9`):
  the time spent importing the plugin, in its `add_options` and `parse_options`, and
  in its per-file calls (flake8 builds and runs every tree plugin for every file
  whatever `--select` says: the plugin's `__init__` and `run`, with flake8's own
  argument matching for it). A whole-process difference over many files is lost in
  the noise (+-100 ms on 0.6 s runs); these figures are not.

Goals: `--version` and the empty directory at most 2x the baseline (CPU); the plugin
adds at most 10 ms of CPU to flake8's start and to a run that selects no CEL code
(the paired medians), and nothing per file there (the per-file figure is flake8's
call of a plugin that returns at once). The machine's load average is printed.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_tree  # noqa: E402  (its launcher and flake8 wrapper)

import celery_lint  # noqa: E402
import flake8_plugin  # noqa: E402

BIN = Path(sys.executable).parent
Group = dict[str, tuple[list[str], Path]]  # the commands compared within a round, by name
Runs = dict[str, list[tuple[float, float]]]  # wall and CPU milliseconds of each round, by name

# flake8 in this process, with the plugin, timing the plugin's own parts (milliseconds
# of wall time; the process is alone on its thread with --jobs=1)
IN_FLAKE8 = """\
import json, sys, time
import flake8.checker
from flake8.main.cli import main

spent = {"import": 0.0, "add_options": 0.0, "parse_options": 0.0, "per file": 0.0}
start = time.perf_counter()
import flake8_plugin
spent["import"] = time.perf_counter() - start
plugin = flake8_plugin.CeleryLintPlugin


def timed(name, method):
    def call(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start
    return classmethod(call)


plugin.add_options = timed("add_options", plugin.add_options.__func__)
plugin.parse_options = timed("parse_options", plugin.parse_options.__func__)
run_check = flake8.checker.FileChecker.run_check
files = 0


class Ran:
    def __init__(self, results):
        self.results = results

    def run(self):
        return self.results


def timed_check(self, loaded, **arguments):
    global files
    if loaded.plugin.package != "celery-lint":
        return run_check(self, loaded, **arguments)
    start = time.perf_counter()
    results = list(run_check(self, loaded, **arguments).run())  # what flake8 does with it, all of it
    spent["per file"] += time.perf_counter() - start
    files += 1
    return Ran(results)


flake8.checker.FileChecker.run_check = timed_check
try:
    main(sys.argv[1:])
except SystemExit:
    pass
spent["per file"] /= max(files, 1)
print("@@", json.dumps({"files": files, **{k: v * 1000 for k, v in spent.items()}}))
"""


def rounds(groups: list[Group], count: int) -> list[Runs]:
    """`count` rounds; in each, every group's commands one after the other, the order
    turning each round (with, without; then without, with)."""
    found: list[Runs] = [{name: [] for name in group} for group in groups]
    for round_ in range(count):
        for group, runs in zip(groups, found):
            names = list(group)
            for name in names[round_ % len(names):] + names[: round_ % len(names)]:
                args, cwd = group[name]
                wall, cpu, _, _ = bench_tree.measure(args, cwd, ok=(0, 1))
                runs[name].append((wall * 1000, cpu * 1000))
    return found


def in_flake8(directory: Path, count: int) -> dict[str, list[float]]:
    """The plugin's parts inside `count` flake8 processes with no CEL code selected."""
    found: dict[str, list[float]] = {}
    for _ in range(count):
        _, _, _, output = bench_tree.measure(
            [sys.executable, "-c", IN_FLAKE8, "--isolated", "--jobs=1", "--select=E9", "."], directory, ok=(0, 1))
        for name, value in json.loads(output.rpartition("@@ ")[2]).items():
            found.setdefault(name, []).append(value)
    return found


def spread(values: list[float], unit: str, signed: bool = False) -> str:
    """The median of per-round figures, and their min-max."""
    sign = "+" if signed else ""
    return (f"{statistics.median(values):{sign}7.1f}{unit} (min {min(values):{sign}.1f}, "
            f"max {max(values):{sign}.1f})")


def small_modules(directory: Path, count: int) -> None:
    """`count` short modules, each with an import, a class and a function."""
    directory.mkdir()
    for i in range(count):
        (directory / f"module{i:04}.py").write_text(
            f'"""Module {i}."""\n\nimport os\n\n\nclass Thing{i}:\n    size = {i}\n\n\n'
            f"def path{i}(name):\n    return os.path.join(name, str(Thing{i}.size))\n",
            encoding="utf-8",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds of paired fresh processes (median)")
    parser.add_argument("--files", type=int, default=500, help="modules of the in-process flake8 run")
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
        many = Path(tmp) / "many"
        small_modules(many, args.files)
        flake8 = [python, "-c", bench_tree.FLAKE8]

        def plugin(arguments: list[str]) -> Group:
            return {"with": ([*flake8, "with", *arguments], one), "without": ([*flake8, "without", *arguments], one)}

        start = {
            "python -c 'import ast'": ([python, "-c", "import ast"], empty),
            "celery-lint --version": ([str(BIN / "celery-lint"), "--version"], empty),
            "celery-lint (empty directory)": ([str(BIN / "celery-lint")], empty),
        }
        flake8_cases = {
            "flake8 --version": plugin(["--version"]),
            "flake8 --isolated --select=E9 empty.py": plugin(["--isolated", "--select=E9", "empty.py"]),
            "flake8 --isolated empty.py (CEL selected)": plugin(["--isolated", "empty.py"]),
        }
        found = rounds([start, *flake8_cases.values()], args.rounds)
        inside = in_flake8(many, 3)
    load = os.getloadavg()
    print(f"Python {sys.version.split()[0]}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on "
          f"{os.cpu_count()} CPUs (a loaded machine inflates wall times), {args.rounds} paired rounds, "
          "median (min-max) over the rounds:")
    runs = found[0]
    for label, figures in runs.items():
        wall, cpu = spread([f[0] for f in figures], " ms wall"), spread([f[1] for f in figures], " ms CPU")
        print(f"  {label:<32} {wall}  {cpu}")
    base = runs["python -c 'import ast'"]
    for label in ("celery-lint --version", "celery-lint (empty directory)"):
        cpu = [f[1] / b[1] for f, b in zip(runs[label], base)]
        wall = [f[0] / b[0] for f, b in zip(runs[label], base)]
        verdict = "PASS" if statistics.median(cpu) <= 2 else "FAIL"
        print(f"goal: {label} at most 2x the baseline: {verdict}: CPU {spread(cpu, 'x')}, wall {spread(wall, 'x')}")
    print("flake8 with the plugin minus without, the same arguments, paired within each round:")
    for (label, _), runs in zip(flake8_cases.items(), found[1:]):
        cpu = [w[1] - o[1] for w, o in zip(runs["with"], runs["without"])]
        wall = [w[0] - o[0] for w, o in zip(runs["with"], runs["without"])]
        without = statistics.median(o[1] for o in runs["without"])
        print(f"  {label:<42} CPU {spread(cpu, ' ms', True)}, wall {spread(wall, ' ms', True)} "
              f"(without: {without:.0f} ms CPU)")
        if "CEL selected" not in label:  # with CEL selected the difference is the work itself: no goal
            verdict = "PASS" if statistics.median(cpu) <= 10 else "FAIL"
            print(f"  goal: the plugin adds at most 10 ms: {verdict}")
    files = int(inside.pop("files")[0])
    print(f"inside flake8 --isolated --jobs=1 --select=E9 over {files} files, 3 processes (ms of wall time, median):")
    print("  " + ", ".join(f"{name} {statistics.median(values):.3f}" for name, values in inside.items()))
    per_file = statistics.median(inside["per file"]) * 1000
    print(f"  the plugin per file: {per_file:.1f} us (flake8 builds it and iterates its run(), which returns at once)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
