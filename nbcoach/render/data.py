"""The JSON report: a public, versioned interface (documented in docs/report-json.md).

Bump SCHEMA_VERSION on any change that removes or renames a key; adding keys is compatible.
Nothing volatile (timings, absolute paths the user did not give) goes in, so reports diff cleanly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from nbcoach import __version__
from nbcoach.core.model import Finding, Location, NextStep, Report, ReportCard
from nbcoach.core.rules import rule_help

SCHEMA_VERSION = 1


def report_data(report: Report, with_notebooks: bool = True) -> dict[str, Any]:
    cards = report.cards
    scored = [c for c in cards if c.score is not None]
    grades: dict[str, int] = {}
    for card in scored:
        assert card.grade is not None
        grades[card.grade] = grades.get(card.grade, 0) + 1
    failed = [
        c.path
        for c in scored
        if report.fail_under is not None and (c.score or 0) < report.fail_under
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "nbcoach", "version": __version__},
        "summary": {
            "notebooks": len(cards),
            "ok": sum(c.status == "ok" for c in cards),
            "skipped": sum(c.status == "skipped" for c in cards),
            "error": sum(c.status == "error" for c in cards),
            "mean_score": round(sum(c.score or 0 for c in scored) / len(scored), 1)
            if scored
            else None,
            "grades": dict(sorted(grades.items())),
            "findings": sum(len(c.findings) for c in cards),
            "fail_under": report.fail_under,
            "failed": failed,
        },
        "notebooks": [card_data(card) for card in cards] if with_notebooks else [],
        "cross_findings": [finding_data(f) for f in report.cross_findings],
        "input_errors": list(report.input_errors),
        "excluded": [{"path": path, "pattern": pattern} for path, pattern in report.excluded],
        "gitignored": report.ignored,
    }


def card_data(card: ReportCard) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": card.path,
        "status": card.status,
        "reason": card.reason,
        "format": card.format,
        "language": card.language,
        "notes": list(card.notes),
        "score": card.score,
        "grade": card.grade,
        "categories": {
            c.name: {"score": c.score, "grade": c.grade, "cost": c.cost} for c in card.categories
        },
        "held_by": card.held_by,
        "coverage": {
            "code_cells": card.metrics.python_cells,
            "analysed_cells": card.metrics.analysed_cells,
            "analysed_share": card.analysed_share,
        },
        "metrics": {
            "code_lines": card.metrics.code_lines,
            "top_level_lines": card.metrics.top_level_lines,
            "functions": card.metrics.functions,
            "markdown_cells": card.metrics.markdown_cells,
            "maintainability": card.metrics.maintainability,
        },
        "functions": [
            {
                "name": s.function.name,
                "cell": s.function.cell if card.format != "script" else None,
                "line": s.function.line,
                "end_line": s.function.end_line,
                "length": s.function.length,
                "statements": s.function.statements,
                "complexity": s.function.complexity,
                "nesting": s.function.nesting,
                "parameters": s.function.parameters,
                "hidden_globals": list(s.function.hidden_globals),
                "score": s.score,
                "grade": s.grade,
            }
            for s in card.functions
        ],
        "findings": [finding_data(f) for f in card.findings],
        "next_steps": [step_data(s) for s in card.next_steps],
        "extraction_step": step_data(card.extraction) if card.extraction is not None else None,
        "strengths": list(card.strengths),
        "extraction_candidates": list(card.candidates),
    }
    return data


def finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "message": finding.message,
        "path": finding.location.path,
        "cell": finding.location.cell,
        "line": finding.location.line,
        "end_line": finding.location.end_line,
        "location": str(finding.location),
        "severity": finding.severity,
        "category": finding.category,
        "deficit": finding.deficit,
        "scored": finding.scored,
        "help": rule_help(finding.rule),
    }


def step_data(step: NextStep) -> dict[str, Any]:
    return {
        "action": step.action,
        "gain": step.gain,
        "location": str(step.location) if isinstance(step.location, Location) else None,
        "rules": list(step.rules),
        "command": step.command or None,
        "fixes": list(step.fixes),
    }


def render_json(report: Report) -> str:
    return "".join(iter_json(report))


def iter_json(report: Report) -> Iterator[str]:
    """The JSON report, one notebook at a time: the same text as dumping `report_data` whole,
    without ever holding the whole tree (a monorepo's report runs to tens of megabytes)."""
    head = _dumps(report_data(report, with_notebooks=False))
    marker = '\n  "notebooks": [],\n'
    before, after = head.split(marker, 1)
    if not report.cards:
        yield head
        return
    yield before + '\n  "notebooks": [\n'
    for index, card in enumerate(report.cards):
        text = _dumps(card_data(card)).rstrip("\n")
        # JSON strings cannot hold a raw newline, so every line break is between tokens.
        yield ("    " + text.replace("\n", "\n    ")) + (
            ",\n" if index < len(report.cards) - 1 else "\n"
        )
    yield "  ],\n" + after


def _dumps(data: Any) -> str:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency, but not on every platform
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()
