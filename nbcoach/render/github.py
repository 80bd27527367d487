"""The report as GitHub Actions workflow commands: one annotation per finding, one per card.

`::warning file=…,line=…,endLine=…,title=…::message` (error, warning or notice by severity),
placed by the same rule as SARIF: in the paired .py when the notebook has one. Values are
escaped as GitHub's toolkit does: `%`, CR and LF everywhere, and `:` and `,` in properties.
"""

from __future__ import annotations

from nbcoach.core.model import Finding, Report, ReportCard, SourceFile
from nbcoach.core.rules import rule_help
from nbcoach.render import phrases

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(report: Report) -> str:
    sources = {card.path: card.source for card in report.cards if card.source is not None}
    lines = []
    for card in report.cards:
        if card.status == "ok":
            lines.append(_card_notice(card))
            lines += [_annotation(f, sources.get(f.location.path)) for f in card.findings]
        elif card.status == "error":
            lines.append(_command("error", {"file": card.path, "title": "nbcoach"}, card.reason))
    lines += [_annotation(f, sources.get(f.location.path)) for f in report.cross_findings]
    lines += [_command("error", {"title": "nbcoach"}, error) for error in report.input_errors]
    return "".join(line + "\n" for line in lines)


def _card_notice(card: ReportCard) -> str:
    assert card.score is not None
    steps = [
        f"{n}. {step.action} (+{step.gain:.1f} points)"
        for n, step in enumerate(card.next_steps, start=1)
    ]
    message = "Next steps:\n" + "\n".join(steps) if steps else "Nothing left that costs points."
    if card.extraction is not None:
        message += f"\n{phrases.EXTRACTION_LEAD}: {phrases.extraction(card.extraction)}"
    title = f"nbcoach: {card.path} scores {card.grade} ({card.score:.1f}/100)"
    path = card.source.path if card.source is not None else card.path
    return _command("notice", {"file": path, "title": title}, message)


def _annotation(finding: Finding, source: SourceFile | None) -> str:
    location = finding.location
    source = source or SourceFile(location.path)
    properties: dict[str, str] = {"file": source.path}
    start = source.line(location.cell, location.line)
    if start is not None:
        properties["line"] = str(start)
        end = source.line(location.cell, location.end_line) if location.end_line else None
        if end is not None and end > start:
            properties["endLine"] = str(end)
    properties["title"] = f"nbcoach {finding.rule}"
    message = f"{finding.message} [{location}]\n{rule_help(finding.rule)}"
    return _command(COMMAND[finding.severity], properties, message)


def _command(kind: str, properties: dict[str, str], message: str) -> str:
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return (
        f"::{kind} {listed}::{escape_data(message)}"
        if listed
        else f"::{kind}::{escape_data(message)}"
    )


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
