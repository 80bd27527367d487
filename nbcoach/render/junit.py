"""The report as JUnit XML, for CI systems that show test results (GitLab, Azure Pipelines,
Jenkins): one test suite per notebook, one failing test case per finding (`nbcoach.<rule>`),
and one `grade` test case that fails when the notebook scores under `fail-under` (or cannot be
read). A notebook without findings still shows, with its passing `grade` case."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from nbcoach.core.model import Report, ReportCard
from nbcoach.core.rules import rule_help


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name="nbcoach")
    total_tests = total_failures = total_errors = 0
    for card in report.cards:
        suite, tests, failures, errors = _suite(card, report.fail_under)
        suites.append(suite)
        total_tests += tests
        total_failures += failures
        total_errors += errors
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", str(total_errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _suite(card: ReportCard, fail_under: float | None) -> tuple[ET.Element, int, int, int]:
    suite = ET.Element("testsuite", name=card.path)
    failures = errors = 0
    grade = ET.SubElement(suite, "testcase", name="grade", classname=card.path)
    if card.status == "error":
        ET.SubElement(grade, "error", message=card.reason, type="unreadable")
        errors += 1
    elif card.status == "skipped":
        ET.SubElement(grade, "skipped", message=card.reason)
    else:
        assert card.score is not None
        grade.set("name", f"grade {card.grade} ({card.score:.1f}/100)")
        if fail_under is not None and card.score < fail_under:
            failure = ET.SubElement(
                grade, "failure", message=f"scores {card.score:.1f}, below {fail_under:g}"
            )
            failure.set("type", "fail-under")
            failures += 1
    for finding in card.findings:
        case = ET.SubElement(suite, "testcase", name=f"nbcoach.{finding.rule}", classname=card.path)
        case.set("file", finding.location.path)
        if finding.location.line is not None:
            case.set("line", str(finding.location.line))
        failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule)
        failure.text = f"{finding.location}: {finding.message}\n{rule_help(finding.rule)}"
        failures += 1
    tests = 1 + len(card.findings)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "1" if card.status == "skipped" else "0")
    return suite, tests, failures, errors
