"""A jupyterlab-lsp virtual document read back as cells. The fixture is the text jupyterlab-lsp
5.3 sent to `nbcoach server` for examples/newcomer.ipynb in JupyterLab 4.6 (captured from the
wire): cells joined with two blank lines, a markdown cell as an empty line, `!echo` and `%time`
and `%%time` rewritten as Python."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nbcoach.analysis.live import grade_notebook
from nbcoach.analysis.notebook import read
from nbcoach.analysis.review import ReviewOptions, review
from nbcoach.integrations.virtual import cells_of
from support import EXAMPLES

VIRTUAL = (Path(__file__).parent / "data" / "newcomer.virtual.txt").read_text(encoding="utf-8")


def test_the_virtual_text_gives_back_every_cell_as_saved() -> None:
    saved = read(EXAMPLES / "newcomer.ipynb")
    found = cells_of(VIRTUAL, saved)
    assert found is not None
    assert found.notebook == saved  # magics restored, run counts and outputs kept
    lines = VIRTUAL.split("\n")
    for cell in saved.cells:
        if cell.kind == "code" and not cell.source.startswith(("!", "%")):
            first = cell.source.split("\n")[0]
            assert lines[found.starts[cell.number] - 1] == first, cell.number


def test_the_grade_of_the_virtual_text_is_the_reports() -> None:
    saved = read(EXAMPLES / "newcomer.ipynb")
    found = cells_of(VIRTUAL, saved)
    assert found is not None
    live = grade_notebook(found.notebook, lint_too=True)
    options = ReviewOptions(use_cache=False)
    report = review([str(EXAMPLES / "newcomer.ipynb")], options).cards[0]
    assert (live.grade, live.score) == (report.grade, report.score)
    assert {f.rule for f in live.findings} == {f.rule for f in report.findings}


def test_lines_typed_since_the_save_belong_to_the_cell_they_were_typed_in() -> None:
    saved = read(EXAMPLES / "newcomer.ipynb")
    lines = VIRTUAL.split("\n")
    parse_date = lines.index("def parse_date(text):")  # first line of cell 4
    end_of_cell_4 = lines.index("        return default")  # its last line
    edited = [
        *lines[:parse_date],
        "import json  # typed at the top of cell 4",
        *lines[parse_date : end_of_cell_4 + 1],
        "extra = safe_float('1')  # typed at the end of cell 4",
        *lines[end_of_cell_4 + 1 :],
    ]
    found = cells_of("\n".join(edited), saved)
    assert found is not None
    cell_4 = found.notebook.cells[3].source
    assert cell_4.startswith("import json  # typed at the top of cell 4\ndef parse_date(text):")
    assert cell_4.endswith(
        "        return default\nextra = safe_float('1')  # typed at the end of cell 4"
    )
    assert found.notebook.cells[4] == saved.cells[4]  # cell 5 untouched
    assert found.starts[5] == found.starts[4] + len(cell_4.split("\n")) + 2


def test_a_deleted_line_and_a_broken_line_stay_in_their_cell() -> None:
    saved = read(EXAMPLES / "newcomer.ipynb")
    text = VIRTUAL.replace('    row["plan"] = row["plan"].lower()\n', "").replace(
        "def pct(part, whole):", "def pct(part, whole)"
    )
    found = cells_of(text, saved)
    assert found is not None
    assert 'row["plan"] = row["plan"].lower()' not in found.notebook.cells[4].source
    assert "def pct(part, whole)\n" in found.notebook.cells[12].source
    card = grade_notebook(replace(found.notebook), lint_too=False)
    assert any(f.rule == "syntax-error" and f.location.cell == 13 for f in card.findings)


def test_the_text_of_another_notebook_is_not_lined_up() -> None:
    saved = read(EXAMPLES / "clean.ipynb")
    assert cells_of(VIRTUAL, saved) is None


def test_lined_up_with_the_previous_text_the_cells_are_the_same() -> None:
    """The server lines each new text up with the last one (only the changed middle is
    compared): the cells come out as lining it up with the saved notebook from scratch."""
    saved = read(EXAMPLES / "newcomer.ipynb")
    previous = cells_of(VIRTUAL, saved)
    assert previous is not None
    lines = VIRTUAL.split("\n")
    at = lines.index("def pct(part, whole):")
    edits = [
        "\n".join([*lines[:at], "import math  # typed", *lines[at:]]),
        VIRTUAL.replace('    row["plan"] = row["plan"].lower()\n', ""),
        VIRTUAL.replace("def pct(part, whole):", "def percent(part, whole):"),
        VIRTUAL.replace("top_n = 10", "top_n = 10\nextra = 1\nmore = 2"),
    ]
    for text in edits:
        step = cells_of(text, saved, previous)
        fresh = cells_of(text, saved)
        assert step is not None and fresh is not None
        assert step.notebook == fresh.notebook and step.starts == fresh.starts
        previous = step  # edits pile up, as typing does
        again = cells_of(VIRTUAL, saved, previous)
        assert again is not None and again.notebook == saved  # undone: the saved cells


def test_a_line_magic_with_a_call_in_it_comes_back_whole() -> None:
    """jupyterlab-lsp escapes a line magic's arguments; a `")` inside them is not their end."""
    saved = read(EXAMPLES / "newcomer.ipynb")
    time_line = 'get_ipython().run_line_magic("time", " n_churned = sum(1 for r in rows if r[\\"churned\\"])")'
    assert time_line in VIRTUAL
    text = VIRTUAL.replace(
        time_line,
        'get_ipython().run_line_magic("time", " df = pd.read_csv(\\"data.csv\\")")',
    )
    found = cells_of(text, saved)
    assert found is not None
    assert '%time df = pd.read_csv("data.csv")' in found.notebook.cells[7].source


def test_a_cell_magic_jupyterlab_lsp_folds_into_one_line_keeps_its_lines() -> None:
    """`%%timeit` and the body's first line share one virtual line: the cell's line 2 is that
    line, its line 1 (the magic) too, the rest follow."""
    saved = read(EXAMPLES / "newcomer.ipynb")
    cells = list(saved.cells)
    cells[7] = replace(cells[7], source="%%timeit\ny = 2\nimport sys\nz = 3")
    saved = replace(saved, cells=tuple(cells))
    lines = VIRTUAL.split("\n")
    start = lines.index("# some customers are in the export twice")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("get_ipython()"))
    folded = 'get_ipython().run_cell_magic("timeit", "", """y = 2\nimport sys\nz = 3""")'
    text = "\n".join([*lines[:start], folded, *lines[end + 1 :]])
    found = cells_of(text, saved)
    assert found is not None
    assert found.notebook.cells[7].source == "%%timeit\ny = 2\nimport sys\nz = 3"
    row_of_y = start + 1  # 1-based row of the folded line
    assert found.starts[8] + 2 - 1 == row_of_y  # cell line 2 (`y = 2`) is the folded line
    assert found.floors[8] == row_of_y  # and line 1 (`%%timeit`) is held there
