"""Notebook hygiene: how it was run and saved, one finding per habit."""

from __future__ import annotations

from helpers import analyse, only, rules


def run(
    source: str, count: int | None, outputs: list[dict[str, object]] | None = None
) -> dict[str, object]:
    return {"source": source, "execution_count": count, "outputs": outputs or []}


def test_out_of_order_gaps_and_never_executed() -> None:
    analysis = analyse([run("a = 1", 1), run("b = 2", 4), run("c = 3", 2), run("d = 4", None)])
    assert only(analysis, "execution-order").message.startswith(
        "cell 3 ran (as [2]) before the cell above it ([4])"
    )
    assert "with 1 missing" in only(analysis, "execution-gap").message
    assert only(analysis, "never-executed").location.cell == 4


def test_a_notebook_saved_without_outputs_is_clean() -> None:
    assert rules(analyse(["a = 1", "b = 2", "c = 3"]), "hygiene") == []


def test_saved_errors_are_one_habit_listing_every_cell() -> None:
    error = {"output_type": "error", "ename": "KeyError", "evalue": "'x'", "traceback": []}
    analysis = analyse([run("a = 1", 1, [error]), run("b = 2", 2), run("c = 3", 3, [error])])
    finding = only(analysis, "error-output")
    assert finding.message == "cells 1, 3 saved an error (KeyError)"
    assert [r.cell for r in finding.related] == [3]


def test_large_outputs() -> None:
    big = {"output_type": "stream", "name": "stdout", "text": "x" * 600_000}
    assert (
        "largest: cell 1, 585 KB"
        in only(analyse([run("print(x)", 1, [big])]), "large-output").message
    )


def test_late_star_and_absolute_path_imports() -> None:
    analysis = analyse(
        [
            "import os",
            "x = 1",
            "from math import *\ny = sqrt(2)",
            "import json\npath = '/home/alice/data.csv'\nurl = '/api/v1/items'",
        ]
    )
    late = only(analysis, "late-import")
    assert late.message == "cells 3, 4 import json, math after the first code cells"
    assert only(analysis, "star-import").location.cell == 3
    assert (
        only(analysis, "absolute-path").message == "hard-coded absolute path '/home/alice/data.csv'"
    )


def test_data_paths_written_where_they_are_used_are_one_habit() -> None:
    analysis = analyse(
        [
            "import pandas as pd\ntrain = pd.read_csv('../data/train.csv')",
            "test = pd.read_csv('../data/test.csv')\ntest.to_csv('out/submission.csv')",
        ]
    )
    finding = only(analysis, "hard-coded-path")
    assert finding.message == (
        "file path '../data/train.csv' and 2 more written where they are used"
    )
    assert (finding.location.cell, finding.location.line) == (1, 2)
    assert [(r.cell, r.line) for r in finding.related] == [(2, 1), (2, 2)]
    assert finding.deficit == 10.0  # 6, +2 per further path


def test_a_path_named_once_is_the_fix_not_the_finding() -> None:
    named = analyse(
        [
            "import os\nfrom pathlib import Path\nDATA = Path('../data')\nTRAIN = '../data/train.csv'\n"
            "VALID = Path('../data/valid.csv')",
            "train_path = 'data/train.csv'\nframe = open(DATA / 'test.csv')\n"
            "other = os.path.join(DATA, 'more.csv')\nlabel = f'{DATA}/labels.csv'",
            "def load(path='data/train.csv'):\n    return open(path)",
            "FILES = {'train': 'data/train.csv', 'test': 'data/test.csv'}\n"
            "parser.add_argument('--data', default='data/train.csv')",
            "print('Saved to out.csv')\nurl = get('https://example.org/data.csv')",
        ]
    )
    assert "hard-coded-path" not in rules(named)
    # a folder written into the join is still a path written inline
    joined = analyse(["import os\nframe = open(os.path.join(ROOT, 'data/test.csv'))"])
    assert "hard-coded-path" in rules(joined)


def test_an_absolute_data_path_is_only_absolute_path() -> None:
    analysis = analyse(["frame = open('/home/alice/data.csv')"])
    assert "absolute-path" in rules(analysis)
    assert "hard-coded-path" not in rules(analysis)


def test_empty_cells_except_the_trailing_one_and_little_markdown() -> None:
    analysis = analyse(["a = 1", "", "b = 2", "c = 3", "d = 4", "e = 5", ""])
    assert only(analysis, "empty-cell").message == "cell 2 is empty"
    assert only(analysis, "little-markdown").message == "0 markdown cells for 5 code cells"
    told = analyse([("markdown", "# Story"), "a = 1", "b = 2", "c = 3", "d = 4", "e = 5"])
    assert "little-markdown" not in rules(told)


def test_untitled_and_copy_names() -> None:
    assert "untitled-name" in rules(analyse(["x = 1"], name="Untitled3.ipynb"))
    assert "untitled-name" in rules(analyse(["x = 1"], name="analysis-Copy1.ipynb"))
    assert "untitled-name" not in rules(analyse(["x = 1"], name="churn_analysis.ipynb"))


def test_the_projects_own_packages_are_no_late_import() -> None:
    # `nbcoach extract` leaves `from <pkg>.<mod> import f` where `f` stood: no cost for that.
    from nbcoach.core.config import Config

    cells = [
        "import os",
        "x = 1",
        "from churn.features import load\nimport json",
        "from churn import report",
    ]
    own = analyse(cells, Config(first_party=("churn",)))
    late = only(own, "late-import")
    assert late.message == "cell 3 imports json after the first code cells"
    assert (late.location.cell, late.location.line) == (3, 2) and late.related == ()
    assert only(analyse(cells), "late-import").message == (
        "cells 3, 4 import churn, churn.features, json after the first code cells"
    )
    assert "late-import" not in rules(
        analyse(cells[:2] + cells[3:], Config(first_party=("churn",)))
    )
