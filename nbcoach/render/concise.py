"""One line per finding, as `ruff check --output-format concise` prints them:
`nb.ipynb:cell 3:12:5: long-function message`, then each notebook's grade and a total."""

from __future__ import annotations

from nbcoach.core.model import Finding, Report
from nbcoach.core.words import counted


def place(finding: Finding) -> str:
    """`path:cell N:L:C` for a notebook, `path:L:C` for a script (ruff's form; a column nbcoach
    does not know is 1)."""
    location = finding.location
    parts = [location.path]
    if location.cell is not None:
        parts.append(f"cell {location.cell}")
    parts += [str(location.line or 1), str(location.column or 1)]
    return ":".join(parts)


def _position(finding: Finding) -> tuple[int, int, int, str]:
    location = finding.location
    return (location.cell or 0, location.line or 1, location.column or 1, finding.rule)


def render_concise(report: Report) -> str:
    lines = []
    findings = 0
    for card in report.cards:
        for finding in sorted(card.findings, key=_position):  # as ruff: by line, then column
            lines.append(f"{place(finding)}: {finding.rule} {finding.message}")
        findings += len(card.findings)
    for finding in report.cross_findings:
        lines.append(f"{place(finding)}: {finding.rule} {finding.message}")
    findings += len(report.cross_findings)
    for card in report.cards:
        if card.status == "ok" and card.score is not None:
            lines.append(f"{card.path}: grade {card.grade} ({card.score:.1f}/100)")
        else:
            lines.append(f"{card.path}: {card.status}: {card.reason}")
    graded = sum(1 for c in report.cards if c.score is not None)
    lines.append(f"Found {counted(findings, 'finding')} in {counted(graded, 'graded file')}.")
    return "\n".join(lines) + "\n"
