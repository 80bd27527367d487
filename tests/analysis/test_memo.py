"""A memo changes how much work an analysis does, never its result: a notebook edited cell by
cell (text changed, a cell broken, a cell inserted, a cell deleted) and analysed with the memo
of the previous edit gives the same Analysis as a fresh analysis without one."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from nbcoach.analysis.analyse import analyse_notebook
from nbcoach.analysis.memo import CellMemo
from nbcoach.analysis.notebook import read as load_notebook
from nbcoach.core.config import Config
from nbcoach.core.model import Cell, Notebook
from support import CORPUS, EXAMPLES


def _edits(notebook: Notebook, seed: str, count: int) -> list[Notebook]:
    """A sequence of versions of the notebook, each one edit from the last."""
    chooser = random.Random(seed)
    versions = []
    cells = list(notebook.cells)
    for step in range(count):
        code = [i for i, cell in enumerate(cells) if cell.kind == "code"]
        if not code:
            break
        index = chooser.choice(code)
        kind = chooser.choice(["append", "append", "break", "insert", "delete", "rename"])
        cell = cells[index]
        if kind == "append":
            cells[index] = replace(cell, source=cell.source + f"\nvalue_{step} = {step}")
        elif kind == "break":
            cells[index] = replace(cell, source=cell.source + "\nif True")
        elif kind == "insert":
            cells.insert(index, Cell(0, "code", f"def helper_{step}(x):\n    return x + {step}"))
        elif kind == "delete" and len(cells) > 1:
            del cells[index]
        else:
            cells[index] = replace(cell, source=cell.source.replace("def ", "def renamed_", 1))
        cells = [replace(c, number=number) for number, c in enumerate(cells, start=1)]
        versions.append(replace(notebook, cells=tuple(cells)))
    return versions


def _same_with_and_without_a_memo(path: Path, edits: int) -> None:
    notebook = load_notebook(path)
    config = Config()
    memo = CellMemo()
    analyse_notebook(notebook, config, memo)
    memo.sweep()
    for version in _edits(notebook, path.name, edits):
        remembered = analyse_notebook(version, config, memo)
        memo.sweep()
        assert remembered == analyse_notebook(version, config), f"{path.name}: differs"
        assert memo.size <= len(version.cells)  # cells gone are forgotten


@pytest.mark.parametrize("name", ["newcomer.ipynb", "clean.ipynb"])
def test_the_examples_edited_give_the_same_analysis_with_a_memo(name: str) -> None:
    _same_with_and_without_a_memo(EXAMPLES / name, 25)


def test_corpus_notebooks_edited_give_the_same_analysis_with_a_memo() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (../shared/corpus beside the repository)")
    notebooks = sorted(CORPUS.glob("*.ipynb"))[::9]  # 31 of 273, of every kind and size
    for path in notebooks:
        _same_with_and_without_a_memo(path, 6)


def test_a_memo_does_reuse_the_work_of_unchanged_cells() -> None:
    notebook = load_notebook(EXAMPLES / "newcomer.ipynb")
    memo = CellMemo()
    first = analyse_notebook(notebook, Config(), memo)
    memo.sweep()
    kept = {id(work.parsed) for work in memo._work.values()}
    cells = list(notebook.cells)
    last = max(i for i, c in enumerate(cells) if c.kind == "code")
    cells[last] = replace(cells[last], source=cells[last].source + "\nextra = 1")
    second = analyse_notebook(replace(notebook, cells=tuple(cells)), Config(), memo)
    memo.sweep()
    again = {id(work.parsed) for work in memo._work.values()}
    assert len(kept & again) == len(kept) - 1  # every cell's parse kept but the changed one's
    assert first.metrics is not None and second.metrics is not None
    assert second.metrics.code_lines == first.metrics.code_lines + 1
