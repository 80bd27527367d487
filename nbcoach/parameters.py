"""Which cells set a parameter again after papermill injected it.

papermill injects `-p NAME VALUE` right after the cell tagged `parameters`, or before the first
cell when none is tagged; a later cell that assigns NAME overrides the value given, silently.
A static look at each cell's top-level bindings (magics masked, as the report masks them) is
enough to name those cells: the run itself is not needed.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator, Sequence

from nbcoach.magics import mask_cell


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
    """Names a cell binds in the notebook's namespace: assignments (augmented ones only change
    the value they were given), `for` and `with` targets, imports, functions and classes --
    also inside top-level `if`, `try`, `for`, `while` and `with` blocks, never inside a def."""
    masked = mask_cell(0, source)
    if masked.foreign:
        return set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(masked.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return set()
    return set(_bound(tree.body))


def _bound(statements: Iterable[ast.stmt]) -> Iterator[str]:
    for statement in statements:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                yield from _targets(target)
        elif isinstance(statement, (ast.For, ast.AsyncFor)) or (
            isinstance(statement, ast.AnnAssign) and statement.value is not None
        ):
            yield from _targets(statement.target)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    yield from _targets(item.optional_vars)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                yield (alias.asname or alias.name).split(".")[0]
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield statement.name
            continue
        for block in ("body", "orelse", "finalbody"):
            yield from _bound(getattr(statement, block, ()))
        for handler in getattr(statement, "handlers", ()):
            yield from _bound(handler.body)


def _targets(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _targets(element)
    elif isinstance(target, ast.Starred):
        yield from _targets(target.value)
