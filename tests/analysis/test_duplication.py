"""Copy-pasted blocks within a notebook (scored) and across notebooks of a run (reported only)."""

from __future__ import annotations

from helpers import analyse, only, rules
from nbcoach.analysis.review import cross_notebook_copies

BLOCK = """\
counts = {}
for row in rows:
    key = row["{column}"]
    counts[key] = counts.get(key, 0) + 1
    if row["churned"]:
        lost[key] = lost.get(key, 0) + 1
for key in sorted(counts):
    rate = lost.get(key, 0) / counts[key]
    print(f"{key:10} {counts[key]:5} {rate:6.1%}")
"""


def test_a_block_pasted_with_another_column_name_is_found() -> None:
    analysis = analyse(
        ["lost = {}", BLOCK.replace("{column}", "plan"), BLOCK.replace("{column}", "region")]
    )
    finding = only(analysis, "copy-paste")
    assert finding.message == "lines 1-9 of cell 3 repeat lines 1-9 of cell 2 (9 significant lines)"
    assert (finding.location.cell, finding.location.line, finding.location.end_line) == (3, 1, 9)
    assert finding.related[0].cell == 2


def test_different_computations_with_the_same_layout_do_not_match() -> None:
    other = (
        BLOCK.replace("counts.get", "totals.setdefault")
        .replace("sorted", "reversed")
        .replace("print", "log")
    )
    assert "copy-paste" not in rules(
        analyse(["lost = {}", BLOCK.replace("{column}", "plan"), other.replace("{column}", "plan")])
    )


def test_repetitive_short_lines_are_not_copies() -> None:
    setup = "\n".join(f"x{i} = {i}" for i in range(8))
    assert "copy-paste" not in rules(analyse([setup, setup.replace("x", "y")]))


def test_a_redefined_function_is_reported_once_not_also_as_a_copy() -> None:
    body = "def f(rows):\n" + "\n".join(
        "    " + line for line in BLOCK.replace("{column}", "a").splitlines()
    )
    assert sorted(rules(analyse([body, body + "\n    return counts"]))) == ["redefined-function"]


def test_copies_across_notebooks_are_reported_without_score() -> None:
    first = analyse(["lost = {}", BLOCK.replace("{column}", "plan")], name="a.ipynb")
    second = analyse(["lost = {}", BLOCK.replace("{column}", "region")], name="b.ipynb")
    found = cross_notebook_copies([first, second], window=6)
    assert len(found) == 1
    assert not found[0].scored and found[0].rule == "copy-paste-across"
    assert str(found[0].location) == "b.ipynb:cell 2:line 1"
    assert "a.ipynb:cell 2:line 1" in found[0].message


def test_normalise_keeps_what_code_does_and_drops_names_and_values() -> None:
    from nbcoach.analysis.duplication import normalise

    assert normalise('churn = df["plan"].mean() * 2.5  # note') == "V = V[S].mean() * N"
    assert normalise("print(f'{total}')") == "print(S)"
    assert normalise("for row in rows:") == "for V in V:"
    assert normalise("import os") == normalise("%time x") == normalise(")") == ""
