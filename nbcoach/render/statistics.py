"""`--statistics`: how many findings each rule has, most first (as `ruff --statistics`)."""

from __future__ import annotations

import json
from collections import Counter

from nbcoach.core.model import Report
from nbcoach.core.rules import rule_help


def render_statistics(report: Report, as_json: bool = False) -> str:
    findings = [f for card in report.cards for f in card.findings] + list(report.cross_findings)
    counts = Counter(f.rule for f in findings)
    fixable = Counter(f.rule for f in findings if f.fixable)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        data = [
            {
                "code": rule,
                "count": count,
                "fixable": fixable[rule] > 0,
                "help": rule_help(rule),
            }
            for rule, count in rows
        ]
        return json.dumps(data, indent=2) + "\n"
    if not rows:
        return "No findings.\n"
    width = max(len(rule) for rule, _ in rows)
    lines = [
        f"{count:>5}\t{rule.ljust(width)}\t{'[*] ' if fixable[rule] else '[ ] '}"
        f"{rule_help(rule).split('. ')[0].rstrip('.')}"
        for rule, count in rows
    ]
    return "\n".join(lines) + "\n"
