"""Which cells set a parameter again after papermill injected it.

papermill injects `-p NAME VALUE` right after the cell tagged `parameters`, or before the first
cell when none is tagged; a later cell that assigns NAME overrides the value given, silently.
A static look at each cell's top-level bindings (magics masked, as the report masks them) is
enough to name those cells: the run itself is not needed.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Sequence

from nbcoach.analysis.facts import collect
from nbcoach.analysis.magics import mask_cell
from nbcoach.analysis.parse import ParsedCell


def reassignments(
    sources: Sequence[tuple[int, str]], names: Iterable[str]
) -> list[tuple[int, str]]:
    """(cell number, name) for each cell among `sources` (number, code) that binds one of
    `names` at the top level, in cell order. A cell that does not parse is passed over."""
    wanted = set(names)
    found = []
    for number, source in sources:
        for name in sorted(top_level_names(source) & wanted):
            found.append((number, name))
    return found


def top_level_names(source: str) -> set[str]:
    """Names a cell binds in the notebook's namespace, as the report's cell facts record them:
    assignments (augmented ones only change the value they were given), `for` and `with`
    targets, imports, functions and classes -- also inside top-level `if`, `try`, `for`,
    `while` and `with` blocks, never inside a def."""
    masked = mask_cell(0, source)
    if masked.foreign:
        return set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(masked.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return set()
    facts = collect(ParsedCell(0, masked, tree))
    return (
        {assignment.name for assignment in facts.assignments if assignment.value is not None}
        | {definition.name for definition in facts.definitions}
        | {name for item in facts.imports for name in item.bound}
        | facts.loop_names
    )
