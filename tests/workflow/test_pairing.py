"""Which text file a notebook is paired with, and lossless conversion between the two sides."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbcoach.analysis.pairs import find_pair, paired_path
from nbcoach.workflow.pairing import roundtrip_losses
from nbcoach.workflow.sync import PairOptions, SyncOptions, pair_notebooks, sync

MAGIC_CELLS = [
    ("markdown", "# Churn\n\nSome *markdown* with `code`, a list:\n\n- one\n- two"),
    "!pip install pandas\n%matplotlib inline\nimport os",
    "verbose = True\nif verbose:\n    %time total = sum(range(10))\n    !echo hi\nelse:\n    pass",
    "%%bash\necho hello\nls -la | head",
    ("raw", "raw text\n---\nnot code"),
    "def f(a):\n    return a\n\n\nf?",
    ("markdown", "```python\n%%bash\n```"),
]


def test_metadata_formats_pair_with_the_declared_folder(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1"], jupytext={"formats": "ipynb,scripts//py:percent"})
    assert paired_path(notebook) is None  # declared, but the text side does not exist yet
    pair = find_pair(notebook)
    assert pair is not None
    assert pair.text == notebook.parent / "scripts" / "notebook.py"
    assert pair.format == "py:percent"
    assert pair.origin == "notebook metadata"
    [result] = pair_notebooks([str(notebook)])
    assert result.outcome == "updated", result.message
    assert paired_path(notebook) == pair.text
    back = find_pair(pair.text)  # and back from the text side, through its header
    assert back is not None and (back.notebook, back.text) == (pair.notebook, pair.text)


@pytest.mark.parametrize(
    ("config_name", "config_text"),
    [
        (
            "pyproject.toml",
            '[project]\nname = "x"\n\n[tool.jupytext]\nformats = "ipynb,py:percent"\n',
        ),
        ("jupytext.toml", 'formats = "ipynb,py:percent"\n'),
    ],
)
def test_a_jupytext_configuration_pairs_every_notebook(
    make_notebook: Callable[..., Path], tmp_path: Path, config_name: str, config_text: str
) -> None:
    (tmp_path / config_name).write_text(config_text)
    notebook = make_notebook(["x = 1"], name="nb/analysis.ipynb")
    pair = find_pair(notebook)
    assert pair is not None and pair.origin == config_name
    assert pair.text == notebook.with_suffix(".py")
    [result] = pair_notebooks([str(notebook)])
    assert result.outcome == "updated"
    # the configuration already pairs it: the notebook itself is not rewritten
    assert "jupytext" not in json.loads(notebook.read_text())["metadata"]
    assert paired_path(notebook) == notebook.with_suffix(".py")


def test_a_same_stem_py_with_a_jupytext_header_is_the_pair(
    make_notebook: Callable[..., Path],
) -> None:
    notebook = make_notebook(["x = 1"])
    text = notebook.with_suffix(".py")
    text.write_text("x = 1\n")  # a plain script is not a pair
    assert paired_path(notebook) is None
    text.write_text(
        "# ---\n# jupyter:\n#   jupytext:\n#     text_representation:\n"
        "#       format_name: percent\n# ---\n\n# %%\nx = 1\n"
    )
    assert paired_path(notebook) == text
    assert find_pair(text) is not None


def test_an_unpaired_notebook_has_no_pair(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1"])
    assert paired_path(notebook) is None
    assert find_pair(notebook) is None


def test_magics_markdown_and_raw_cells_survive_both_directions(
    make_notebook: Callable[..., Path],
) -> None:
    notebook = make_notebook(MAGIC_CELLS)
    original = nbformat.read(notebook, as_version=4)
    [paired] = pair_notebooks([str(notebook)])
    assert paired.outcome == "updated", paired.message
    text = notebook.with_suffix(".py")
    py = text.read_text()
    assert "    # %time total = sum(range(10))" in py  # the magic keeps its indentation
    assert '# %% language="bash"' in py

    # edit the text side: the notebook gets the edit, every other cell comes back as it was
    text.write_text(py.replace("# - two", "# - two\n# - three"))
    [synced] = sync([str(notebook)])
    assert synced.outcome == "updated", synced.message
    after = nbformat.read(notebook, as_version=4)
    assert [c.cell_type for c in after.cells] == [c.cell_type for c in original.cells]
    for before, now in zip(original.cells, after.cells, strict=True):
        expected = before.source + ("\n- three" if before.source.endswith("- two") else "")
        assert now.source == expected
        assert now.get("id") == before.get("id")


def test_outputs_survive_a_sync_from_the_text_side(make_notebook: Callable[..., Path]) -> None:
    output = nbformat.v4.new_output("stream", name="stdout", text="45\n")
    notebook = make_notebook(
        [{"source": "print(sum(range(10)))", "execution_count": 1, "outputs": [output]}, "y = 2"]
    )
    pair_notebooks([str(notebook)])
    text = notebook.with_suffix(".py")
    text.write_text(text.read_text().replace("y = 2", "y = 3"))
    sync([str(notebook)])
    after = nbformat.read(notebook, as_version=4)
    assert after.cells[0].outputs[0]["text"] == "45\n"
    assert after.cells[0].execution_count == 1
    assert after.cells[1].source == "y = 3"


def test_a_cell_that_would_not_round_trip_is_not_paired(
    make_notebook: Callable[..., Path],
) -> None:
    notebook = make_notebook(["x = 1\n# %% looks like a marker\ny = 2"])
    before = notebook.read_bytes()
    [result] = pair_notebooks([str(notebook)])
    assert result.outcome == "error"
    assert "cell 1 line 2" in result.message and "--force" in result.message
    assert notebook.read_bytes() == before
    assert not notebook.with_suffix(".py").exists()
    [forced] = pair_notebooks([str(notebook)], PairOptions(force=True))
    assert forced.outcome == "updated"


def test_pair_refuses_to_overwrite_a_plain_script(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1"])
    script = notebook.with_suffix(".py")
    script.write_text("print('my own script')\n")
    [result] = pair_notebooks([str(notebook)])
    assert result.outcome == "error" and "exists" in result.message
    assert script.read_text() == "print('my own script')\n"


def test_sync_dry_run_writes_nothing(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1"])
    pair_notebooks([str(notebook)])
    text = notebook.with_suffix(".py")
    text.write_text(text.read_text().replace("x = 1", "x = 2"))
    before = notebook.read_bytes()
    [result] = sync([str(notebook)], SyncOptions(dry_run=True))
    assert result.outcome == "would-update"
    assert "-x = 1" in result.diff and "+x = 2" in result.diff
    assert notebook.read_bytes() == before


_line = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
)
_code = st.lists(
    st.one_of(
        st.sampled_from(["x = 1", "%time f()", "!ls -la", "    %timeit g()", "if x:", "    pass"]),
        st.builds(lambda s: f"y = {s!r}", _line),
        st.builds(lambda s: f"# {s}".rstrip(), _line),
    ),
    min_size=1,
    max_size=6,
).map("\n".join)
_markdown = st.lists(_line.map(str.strip), min_size=1, max_size=4).map("\n".join)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.one_of(_code, st.tuples(st.just("markdown"), _markdown.filter(str.strip))),
        min_size=1,
        max_size=5,
    )
)
def test_property_notebook_to_text_and_back_keeps_every_cell(
    make_notebook: Callable[..., Path], cells: list[object]
) -> None:
    """Whatever the cells hold (magics, indented magics, comments, any text), a notebook paired
    and then rebuilt from its text side has the same cells -- or pairing says why not."""
    notebook = make_notebook(cells)
    original = nbformat.read(notebook, as_version=4)
    find = find_pair(notebook)
    assert find is None
    [result] = pair_notebooks([str(notebook)])
    if result.outcome == "error":
        assert (
            "would not come back unchanged" in result.message
            or "cells would come back" in result.message
        )
        return
    notebook.unlink()  # rebuild from the text side alone
    [synced] = sync([str(notebook.with_suffix(".py"))])
    assert synced.outcome == "updated", synced.message
    rebuilt = nbformat.read(notebook, as_version=4)
    assert [(c.cell_type, c.source.rstrip()) for c in rebuilt.cells] == [
        (c.cell_type, c.source.rstrip()) for c in original.cells
    ]
    notebook.with_suffix(".py").unlink()
    for leftover in notebook.parent.glob("*.ipynb"):
        leftover.unlink()


def test_roundtrip_losses_is_empty_for_the_examples() -> None:
    from support import EXAMPLES

    for name in ("newcomer.ipynb", "clean.ipynb"):
        path = EXAMPLES / name
        pair = find_pair(path)
        if pair is None:
            from nbcoach.analysis.pairs import Pair

            pair = Pair(path, path.with_suffix(".py"), "py:percent", "test")
        assert roundtrip_losses(path.read_bytes(), pair) == []


def test_a_configuration_does_not_turn_plain_modules_into_pairs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.jupytext]\nformats = "ipynb,py:percent"\n')
    module = tmp_path / "src" / "pkg" / "__init__.py"
    module.parent.mkdir(parents=True)
    module.write_text('"""A package."""\n')
    assert find_pair(module) is None
    assert sync([str(tmp_path)]) == []  # nothing to sync: no src/pkg/__init__.ipynb appears
    assert not module.with_suffix(".ipynb").exists()


def test_a_text_notebook_whose_header_names_another_kernel_is_reported_as_skipped(
    tmp_path: Path,
) -> None:
    """An earlier sync wrote examples/r_kernel.ipynb's R code into r_kernel.py; graded as
    Python it scored F 0.0 with syntax errors. Its jupytext header says R."""
    import jupytext

    from support import EXAMPLES, run_cli

    text = tmp_path / "r_kernel.py"
    text.write_text(jupytext.writes(jupytext.read(EXAMPLES / "r_kernel.ipynb"), "py:percent"))
    result = run_cli("report", "--compact", "r_kernel.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "SKIPPED  kernel language is R; nbcoach grades Python notebooks" in result.stdout
