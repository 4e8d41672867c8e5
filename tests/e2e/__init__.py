"""End-to-end tests: the real flake8, the `celery-lint` command, `manage.py check` and
pre-commit, each run as a subprocess on projects written to disk."""

from __future__ import annotations

import re
from pathlib import Path

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules

load_rules()
# the rules of the first milestone that read source (CEL302 is live-only)
STATIC_CODES = ("CEL001", "CEL003", "CEL004", "CEL101", "CEL102", "CEL103", "CEL104", "CEL201", "CEL301")
FINDING = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<code>CEL\d{3}) (?P<message>.+)$")


def write_bad_examples(top: Path, codes: tuple[str, ...] = STATIC_CODES) -> set[tuple[str, str]]:
    """Each rule's bad example as its own project in `top/<code>/`; the (path, code)
    pairs the examples declare, with paths relative to `top`."""
    expected = set()
    for code in codes:
        rule = REGISTRY[code]
        write_project(rule.bad, top / code.lower())
        expected |= {(f"{code.lower()}/{path}", found) for path, found in rule.bad.findings}
    return expected


def parse_findings(output: str, codes: tuple[str, ...] = STATIC_CODES) -> list[tuple[str, int, str]]:
    """(path, line, code) of each `path:line:col: CODE message` line whose code is in `codes`."""
    found = []
    for line in output.splitlines():
        match = FINDING.match(line)
        if match and match["code"] in codes:
            found.append((match["path"].removeprefix("./"), int(match["line"]), match["code"]))
    return found
