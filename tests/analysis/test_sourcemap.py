"""Where SARIF and GitHub show a finding: real jupytext pairs, real notebook JSON layouts."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from nbcoach.analysis.notebook import read
from nbcoach.analysis.pairs import paired_path
from nbcoach.analysis.review import ReviewOptions, review
from nbcoach.analysis.sourcemap import attach_sources
from nbcoach.analysis.textnotebook import cell_start_lines
from nbcoach.core.model import SourceFile
from support import EXAMPLES, pair

MIXED_CELLS = [
    ("markdown", "# A title\n\nSome *narrative*,\nover three lines."),
    "import os\nimport sys\n%matplotlib inline\nvalue = 1",
    ("markdown", "## Step two"),
    "%%time\ntotal = 0\nfor i in range(10):\n    total += i",
    "def helper(x):\n    if x:\n        %time y = x * 2\n    !echo hi\n    return x\n",
    ("raw", "raw text\nover two lines"),
    "\n\nleading_blank = True\n# a comment\nprint(helper(3))",
]


def expected_py_line(notebook_line: str) -> str:
    """jupytext comments magics and shell escapes in a .py, keeping their line."""
    stripped = notebook_line.lstrip()
    indent = notebook_line[: len(notebook_line) - len(stripped)]
    if stripped.startswith(("%", "!")):
        return f"{indent}# {stripped}"
    return notebook_line


def attached(*paths: Path, root: Path) -> dict[str, SourceFile]:
    report = review([str(p) for p in paths], ReviewOptions(use_cache=False, jobs=1))
    report, notes = attach_sources(report, root)
    assert notes == ()
    return {card.path: card.source for card in report.cards if card.source is not None}


def test_every_code_line_of_a_paired_notebook_maps_to_the_same_code_in_the_py(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    notebook = make_notebook(MIXED_CELLS, name="mixed.ipynb")
    text = pair(notebook).read_text(encoding="utf-8")
    py_lines = text.split("\n")
    source = attached(notebook, root=tmp_path)[str(notebook)]
    assert source.paired and source.path == "mixed.py"
    cells = read(notebook).cells
    checked = 0
    for cell in cells:
        if cell.kind != "code":
            continue
        for number, line in enumerate(cell.source.split("\n"), start=1):
            file_line = source.line(cell.number, number)
            assert file_line is not None
            assert py_lines[file_line - 1] == expected_py_line(line), (cell.number, number)
            checked += 1
    assert checked == sum(len(c.source.split("\n")) for c in cells if c.kind == "code")


def test_findings_of_the_newcomer_pair_point_at_their_code_in_the_py(tmp_path: Path) -> None:
    notebook = tmp_path / "newcomer.ipynb"
    shutil.copy(EXAMPLES / "newcomer.ipynb", notebook)
    py_lines = pair(notebook).read_text(encoding="utf-8").split("\n")
    report = review([str(notebook)], ReviewOptions(use_cache=False, jobs=1))
    report, _ = attach_sources(report, tmp_path)
    card = report.cards[0]
    assert card.source is not None and card.source.path == "newcomer.py"
    cells = {c.number: c for c in read(notebook).cells}
    located = 0
    for finding in card.findings:
        where = finding.location
        if where.cell is None or where.line is None:
            continue
        file_line = card.source.line(where.cell, where.line)
        assert file_line is not None
        want = cells[where.cell].source.split("\n")[where.line - 1]
        assert py_lines[file_line - 1] == expected_py_line(want), finding
        located += 1
    assert located >= 20  # the newcomer notebook has dozens of placed findings


def test_a_stale_pair_keeps_findings_in_the_notebook_and_says_why(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    notebook = make_notebook(MIXED_CELLS, name="stale.ipynb")
    pair(notebook)
    edited = nbformat.read(notebook, as_version=4)
    edited.cells[1].source = "import os\nimport sys\nvalue = 2  # edited in Jupyter, not synced"
    nbformat.write(edited, notebook)
    report = review([str(notebook)], ReviewOptions(use_cache=False, jobs=1))
    report, notes = attach_sources(report, tmp_path)
    assert len(notes) == 1 and "not in sync" in notes[0] and "cell 2 differs" in notes[0]
    source = report.cards[0].source
    assert source is not None and source.path == "stale.ipynb" and not source.paired


def test_an_unpaired_notebook_maps_cell_lines_to_its_json_lines(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    notebook = make_notebook(MIXED_CELLS, name="alone.ipynb")
    source = attached(notebook, root=tmp_path)[str(notebook)]
    assert source.path == "alone.ipynb" and not source.paired
    json_lines = notebook.read_text(encoding="utf-8").split("\n")
    for cell in read(notebook).cells:
        for number, line in enumerate(cell.source.splitlines(keepends=True), start=1):
            file_line = source.line(cell.number, number)
            assert file_line is not None
            assert json.loads(json_lines[file_line - 1].strip().rstrip(",")) == line


def test_a_notebook_saved_on_one_line_cannot_be_placed_by_line(tmp_path: Path) -> None:
    document = json.loads((EXAMPLES / "clean.ipynb").read_text(encoding="utf-8"))
    compact = tmp_path / "compact.ipynb"
    compact.write_text(json.dumps(document), encoding="utf-8")
    source = attached(compact, root=tmp_path)[str(compact)]
    assert source.cell_lines == ()
    assert source.line(2, 1) is None
    assert source.line(None, 7) == 7  # a script line is its own file line


def test_a_percent_file_reported_on_its_own_maps_into_itself(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    notebook = make_notebook(MIXED_CELLS, name="solo.ipynb")
    paired = pair(notebook)
    notebook.unlink()
    source = attached(paired, root=tmp_path)[str(paired)]
    py_lines = paired.read_text(encoding="utf-8").split("\n")
    line = source.line(5, 1)
    assert source.path == "solo.py" and line is not None
    assert py_lines[line - 1] == "def helper(x):"


def test_paths_are_relative_to_the_git_work_tree(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    notebook = make_notebook(MIXED_CELLS, name="notebooks/deep/nb.ipynb")
    pair(notebook)
    report = review([str(notebook)], ReviewOptions(use_cache=False, jobs=1))
    report, _ = attach_sources(report, tmp_path)
    assert report.source_root == str(tmp_path.resolve())
    assert report.cards[0].source == SourceFile(
        "notebooks/deep/nb.py", report.cards[0].source.cell_lines, paired=True
    )


def test_the_repository_root_is_found_from_a_subfolder(tmp_path: Path) -> None:
    from nbcoach.analysis.sourcemap import repository_root

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert repository_root(tmp_path / "a" / "b") == tmp_path.resolve()


def test_paired_path_wants_a_text_notebook_beside_the_notebook(
    make_notebook: Callable[..., Path],
) -> None:
    notebook = make_notebook(["x = 1"], name="nb.ipynb")
    assert paired_path(notebook) is None
    notebook.with_suffix(".py").write_text("x = 1\n", encoding="utf-8")  # a plain script
    assert paired_path(notebook) is None
    assert paired_path(pair(notebook)) is None  # a .py has no pair of its own
    assert paired_path(notebook) == notebook.with_suffix(".py")


@pytest.mark.parametrize(
    ("text", "cells", "starts"),
    [
        ("# %%\nx = 1\n\n# %%time\ny = 2\n", 1, ((1, 2),)),  # a commented cell magic
        ("# %%\na\n\n# %% [markdown]\n# b\n", 2, ((1, 2), (2, 5))),
        ("#%%\na\n#%% tags=['x']\nb\n", 2, ((1, 2), (2, 4))),
    ],
)
def test_cell_markers_are_not_confused_with_commented_cell_magics(
    text: str, cells: int, starts: tuple[tuple[int, int], ...]
) -> None:
    assert cell_start_lines(text, cells) == starts
