"""Functions over the limits and cells full of top-level code, with limits from config."""

from __future__ import annotations

from helpers import analyse, only, rules
from nbcoach.core.config import Config, Thresholds


def long_function(lines: int) -> str:
    return (
        "def big(x):\n" + "\n".join(f"    x = x + {i}" for i in range(lines - 2)) + "\n    return x"
    )


def test_limits_are_exclusive_and_cost_grows_with_the_excess() -> None:
    assert rules(analyse([long_function(50)]), "functions") == []
    at_60 = only(analyse([long_function(60)]), "long-function")
    at_200 = only(analyse([long_function(200)]), "long-function")
    assert at_60.message == "`big` is 60 lines long (limit 50)"
    assert at_60.deficit < at_200.deficit
    assert at_200.severity == "error"


def test_thresholds_come_from_config() -> None:
    config = Config(thresholds=Thresholds(function_lines=100, function_statements=100))
    assert rules(analyse([long_function(60)], config), "functions") == []


def test_complexity_cites_radons_rank() -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(12))
    finding = only(analyse([f"def pick(x):\n{branches}\n    return -1"]), "complex-function")
    assert finding.message == "`pick` has cyclomatic complexity 13 (limit 10; radon rank C)"
    assert finding.category == "complexity"


def test_parameters_nesting_and_long_cells() -> None:
    nested = (
        "def deep(a):\n"
        + "".join("    " * d + f"    if a > {d}:\n" for d in range(6))
        + "    " * 6
        + "    return a"
    )
    analysis = analyse(
        [
            "def many(a, b, c, d, e, f, g):\n    return a",
            nested,
            "\n".join(f"value_{i} = {i} * 2" for i in range(45)),
        ]
    )
    assert only(analysis, "too-many-parameters").message == "`many` takes 7 parameters (limit 5)"
    assert only(analysis, "deep-nesting").message == "`deep` nests blocks 6 deep (limit 4)"
    cell = only(analysis, "long-cell")
    assert cell.message == "cell 3 runs 45 lines of code outside any function (limit 40)"
    assert (cell.location.line, cell.location.end_line) == (1, 45)


def test_a_long_top_level_script_costs_however_short_each_cell() -> None:
    cells = ["\n".join(f"value_{c}_{i} = {i}" for i in range(20)) for c in range(5)]  # 100 lines
    finding = only(analyse(cells), "long-script")
    assert finding.message.startswith("100 lines of code run outside any function (limit 80)")
    assert "long-cell" not in rules(analyse(cells))  # each cell is short
    assert rules(analyse(cells[:4]), "functions") == []  # 80 lines: at the limit
    longer = only(analyse(cells * 3), "long-script")
    assert finding.deficit < longer.deficit <= 50.0


def test_an_import_wrapped_over_many_lines_is_one_line_of_script() -> None:
    names = [f"helper_{i}" for i in range(60)]
    wrapped = "from src.helpers import (\n" + "".join(f"    {n},\n" for n in names) + ")"
    steps = "\n".join(f"value_{i} = helper_{i}({i})" for i in range(39))
    assert "long-cell" not in rules(analyse([wrapped + "\n" + steps]))  # 1 + 39 lines
    assert "long-cell" in rules(analyse([wrapped + "\n" + steps + "\nlast = 1\nmore = 2"]))
