"""Functions over the limits and cells full of top-level code, with limits from config."""

from __future__ import annotations

from helpers import analyse, only, rules
from nbcoach.core.config import Config, Thresholds
from nbcoach.core.model import Analysis


def sized(analysis: Analysis) -> list[str]:
    """The functions category's findings about size: `no-checks` (nothing asserted) aside."""
    return [rule for rule in rules(analysis, "functions") if rule != "no-checks"]


def long_function(lines: int) -> str:
    return (
        "def big(x):\n" + "\n".join(f"    x = x + {i}" for i in range(lines - 2)) + "\n    return x"
    )


def test_limits_are_exclusive_and_cost_grows_with_the_excess() -> None:
    assert sized(analyse([long_function(50)])) == []
    at_60 = only(analyse([long_function(60)]), "long-function")
    at_200 = only(analyse([long_function(200)]), "long-function")
    assert at_60.message == "`big` is 60 lines long (limit 50)"
    assert at_60.deficit < at_200.deficit
    assert at_200.severity == "error"


def test_thresholds_come_from_config() -> None:
    config = Config(thresholds=Thresholds(function_lines=100, function_statements=100))
    assert sized(analyse([long_function(60)], config)) == []


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
    assert sized(analyse(cells[:4])) == []  # 80 lines: at the limit
    longer = only(analyse(cells * 3), "long-script")
    assert finding.deficit < longer.deficit <= 50.0


def test_an_import_wrapped_over_many_lines_is_one_line_of_script() -> None:
    names = [f"helper_{i}" for i in range(60)]
    wrapped = "from src.helpers import (\n" + "".join(f"    {n},\n" for n in names) + ")"
    steps = "\n".join(f"value_{i} = helper_{i}({i})" for i in range(39))
    assert "long-cell" not in rules(analyse([wrapped + "\n" + steps]))  # 1 + 39 lines
    assert "long-cell" in rules(analyse([wrapped + "\n" + steps + "\nlast = 1\nmore = 2"]))


def script(lines: int) -> str:
    return "\n".join(f"value_{i} = {i} * 2" for i in range(lines))


def test_a_notebook_that_checks_nothing_is_told_where_a_check_is_due() -> None:
    steps = [script(20), "rows = [1, 2]\n\ndef double(x):\n    return x * 2", script(20)]
    finding = only(analyse(steps), "no-checks")
    assert finding.message.startswith("nothing in the notebook checks a result: 43 lines")
    assert (finding.location.cell, finding.location.line) == (2, 3)  # beside the function
    assert finding.category == "functions"
    # without a function the check is due after the last step
    last = only(analyse([script(40), script(20) + "\n\n# done"]), "no-checks")
    assert (last.location.cell, last.location.line) == (2, 20)


def test_its_price_grows_with_the_code_up_to_100_lines_and_small_notebooks_owe_none() -> None:
    assert "no-checks" not in rules(analyse([script(29)]))
    at_50 = only(analyse([script(50)]), "no-checks").deficit
    at_100 = only(analyse([script(30), script(70)]), "no-checks").deficit
    at_300 = only(analyse([script(30)] * 10), "no-checks").deficit
    assert at_50 == 6.0 and at_100 == at_300 == 12.0


def test_an_assert_a_test_library_call_or_a_guard_is_a_check() -> None:
    checks = [
        "assert value_1 == 2",
        "def test_double():\n    assert 2 * 2 == 4",
        "np.testing.assert_allclose(value_1, 2)",
        "pd.testing.assert_frame_equal(value_1, value_2)",
        "self.assertEqual(value_1, 2)",
        "with pytest.raises(ZeroDivisionError):\n    print(1 / 0)",
        "doctest.testmod()",
        "if value_1 != 2:\n    raise ValueError('value_1')",
        "def load(x):\n    if not x:\n        raise ValueError('empty')\n    return x",
        "match value_1:\n    case 2:\n        pass\n    case _:\n        raise ValueError(value_1)",
        "%%time\nassert value_1 == 2",
    ]
    for check in checks:
        assert "no-checks" not in rules(analyse([script(60), check])), check
    # a raise that guards nothing, a script's entry point, a call or a name that merely
    # mentions asserting, and typing's static asserts are no checks
    for not_a_check in (
        "raise SystemExit",
        'if __name__ == "__main__":\n    raise SystemExit(main())',
        "assertion_count = 3",
        "count = assertion_count(value_1)",
        "typing.assert_type(value_1, int)",
        "testmode = True",
        "other.raises(ValueError)",
    ):
        assert "no-checks" in rules(analyse([script(60), not_a_check])), not_a_check


def test_naming_it_in_any_cell_silences_it_wherever_it_is_placed() -> None:
    """It is placed where a check is due, a place every edit can move: a comment naming the
    rule in any cell silences it, as `long-script`; a bare `# nbcoach: ignore` stays local."""
    steps = [script(30), "def double(x):\n    return x * 2", script(30)]
    named = ["# nbcoach: ignore[no-checks]\n" + steps[0], *steps[1:]]
    assert "no-checks" not in rules(analyse(named))
    assert "no-checks" not in rules(analyse([*named, "def halve(x):\n    return x / 2"]))
    bare = ["# nbcoach: ignore\n" + steps[0], *steps[1:]]
    assert "no-checks" in rules(analyse(bare))
