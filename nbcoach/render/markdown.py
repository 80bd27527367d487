"""The report as GitHub-flavoured Markdown, for a pull-request comment or a job summary."""

from __future__ import annotations

import html
import re

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
            lines.append(
                f"| {_code(card.path, table=True)} | {card.grade or '-'} | {score} | {_cell(status)} |"
            )
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
            + [f"- {_text(e)}" for e in report.input_errors]
            + [""]
        )
    return "\n".join(lines).rstrip() + "\n"


def _card(card: ReportCard, max_findings: int, collapsed: bool) -> list[str]:
    lines = [f"### {_code(card.path)} — {card.grade} ({card.score:.1f}/100)", ""]
    coverage = phrases.coverage(card)
    lines.append(coverage[0].upper() + coverage[1:])
    lines += ["", "| category | score | grade | costs |", "| --- | ---: | :---: | ---: |"]
    lines += [
        f"| {c.name} | {c.score:.1f} | {c.grade} | {f'-{c.cost:.1f}' if c.cost else ''} |"
        for c in card.categories
    ]
    lines.append("")
    if card.held_by:
        lines += [f"**{_text(card.held_by)}**", ""]
    if card.next_steps:
        lines.append("**Next steps**")
        lines.append("")
        lines += [
            f"{n}. {_text(step.action)} — **+{step.gain:.1f} points**"
            + (f" ({_code(step.command)})" if step.command.startswith("nbcoach ") else "")
            for n, step in enumerate(card.next_steps, start=1)
        ]
        lines.append("")
    else:
        lines += ["**Next steps:** nothing left that costs points. Well done.", ""]
    if card.extraction is not None:
        lines += [
            f"**{phrases.EXTRACTION_LEAD}:** {_text(card.extraction.action)} — "
            f"{_code(card.extraction.command)}",
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
            f"| {_code(str(f.location), table=True)} | `{f.rule}` | {_cell(f.message)} "
            f"| {_cell(rule_help(f.rule))} |"
            for f in shown
        ]
        lines += ["", "</details>", ""]
    return lines


# File names are the user's: `a|b.ipynb` would split a table row, `<img onerror=...>.ipynb`
# would be HTML, and a backtick in a name would end its code span early.
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _code(text: str, table: bool = False) -> str:
    """`text` as one code span, whatever it holds: fenced by more backticks than any run in it
    (CommonMark), on one line, its pipes escaped inside a table (GFM reads those first)."""
    text = _LINE_BREAKS.sub(" ", text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    span = f"{fence}{padded}{fence}"
    return span.replace("|", "\\|") if table else span


def _text(text: str) -> str:
    """Prose that may quote user names: HTML outside code spans is shown, never rendered."""
    pieces = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append(html.escape(text[last : match.start()], quote=False))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(html.escape(text[last:], quote=False))
    return _LINE_BREAKS.sub(" ", "".join(pieces))


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|")
