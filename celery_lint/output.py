"""How the command prints a report: text for people, JSON and SARIF for tools,
GitHub workflow commands that annotate a pull request's diff, and (in their own
modules) GitLab's Code Quality report and JUnit XML for CI test reports.

Every format says the same thing: the findings (path, line, column, code, severity,
message), the files that could not be analysed, what was analysed (each project's
settings, Celery app and version) and what could not be determined. Paths are relative to the working
directory when they are below it. Columns are 1-based, as editors count them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery_lint import __version__
from celery_lint.engine import Report
from celery_lint.findings import Finding
from celery_lint.project.facts import Notice, ProjectFacts, notices_of
from celery_lint.registry import REGISTRY, Rule
from celery_lint.sources import SourceError
from celery_lint.versions import format_version

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"E": "error", "W": "warning"}


def severity(finding: Finding) -> str:
    return finding.severity or REGISTRY[finding.code].severity


def relative(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return os.fspath(path)


def text(report: Report, cwd: Path) -> str:
    """`path:line:col: CODE message` lines and a summary line (errors go to stderr)."""
    lines = [marked(finding.format(relative_to=cwd), finding) for finding in report.findings]
    return "\n".join([*lines, *summary_lines(report, cwd)]) + "\n"


def summary_lines(report: Report, cwd: Path) -> list[str]:
    """`Found 2 findings in 8 files (settings ..., app ..., Celery ...).`, and a line per
    project when there are several."""
    count = len(report.findings)
    noun = "finding" if count == 1 else "findings"
    files = f"{report.files} file" + ("" if report.files == 1 else "s")
    summary = f"Found {count} {noun} in {files}" if count else f"No findings in {files}"
    facts = report.facts
    details: list[str] = []
    if len(facts) == 1:
        summary += f" ({facts[0].text()})."
    elif facts:
        summary += f", {len(facts)} projects:"
        details = [f"  {relative(f.root, cwd) if f.root != cwd else '.'}: {f.text()}" for f in facts]
    else:
        summary += " (no Django project)." if report.files else "."
    if report.errors:
        errors = f"{len(report.errors)} file(s) could not be analysed."
        summary = f"{summary[:-1]}; {errors[:-1]}:" if details else f"{summary} {errors}"
    return [summary, *details]


def fix_marker(finding: Finding) -> str:
    """ruff's `[*] ` for a finding `--fix` fixes (the rule declares it: no fix is
    computed here), else ""."""
    fix = REGISTRY[finding.code].fix
    return "[*] " if fix is not None and fix.safety_for(finding) == "safe" else ""


def marked(line: str, finding: Finding) -> str:
    """A `path:line:col: CODE message` line with the fix marker after the code."""
    head, code, rest = line.partition(f" {finding.code} ")
    return f"{head}{code}{fix_marker(finding)}{rest}"


def as_json(report: Report, cwd: Path) -> str:
    """`{"findings": [...], "errors": [...], "files": N}`; an error's level is "error"
    when the analysis needed the file, "warning" when only that file was skipped."""
    document = {
        "findings": [
            {
                "path": relative(f.path, cwd),
                "line": f.line,
                "column": f.col + 1,
                "code": f.code,
                "severity": severity(f),
                "message": f.message,
            }
            for f in report.findings
        ],
        "errors": [
            {"path": relative(e.path, cwd), "line": e.line, "message": e.reason, "level": _error_level(e)}
            for e in report.errors
        ],
        "files": report.files,
        "projects": [_facts(f, cwd) for f in report.facts],
        "warnings": [_notice(n, cwd) for n in notices_of(report.facts, report.notices)],
    }
    import json  # only for this format: spares the other runs its import

    return json.dumps(document, indent=2) + "\n"


def sarif(report: Report, cwd: Path) -> str:
    """A SARIF 2.1.0 log with one run: the rule catalogue as the driver's rules, the
    findings as results, unanalysable files as tool execution notifications."""
    rules = list(REGISTRY)
    index = {rule.code: i for i, rule in enumerate(rules)}
    root = source_root(cwd)  # code scanning resolves artifacts against the checkout
    urls = project_urls()
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVELS[severity(f)],
            "message": {"text": f.message},
            "locations": [_location(f.path, f.line, f.col + 1, root)],
        }
        for f in report.findings
    ]
    notifications = [
        {
            "level": _error_level(e),
            "message": {"text": f"{e.reason}"},
            "locations": [_location(e.path, e.line, None, root)],
        }
        for e in report.errors
    ]
    notifications += [
        {
            "level": "warning",
            "message": {"text": notice.message()},
            "descriptor": {"id": notice.id},
            **({"locations": [_location(notice.path, 1, None, root)]} if notice.path else {}),
        }
        for notice in notices_of(report.facts, report.notices)
    ]
    driver: dict[str, Any] = {"name": "celery-lint", "version": __version__, "semanticVersion": __version__}
    if "Homepage" in urls:
        driver["informationUri"] = urls["Homepage"]
    driver["rules"] = [_rule(rule, urls.get("Documentation")) for rule in rules]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {"SRCROOT": {"uri": root.as_uri() + "/"}},
        "invocations": [
            {
                "executionSuccessful": not any(e.needed for e in report.errors),
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
        "properties": {"projects": [_facts(f, cwd) for f in report.facts]},
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    import json  # only for this format: spares the other runs its import

    return json.dumps(log, indent=2) + "\n"


def _facts(facts: ProjectFacts, cwd: Path) -> dict[str, Any]:
    version = facts.version
    return {
        "root": relative(facts.root, cwd) if facts.root != cwd else ".",
        "settings": list(facts.settings),
        "settings_not_analysed": list(facts.unread_settings),
        "apps": list(facts.apps),
        "celery_version": format_version(version.version) if version else None,
        "celery_version_source": version.source if version else None,
        "summary": facts.text(),
    }


def _notice(notice: Notice, cwd: Path) -> dict[str, Any]:
    return {"id": notice.id, "message": notice.message(), "path": relative(notice.path, cwd) if notice.path else None}


def source_root(cwd: Path) -> Path:
    """The top of the repository holding the working directory (the nearest directory
    at or above it with `.git` or `.hg`), else the working directory: what a code
    scanning or merge-request service resolves a report's paths against."""
    return next((d for d in (cwd, *cwd.parents) if (d / ".git").exists() or (d / ".hg").exists()), cwd)


def project_urls() -> dict[str, str]:
    """celery-lint's `Project-URL`s from its installed metadata (pyproject.toml's
    `[project.urls]`), by label; none when it runs uninstalled."""
    from importlib import metadata  # only for the formats that link to the docs

    try:
        labelled = metadata.metadata("celery-lint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return {}
    return {label.strip(): url.strip() for label, _, url in (entry.partition(",") for entry in labelled)}


def rule_url(documentation: str, rule: Rule) -> str:
    """The rule's docs page (`rules/CEL101.md` on the docs site)."""
    return f"{documentation.rstrip('/')}/rules/{rule.code}/"


def _rule(rule: Rule, documentation: str | None) -> dict[str, Any]:
    described: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.why.split())},
        "help": {"text": f"celery-lint --explain {rule.code}"},
        "defaultConfiguration": {"level": _LEVELS[rule.severity], "enabled": rule.default_enabled},
        "properties": {"django-check-id": rule.django_id},
    }
    if documentation:
        described["helpUri"] = rule_url(documentation, rule)
    return described


def _location(path: Path, line: int, column: int | None, root: Path) -> dict[str, Any]:
    try:
        artifact = {"uri": path.relative_to(root).as_posix(), "uriBaseId": "SRCROOT"}
    except ValueError:
        artifact = {"uri": path.as_uri()}
    region: dict[str, int] = {"startLine": max(line, 1)}
    if column is not None:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def github(report: Report, cwd: Path) -> str:
    """GitHub workflow commands: `::error file=p,line=1,col=1,title=CEL101::message`."""
    lines = []
    for f in report.findings:
        kind = _LEVELS[severity(f)]
        props = {"file": relative(f.path, cwd), "line": str(f.line), "col": str(f.col + 1), "title": f.code}
        lines.append(_command(kind, props, f"{f.code} {f.message}"))
    for e in report.errors:
        props = {"file": relative(e.path, cwd), "line": str(e.line), "title": "celery-lint"}
        lines.append(_command(_error_level(e), props, f"could not be analysed: {e.reason}"))
    for notice in notices_of(report.facts, report.notices):
        lines.append(_command("warning", {"title": "celery-lint"}, _where(notice, cwd) + notice.message()))
    return "".join(line + "\n" for line in lines)


def _error_level(error: SourceError) -> str:
    """A file the analysis needed is an error (exit 2); any other is skipped with a warning."""
    return "error" if error.needed else "warning"


def _command(kind: str, props: dict[str, str], message: str) -> str:
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{kind} {joined}::{escape_data(message)}"


def escape_data(value: str) -> str:
    """What GitHub's runner unescapes in a command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """What GitHub's runner unescapes in a command's property values."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def errors_text(errors: list[SourceError], cwd: Path) -> str:
    return "".join(
        f"celery-lint: {'error' if e.needed else 'warning'}: {relative(e.path, cwd)}:{e.line}: {e.reason}"
        f"{'' if e.needed else ' (file skipped)'}\n"
        for e in errors
    )


def notices_text(report: Report, cwd: Path) -> str:
    """`celery-lint: warning: [project: ]...` lines on what the analysis could not determine."""
    return "".join(f"celery-lint: warning: {_where(n, cwd)}{n.message()}\n" for n in notices_of(report.facts, report.notices))


def _where(notice: Notice, cwd: Path) -> str:
    return f"{relative(notice.path, cwd)}: " if notice.path is not None and notice.path != cwd else ""


def gitlab(report: Report, cwd: Path) -> str:
    from celery_lint.output_gitlab import code_quality  # only for this format

    return code_quality(report, cwd)


def junit(report: Report, cwd: Path) -> str:
    from celery_lint.output_junit import junit_xml  # only for this format

    return junit_xml(report, cwd)


WRITERS: dict[str, Callable[[Report, Path], str]] = {
    "text": text, "json": as_json, "sarif": sarif, "github": github, "gitlab": gitlab, "junit": junit,
}
