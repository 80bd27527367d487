"""`# nbcoach: ignore[rule-id]` comments: on a line for that line, at a cell's top for the cell.

The same comment silences lint findings too, so one syntax serves every finding in a card.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nbcoach.core.model import Cell, Finding, Suppression

_COMMENT = re.compile(r"#\s*nbcoach:\s*ignore(?:\[([^\]]*)\])?")


def collect(cells: Iterable[Cell]) -> tuple[Suppression, ...]:
    found: list[Suppression] = []
    for cell in cells:
        if cell.kind != "code" or "nbcoach" not in cell.source:
            continue
        in_header = True
        for number, text in enumerate(cell.source.split("\n"), start=1):
            stripped = text.strip()
            if stripped and not stripped.startswith("#"):
                in_header = False
            match = _COMMENT.search(text)
            if match is None:
                continue
            rules = tuple(r.strip() for r in (match.group(1) or "").split(",") if r.strip())
            found.append(Suppression(cell.number, None if in_header else number, rules))
    return tuple(found)


def is_suppressed(finding: Finding, suppressions: tuple[Suppression, ...], script: bool) -> bool:
    cell = 1 if script else finding.location.cell
    for item in suppressions:
        if item.cell != cell:
            continue
        if item.line is not None and item.line != finding.location.line:
            continue
        if not item.rules or finding.rule in item.rules:
            return True
    return False


def apply(
    findings: Iterable[Finding],
    suppressions: tuple[Suppression, ...],
    ignored: Iterable[str],
    script: bool,
) -> list[Finding]:
    """The findings left once comments and the config's `ignore` list have spoken."""
    ignored_rules = set(ignored)
    return [
        f
        for f in findings
        if f.rule not in ignored_rules
        and not (suppressions and is_suppressed(f, suppressions, script))
    ]
