"""The report as GitHub-flavoured Markdown, for a pull-request comment or a job summary."""

from __future__ import annotations

from nbcoach.core.model import Report, ReportCard
from nbcoach.core.rules import rule_help
from nbcoach.render import phrases


def render_markdown(report: Report, max_findings: int = 20) -> str:
    lines = ["## nbcoach report card", ""]
    graded = [c for c in report.cards if c.score is not None]
    if len(report.cards) > 1:
        lines += ["| notebook | grade | score | status |", "| --- | :---: | ---: | --- |"]
        for card in sorted(report.cards, key=lambda c: (c.score is None, c.score or 0, c.path)):
            score = f"{card.score:.1f}" if card.score is not None else "-"
            status = card.status if card.status == "ok" else f"{card.status}: {card.reason}"
            lines.append(f"| `{card.path}` | {card.grade or '-'} | {score} | {_cell(status)} |")
        if graded:
            mean = sum(c.score or 0 for c in graded) / len(graded)
            lines += ["", f"{len(graded)} graded, mean score **{mean:.1f}**."]
        lines.append("")
    for card in report.cards:
        if card.status == "ok":
            lines += _card(card, max_findings, collapsed=len(report.cards) > 1)
    if report.input_errors:
        lines += (
            ["### Inputs that could not be read", ""]
            + [f"- {_cell(e)}" for e in report.input_errors]
            + [""]
        )
    return "\n".join(lines).rstrip() + "\n"


def _card(card: ReportCard, max_findings: int, collapsed: bool) -> list[str]:
    lines = [f"### `{card.path}` — {card.grade} ({card.score:.1f}/100)", ""]
    coverage = phrases.coverage(card)
    lines.append(coverage[0].upper() + coverage[1:])
    lines += ["", "| category | score | grade | costs |", "| --- | ---: | :---: | ---: |"]
    lines += [
        f"| {c.name} | {c.score:.1f} | {c.grade} | {f'-{c.cost:.1f}' if c.cost else ''} |"
        for c in card.categories
    ]
    lines.append("")
    if card.held_by:
        lines += [f"**{_cell(card.held_by)}**", ""]
    if card.next_steps:
        lines.append("**Next steps**")
        lines.append("")
        lines += [
            f"{n}. {step.action} — **+{step.gain:.1f} points**"
            for n, step in enumerate(card.next_steps, start=1)
        ]
        lines.append("")
    else:
        lines += ["**Next steps:** nothing left that costs points. Well done.", ""]
    if card.extraction is not None:
        lines += [
            f"**{phrases.EXTRACTION_LEAD}:** {card.extraction.action} — `{card.extraction.command}`",
            "",
        ]
    if card.strengths:
        lines += ["**Already good:** " + "; ".join(card.strengths), ""]
    if card.findings:
        shown, summary = phrases.costliest(card.findings, max_findings)
        lines += [
            f"<details{'' if collapsed else ' open'}><summary>{summary}</summary>",
            "",
            "| location | rule | message | how to fix |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{f.location}` | `{f.rule}` | {_cell(f.message)} | {_cell(rule_help(f.rule))} |"
            for f in shown
        ]
        lines += ["", "</details>", ""]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
