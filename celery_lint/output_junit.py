"""`--format junit`: JUnit XML, as CI services show test reports (GitLab's
`artifacts:reports:junit`, Jenkins, Azure Pipelines).

One `<testsuite>` per file with findings, one failing `<testcase>` per finding
(named by its code, its class the file, as ruff writes them); a clean run is one
suite with one passing case, so the report is never an empty one that a CI service
reads as "no tests ran". A file the analysis needed and could not read or parse
is an `<error>` case (the analysis is incomplete), any other one a `<skipped>` case.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from celery_lint.engine import Report
from celery_lint.output import relative, severity

SUITE = "celery-lint"


def junit_xml(report: Report, cwd: Path) -> str:
    suites = ElementTree.Element("testsuites", name=SUITE)
    by_file: dict[str, ElementTree.Element] = {}
    for finding in report.findings:
        path = relative(finding.path, cwd)
        suite = by_file.get(path)
        if suite is None:
            suite = by_file[path] = ElementTree.SubElement(suites, "testsuite", name=path)
        case = ElementTree.SubElement(
            suite, "testcase", name=f"{finding.code} line {finding.line}", classname=path,
            file=path, line=str(finding.line),
        )
        failure = ElementTree.SubElement(case, "failure", message=finding.message, type=finding.code)
        failure.text = f"{path}:{finding.line}:{finding.col + 1}: {finding.code} [{severity(finding)}] {finding.message}"
    if report.errors:
        suite = ElementTree.SubElement(suites, "testsuite", name=f"{SUITE}: files not analysed")
        for error in report.errors:
            path = relative(error.path, cwd)
            case = ElementTree.SubElement(suite, "testcase", name=f"{path}:{error.line}", classname=path, file=path)
            if error.needed:  # the analysis is incomplete
                failed = ElementTree.SubElement(case, "error", message=error.reason, type="not-analysed")
                failed.text = f"{path}:{error.line}: {error.reason}"
            else:  # only this file's own checks were lost
                ElementTree.SubElement(case, "skipped", message=f"{error.reason} (file skipped)")
    if not by_file and not report.errors:
        suite = ElementTree.SubElement(suites, "testsuite", name=SUITE)
        ElementTree.SubElement(suite, "testcase", name="no findings", classname=SUITE)
    _count(suites)
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


def _count(suites: ElementTree.Element) -> None:
    """The `tests`, `failures`, `errors` and `skipped` counts every consumer reads, per suite and in all."""
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        counts = {
            "tests": len(suite),
            "failures": sum(1 for case in suite if case.find("failure") is not None),
            "errors": sum(1 for case in suite if case.find("error") is not None),
            "skipped": sum(1 for case in suite if case.find("skipped") is not None),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
