"""Sentences every human-readable format shares, written once so the formats never disagree."""

from __future__ import annotations

from nbcoach.model import ReportCard


def coverage(card: ReportCard) -> str:
    """`analysed 20/20 code cells · 492 code lines · 10 functions · maintainability 15 ...`"""
    m = card.metrics
    parts = [
        f"analysed {m.analysed_cells}/{m.python_cells} code cells"
        if card.format != "script"
        else "script"
    ]
    parts.append(f"{m.code_lines} code lines")
    parts.append(f"{m.functions} function{'s' if m.functions != 1 else ''}")
    if m.maintainability is not None:
        parts.append(f"maintainability {m.maintainability:.0f} (radon MI, not scored)")
    return " · ".join(parts)
