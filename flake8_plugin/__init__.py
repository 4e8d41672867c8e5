"""flake8 adapter: `flake8 --select=CEL` reports the catalogue's findings for each file.

flake8 hands the plugin one file and the tree it parsed; the project model behind
that file is built once per process and shared by every file of the project.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from celery_lint import __version__
from celery_lint.engine import findings_for_file, select_rules


class CeleryLintPlugin:
    name = "celery-lint"
    version = __version__

    _rules = None

    def __init__(self, tree: ast.Module, filename: str) -> None:
        self.tree = tree
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        if self.filename in ("stdin", "-", ""):
            return
        if CeleryLintPlugin._rules is None:
            # flake8 does the selecting; an opt-in rule reports only when selected there.
            CeleryLintPlugin._rules = select_rules(extend_select=["CEL202"])
        try:
            findings = findings_for_file(Path(self.filename), self.tree, CeleryLintPlugin._rules)
        except RecursionError:
            return
        for finding in findings:
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
