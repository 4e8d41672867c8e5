from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory for a project; tests write it with `tests.helpers.write_files`."""
    return tmp_path / "project"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (the addopts): two test processes per core, at most eight more than
    the cores. The proofs spend most of their time waiting on real workers, beat and
    time limits, so one process per core leaves the cores half idle (measured: the
    proofs took 172 s on 2 cores with `-n 2`, 132 s with `-n 4`).
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set (xdist's own hook reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(2 * cores, cores + 8)
