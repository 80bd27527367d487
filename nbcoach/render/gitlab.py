"""The report as a GitLab Code Quality report (a subset of the Code Climate spec): a JSON array
of issues, each with a description, the rule as `check_name`, a fingerprint unique in the
report and stable across runs, a severity, and a place GitLab can show in a merge request (the
paired `.py` when the notebook has one, as for SARIF; else the notebook and the line of the
cell's source in its JSON, or line 1)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from nbcoach.core.model import Finding, Report, SourceFile
from nbcoach.core.rules import rule_help

# nbcoach's severities onto GitLab's five (info, minor, major, critical, blocker)
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render_gitlab(report: Report) -> str:
    sources = {card.path: card.source for card in report.cards if card.source is not None}
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    findings = [f for card in report.cards for f in card.findings] + list(report.cross_findings)
    for finding in findings:
        issues.append(_issue(finding, sources.get(finding.location.path), seen))
    for card in report.cards:
        if card.status == "error":
            issues.append(
                {
                    "description": f"nbcoach could not read it: {card.reason}",
                    "check_name": "nbcoach-unreadable",
                    "fingerprint": _fingerprint(seen, "unreadable", card.path),
                    "severity": "critical",
                    "location": {"path": card.path, "lines": {"begin": 1}},
                }
            )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, source: SourceFile | None, seen: dict[str, int]) -> dict[str, Any]:
    location = finding.location
    source = source or SourceFile(location.path)
    begin = source.line(location.cell, location.line) or 1
    lines: dict[str, int] = {"begin": begin}
    end = source.line(location.cell, location.end_line) if location.end_line else None
    if end is not None and end > begin:
        lines["end"] = end
    return {
        "type": "issue",
        "description": f"{finding.message} [{location}]",
        "check_name": finding.rule,
        "content": {"body": rule_help(finding.rule)},
        "categories": ["Complexity" if finding.category in ("functions", "complexity") else
                       "Duplication" if finding.category == "duplication" else "Style"],
        "fingerprint": _fingerprint(seen, finding.rule, str(location), finding.message),
        "severity": SEVERITY.get(finding.severity, "minor"),
        "location": {"path": source.path, "lines": lines},
    }  # fmt: skip


def _fingerprint(seen: dict[str, int], *parts: str) -> str:
    """Stable across runs (the same finding at the same place hashes the same), unique in the
    report (GitLab drops issues that share one): a repeat gets its number added."""
    base = hashlib.md5("\0".join(parts).encode(), usedforsecurity=False).hexdigest()
    count = seen.get(base, 0)
    seen[base] = count + 1
    if count == 0:
        return base
    return hashlib.md5(f"{base}\0{count}".encode(), usedforsecurity=False).hexdigest()
