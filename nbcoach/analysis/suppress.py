"""`# nbcoach: ignore[rule-id]` comments: on a line for that line, at a cell's top for the cell.

The same comment silences lint findings too, so one syntax serves every finding in a card.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nbcoach.core.model import Cell, Finding, Suppression
from nbcoach.core.rules import RUFF_CODE

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


# Findings about the whole notebook, placed where the fix would start (the longest stretch of
# script, the first function): a place that moves with every edit. A comment naming one of
# them anywhere in the notebook silences it; a bare `# nbcoach: ignore` stays local.
NOTEBOOK_WIDE = frozenset(("long-script", "no-checks"))


def is_suppressed(finding: Finding, suppressions: tuple[Suppression, ...], script: bool) -> bool:
    if finding.rule in NOTEBOOK_WIDE and any(finding.rule in s.rules for s in suppressions):
        return True
    location = finding.location
    return silenced(finding.rule, location.cell, location.line, suppressions, script)


def silenced(
    rule: str,
    cell: int | None,
    line: int | None,
    suppressions: tuple[Suppression, ...],
    script: bool,
) -> bool:
    """Whether a comment silences `rule` at this place. Asked also for each occurrence of a
    habit reported as one finding (every path of `hard-coded-path`), so that a comment on one
    occurrence silences that one, not the notebook's."""
    cell = 1 if script else cell
    for item in suppressions:
        if item.cell != cell:
            continue
        if item.line is not None and item.line != line:
            continue
        if not item.rules or rule in item.rules:
            return True
    return False


def apply(
    findings: Iterable[Finding],
    suppressions: tuple[Suppression, ...],
    ignored: Iterable[str],
    script: bool,
    selected: Iterable[str] = (),
) -> list[Finding]:
    """The findings left once comments and the config's `select` and `ignore` lists have
    spoken (ruff's way: a rule counts when `select` matches it, or `select` is empty, and
    `ignore` does not)."""
    ignored_rules = tuple(ignored)
    selected_rules = tuple(selected)
    return [
        f
        for f in findings
        if (not selected_rules or rule_matches(f.rule, selected_rules))
        and not rule_matches(f.rule, ignored_rules)
        and not (suppressions and is_suppressed(f, suppressions, script))
    ]


def rule_matches(rule: str, patterns: Iterable[str]) -> bool:
    """Whether a pattern names the rule: its id (`long-function`, `F841`), `ALL`, or for ruff's
    codes a prefix as ruff reads one (`F`, `E7`, `N8`)."""
    for pattern in patterns:
        if pattern == rule or pattern == "ALL":
            return True
        if RUFF_CODE.fullmatch(pattern) and RUFF_CODE.fullmatch(rule) and rule.startswith(pattern):
            return True
    return False
