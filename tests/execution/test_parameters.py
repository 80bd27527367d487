"""Which names a cell binds at the top level: the cells that override an injected parameter."""

from __future__ import annotations

from nbcoach.execution.parameters import reassignments, top_level_names


def test_top_level_bindings_are_found_and_function_bodies_are_not() -> None:
    source = "\n".join(
        [
            "%matplotlib inline",
            "a = b = 1",
            "c, *d = [1, 2, 3]",
            "e: int = 5",
            "f: int",
            "g += 1",
            "import numpy as np, os.path",
            "from math import pi as tau",
            "for h in range(3):",
            "    i = h",
            "with open('x') as j:",
            "    pass",
            "if True:",
            "    k = 1",
            "try:",
            "    pass",
            "except ValueError:",
            "    m = 2",
            "def fn(n):",
            "    inner = n",
            "class Cls:",
            "    attribute = 1",
        ]
    )
    assert top_level_names(source) == {
        "a", "b", "c", "d", "e", "np", "os", "tau", "h", "i", "j", "k", "m", "fn", "Cls"
    }  # fmt: skip


def test_a_cell_that_does_not_parse_or_runs_another_language_binds_nothing() -> None:
    assert top_level_names("x = (") == set()
    assert top_level_names("%%bash\nx=1") == set()


def test_reassignments_name_each_cell_in_order() -> None:
    cells = [(2, "alpha = 1"), (3, "print(alpha)"), (5, "beta, alpha = 1, 2")]
    assert reassignments(cells, ["alpha", "beta"]) == [(2, "alpha"), (5, "alpha"), (5, "beta")]
