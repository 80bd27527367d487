"""Notebook hygiene: how it was run and saved, one finding per habit."""

from __future__ import annotations

from dataclasses import asdict

from helpers import analyse, only, rules
from nbcoach.analysis.scoring import score_findings
from nbcoach.core.config import Weights


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
    one = only(analyse(["frame = open('data.csv')"]), "hard-coded-path")
    assert (one.message, one.deficit) == ("file path 'data.csv' written where it is used", 6.0)
    many = analyse([f"open('part{n}.csv')" for n in range(12)])
    assert only(many, "hard-coded-path").deficit == 20.0  # at most 20


def test_paths_on_one_line_are_in_order_and_the_place_is_not_listed_twice() -> None:
    finding = only(analyse(["a, b = open('z/b.csv'), open('a/a.csv')"]), "hard-coded-path")
    assert finding.message.startswith("file path 'z/b.csv' and 1 more")
    assert finding.related == ()


def test_a_path_named_once_is_the_fix_not_the_finding() -> None:
    named = analyse(
        [
            "import os\nfrom pathlib import Path\nDATA = Path('../data')\n"
            "TRAIN = '../data/train.csv'\nVALID = Path('../data/valid.csv')\n"
            "TRAIN_X: str = 'data/x.csv'",
            "train_path = 'data/train.csv'\nframe = open(DATA / 'test.csv')\n"
            "other = os.path.join(DATA, 'more.csv')\nlabel = f'{DATA}/labels.csv'\n"
            "slashed = open(DATA + '/train.csv')\nback = open(self.root + '\\\\valid.csv')",
            "def load(path='data/train.csv'):\n    return open(path)",
            "FILES = {'train': 'data/train.csv', 'test': Path('data/test.csv')}\n"
            "SPLITS = ['a.csv', 'b.csv']\nFIRST, SECOND = 'c.csv', 'd.csv'\n"
            "parser.add_argument('--data', default='data/train.csv')",
            "RESOLVED = Path('data/r.csv').resolve()\nTEXT = str(Path('data/t.csv'))\n"
            "FROM_ENV = os.getenv('DATA', 'data/e.csv')\nself.train = 'data/s.csv'\n"
            "config['train'] = 'data/c.csv'",
        ]
    )
    assert [f.message for f in named.findings if f.rule == "hard-coded-path"] == []


def test_strings_that_name_a_file_as_data_or_text_are_no_path() -> None:
    text = analyse(
        [
            'def f():\n    """Reads train.csv."""\n    return 1',
            "sub = df[df.image_id == '0001.jpg']\nok = 'train.csv' in files",
            "print('out.csv')\nmasks = paths.str.replace('_sat.jpg', '_mask.png')",
            "raise FileNotFoundError('train.csv')\nprint('Saved to out.csv')",
            "url = get('https://example.org/data.csv')\nfiles = glob('*.csv')",
        ]
    )
    assert "hard-coded-path" not in rules(text)


def test_literal_paths_joined_to_literals_are_still_written_inline() -> None:
    joined = analyse(
        [
            "import os\nframe = open(os.path.join('datasets', 'lifesat', 'lifesat.csv'))",
            "other = open('../data/' + 'valid.csv')\nplain = open(f'../data/train.csv')",
            "rooted = open(Path('..') / 'data' / 'x.csv')\nsome = glob('../data/final/*.csv')",
            "spaced = read('../data/nj/Appeal Outcomes - 2010 to 2020 - Final.xlsx')",
            "weights = load('model/my_model.ckpt')",
        ]
    )
    finding = only(joined, "hard-coded-path")
    assert finding.message.startswith("file path 'lifesat.csv' and 6 more")
    long = "d/" + "x" * 80 + ".csv"
    shown = only(analyse([f"open('{long}')"]), "hard-coded-path").message
    assert "..." in shown and len(shown) < 100


def test_a_comment_silences_the_path_it_stands_beside_not_the_others() -> None:
    cells = [
        "a = open('data/a.csv')  # nbcoach: ignore[hard-coded-path]",
        "b = open('data/b.csv')\nc = open('data/c.csv')  # nbcoach: ignore[hard-coded-path]",
        "# nbcoach: ignore[hard-coded-path]\nd = open('data/d.csv')",
    ]
    finding = only(analyse(cells), "hard-coded-path")
    assert (finding.message, finding.deficit) == (
        "file path 'data/b.csv' written where it is used",
        6.0,
    )


def test_an_absolute_inline_path_is_both_habits_and_each_fix_raises_the_score() -> None:
    home = analyse(["frame = open('/home/alice/data.csv')"])
    assert {"absolute-path", "hard-coded-path"} <= set(rules(home))
    kaggle = analyse(["frame = open('/kaggle/input/titanic/train.csv')"])
    assert "hard-coded-path" in rules(kaggle) and "absolute-path" not in rules(kaggle)
    relative = analyse(["frame = open('data/data.csv')"])
    named = analyse(["DATA = 'data/data.csv'\nframe = open(DATA)"])
    weights = asdict(Weights())
    home_score, relative_score, named_score = (
        score_findings(a.findings, weights)[0] for a in (home, relative, named)
    )
    assert home_score < relative_score < named_score


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


def test_paths_named_through_conditions_joins_and_text_places_cost_nothing() -> None:
    named = analyse(
        [
            "model = load(DATA.joinpath('model.pkl'))\n"
            "P = os.environ.get('X') or 'data/a.csv'\nQ = 'a.csv' if LOCAL else 'b.csv'\n"
            "p = DATA\np += '/a.csv'\nr = open(get_root() + '/r.csv')",
            "x = data['train.csv']\nresults['model.pkl'] = m\n"
            "if name in ('a.csv', 'b.csv'):\n    pass",
            "parser.add_argument('--in', help='data/in.csv')\nplot(xs, label='train.csv')\n"
            "plt.title('results.csv')",
        ]
    )
    assert "hard-coded-path" not in rules(named)


def test_literal_folders_formatted_or_built_from_the_working_folder_count() -> None:
    built = analyse(
        [
            "a = pd.read_csv(f'../data/{split}.csv')\nb = open('data/%s.csv' % name)",
            "c = open(Path.cwd() / 'data' / 'a.csv')\nd = open(os.getcwd() + '/d.csv')",
        ]
    )
    finding = only(built, "hard-coded-path")
    assert finding.message.startswith("file path '../data/{}.csv' and 3 more")
    assert "hard-coded-path" not in rules(analyse(["e = open(f'{DATA}/{split}.csv')"]))


def test_a_comment_on_a_calls_first_line_silences_the_path_below() -> None:
    cells = ["frame = pd.read_csv(  # nbcoach: ignore[hard-coded-path]\n    'data/a.csv',\n)"]
    assert "hard-coded-path" not in rules(analyse(cells))
