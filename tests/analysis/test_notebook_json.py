"""Splicing cells into a notebook's own JSON text: every byte outside the edit stays put."""

from __future__ import annotations

import json

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbcoach.analysis.notebook_json import NotebookTextError, cell_spans, splice_cells
from support import EXAMPLES, build_notebook


def texts(cells: list[str], indent: int) -> str:
    """A notebook as nbformat writes it (indent 1, sources as lists), or as json.dumps with
    indent 2, keys in insertion order and sources as strings (how some tools save)."""
    notebook = build_notebook(cells)
    if indent == 1:
        return nbformat.writes(notebook) + "\n"
    return json.dumps(notebook, indent=2, ensure_ascii=False)


def joined(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def cell_texts(text: str) -> list[str]:
    return [text[span.start : span.end] for span in cell_spans(text)]


@pytest.mark.parametrize("indent", [1, 2])
def test_a_changed_source_is_written_in_the_files_style_and_nothing_else_moves(
    indent: int,
) -> None:
    original = texts(["x = 1", "def f():\n    return 1\n\ny = f()", "print(y)"], indent)
    result = splice_cells(original, {1: "from m import f\n\ny = f()"})
    before, after = cell_texts(original), cell_texts(result)
    assert after[0] == before[0] and after[2] == before[2]
    assert joined(json.loads(result)["cells"][1]) == "from m import f\n\ny = f()"
    assert result.endswith("\n") == original.endswith("\n")
    if indent == 1:  # a list of lines, one level below the key, as nbformat writes it
        assert '\n    "from m import f\\n",\n    "\\n",\n    "y = f()"\n   ]' in result
    else:  # the file held a string: so does the result
        assert '"source": "from m import f\\n\\ny = f()"' in result
    # the changed cell's other members are untouched too
    assert json.loads(result)["cells"][1]["id"] == json.loads(original)["cells"][1]["id"]


@pytest.mark.parametrize("removed", [{0}, {1}, {2}, {1, 2}, {0, 1, 2}])
def test_removed_cells_leave_valid_json_and_the_rest_byte_identical(removed: set[int]) -> None:
    original = texts(["a = 1", "b = 2", "c = 3"], 1)
    result = splice_cells(original, dict.fromkeys(removed))
    kept = [text for i, text in enumerate(cell_texts(original)) if i not in removed]
    assert cell_texts(result) == kept
    assert [joined(c) for c in json.loads(result)["cells"]] == [
        s for i, s in enumerate(["a = 1", "b = 2", "c = 3"]) if i not in removed
    ]
    assert result[: result.index('"cells"')] == original[: original.index('"cells"')]


def test_a_string_source_stays_a_string_and_an_unchanged_source_keeps_its_bytes() -> None:
    document = {
        "cells": [{"cell_type": "code", "source": "x = 1\ny = 2", "metadata": {}, "outputs": []}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    original = json.dumps(document, indent=1)
    assert json.loads(splice_cells(original, {0: "y = 2"}))["cells"][0]["source"] == "y = 2"
    assert splice_cells(original, {0: "x = 1\ny = 2"}) == original


def test_compact_json_stays_compact_and_non_ascii_follows_the_file() -> None:
    compact = json.dumps(build_notebook(["x = 'caf\u00e9'"]), separators=(",", ":"))
    result = splice_cells(compact, {0: "y = 'th\u00e9'"})
    assert "\n" not in result and "\\u00e9" in result  # json.dumps escaped it; so do we
    assert joined(json.loads(result)["cells"][0]) == "y = 'th\u00e9'"
    plain = nbformat.writes(build_notebook(["x = 'caf\u00e9'"]))
    assert "th\u00e9" in splice_cells(plain, {0: "y = 'th\u00e9'"})


def test_the_shipped_example_round_trips_byte_for_byte() -> None:
    original = (EXAMPLES / "newcomer.ipynb").read_text(encoding="utf-8")
    sources = {i: "".join(c["source"]) for i, c in enumerate(json.loads(original)["cells"])}
    assert splice_cells(original, sources) == original


def test_text_without_a_cell_list_is_a_clear_error() -> None:
    with pytest.raises(NotebookTextError, match="no 'cells' list"):
        cell_spans('{"metadata": {}}')
    with pytest.raises(NotebookTextError, match="not a JSON object"):
        cell_spans("[1, 2]")
    with pytest.raises(NotebookTextError, match="invalid JSON"):
        cell_spans('{"cells": [{"a": 1}, }')


sources = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(
    cells=sources,
    data=st.data(),
    indent=st.sampled_from([1, 2]),
)
def test_property_untouched_cells_are_byte_identical(
    cells: list[str], data: st.DataObject, indent: int
) -> None:
    original = texts(cells, indent)
    indexes = list(range(len(cells)))
    changed = data.draw(st.sets(st.sampled_from(indexes)))
    removed = data.draw(st.sets(st.sampled_from(indexes))) - changed
    new_sources = {i: data.draw(st.text(max_size=30)) for i in changed}
    result = splice_cells(original, {**new_sources, **dict.fromkeys(removed)})
    before = cell_texts(original)
    after = cell_texts(result)
    survivors = [i for i in indexes if i not in removed]
    assert len(after) == len(survivors)
    loaded = json.loads(result)["cells"]
    for position, index in enumerate(survivors):
        if index in changed:
            assert joined(loaded[position]) == new_sources[index]
        else:
            assert after[position] == before[index]
