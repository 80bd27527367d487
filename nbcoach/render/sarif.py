"""The report as SARIF 2.1.0, for GitHub code scanning and any SARIF viewer.

One rule entry per nbcoach rule, with its summary, why it matters and how to fix it; ruff codes
that occur get an entry too. Each result points where `sourcemap` placed its card (the paired
.py when there is one); the notebook location (`nb.ipynb:cell 3:line 4`) is always kept in the
result's properties, and a region inside a notebook records its cell in the region's properties.
Findings' other places (earlier definitions, the original copy) become `relatedLocations`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nbcoach import __version__
from nbcoach.core.model import Finding, Location, Report, ReportCard, SourceFile
from nbcoach.core.rules import RUFF_RULES_URL, RULES, RULES_BY_ID, docs_url, rule_help

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
ROOT_ID = "%SRCROOT%"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: Report) -> dict[str, Any]:
    sources = {card.path: card.source for card in report.cards if card.source is not None}
    graded = [card for card in report.cards if card.status == "ok"]
    findings = [f for card in graded for f in card.findings] + list(report.cross_findings)
    rules = _rules(findings)
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "nbcoach",
                "version": __version__,
                "semanticVersion": __version__,
                **({"informationUri": home} if (home := docs_url()) else {}),
                "rules": rules,
            }
        },
        "results": [_result(f, index, sources) for f in findings],
        "columnKind": "unicodeCodePoints",
        # paths that are no notebook at all (missing, not .ipynb or .py): what SARIF calls the
        # tool's notifications about its own run, so that no input disappears from the log
        "invocations": [
            {
                "executionSuccessful": not report.input_errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": error}} for error in report.input_errors
                ],
            }
        ],
        "properties": {"notebooks": [_card_summary(card) for card in report.cards]},
    }
    if report.source_root:
        run["originalUriBaseIds"] = {ROOT_ID: {"uri": Path(report.source_root).as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rules(findings: list[Finding]) -> list[dict[str, Any]]:
    entries = [
        {
            "id": rule.id,
            "name": _camel(rule.id),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why},
            "help": {
                "text": f"{rule.why}\n\nHow to fix: {rule.fix}",
                "markdown": f"{rule.why}\n\n**How to fix:** {rule.fix}",
            },
            "defaultConfiguration": {"level": "warning"},
            "properties": {"category": rule.category, "tags": ["nbcoach", rule.category]},
            **({"helpUri": page} if (page := docs_url("rules.md", rule.id)) else {}),
        }
        for rule in RULES
    ]
    external = sorted({f.rule for f in findings if f.rule not in RULES_BY_ID})
    names = ruff_rule_names() if external else {}
    entries += [
        {
            "id": code,
            **({"name": names[code]} if code in names else {}),
            "shortDescription": {"text": f"ruff rule {code}"},
            "help": {"text": f"Run `ruff rule {code}` for why it matters and how to fix it."},
            **({"helpUri": f"{RUFF_RULES_URL}{names[code]}/"} if code in names else {}),
            "properties": {"category": "lint", "tags": ["nbcoach", "lint", "ruff"]},
        }
        for code in external
    ]
    return entries


def ruff_rule_names() -> dict[str, str]:
    """ruff's code -> rule name (`F401` -> `unused-import`), the slug of its rule's web page:
    from the rule list the findings' help reads too (`ruff rule --all`, asked once a run)."""
    from nbcoach.core.tools import ruff_rules

    return {
        str(item["code"]): str(item["name"])
        for item in ruff_rules()
        if item.get("code") and item.get("name")
    }


def _camel(rule_id: str) -> str:
    head, *rest = rule_id.split("-")
    return head + "".join(part.capitalize() for part in rest)


def _result(
    finding: Finding, index: dict[str, int], sources: dict[str, SourceFile]
) -> dict[str, Any]:
    location = finding.location
    physical, in_notebook = _physical(location, sources.get(location.path))
    text = finding.message
    if in_notebook and location.cell is not None:
        text += f" ({_place(location)})"
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVEL[finding.severity],
        "message": {"text": f"{text}. {rule_help(finding.rule)}"},
        "locations": [{"physicalLocation": physical}],
        "properties": {
            "notebookLocation": str(location),
            "category": finding.category,
            "deficit": finding.deficit,
            "scored": finding.scored,
        },
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(place, sources.get(place.path))[0],
                "message": {"text": str(place)},
            }
            for number, place in enumerate(finding.related, start=1)
        ]
    return result


def _physical(location: Location, source: SourceFile | None) -> tuple[dict[str, Any], bool]:
    """A physicalLocation, and whether it lies in a notebook's JSON rather than a text file."""
    source = source or SourceFile(location.path)  # not attached: the path as given
    artifact: dict[str, Any] = {"uri": uri_path(source.path)}
    if not source.path.startswith("/"):
        artifact["uriBaseId"] = ROOT_ID
    physical: dict[str, Any] = {"artifactLocation": artifact}
    in_notebook = source.path.endswith(".ipynb")
    start = source.line(location.cell, location.line)
    if start is None and location.cell is None:
        return physical, in_notebook  # the whole file
    region: dict[str, Any] = {"startLine": start or 1}  # 1: a cell the JSON layout cannot place
    if location.column is not None and not in_notebook and start is not None:
        region["startColumn"] = location.column  # in a .py the line is the cell's own line
    end = source.line(location.cell, location.end_line) if start and location.end_line else None
    if end is not None and end > region["startLine"]:
        region["endLine"] = end
    if in_notebook and location.cell is not None:
        cell: dict[str, Any] = {"cell": location.cell}
        if location.line is not None:
            cell["lineInCell"] = location.line
        region["properties"] = cell
    physical["region"] = region
    return physical, in_notebook


def _place(location: Location) -> str:
    return f"cell {location.cell}" + (f", line {location.line}" if location.line else "")


def _card_summary(card: ReportCard) -> dict[str, Any]:
    return {
        "path": card.path,
        "status": card.status,
        "grade": card.grade,
        "score": card.score,
        "reason": card.reason or None,
    }


def uri_path(path: str) -> str:
    """A SourceFile path as a URI reference: relative stays relative, absolute becomes file://."""
    from urllib.parse import quote

    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path)
