"""Notebook-scope lint: the whole notebook is one namespace, where ruff sees single statements."""

from __future__ import annotations

from helpers import analyse, only, rules


def messages(cells: list[str], rule: str) -> list[str]:
    return [f.message for f in analyse(cells).findings if f.rule == rule]


def test_a_name_read_in_no_cell_is_unused_and_a_later_read_counts() -> None:
    found = messages(["total = 1\nunused = 2", "print(total)"], "unused-name")
    assert found == ["`unused` is assigned but never read in the notebook"]
    # read before it is bound, in a function, or updated in place: all uses
    used = ["def show():\n    print(late)", "late = 1\ncount = 0\ncount += 1", "show()"]
    assert messages(used, "unused-name") == []


def test_unpacking_plot_handles_and_underscores_are_not_unused() -> None:
    cells = ["a, b = pair()\nfig = plot()\n_ignored = 3\n__doc__ = 'x'"]
    assert messages(cells, "unused-name") == []


def test_a_function_defined_and_never_called_is_unused_unless_decorated() -> None:
    cells = [
        "def used():\n    return 1",
        "def dead():\n    return 2",
        "@app.route\ndef view():\n    return 3",
        "used()",
    ]
    assert messages(cells, "unused-name") == [
        "function `dead` is defined but never used in the notebook"
    ]


def test_a_module_imported_in_two_cells_is_one_finding_at_the_second() -> None:
    cells = [
        "import numpy as np\nprint(np.pi)",
        "import os\nprint(os.sep)",
        "import numpy as np\nprint(np.e)",
    ]
    finding = only(analyse(cells), "reimported-module")
    assert finding.message == (
        "`import numpy as np` appears in 2 cells (1, 3); import it once, at the top"
    )
    assert (finding.location.cell, [r.cell for r in finding.related]) == (3, [1])


def test_a_name_imported_twice_is_named_as_its_import_is_written() -> None:
    cells = [
        "from collections import Counter\nimport os.path\nfrom sklearn import svm as s",
        "from collections import Counter\nimport os.path\nfrom sklearn import svm as s",
        "print(Counter(), os.sep, s)",
    ]
    messages = sorted(f.message for f in analyse(cells).findings if f.rule == "reimported-module")
    assert [m.split("` appears")[0] for m in messages] == [
        "`from collections import Counter",
        "`from sklearn import svm as s",
        "`import os.path",
    ]


def test_a_number_in_three_calculations_is_magic_plain_numbers_are_not() -> None:
    cells = [
        "big = df[df.votes > 75]",
        "share = big.votes / 75\nhalf = share * 0.5",
        "print(75 < share.max() * 2, half)",
    ]
    finding = only(analyse(cells), "magic-number")
    assert finding.message.startswith("75 is written 3 times in calculations or comparisons")
    twice = ["a = x > 75", "b = y * 75", "print(a, b)"]
    assert "magic-number" not in rules(analyse(twice))


def test_one_letter_and_capwords_data_names_but_not_conventions_or_types() -> None:
    cells = [
        "a = load()\nX = load()\nData = [1, 2]\nPoint = tuple\nWORDS = ['x']",
        "print(a, X, Data, Point, WORDS)",
    ]
    found = messages(cells, "top-level-name")
    assert [m.split("`")[1] for m in found] == ["a", "Data"]


def test_functions_reading_notebook_data_are_one_habit_naming_each() -> None:
    cells = [
        "rows = load()\nLIMIT = 10",
        "def first():\n    return rows[0]",
        "def count():\n    return len(rows) + LIMIT",
        "def pure(items):\n    return len(items)",
        "print(first(), count(), pure(rows))",
    ]
    finding = only(analyse(cells), "reads-globals")
    assert finding.category == "hygiene"
    assert finding.message == (
        "2 functions read notebook variables instead of parameters: `first` (rows); `count` (rows)"
    )
    one = only(
        analyse([*cells[:2], cells[4].replace(", count(), pure(rows)", "")]), "reads-globals"
    )
    assert finding.deficit > one.deficit > 0


def test_a_lower_case_name_bound_to_a_literal_is_notebook_data_to_a_function() -> None:
    # report called `a` and `c` "ready to move (no hidden inputs)" while extract gave them
    # `limit` and `rows` as parameters: only UPPER_CASE literals are constants (docs/rules.md)
    cells = [
        "limit = 1920\nrows = [1, 2, 3]\nLIMIT = 5\n__version__ = '1.2.0'",
        "def a():\n    return limit + 1",
        "def c():\n    return rows[0]",
        "def d():\n    return LIMIT, __version__",  # a module dunder is metadata
        "print(a(), c(), d())",
    ]
    analysis = analyse(cells)
    assert only(analysis, "reads-globals").message == (
        "2 functions read notebook variables instead of parameters: `a` (limit); `c` (rows)"
    )
    assert analysis.candidates == ("d",)
