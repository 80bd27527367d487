"""One input -> one Analysis: statuses, language, coverage, candidates."""

from __future__ import annotations

from pathlib import Path

from helpers import analyse, only, rules
from nbcoach.analysis.analyse import analyse_file
from nbcoach.core.config import Config
from support import EXAMPLES


def test_non_python_kernel_is_skipped_with_the_language_named() -> None:
    analysis = analyse_file(EXAMPLES / "r_kernel.ipynb", Config())
    assert (analysis.status, analysis.language) == ("skipped", "R")
    assert analysis.reason == "kernel language is R; nbcoach grades Python notebooks"


def test_missing_language_is_inferred_from_the_code() -> None:
    python = analyse(["import os\nx = os.getcwd()", "def f():\n    return 1"], language=None)
    assert python.status == "ok"
    assert "language not declared; inferred Python from the code" in python.notes
    r_code = analyse(["library(dplyr)\nx <- c(1, 2, 3)", "df$col <- x %>% head()"], language=None)
    assert (r_code.status, r_code.language) == ("skipped", "R")


def test_jupytext_main_language_counts_as_declared() -> None:
    analysis = analyse(["plot(cars)"], language=None, jupytext={"main_language": "R"})
    assert (analysis.status, analysis.language) == ("skipped", "R")


def test_empty_notebook_is_skipped() -> None:
    analysis = analyse([("markdown", "# Only text")])
    assert analysis.status == "skipped" and "no code" in analysis.reason


def test_a_syntax_error_hides_only_its_own_cell() -> None:
    analysis = analyse(
        ["def ok():\n    return 1", "x = (1,\nprint 'py2'", "def also_ok():\n    return 2"]
    )
    finding = only(analysis, "syntax-error")
    assert (finding.location.cell, finding.severity) == (2, "error")
    assert [f.name for f in analysis.functions] == ["ok", "also_ok"]
    assert (analysis.metrics.analysed_cells, analysis.metrics.python_cells) == (2, 3)


def test_foreign_cell_magics_are_not_counted_as_python() -> None:
    analysis = analyse(["%%bash\necho hi", "print(1)"])
    assert analysis.findings == ()
    assert (analysis.metrics.code_cells, analysis.metrics.python_cells) == (2, 1)


def test_extraction_candidates_read_no_notebook_data() -> None:
    analysis = analyse(
        [
            "import math\nSEED = 42\ndata = load()",
            "def pure(x):\n    return math.sqrt(x) + SEED",
            "def reads_data():\n    return len(data)",
            "def writes_global():\n    global counter\n    counter = 1",
        ]
    )
    hidden = {f.name: f.hidden_globals for f in analysis.functions}
    assert hidden == {"pure": (), "reads_data": ("data",), "writes_global": ("counter",)}
    assert analysis.candidates == ("pure",)


def test_a_name_that_means_two_things_is_not_ready_to_move() -> None:
    """As `nbcoach extract` refuses them: defined twice, or also assigned at the top level."""
    analysis = analyse(
        [
            "def fib(n):\n    return n",
            "fib(3)",
            "def fib(n):\n    return n + 1",
            "add = 1\nadd",
            "def add(a, b):\n    return a + b",
            "def pure(x):\n    return x * 2",
        ]
    )
    assert analysis.candidates == ("pure",)


def test_report_never_runs_notebook_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('ran')\nimport os\nos.system('touch {marker}')"
    from helpers import analyse as analyse_cells

    analysis = analyse_cells([code, f"%%bash\ntouch {marker}", f"!touch {marker}"])
    # every cell was read: the Python ones analysed, the bash cell known to be another language
    assert analysis.status == "ok"
    assert (analysis.metrics.python_cells, analysis.metrics.analysed_cells) == (2, 2)
    assert not marker.exists()


def test_pathological_cells_are_guarded_not_fatal() -> None:
    chained = "total = " + " + ".join(["1"] * 3000)  # beyond what Python itself can compile
    literal = "data = [" + ",\n".join(str(i) for i in range(60_000)) + "]"
    analysis = analyse(
        [chained, literal, "def f(x):\n    return 1 if x else 2", "x = '" + "a" * 100_000 + "'"]
    )
    assert analysis.status == "ok"
    error = only(analysis, "syntax-error")
    assert error.location.cell == 1 and "nested too deeply" in error.message
    assert [(f.name, f.complexity) for f in analysis.functions] == [("f", 2)]
    assert analysis.metrics.maintainability is None
    assert any("maintainability index not computed" in note for note in analysis.notes)


def test_python2_code_is_one_finding_for_the_notebook_with_one_step() -> None:
    from nbcoach.analysis.card import build_card
    from nbcoach.core.config import Config

    cells = [
        "x = 1\nprint x",
        "def f(a):\n    return a",
        "try:\n    f(1)\nexcept ValueError, e:\n    pass",
        "print(f(x))",
    ]
    analysis = analyse(cells)
    assert "syntax-error" not in rules(analysis)
    finding = only(analysis, "python2")
    assert finding.message.startswith(
        "written for Python 2 (2 cells; e.g. cell 1 line 2: `print x`)"
    )
    assert [place.cell for place in finding.related] == [3]
    card = build_card(analysis, (), Config())
    assert card.analysed_share is not None and card.analysed_share < 1
    [port] = [step for step in card.next_steps if "python2" in step.rules]
    assert port.action.startswith("Port the code written for Python 2 to Python 3 (2 cells")


def test_a_v3_notebook_whose_cells_say_python_is_graded_even_when_its_code_is_python2() -> None:
    import json

    from nbcoach.analysis.analyse import analyse_bytes
    from nbcoach.core.config import Config

    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "language": "python",
                        "input": f"print 'step {i}'",
                        "outputs": [],
                    }
                    for i in range(3)
                ],
                "metadata": {},
            }
        ],
    }
    analysis = analyse_bytes(json.dumps(v3).encode(), "old.ipynb", Config())
    assert analysis.status == "ok", analysis.reason
    assert "language from the cells (nbformat 3): python" in analysis.notes
    assert rules(analysis, "lint") == ["python2"]
