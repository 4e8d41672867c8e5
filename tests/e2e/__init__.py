"""End-to-end tests: the real flake8, the `celery-lint` command, `manage.py check` and
pre-commit, each run as a subprocess on projects written to disk."""

from __future__ import annotations

import re
from pathlib import Path

from celery_lint.examples import write_project
from celery_lint.registry import REGISTRY, Example
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


# shape name -> (files changed from the canonical project, the (path, line, code) findings)
Shapes = dict[str, tuple[dict[str, str], list[tuple[str, int, str]]]]


def write_shapes(top: Path, shapes: Shapes) -> Path:
    """Each shape as its own project in `top/<name>/`."""
    for name, (files, _) in shapes.items():
        write_project(Example(files), top / name)
    return top


def shape_findings(shapes: Shapes) -> list[tuple[str, int, str]]:
    """Every shape's findings, with paths relative to `top`, sorted (as flake8 on `top` finds them)."""
    return sorted((f"{name}/{path}", line, code) for name, (_, lines) in shapes.items() for path, line, code in lines)


MONOREPO_SETTINGS = """\
TASK_ALWAYS_EAGER = True
CELERYD_CONCURRENCY = 4
broker_url = "redis://localhost"
CELERY_TASK_TIME_LIMT = 300
CELERY_RESULT_EXPIRE = 60
"""
# each project's table; `c` has none and reads the repository root's
MONOREPO_TABLES = {
    "services/a/pyproject.toml": '[tool.celery-lint]\nignore = ["CEL102"]\nown-settings = ["CELERY_RESULT_EXPIRE"]\n',
    "services/b/pyproject.toml": (
        '[tool.celery-lint]\nselect = ["CEL1"]\nper-file-ignores = { "proj/settings.py" = ["CEL103"] }\n'
    ),
    "pyproject.toml": '[tool.celery-lint]\nignore = ["CEL1"]\n',
}
# (project, path in it, line, code) that the command reports under those tables
MONOREPO_FINDINGS = {
    ("a", "proj/__init__.py", 1, "CEL004"),
    ("a", "proj/settings.py", 33, "CEL101"),
    ("a", "proj/settings.py", 35, "CEL103"),
    ("a", "proj/settings.py", 36, "CEL104"),  # CEL102 ignored; CELERY_RESULT_EXPIRE is a's own
    ("b", "proj/settings.py", 33, "CEL101"),  # CEL1 only; CEL103 ignored in proj/settings.py
    ("b", "proj/settings.py", 34, "CEL102"),
    ("b", "proj/settings.py", 36, "CEL104"),
    ("b", "proj/settings.py", 37, "CEL104"),
    ("c", "proj/__init__.py", 1, "CEL004"),  # the root's table: CEL1 ignored
}


def write_monorepo(top: Path) -> Path:
    """A repository with three Django projects under `top/services`, each with the
    same planted findings, two with their own `[tool.celery-lint]`."""
    (top / ".git").mkdir(parents=True)
    for name in "abc":
        write_project(Example({"proj/__init__.py": "", "+proj/settings.py": MONOREPO_SETTINGS}), top / "services" / name)
    for path, text in MONOREPO_TABLES.items():
        (top / path).write_text(text, encoding="utf-8")
    return top


def monorepo_findings(top: Path, projects: str = "abc") -> set[tuple[Path, int, str]]:
    """(absolute path, line, code) the command reports in those projects of `write_monorepo(top)`."""
    return {
        ((top / "services" / name / path).resolve(), line, code)
        for name, path, line, code in MONOREPO_FINDINGS if name in projects
    }
