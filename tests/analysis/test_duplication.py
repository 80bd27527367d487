"""Copy-pasted blocks within a notebook (scored) and across notebooks of a run (reported only)."""

from __future__ import annotations

from helpers import analyse, only, rules
from nbcoach.analysis.review import cross_notebook_copies
from nbcoach.core.config import Config
from support import PASTED_BLOCK

BLOCK = PASTED_BLOCK


def test_a_block_pasted_with_another_column_name_is_found() -> None:
    analysis = analyse(
        ["lost = {}", BLOCK.replace("{column}", "plan"), BLOCK.replace("{column}", "region")]
    )
    finding = only(analysis, "copy-paste")
    # the first line differs only by a name: the block is the rest, one group, at its first copy
    assert finding.message == (
        "a 8-line block (74 tokens) appears 2 times: cell 2 lines 1-8, cell 3 lines 1-8"
    )
    assert (finding.location.cell, finding.location.line, finding.location.end_line) == (2, 1, 8)
    assert [(r.cell, r.line, r.end_line) for r in finding.related] == [(3, 1, 8)]


def test_a_block_pasted_seven_times_is_one_group_that_costs_more_per_copy() -> None:
    chain = (
        "counts = df['{c}'].value_counts().reset_index()"
        ".rename(columns={{'index': '{c}', '{c}': 'n'}})"
        ".merge(totals, on='{c}').drop(columns=['x'])"
    )
    cells = ["df = load()\ntotals = load()"] + [chain.format(c=f"col{i}") for i in range(7)]
    seven = only(analyse(cells), "copy-paste")
    assert seven.message.startswith("a 1 line (")
    assert "appears 7 times: cell 2 line 1, cell 3 line 1, " in seven.message
    assert len(seven.related) == 6
    twice = only(analyse(cells[:3]), "copy-paste")
    assert seven.deficit > twice.deficit > 0


def _clean_lines(count: int) -> str:
    """Code that copies nothing: each line computes something of its own."""
    return "\n".join(f"total_{i} = compute_{i}(rows, {i})" for i in range(count))


def test_a_copy_costs_its_share_of_the_notebook() -> None:
    """Up to 100 code lines a copy costs its full price; beyond, the share it holds: the same
    pasted block costs half as much in a notebook twice that size, and the other checks do
    not change with size."""
    pasted = ["lost = {}", BLOCK.replace("{column}", "plan"), BLOCK.replace("{column}", "region")]
    small = analyse(pasted)
    large = analyse([*pasted, _clean_lines(200 - small.metrics.code_lines)])
    assert large.metrics.code_lines == 200
    assert only(large, "copy-paste").deficit == only(small, "copy-paste").deficit / 2
    rebound = ["scores = load()", "scores = other()"]
    longer = analyse([*rebound, _clean_lines(398)])
    assert longer.metrics.code_lines == 400
    assert only(longer, "reassigned-variable").deficit == 2.5
    assert only(analyse(rebound), "reassigned-variable").deficit == 10.0


def test_a_copy_group_reaches_its_limit_before_the_share_is_taken() -> None:
    """Every duplication price is its fixed price times the share, so the gate can price the
    same findings at another size exactly: five and fifteen copies of a block both reach the
    limit of 60, and in a 646-line notebook both cost 60 x 100 / 646."""
    block = BLOCK.replace("{column}", "plan")
    five = analyse(["lost = {}", *[block] * 5, _clean_lines(600)])
    fifteen = analyse(["lost = {}", *[block] * 15, _clean_lines(510)])
    assert five.metrics.code_lines == fifteen.metrics.code_lines == 646
    expected = round(60 * 100 / 646, 6)
    assert only(five, "copy-paste").deficit == only(fifteen, "copy-paste").deficit == expected


def test_a_copy_inside_a_bigger_copy_is_not_counted_twice() -> None:
    inner = BLOCK.replace("{column}", "plan")
    outer = "lost = {}\nseen = set()\nfor key in lost:\n    seen.add(key)\n" + inner
    findings = [f for f in analyse([outer, outer, inner]).findings if f.rule == "copy-paste"]
    groups = sorted((1 + len(f.related), f.message.split(" (")[0]) for f in findings)
    # the inner part stands three times, the whole twice: two groups, no pair of inner copies
    assert groups == [(2, "a 12-line block"), (3, "a 8-line block")]


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
    cells = [body, body + "\n    return counts", "f([])"]
    assert sorted(rules(analyse(cells))) == ["redefined-function"]


def test_copies_across_notebooks_are_reported_without_score() -> None:
    first = analyse(["lost = {}", BLOCK.replace("{column}", "plan")], name="a.ipynb")
    second = analyse(["lost = {}", BLOCK.replace("{column}", "region")], name="b.ipynb")
    found = cross_notebook_copies([first, second], Config())
    assert len(found) == 1
    assert not found[0].scored and found[0].rule == "copy-paste-across"
    assert str(found[0].location) == "b.ipynb:cell 2:line 1"
    assert "a.ipynb:cell 2:line 1" in found[0].message


def test_copies_across_notebooks_obey_select_ignore_and_comments() -> None:
    """`--select removed-api` listed every copy between notebooks, `--ignore
    copy-paste-across` silenced none of them: they are chosen as every finding is."""
    first = analyse(["lost = {}", BLOCK.replace("{column}", "plan")], name="a.ipynb")
    second = analyse(["lost = {}", BLOCK.replace("{column}", "region")], name="b.ipynb")
    assert cross_notebook_copies([first, second], Config(ignore=("copy-paste-across",))) == []
    assert cross_notebook_copies([first, second], Config(select=("removed-api",))) == []
    per_file = Config(per_file_ignores=(("b.ipynb", ("copy-paste-across",)),))
    assert cross_notebook_copies([first, second], per_file) == []
    quiet = analyse(
        ["lost = {}", "# nbcoach: ignore[copy-paste-across]\n" + BLOCK.replace("{column}", "x")],
        name="b.ipynb",
    )
    assert cross_notebook_copies([first, quiet], Config()) == []
    # each is chosen by the configuration of the notebook it is shown in, whatever came first
    own = {"b.ipynb": Config(ignore=("copy-paste-across",))}
    assert cross_notebook_copies([first, second], Config(), own) == []
    assert len(cross_notebook_copies([first, second], Config(), {"a.ipynb": own["b.ipynb"]})) == 1


def test_a_copy_in_a_plain_script_is_placed_by_line_alone() -> None:
    from nbcoach.analysis.analyse import analyse_bytes

    script = analyse_bytes(
        ("lost = {}\n" + BLOCK.replace("{column}", "plan")).encode(), "a.py", Config()
    )
    notebook = analyse(["lost = {}", BLOCK.replace("{column}", "region")], name="b.ipynb")
    found = cross_notebook_copies([notebook, script], Config())
    assert len(found) == 1
    assert str(found[0].location) == "a.py:line 2"  # a script has no cells
    assert "b.ipynb:cell 2:line 1" in found[0].message
    assert [str(r) for r in found[0].related] == ["b.ipynb:cell 2:line 1"]


def test_normalise_keeps_what_code_does_and_drops_names_and_values() -> None:
    from nbcoach.analysis.duplication import normalise

    assert normalise('churn = df["plan"].mean() * 2.5  # note') == "V = V[S].mean() * N"
    assert normalise("total = df.age.sum()") == "V = V.V.sum()"  # attributes are names too
    assert normalise("print(f'{total}')") == ""  # no variable: a bare call is no copy
    assert normalise("[Point(1, 2), Point(3, 4)],") == ""  # data
    assert normalise("for row in rows:") == "for V in V:"
    assert normalise("import os") == normalise("%time x") == normalise(")") == ""
