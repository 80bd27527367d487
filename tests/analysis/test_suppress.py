"""`# nbcoach: ignore[rule]` on a line, or at a cell's top for the whole cell."""

from __future__ import annotations

from helpers import analyse, rules
from nbcoach.core.config import Config

PARAMS = "def many(a, b, c, d, e, f, g):  {comment}\n    return a\n\n\nmany(1, 2, 3, 4, 5, 6, 7)"


def test_line_comment_silences_that_rule_on_that_line() -> None:
    assert rules(analyse([PARAMS.format(comment="# nbcoach: ignore[too-many-parameters]")])) == []
    assert rules(analyse([PARAMS.format(comment="# nbcoach: ignore[long-function]")])) == [
        "too-many-parameters"
    ]
    assert rules(analyse([PARAMS.format(comment="# nbcoach: ignore")])) == []


def test_comment_at_the_top_of_a_cell_covers_the_cell() -> None:
    cell = "# nbcoach: ignore[star-import, late-import]\nfrom math import *\nimport os"
    assert rules(analyse(["x = 1", "y = 2\nprint(x, y)", cell + "\nprint(os.sep, pi)"])) == []


def test_config_ignore_switches_a_rule_off() -> None:
    assert (
        rules(analyse([PARAMS.format(comment="")], Config(ignore=("too-many-parameters",)))) == []
    )
