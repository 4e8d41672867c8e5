"""Proof tests: each rule's bad example, run against the real Celery and Django."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from celery_lint.examples import write_project
from celery_lint.registry import Example
from tests.helpers import run_python


def probe(example: Example, root: Path, code: str) -> Any:
    """Write `example` at `root`, run `code` there in a fresh interpreter, and return the
    JSON value its last line of output prints."""
    write_project(example, root)
    result = run_python(code, root)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
