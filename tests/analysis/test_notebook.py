"""Reading every kind of input, and one clear reason for each kind that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from nbcoach.analysis.notebook import parse_bytes, parse_py, read
from nbcoach.core.errors import InputError
from support import EXAMPLES, build_notebook


def notebook_text(*cells: str) -> str:
    return nbformat.writes(build_notebook(list(cells)))


def reason(data: bytes, name: str = "nb.ipynb") -> str:
    with pytest.raises(InputError) as raised:
        parse_bytes(data, name)
    assert raised.value.path == name
    return raised.value.reason


def test_reads_nbformat_4_cells_numbered_as_the_ui_shows_them() -> None:
    notebook = read(EXAMPLES / "newcomer.ipynb")
    assert notebook.format == "ipynb" and notebook.language == "python"
    assert [c.number for c in notebook.cells] == list(range(1, len(notebook.cells) + 1))
    assert notebook.cells[0].kind == "markdown"
    assert notebook.cells[12].outputs.error_names == ("NameError",)
    assert notebook.cells[21].execution_count is None


def test_invalid_json_names_line_and_column() -> None:
    assert reason(b'{"cells": [}, "nbformat": 4}').startswith("invalid JSON at line 1, column 12")


def test_truncated_file() -> None:
    text = notebook_text("x = 1", "y = 2")
    assert reason(text[: len(text) // 2].encode()).startswith("truncated")


def test_merge_conflict_markers() -> None:
    text = notebook_text("x = 1").replace(
        '"x = 1"', '"x = 1"\n<<<<<<< HEAD\n=======\n>>>>>>> theirs', 1
    )
    assert "merge-conflict markers at line" in reason(text.encode())


def test_binary_and_empty_files() -> None:
    assert reason(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == "binary file, not a notebook"
    assert reason(b"  \n") == "empty file, not a notebook"


def test_not_a_notebook_at_all() -> None:
    assert "top level is a list" in reason(b"[1, 2]")
    assert reason(b'{"hello": "world"}') == "not a notebook: no 'nbformat' key and no cells"


def test_missing_nbformat_key_is_read_leniently() -> None:
    document = json.loads(notebook_text("x = 1"))
    del document["nbformat"]
    notebook = parse_bytes(json.dumps(document).encode(), "nb.ipynb")
    assert notebook.cells[0].source == "x = 1"
    assert "no 'nbformat' key; read as nbformat 4" in notebook.notes


def test_nbformat_3_is_upgraded() -> None:
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "source": "Title", "metadata": {}},
                    {
                        "cell_type": "code",
                        "input": "def f(x):\n    return x",
                        "language": "python",
                        "outputs": [],
                        "prompt_number": 3,
                        "metadata": {},
                    },
                ]
            }
        ],
    }
    notebook = parse_bytes(json.dumps(v3).encode(), "old.ipynb")
    assert [c.kind for c in notebook.cells] == ["markdown", "code"]
    assert notebook.cells[1].source == "def f(x):\n    return x"
    assert notebook.cells[1].execution_count == 3
    assert any("upgraded to 4" in note for note in notebook.notes)


def test_markdown_cells_with_outputs_and_no_metadata_are_read() -> None:
    document = {
        "nbformat": 4,
        "nbformat_minor": 2,
        "cells": [
            {
                "cell_type": "markdown",
                "source": ["# Kaggle"],
                "outputs": [{"output_type": "stream", "text": "x"}],
            },
            {"cell_type": "code", "source": ["import os\n", "x = 1"], "outputs": []},
        ],
    }
    notebook = parse_bytes(json.dumps(document).encode(), "kaggle.ipynb")
    assert notebook.cells[1].source == "import os\nx = 1"
    assert notebook.language == "" and notebook.language_inferred
    assert "1 markdown cell carries outputs (ignored)" in notebook.notes
    assert "no notebook metadata" in notebook.notes


def test_a_cell_whose_source_is_not_text_is_read_with_a_note() -> None:
    document = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "source": [1, None, "x = 1"], "outputs": []},
            {"cell_type": "code", "source": "y = 2", "outputs": []},
        ],
    }
    notebook = parse_bytes(json.dumps(document).encode(), "odd.ipynb")
    assert [cell.source for cell in notebook.cells] == ["x = 1", "y = 2"]
    assert notebook.notes == ("cell 1: its source is not text; read what text it holds",)


def test_python_source_decodes_as_python_does() -> None:
    declared = "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    assert "café" in parse_bytes(declared, "a.py").cells[0].source
    undeclared = "name = 'café'\n".encode("latin-1")
    message = reason(undeclared, "b.py")
    assert message.startswith("not UTF-8 text (byte 0xe9 at offset 11)")


def test_plain_script_is_one_cell_and_percent_file_has_cells(tmp_path: Path) -> None:
    script = parse_bytes(b"import os\n\ndef f():\n    return 1\n", "s.py")
    assert script.format == "script" and len(script.cells) == 1
    percent = parse_bytes(
        b"# %% [markdown]\n# # Title\n\n# %%\nx = 1\n\n# %%\n# %time y = 2\n", "p.py"
    )
    assert percent.format == "percent"
    assert [c.kind for c in percent.cells] == ["markdown", "code", "code"]
    assert percent.cells[2].source == "%time y = 2"  # jupytext un-comments magics
    assert percent.cell_lines == ((1, 2), (2, 5), (3, 8))


def _both_readings(data: bytes, name: str) -> tuple[object, object]:
    """The notebook as nbcoach reads an nbformat 3 file (its own upgrade), and as it reads the
    same file upgraded by nbformat first."""
    import json
    import warnings

    import nbformat

    from nbcoach.analysis.notebook import parse_bytes

    own = parse_bytes(data, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        upgraded = nbformat.convert(nbformat.from_dict(json.loads(data)), 4)
    theirs = parse_bytes(json.dumps(upgraded).encode(), name)
    return own, theirs


def _comparable(notebook: object) -> object:
    from dataclasses import replace

    from nbcoach.core.model import Notebook

    assert isinstance(notebook, Notebook)
    # only how it was read differs: "upgraded to 4" and the nbformat field
    return replace(notebook, notes=(), nbformat="", language_inferred=False, language="")


def test_our_nbformat_3_upgrade_reads_as_nbformats_on_every_legacy_notebook(
    legacy_corpus: Path,
) -> None:
    import json

    checked = 0
    for path in sorted(legacy_corpus.rglob("*.ipynb")):
        data = path.read_bytes()
        if json.loads(data).get("nbformat") != 3:
            continue
        own, theirs = _both_readings(data, path.name)
        assert _comparable(own) == _comparable(theirs), path.name
        checked += 1
    assert checked >= 1


def test_our_nbformat_3_upgrade_covers_every_cell_and_output_kind() -> None:
    """A v3 notebook written with nbformat's own v3 API: heading (multi-line), markdown, raw
    and code cells; pyout with text, PNG, HTML and JSON; display_data; stream; pyerr."""
    import json

    import nbformat.v3 as v3

    code = v3.new_code_cell(
        input="x = 1\nx",
        prompt_number=3,
        outputs=[
            v3.new_output("pyout", output_text="1", output_png="iVBORw0KGgo=",
                          output_html="<b>1</b>", output_json='{"a": [1, 2]}', prompt_number=3),
            v3.new_output("display_data", output_text="<Figure>", output_svg="<svg/>"),
            v3.new_output("stream", output_text="printed\n", stream="stderr"),
            v3.new_output("pyerr", ename="KeyError", evalue="'plan'", traceback=["tb"]),
        ],
    )  # fmt: skip
    notebook = v3.new_notebook(
        worksheets=[
            v3.new_worksheet(
                cells=[
                    v3.new_heading_cell("A title\nsplit", level=2),
                    v3.new_text_cell("markdown", source="Some *text*"),
                    v3.new_text_cell("raw", source="raw text"),
                    code,
                ]
            )
        ],
        metadata=v3.new_metadata(name="old"),
    )
    data = json.dumps(notebook).encode()
    own, theirs = _both_readings(data, "old.ipynb")
    assert _comparable(own) == _comparable(theirs)
    from nbcoach.core.model import Notebook

    assert isinstance(own, Notebook)
    assert own.cells[0].source == "## A title split"
    assert own.cells[3].outputs.error_names == ("KeyError",)
    assert own.cells[3].execution_count == 3


def test_a_half_written_jupytext_header_is_left_out_not_a_traceback() -> None:
    """While a py:percent header is being typed (a kernelspec without display_name), jupytext's
    validation fails: the cells are still read, with a note, at their own lines."""
    text = "# ---\n# jupyter:\n#   kernelspec:\n#     name: python3\n# ---\n\n# %%\nx = 1\n"
    notebook = parse_py(text, "half.py")
    assert [cell.source for cell in notebook.cells] == ["x = 1"]
    assert notebook.notes and "jupytext header does not read" in notebook.notes[0]
    assert dict(notebook.cell_lines) == {1: 8}
