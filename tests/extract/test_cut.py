"""Cutting a long function: blocks from its structure, helpers named after its steps, every
piece within the limits when it can be, and nothing cut that would change what it means."""

from __future__ import annotations

import textwrap

from nbcoach.core.config import Thresholds
from nbcoach.extract.cut import check_cut, cut_function, measure

LIMITS = Thresholds(function_lines=20)


def _steps(count: int, lines: int) -> str:
    """A function of `count` commented steps, each `lines` long, each using what the last made."""
    body = ["def report(rows, verbose):"]
    previous = "rows"
    for step in range(count):
        body.append(f"    # step {step}: scale the values")
        body.append(f"    values_{step} = []")
        body.append(f"    for item in {previous}:")
        body += [f"        item = item * {i + 2} + {step}" for i in range(lines - 4)]
        body.append(f"        values_{step}.append(item)")
        body.append("")
        previous = f"values_{step}"
    body.append(f"    return {previous}")
    return "\n".join(body) + "\n"


def test_a_long_function_is_cut_into_steps_named_after_their_comments() -> None:
    source = _steps(4, 8)
    assert measure(source)["report"].length > LIMITS.function_lines
    cut = cut_function(source, "report", LIMITS)
    assert cut.within_limits, cut.left
    assert [h.named_by for h in cut.helpers] == ["comment"] * len(cut.helpers)
    assert all(h.name.startswith("step") for h in cut.helpers)
    assert all(len(h.parameters) <= LIMITS.parameters for h in cut.helpers)
    added = [h.name for h in cut.helpers]
    assert check_cut(source, cut.text, "report", added) == []
    namespace: dict[str, object] = {}
    original: dict[str, object] = {}
    exec(source, original)
    exec(cut.text, namespace)
    assert namespace["report"]([1, 2, 3], False) == original["report"]([1, 2, 3], False)  # type: ignore[operator]


def test_a_block_with_a_return_inside_is_left_with_the_reason() -> None:
    source = textwrap.dedent(
        """\
        def find(rows):
            for row in rows:
                if row > 100:
                    return row
                if row < 0:
                    return -row
                if row == 7:
                    return 0
                if row == 8:
                    return 1
                if row == 9:
                    return 2
                if row == 10:
                    return 3
                if row == 11:
                    return 4
                if row == 12:
                    return 5
                if row == 13:
                    return 6
                if row == 14:
                    return 7
            return None
        """
    )
    cut = cut_function(source, "find", LIMITS)
    assert not cut.within_limits
    assert cut.left and "return" in cut.left[0]


def test_a_cut_that_would_lose_a_value_is_refused() -> None:
    # rope would lift lines 5-6 and give nothing back: `value` read by `return` goes stale
    body = "\n".join(f"        value = value + {i}" for i in range(24))
    source = (
        "def pick(row):\n    value = None\n    if row:\n"
        f"        value = row\n{body}\n    return value\n"
    )
    cut = cut_function(source, "pick", LIMITS)
    assert cut.helpers
    for helper in cut.helpers:
        assert "value" in helper.returns
    assert check_cut(source, cut.text, "pick", [h.name for h in cut.helpers]) == []


def test_a_table_written_in_the_function_becomes_a_constant() -> None:
    entries = "\n".join(f'        "code{i}": "name{i}",' for i in range(30))
    source = (
        f"def rename(code):\n    table = {{\n{entries}\n    }}\n    return table.get(code, code)\n"
    )
    cut = cut_function(source, "rename", LIMITS)
    assert cut.constants == [("table", "TABLE")]
    assert cut.within_limits
    namespace: dict[str, object] = {}
    exec(cut.text, namespace)
    assert namespace["rename"]("code3") == "name3"  # type: ignore[operator]
    assert check_cut(source, cut.text, "rename", ["TABLE"]) == []


def test_a_helper_takes_and_gives_back_only_what_is_read() -> None:
    """rope passes a loop's variables into each helper and back out (`albert(dates, month, day)
    -> valid, month, day`) because a later comprehension uses the same names; they are the
    comprehension's own, so the helpers take and return only what is needed."""
    steps = []
    for step in range(4):
        steps += [
            f"    # count step {step}",
            f"    counts_{step} = {{}}",
            "    for month, day in dates:",
            f"        counts_{step}[day] = counts_{step}.get(day, 0) + {step}",
            f"        counts_{step}[month] = counts_{step}.get(month, 0) + 1",
            "",
            f"    # keep step {step}",
            f"    kept_{step} = [(month, day) for month, day in dates",
            f"              if counts_{step}[day] > 1]",
            f"    print(len(kept_{step}))",
            "",
        ]
    source = "def solve(dates):\n" + "\n".join(steps) + "\n    return kept_0, kept_3\n"
    cut = cut_function(source, "solve", LIMITS)
    assert cut.helpers
    for helper in cut.helpers:
        assert "month" not in helper.parameters and "day" not in helper.parameters, helper
        assert "month" not in helper.returns and "day" not in helper.returns, helper
    assert check_cut(source, cut.text, "solve", [h.name for h in cut.helpers]) == []
    dates = [("May", 15), ("May", 16), ("June", 15)]
    original: dict[str, object] = {}
    namespace: dict[str, object] = {}
    exec(source, original)
    exec(cut.text, namespace)
    assert namespace["solve"](dates) == original["solve"](dates)  # type: ignore[operator]


def test_a_loop_that_carries_a_value_keeps_it_and_the_docstring_stays() -> None:
    """A step of a loop body that reads on the next pass what it wrote on this one must give
    it back (it did not, once liveness trimmed what rope returned); the docstring is the
    function's, never the first helper's."""
    compare = "\n".join(
        f"        if prev is not None and prev > {i}:\n            out.append(r - prev + {i})"
        for i in range(12)
    )
    notes = "\n".join(f"        seen.add(r + {i})" for i in range(14))
    source = (
        'def carry(rows):\n    """Carry the previous row."""\n    out = []\n    seen = set()\n'
        f"    prev = None\n    for r in rows:\n        # note what was seen\n{notes}\n\n"
        f"        # compare with the previous row\n{compare}\n        prev = r\n"
        "    return out, len(seen)\n"
    )
    cut = cut_function(source, "carry", LIMITS)
    assert cut.helpers
    original: dict[str, object] = {}
    namespace: dict[str, object] = {}
    exec(source, original)
    exec(cut.text, namespace)
    rows = [1, 4, 9, 30]
    assert namespace["carry"](rows) == original["carry"](rows)  # type: ignore[operator]
    assert namespace["carry"].__doc__ == "Carry the previous row."  # type: ignore[attr-defined]


def test_a_function_made_of_nested_functions_is_left_for_lifting_them() -> None:
    nested = "\n".join(
        f"    def part_{i}(x):\n"
        + "\n".join(f"        x = x + {j}" for j in range(6))
        + "\n        return x"
        for i in range(4)
    )
    source = f"def pipeline(rows):\n{nested}\n    out = [part_0(r) for r in rows]\n    return out\n"
    cut = cut_function(source, "pipeline", LIMITS)
    assert cut.helpers == [] and cut.text == source
    assert "4 nested functions" in cut.left[0] and "move them to the top level" in cut.left[0]


def test_a_helper_is_not_named_after_the_error_it_raises() -> None:
    from nbcoach.extract.cut import _first_action

    code = textwrap.dedent(
        """\
        for nb in nblist:
            if not nb.title:
                raise ValueError("title not found in third cell")
            write_page(nb, "booksection")
        """
    )
    assert _first_action(code) == "write_page_booksection"


def test_helpers_stand_two_blank_lines_from_the_code_around_them() -> None:
    """As any top-level definitions (PEP 8); rope left one."""
    source = "import math\n\n\n" + _steps(4, 8) + "\n\nprint(report([1, 2], False))\n"
    cut = cut_function(source, "report", LIMITS)
    assert cut.helpers
    lines = cut.text.split("\n")
    for number, line in enumerate(lines):
        if line.startswith(("def ", "print(")):
            assert lines[number - 2 : number] == ["", ""], "\n".join(lines[number - 4 : number + 1])
            assert lines[number - 3].strip(), "three blank lines"


def test_a_comment_above_the_code_after_a_helper_stays_with_that_code() -> None:
    from nbcoach.extract.cut import _spaced

    text = "def helper():\n    return 1\n# now run it\nrows = helper()\n"
    assert _spaced(text, {"helper"}) == (
        "def helper():\n    return 1\n\n\n# now run it\nrows = helper()\n"
    )
