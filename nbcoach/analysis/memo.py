"""What one cell's analysis costs, kept between analyses of the same notebook as it is edited.

The language server grades a notebook on every change, and a change touches one cell. A cell's
parse, its facts (with its functions' free names) and its functions' complexity depend on
nothing but its number and its text, so they are kept here, keyed by both, and only a changed
(or moved) cell is worked out again. What depends on the whole notebook (redefinitions, hidden inputs, execution
order, copy-paste, the maintainability index, scores) is always computed afresh from these
parts: the result is the same as an analysis without a memo (tests/analysis/test_memo.py checks
it over edits of corpus notebooks).

Nothing kept here may be changed by its users: the analysis only reads facts and trees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from nbcoach.analysis.facts import CellFacts
from nbcoach.analysis.parse import ParsedCell, parse_cell

T = TypeVar("T")
Key = tuple[int, str]  # (cell number, cell text)


@dataclass(slots=True)
class CellWork:
    parsed: ParsedCell | None = None
    facts: CellFacts | None = None
    complexity: tuple[dict[int, int], int] | None = None


class CellMemo:
    """One notebook's cells' work; `sweep` after each analysis forgets cells that are gone."""

    def __init__(self) -> None:
        self._work: dict[Key, CellWork] = {}
        self._used: set[Key] = set()
        self._by_cell: dict[int, CellWork] = {}  # id of a kept ParsedCell -> its work

    def work(self, number: int, source: str) -> CellWork:
        key = (number, source)
        self._used.add(key)
        found = self._work.get(key)
        if found is None:
            found = self._work[key] = CellWork()
        return found

    def parse(self, number: int, source: str) -> ParsedCell:
        """The cell's parse, from the last call when its number and text are the same."""
        work = self.work(number, source)
        if work.parsed is None:
            work.parsed = parse_cell(number, source)
            self._by_cell[id(work.parsed)] = work
        return work.parsed

    def of(self, cell: ParsedCell) -> CellWork | None:
        """The work of a cell this memo parsed (None for one it did not)."""
        return self._by_cell.get(id(cell))

    def sweep(self) -> None:
        self._work = {key: self._work[key] for key in self._used if key in self._work}
        self._by_cell = {id(w.parsed): w for w in self._work.values() if w.parsed is not None}
        self._used = set()

    @property
    def size(self) -> int:
        """Cells kept (no __len__: an empty memo must not read as no memo)."""
        return len(self._work)


def remembered(work: CellWork | None, name: str, compute: Callable[[], T]) -> T:
    """`work.<name>`, computed once; without a memo, computed every time."""
    if work is None:
        return compute()
    value = getattr(work, name)
    if value is None:
        value = compute()
        setattr(work, name, value)
    return value  # type: ignore[no-any-return]
