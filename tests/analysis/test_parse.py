"""Cells become syntax trees: plain Python as it is, IPython cells once their magics are masked."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

from nbcoach.analysis.magics import mask_cell
from nbcoach.analysis.notebook import read
from nbcoach.analysis.parse import parse_cells
from nbcoach.core.model import Cell, Notebook


def notebook_of(*sources: str) -> Notebook:
    cells = tuple(Cell(number=i, kind="code", source=s) for i, s in enumerate(sources, start=1))
    return Notebook(path="nb.ipynb", format="ipynb", cells=cells, language="python", nbformat="4")


def test_plain_python_is_parsed_as_it_is_and_magics_are_masked() -> None:
    plain, magic, broken = parse_cells(
        notebook_of("x = 1\nprint(x)", "%time y = x + 1\nprint(y)", "print 'old'")
    )
    assert plain.masked.masked == () and plain.source == "x = 1\nprint(x)"
    assert isinstance(plain.tree, ast.Module)
    assert [m.line for m in magic.masked.masked] == [1] and magic.source.startswith("y = x + 1")
    assert broken.tree is None and broken.error is not None and broken.error.lineno == 1


def test_a_cell_that_parses_whole_has_nothing_to_mask(corpus: Path) -> None:
    """What lets plain cells skip the masking scan: on every corpus cell that parses as it is,
    masking changes nothing."""
    warnings.simplefilter("ignore")
    parsed_whole = 0
    for path in sorted(corpus.glob("*.ipynb")):
        try:
            notebook = read(path)
        except Exception:  # unreadable corpus files are the report's business, not this test's
            continue
        for cell in notebook.cells:
            if cell.kind != "code" or not cell.source.strip():
                continue
            try:
                ast.parse(cell.source)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            masked = mask_cell(cell.number, cell.source)
            assert (masked.source, masked.masked, masked.foreign) == (cell.source, (), None), path
            parsed_whole += 1
    assert parsed_whole > 4000


def test_python_3_12_type_aliases_parse_as_assignments_with_columns_kept() -> None:
    """`type Hand = str` is a syntax error before Python 3.12, yet the notebook is sound where it
    was written: the alias is read as an assignment and its line given back as it was."""
    from nbcoach.analysis.magics import unmask

    source = "from fractions import Fraction\n\ntype Hand = str  # a hand\ntype Pair[T] = tuple[T, T]\nx: Hand = 'rB'"
    (cell,) = parse_cells(notebook_of(source))
    assert cell.error is None and isinstance(cell.tree, ast.Module)
    lines = cell.source.split("\n")
    if cell.masked.masked:  # Python 3.11: rewritten, the `=` where it stood
        assert lines[2] == "Hand      = str  # a hand" and lines[3].index("=") == 13
        assert [m.line for m in cell.masked.masked] == [3, 4]
    assert unmask(cell.masked) == source
    names = {n.id for n in ast.walk(cell.tree) if isinstance(n, ast.Name)}
    assert {"Hand", "Pair"} <= names
    (broken,) = parse_cells(notebook_of("type Hand = = str"))
    assert broken.tree is None and broken.error is not None
