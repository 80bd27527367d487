"""The terminal report card, as rich renderables.

With colour off (NO_COLOR, a pipe, `--no-color`) the same layout prints as plain text, which is
what the golden files hold. Every finding line starts with its location in the one scheme used
everywhere, `notebook.ipynb:cell N:line M`, then the rule id, the message and how to fix it.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nbcoach.core.errors import input_error_parts
from nbcoach.core.model import CategoryScore, Finding, Report, ReportCard
from nbcoach.core.rules import rule_help
from nbcoach.render import phrases

GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "dark_orange", "F": "bold red"}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
BAR_WIDTH = 20


def report_renderable(
    report: Report, full: bool | None = None, max_findings: int = 15
) -> RenderableType:
    """Every card, then a summary table when there is more than one input."""
    cards = report.cards
    detailed = full if full is not None else len(cards) <= 3
    parts: list[RenderableType] = []
    for card in cards:
        parts.append(card_renderable(card, detailed, max_findings))
        parts.append(Text(""))
    if report.cross_findings:
        parts.append(_cross(report.cross_findings, max_findings))
    if len(cards) > 1:
        parts.append(summary_table(report))
    return Group(*parts)


def card_renderable(card: ReportCard, full: bool = True, max_findings: int = 15) -> RenderableType:
    if card.status != "ok":
        style = "yellow" if card.status == "skipped" else "red"
        return Text.assemble(
            (card.path, "bold"), "  ", (card.status.upper(), style), f"  {card.reason}"
        )
    assert card.score is not None and card.grade is not None
    parts: list[RenderableType] = [_title(card), _coverage(card)]
    for note in card.notes:
        parts.append(Text(f"  note: {note}", style="dim"))
    parts.append(_categories(card.categories))
    if card.held_by:
        parts.append(Text("  " + card.held_by, style="bold"))
    parts.append(_next_steps(card))
    if full:
        if card.strengths:
            parts.append(Text("Already good", style="bold"))
            parts.extend(Text.assemble(("  + ", "green"), strength) for strength in card.strengths)
        everything = max_findings <= 0  # --all: every function and candidate too
        if card.functions:
            parts.append(_functions(card, len(card.functions) if everything else 8))
        if card.candidates:
            listed, more = phrases.candidates(card, everything)
            shown = ", ".join(f"`{name}`" for name in listed)
            parts.append(
                Text.assemble(
                    ("Ready to move into a module", "bold"), f" (no hidden inputs): {shown}{more}"
                )
            )
        parts.append(_findings(card.findings, max_findings))
    return Group(*parts)


def _table(title: str | None = None) -> Table:
    """The card's table style: a rule under the header, no outer frame, a bold title."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )


def _title(card: ReportCard) -> Text:
    assert card.score is not None and card.grade is not None
    return Text.assemble(
        (card.path, "bold"),
        "  ",
        (f" {card.grade} ", f"reverse {GRADE_STYLE[card.grade]}"),
        f"  {card.score:.1f}/100",
    )


def _coverage(card: ReportCard) -> Text:
    return Text("  " + phrases.coverage(card), style="dim")


def _categories(categories: tuple[CategoryScore, ...]) -> Table:
    table = _table()
    table.add_column("category")
    table.add_column("score", justify="right")
    table.add_column("grade", justify="center")
    table.add_column("costs", justify="right")
    table.add_column("", no_wrap=True)
    for category in categories:
        filled = round(category.score / 100 * BAR_WIDTH)
        bar = Text("#" * filled, style=GRADE_STYLE[category.grade]) + Text(
            "." * (BAR_WIDTH - filled), style="dim"
        )
        table.add_row(
            category.name,
            f"{category.score:.1f}",
            Text(category.grade, style=GRADE_STYLE[category.grade]),
            f"-{category.cost:.1f}" if category.cost else "",
            bar,
        )
    return table


def _next_steps(card: ReportCard) -> RenderableType:
    lines: list[RenderableType] = []
    if not card.next_steps:
        lines.append(
            Text.assemble(("Next steps", "bold"), ": nothing left that costs points. Well done.")
        )
    else:
        lines.append(Text("Next steps (worth the most points)", style="bold"))
    for number, step in enumerate(card.next_steps, start=1):
        lines.append(
            Text.assemble(
                f"  {number}. ", step.action, "  ", (f"+{step.gain:.1f} points", "bold green")
            )
        )
        if step.command.startswith("nbcoach "):  # a command that does it for you
            lines.append(Text.assemble("     do it: ", (step.command, "bold")))
    if card.extraction is not None and card.extraction.command:
        step = card.extraction
        lines.append(
            Text.assemble(
                f"  {phrases.EXTRACTION_LEAD}: ", step.action, ": ", (step.command, "bold")
            )
        )
    return Group(*lines)


def _functions(card: ReportCard, limit: int = 8) -> Table:
    table = _table("Functions (worst first)")
    for name, justify in (
        ("grade", "center"),
        ("function", "left"),
        ("where", "left"),
        ("lines", "right"),
        ("complexity", "right"),
        ("nesting", "right"),
        ("params", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for scored in card.functions[:limit]:
        f = scored.function
        where = f"line {f.line}" if card.format == "script" else f"cell {f.cell}:line {f.line}"
        table.add_row(
            Text(scored.grade, style=GRADE_STYLE[scored.grade]),
            f.name,
            where,
            str(f.length),
            str(f.complexity),
            str(f.nesting),
            str(f.parameters),
        )
    if len(card.functions) > limit:
        table.caption = f"{len(card.functions) - limit} more with --all"
    return table


def _findings(findings: tuple[Finding, ...], limit: int) -> RenderableType:
    if not findings:
        return Text("No findings.", style="green")
    shown, header = phrases.costliest(findings, limit)
    lines: list[RenderableType] = [Text(header, style="bold")]
    for finding in shown:
        lines.append(finding_line(finding))
    return Group(*lines)


def finding_line(finding: Finding) -> Text:
    return Text.assemble(
        f"  {finding.location}  ",
        (finding.rule, SEVERITY_STYLE[finding.severity]),
        f"  {finding.message}\n",
        (f"      -> {rule_help(finding.rule)}", "dim"),
    )


def _cross(findings: tuple[Finding, ...], limit: int) -> RenderableType:
    shown = findings[:limit] if limit > 0 else findings
    lines: list[RenderableType] = [
        Text(f"Copied between notebooks ({len(findings)}; not scored)", style="bold")
    ]
    lines.extend(finding_line(f) for f in shown)
    return Group(*lines, Text(""))


def summary_table(report: Report) -> Table:
    table = _table("Summary")
    table.add_column("notebook", overflow="fold")  # folded, never cut: a cut path names no file
    table.add_column("grade", justify="center")
    table.add_column("score", justify="right")
    table.add_column("status")
    ordered = sorted(
        report.cards, key=lambda c: (c.score is None, c.score if c.score is not None else 0, c.path)
    )
    for card in ordered:
        grade = Text(card.grade, style=GRADE_STYLE[card.grade]) if card.grade else Text("-")
        score = f"{card.score:.1f}" if card.score is not None else "-"
        status = card.status if card.status == "ok" else f"{card.status}: {card.reason}"
        table.add_row(card.path, grade, score, status)
    for error in report.input_errors:  # a path that is no notebook at all: listed too
        path, reason = input_error_parts(error)
        table.add_row(path, Text("-"), "-", f"error: {reason}")
    scored = [c.score for c in report.cards if c.score is not None]
    inputs = len(report.cards) + len(report.input_errors)
    if scored:
        table.caption = (
            f"{inputs} inputs · {len(scored)} graded · mean score {sum(scored) / len(scored):.1f}"
        )
    return table
