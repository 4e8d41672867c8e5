"""`--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`).

A JSON array of issues, the subset of the Code Climate format GitLab reads:
`description`, `check_name`, `fingerprint`, `severity` (info, minor, major, critical,
blocker) and `location` (`path` relative to the repository root, `lines.begin`).
GitLab compares the fingerprints of a merge request's report with its target
branch's to show new and fixed issues, so a fingerprint must be unique in a report
and stay the same when lines above the finding move: it hashes the path, the code,
the message and the finding's rank among the identical ones of that file, not its line.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from celery_lint.engine import Report
from celery_lint.output import relative, severity, source_root

#: an error stops the code from working as written; a warning may
SEVERITIES = {"E": "major", "W": "minor"}


def code_quality(report: Report, cwd: Path) -> str:
    root = source_root(cwd)
    seen: dict[tuple[str, str, str], int] = {}
    issues: list[dict[str, Any]] = []
    for finding in report.findings:
        path = relative(finding.path, root)
        key = (path, finding.code, finding.message)
        rank = seen[key] = seen.get(key, -1) + 1
        issues.append({
            "type": "issue",
            "check_name": finding.code,
            "description": f"{finding.code} {finding.message}",
            "categories": ["Bug Risk"],
            "severity": SEVERITIES[severity(finding)],
            "fingerprint": fingerprint(*key, rank),
            "location": {"path": path, "lines": {"begin": finding.line}},
        })
    return json.dumps(issues, indent=2) + "\n"


def fingerprint(path: str, code: str, message: str, rank: int) -> str:
    return hashlib.sha256("\0".join([path, code, message, str(rank)]).encode("utf-8")).hexdigest()
