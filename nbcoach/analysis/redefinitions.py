"""The modeller's habit: the same function, class or variable defined again in later cells.

ruff's F811 only sees a redefinition that was never used in between, and nothing counts them.
Here every definition is listed with its cell, and the finding says whether the name was used
between two definitions -- the case where cells above ran code the notebook no longer shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase as fnmatch
from itertools import pairwise

from nbcoach.analysis.facts import Assignment, CellFacts, Definition
from nbcoach.core.model import Finding, Notebook

REDEFINITION_DEFICIT = {"used": 8.0, "changed": 4.0, "identical": 2.5}
REASSIGN_DEFICIT = {"kind": 20.0, "overwrite": 10.0, "chain": 5.0}


@dataclass(frozen=True, slots=True)
class Redefinition:
    """A name defined in more than one place, in order, and the cells that used it between."""

    name: str
    definitions: tuple[Definition, ...]
    used_in: tuple[int, ...]

    @property
    def identical(self) -> bool:
        return len({d.digest for d in self.definitions}) == 1

    @property
    def stale(self) -> bool:
        """Defined again with another body after cells used the older one: which version the
        notebook means is undecided (`nbcoach extract` will not move it until it is)."""
        return bool(self.used_in) and not self.identical


def redefined(facts: list[CellFacts]) -> list[Redefinition]:
    by_name: dict[str, list[Definition]] = defaultdict(list)
    for cell in facts:
        for definition in cell.definitions:
            by_name[definition.name].append(definition)
    twice = {name: found for name, found in by_name.items() if len(found) > 1}
    loads = _load_positions(facts, set(twice))
    return [
        Redefinition(name, tuple(found), tuple(_uses_between(found, loads.get(name, []))))
        for name, found in twice.items()
    ]


def redefinition_findings(notebook: Notebook, redefinitions: list[Redefinition]) -> list[Finding]:
    findings = []
    for item in redefinitions:
        name, definitions, used_in = item.name, item.definitions, item.used_in
        kind = definitions[-1].kind
        cells = ", ".join(str(d.cell) for d in definitions)
        if item.identical:  # cells that used it in between ran the same code: no older version
            detail = "the copies are identical"
            deficit = REDEFINITION_DEFICIT["identical"]
        elif used_in:
            plural = len(used_in) > 1
            detail = (
                f"used in cell{'s' if plural else ''} {_join(used_in)} between definitions, so "
                f"{'those cells' if plural else 'that cell'} ran an older version"
            )
            deficit = REDEFINITION_DEFICIT["used"]
        else:
            detail = "the bodies differ; only the last one is live"
            deficit = REDEFINITION_DEFICIT["changed"]
        last = definitions[-1]
        findings.append(
            Finding(
                f"redefined-{kind}",
                f"{kind} `{name}` is defined {len(definitions)} times (cells {cells}); {detail}",
                notebook.location(last.cell, last.line, last.end_line),
                "duplication",
                "warning",
                deficit,
                f"redefined:{name}",
                related=tuple(
                    notebook.location(d.cell, d.line, d.end_line) for d in definitions[:-1]
                ),
            )
        )
    return findings


def _load_positions(facts: list[CellFacts], names: set[str]) -> dict[str, list[tuple[int, int]]]:
    positions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for cell in facts:
        for name in names & cell.loads.keys():
            positions[name].extend((cell.number, line) for line in cell.loads[name])
    return positions


def _uses_between(definitions: list[Definition], loads: list[tuple[int, int]]) -> list[int]:
    """Cells that use the name after one definition and before the next (not inside a body)."""
    cells = []
    for earlier, later in pairwise(definitions):
        for cell, line in loads:
            after_earlier = (cell, line) > (earlier.cell, earlier.end_line)
            before_later = (cell, line) < (later.cell, later.line)
            if after_earlier and before_later and cell not in cells:
                cells.append(cell)
    return sorted(cells)


def _join(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return str(numbers[0])
    return ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def reassignment_findings(
    notebook: Notebook, facts: list[CellFacts], allowed: frozenset[str]
) -> list[Finding]:
    """Variables assigned in more than one cell, classified by what the reassignment does."""
    loop_names = set().union(*(cell.loop_names for cell in facts)) if facts else set()
    defined = {d.name for cell in facts for d in cell.definitions}
    by_name: dict[str, list[Assignment]] = defaultdict(list)
    for cell in facts:
        for assignment in cell.assignments:
            by_name[assignment.name].append(assignment)
    findings = []
    for name, assignments in by_name.items():
        if name in loop_names or name in defined or _allowed(name, allowed):
            continue
        if len({a.cell for a in assignments}) < 2:
            continue
        classes = _classify(assignments)
        worst = "kind" if "kind" in classes else "overwrite" if "overwrite" in classes else "chain"
        cells = sorted({a.cell for a in assignments})
        if worst == "kind":
            detail = f"its kind changes ({classes['kind']})"
        elif worst == "overwrite":
            detail = "later cells overwrite it"
        else:
            detail = "each cell rebuilds it from itself, so re-running a cell repeats the step"
        later = next(a for a in assignments if a.cell != assignments[0].cell)
        findings.append(
            Finding(
                "reassigned-variable",
                f"`{name}` is assigned in cells {_join(cells)}: {detail}",
                notebook.location(later.cell, later.line),
                "duplication",
                "warning" if worst != "chain" else "info",
                REASSIGN_DEFICIT[worst],
                f"reassigned:{name}",
                related=tuple(
                    notebook.location(a.cell, a.line) for a in assignments if a is not later
                ),
            )
        )
    return findings


def _allowed(name: str, allowed: frozenset[str]) -> bool:
    return name in allowed or any(
        fnmatch(name, pattern) for pattern in allowed if "*" in pattern or "?" in pattern
    )


def _classify(assignments: list[Assignment]) -> dict[str, str]:
    """What each assignment in a later cell does to the value before it."""
    classes: dict[str, str] = {}
    last_kind = assignments[0].value_kind
    previous_cell = assignments[0].cell
    for current in assignments[1:]:
        if current.cell != previous_cell:
            if current.chain:
                classes.setdefault("chain", f"cell {current.cell}")
            elif last_kind and current.value_kind and last_kind != current.value_kind:
                classes.setdefault(
                    "kind",
                    f"{last_kind} before cell {current.cell}, {current.value_kind} from there",
                )
            else:
                classes.setdefault("overwrite", f"cell {current.cell}")
        last_kind = current.value_kind or last_kind
        previous_cell = current.cell
    return classes
