"""Redefined functions and re-assigned variables: the modeller's habits, counted and explained."""

from __future__ import annotations

from helpers import analyse, only, rules
from nbcoach.core.config import Config


def test_function_redefined_after_use_says_which_cell_ran_the_old_version() -> None:
    analysis = analyse(
        [
            "def clean(x):\n    return x",
            "rows = [clean(r) for r in data]",
            "def clean(x):\n    return x.strip()",
        ]
    )
    finding = only(analysis, "redefined-function")
    assert finding.message == (
        "function `clean` is defined 2 times (cells 1, 3); used in cell 2 between definitions, "
        "so that cell ran an older version"
    )
    assert (finding.location.cell, finding.location.line) == (3, 1)
    assert [(r.cell, r.line) for r in finding.related] == [(1, 1)]


def test_identical_copies_and_unused_changes_cost_less() -> None:
    identical = only(
        analyse(["def f():\n    return 1", "def f():\n    return 1"]), "redefined-function"
    )
    changed = only(
        analyse(["def f():\n    return 1", "def f():\n    return 2"]), "redefined-function"
    )
    used = only(
        analyse(["def f():\n    return 1", "f()", "def f():\n    return 2"]), "redefined-function"
    )
    assert "identical" in identical.message and "bodies differ" in changed.message
    assert identical.deficit < changed.deficit < used.deficit
    # cells that used an identical copy in between ran the same code, not an older version
    identical_used = only(
        analyse(["def f():\n    return 1", "f()", "def f():\n    return 1"]), "redefined-function"
    )
    assert identical_used.message == (
        "function `f` is defined 2 times (cells 1, 3); the copies are identical"
    )
    assert identical_used.deficit == identical.deficit


def test_recursion_inside_the_body_is_not_a_use_between_definitions() -> None:
    finding = only(
        analyse(["def f(n):\n    return f(n - 1) if n else 0", "def f(n):\n    return n"]),
        "redefined-function",
    )
    assert "used in" not in finding.message


def test_class_redefinition_has_its_own_rule() -> None:
    cells = ["class A:\n    pass", "class A:\n    x = 1"]
    assert rules(analyse(cells), "duplication") == ["redefined-class"]


def test_reassignment_kinds_are_told_apart() -> None:
    analysis = analyse(
        [
            "summary = {}\ndf = load()\ntotal = 1",
            "summary = []\ndf = df.dropna()\ntotal = compute()",
        ]
    )
    found = {
        f.message.split("`")[1]: f for f in analysis.findings if f.rule == "reassigned-variable"
    }
    assert "kind changes (dict before cell 2, list from there)" in found["summary"].message
    assert "rebuilds it from itself" in found["df"].message and found["df"].severity == "info"
    assert "overwrite" in found["total"].message
    assert found["summary"].deficit > found["total"].deficit > found["df"].deficit


def test_idiomatic_names_loop_names_and_allow_list_are_not_reported() -> None:
    cells = [
        "fig, ax = make()\nax2 = twin()\nfor i in range(3):\n    pass\n_ = run()\ndf = 1",
        "fig, ax = make()\nax2 = twin()\ni = 5\n_ = run()\ndf = 2",
    ]
    reassigned = [f for f in analyse(cells).findings if f.rule == "reassigned-variable"]
    assert [f.message.split("`")[1] for f in reassigned] == ["df"]
    assert rules(analyse(cells, Config(extend_allow_reassign=("df",))), "duplication") == []


def test_a_name_assigned_twice_in_one_cell_is_not_reported() -> None:
    assert rules(analyse(["x = 1\nx = 2", "print(x)"])) == []
