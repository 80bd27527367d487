"""cell_outputs / compare_outputs: what counts as the same output, on real executed notebooks."""

from __future__ import annotations

from pathlib import Path

from nbcoach.core.model import CellOutputs, OutputDifference
from nbcoach.execution.execute import execute_notebook
from nbcoach.execution.outputs import (
    cell_outputs,
    compare_outputs,
    describe_difference,
    normalise_text,
)

VOLATILE = [
    ("markdown", "# Outputs that differ on every run"),
    "class Model:\n    pass\n\nModel()",  # <__main__.Model at 0x7f...>
    "%time total = sum(range(10_000))",
    "%timeit -n 3 -r 2 sum(range(100))",
    "import time\nprint('took', time.perf_counter() > 0)",
    "print(total)",
]


def test_two_runs_of_the_same_notebook_compare_equal(make_notebook, tmp_path):
    source = make_notebook(VOLATILE)
    first = execute_notebook(source, tmp_path / "first.ipynb", cwd=tmp_path)
    second = execute_notebook(source, tmp_path / "second.ipynb", cwd=tmp_path)
    assert first.status == second.status == "ok"
    before, after = cell_outputs(Path(first.output)), cell_outputs(Path(second.output))
    assert [cell.cell for cell in before] == [2, 3, 4, 5, 6]
    assert compare_outputs(before, after) == []
    # The volatile parts really were there, and really were replaced.
    raw = Path(first.output).read_text()
    assert " at 0x" in raw and "Wall time" in raw and "per loop" in raw
    assert before[0].outputs == ("[result] <__main__.Model at 0x...>",)
    assert before[1].outputs == ("[stdout] CPU times: ...\nWall time: ...",)
    assert before[2].outputs == ("[stdout] ... per loop (timeit)",)


def test_a_changed_value_and_a_new_error_are_named_by_cell(make_notebook, tmp_path):
    old = make_notebook(
        [("markdown", "# v1"), "rate = 0.25", "print(f'{rate:.0%}')", "print(1 / rate)", "'end'"],
        name="old.ipynb",
    )
    new = make_notebook(
        [("markdown", "# v2"), "rate = 0", "print(f'{rate:.0%}')", "print(1 / rate)", "'end'"],
        name="new.ipynb",
    )
    before = cell_outputs(Path(execute_notebook(old, tmp_path / "a.ipynb", cwd=tmp_path).output))
    after = cell_outputs(Path(execute_notebook(new, tmp_path / "b.ipynb", cwd=tmp_path).output))
    differences = compare_outputs(before, after)
    assert [(d.cell, d.kind) for d in differences] == [(3, "changed"), (4, "error"), (5, "not-run")]
    assert str(differences[0]) == "cell 3: output changed"
    assert str(differences[1]) == "cell 4: now fails with ZeroDivisionError: division by zero"
    assert str(differences[2]) == "cell 5: ran before, not after"
    assert describe_difference(differences[0]) == ["-[stdout] 25%", "+[stdout] 0%"]


def test_papermill_cells_and_metadata_do_not_count():
    executed = {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {"tags": ["papermill-error-cell-tag"]},
                "source": "",
            },
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": "a = 1",
                "execution_count": 1,
                "outputs": [],
            },
            {
                "cell_type": "code",
                "metadata": {"tags": ["injected-parameters"]},
                "source": "a = 2",
                "execution_count": 2,
                "outputs": [],
            },
            {
                "cell_type": "code",
                "metadata": {"papermill": {"duration": 0.5, "start_time": "2024-01-01T00:00:00"}},
                "source": "print(a)",
                "execution_count": 3,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["2\n"]}],
            },
        ]
    }
    source = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": "a = 1",
                "execution_count": 7,
                "outputs": [],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "source": "print(a)",
                "execution_count": 8,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}],
            },
        ]
    }
    assert cell_outputs(executed) == cell_outputs(source)
    assert cell_outputs(source)[1] == CellOutputs(2, ("[stdout] 2",), True)


def test_images_compare_by_their_exact_bytes_and_svg_ids_do_not_count():
    import base64

    def notebook(png: bytes, svg: str) -> dict:
        return {
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "source": "plot()",
                    "execution_count": 1,
                    "outputs": [
                        {
                            "output_type": "display_data",
                            "metadata": {},
                            "data": {
                                "image/png": base64.b64encode(png).decode() + "\n",
                                "text/plain": "<Figure size 640x480 with 1 Axes>",
                            },
                        },
                        {
                            "output_type": "display_data",
                            "metadata": {},
                            "data": {"image/svg+xml": svg},
                        },
                    ],
                },
            ]
        }

    svg = '<svg><clipPath id="p{}"><rect/></clipPath><g clip-path="url(#p{})"><path d="M {}"/></g></svg>'
    first = notebook(b"\x89PNG one", svg.format("1a2b", "1a2b", 0))
    same_plot_new_ids = notebook(b"\x89PNG one", svg.format("9f8e", "9f8e", 0))
    assert compare_outputs(cell_outputs(first), cell_outputs(same_plot_new_ids)) == []
    other_png = notebook(b"\x89PNG two", svg.format("1a2b", "1a2b", 0))
    assert [d.cell for d in compare_outputs(cell_outputs(first), cell_outputs(other_png))] == [1]
    other_svg = notebook(b"\x89PNG one", svg.format("1a2b", "1a2b", 5))
    assert [d.cell for d in compare_outputs(cell_outputs(first), cell_outputs(other_svg))] == [1]
    shown = cell_outputs(first)[0].outputs
    assert shown[0].startswith("[display] <Figure size 640x480 with 1 Axes> <image/png ")
    assert shown[1].startswith("[display] image/svg+xml <image/svg+xml ")


def test_streams_split_over_messages_are_one_output():
    parts = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": "",
                "execution_count": 1,
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": "a"},
                    {"output_type": "stream", "name": "stdout", "text": "b\n"},
                    {"output_type": "stream", "name": "stderr", "text": "warn\n"},
                ],
            }
        ]
    }
    assert cell_outputs(parts)[0].outputs == ("[stdout] ab", "[stderr] warn")


def test_environment_paths_and_colours_are_normalised():
    text = (
        "\x1b[31m/home/me/.cache/nbcoach/envs/lock-1/lib/python3.11/site-packages/pkg/mod.py:3: "
        "DeprecationWarning: old\x1b[0m   \n"
        "C:\\envs\\x\\Lib\\site-packages\\pkg\\mod.py:3"
    )
    assert normalise_text(text) == (
        "<site-packages>/pkg/mod.py:3: DeprecationWarning: old\n<site-packages>\\pkg\\mod.py:3"
    )
    # Short hex numbers are data, not addresses.
    assert normalise_text("0xff 0x7f3a2b1c9d") == "0xff 0x..."


def test_a_cell_present_on_one_side_only_is_a_difference():
    before = [CellOutputs(1, ("[stdout] a",)), CellOutputs(2, ("[stdout] b",))]
    after = [CellOutputs(1, ("[stdout] a",)), CellOutputs(3, ("[stdout] c",))]
    assert compare_outputs(before, after) == [
        OutputDifference(2, "not-run", ("[stdout] b",), ()),
        OutputDifference(3, "new", (), ("[stdout] c",)),
    ]


def test_timeits_slow_run_warning_is_not_a_difference() -> None:
    busy = (
        "The slowest run took 5.21 times longer than the fastest. This could mean that an "
        "intermediate result is being cached.\n"
        "1.2 µs ± 0.8 µs per loop (mean ± std. dev. of 2 runs, 3 loops each)"
    )
    quiet = "1.1 µs ± 0.01 µs per loop (mean ± std. dev. of 2 runs, 3 loops each)"
    assert normalise_text(busy) == normalise_text(quiet) == "... per loop (timeit)"
