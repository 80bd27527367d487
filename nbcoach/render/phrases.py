"""Sentences every human-readable format shares, written once so the formats never disagree."""

from __future__ import annotations

from nbcoach.core.model import Finding, NextStep, ReportCard

EXTRACTION_LEAD = "Then"


def coverage(card: ReportCard) -> str:
    """`analysed 20/20 code cells · 492 code lines · 10 functions · maintainability 15 ...`"""
    m = card.metrics
    parts = [
        f"analysed {m.analysed_cells}/{m.python_cells} code cells"
        if card.format != "script"
        else "script"
    ]
    parts.append(f"{m.code_lines} code line{'s' if m.code_lines != 1 else ''}")
    parts.append(f"{m.functions} function{'s' if m.functions != 1 else ''}")
    if m.maintainability is not None:
        parts.append(f"maintainability {m.maintainability:.0f} (radon MI, not scored)")
    if card.analysed_share is not None:
        parts.append(
            f"{1 - card.analysed_share:.0%} of the code lines did not parse and score zero"
        )
    return " · ".join(parts)


def costliest(findings: tuple[Finding, ...], limit: int) -> tuple[tuple[Finding, ...], str]:
    """The findings to show, costliest first (`limit` <= 0: all), and the heading that says so."""
    ordered = sorted(
        findings, key=lambda f: (-f.deficit, f.location.cell or 0, f.location.line or 0)
    )
    shown = tuple(ordered if limit <= 0 else ordered[:limit])
    if len(shown) == len(findings):
        return shown, f"Findings ({len(findings)})"
    return (
        shown,
        f"Findings ({len(shown)} of {len(findings)}, costliest first; --all shows every one)",
    )


def extraction(step: NextStep) -> str:
    """The move-into-a-module step as one sentence ending in its command; shown after the scored
    steps and never numbered among them, because it earns no points."""
    return f"{step.action}: {step.command}"


def candidates(card: ReportCard, everything: bool) -> tuple[tuple[str, ...], str]:
    """The functions ready to move that a card lists (five, or all with --all), and the
    ` and N more` that follows them."""
    listed = card.candidates if everything else card.candidates[:5]
    left = len(card.candidates) - len(listed)
    return listed, f" and {left} more" if left else ""
