"""How big a change is, and whether a new score may be compared with the old one. Pure.

Sizes are `nbcoach commit-size`'s, counted by the same functions (`commitsize.source_of` and
`count_change`): changed lines of cell sources (code and markdown) and functions by syntax
tree, never JSON, so re-running a notebook changes nothing, and a commit the hook called fine
is not a big bang here. A *shape* also keeps each code cell's lines as hashes, for
`cells_changed` and functions' content digests.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass

from nbcoach.core.config import CommitSize
from nbcoach.core.model import Notebook
from nbcoach.history.records import BlobFacts, Mark
from nbcoach.workflow.commitsize import Source, count_change, source_of


@dataclass(frozen=True, slots=True)
class Shape:
    """Per code cell: its number and a hash per line (0 for a blank line); and what
    commit-size counts of the version."""

    cells: tuple[tuple[int, tuple[int, ...]], ...] = ()
    counted: Source | None = None

    def lines(self, cell: int) -> tuple[int, ...]:
        for number, hashes in self.cells:
            if number == cell:
                return hashes
        return ()


@dataclass(frozen=True, slots=True)
class ChangeSize:
    lines_added: int = 0
    lines_removed: int = 0
    cells_changed: int = 0
    functions_changed: int = 0

    @property
    def counts(self) -> bool:
        """Whether commit-size would list the file (a re-run that changes no source does not)."""
        return bool(self.lines_added or self.lines_removed or self.functions_changed)


def shape_of(notebook: Notebook) -> Shape:
    return Shape(
        tuple(
            (cell.number, tuple(_line_hash(line) for line in cell.source.splitlines()))
            for cell in notebook.cells
            if cell.kind == "code"
        ),
        source_of(notebook),
    )


def _line_hash(line: str) -> int:
    stripped = line.strip()
    return zlib.crc32(stripped.encode("utf-8", "surrogatepass")) if stripped else 0


def function_digest(shape: Shape, cell: int, line: int, end_line: int) -> str:
    lines = shape.lines(cell)[max(0, line - 1) : end_line]
    return f"{zlib.crc32(repr(lines).encode()):08x}"


def change_size(old: Shape | None, new: Shape | None) -> ChangeSize:
    counted = count_change(old.counted if old else None, new.counted if new else None)
    old_cells = Counter(hashes for _, hashes in old.cells) if old else Counter()
    new_cells = Counter(hashes for _, hashes in new.cells) if new else Counter()
    return ChangeSize(
        lines_added=counted.added,
        lines_removed=counted.removed,
        cells_changed=max(
            sum((new_cells - old_cells).values()), sum((old_cells - new_cells).values())
        ),
        functions_changed=len(counted.functions),
    )


def classify(
    reference: BlobFacts | None, current: BlobFacts, previous: BlobFacts | None = None
) -> tuple[Mark, float | None, bool]:
    """(mark, score change, whether `current` becomes the new reference).

    The reference is the last version whose score can be trusted. A version in which fewer cells
    could be analysed (a magic that still breaks parsing, a syntax error) may score *higher*
    because code vanished from view -- wily reports exactly that as an improvement. Here it is
    marked and never compared. Once coverage is stable again -- the file's previous version
    hid as many cells (a Python 2 `print` that stays for years) -- the comparison point moves
    on to that version, so the trend does not freeze; the drop itself is never counted.
    """
    if current.status == "error":
        return "unreadable", None, False
    if current.status != "ok" or current.score is None:
        return "skipped", None, False
    if reference is None or reference.score is None:
        return "new", None, True
    if current.unanalysed > reference.unanalysed:
        if (
            previous is not None
            and previous is not reference
            and previous.status == "ok"
            and previous.score is not None
            and previous.python_cells == current.python_cells
            and previous.unanalysed == current.unanalysed
        ):
            return "", round(current.score - previous.score, 1), True
        return "coverage-drop", None, False
    if current.unanalysed < reference.unanalysed:
        return "coverage-rise", None, True
    return "", round(current.score - reference.score, 1), True


def is_big_bang(
    lines_changed: int, functions_changed: int, files: int, merge: bool, limits: CommitSize
) -> bool:
    """Over any of the project's `[tool.nbcoach.commit-size]` limits -- the same ones the
    pre-commit coaching warns about. Merges bring other commits' work: not a habit of whoever
    merged."""
    if merge:
        return False
    return (
        lines_changed > limits.max_lines
        or functions_changed > limits.max_functions
        or files > limits.max_notebooks
    )
