"""Next steps: the gain is what re-scoring without the problem gives, and the top three win."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from helpers import analyse
from nbcoach.analysis.card import build_card
from nbcoach.analysis.coaching import action_key
from nbcoach.analysis.scoring import score_findings
from nbcoach.core.config import Config, Weights

GIANT = (
    "def train(data):\n"
    + "\n".join(f"    if data[{i}]:\n        data[{i}] += {i}" for i in range(30))
    + (
        "\n    for row in data:\n"
        + "\n".join(f"        row[{i}] = row[{i}] * 2 if row[{i}] else {i}" for i in range(10))
    )
)


def card_for(cells: list[str | tuple[str, str] | dict[str, object]]):  # type: ignore[no-untyped-def]
    analysis = analyse(cells)
    return build_card(analysis, (), Config())


def test_gain_equals_rescoring_without_the_group() -> None:
    card = card_for(
        [
            GIANT + "\n    return data",
            "def clean(x):\n    return x",
            "clean(1)",
            "def clean(x):\n    return x + 1",
            "from math import *",
        ]
    )
    assert card.score is not None
    weights = asdict(Weights())
    assert card.next_steps
    for step in card.next_steps:
        rest = [f for f in card.findings if action_key(f) not in step.fixes]
        rescored, _ = score_findings(rest, weights)
        assert round(rescored - card.score, 1) == step.gain, step


def test_steps_are_concrete_and_ordered_by_gain() -> None:
    card = card_for(
        [
            GIANT + "\n    return data",
            "def clean(x):\n    return x",
            "clean(1)",
            "def clean(x):\n    return x + 1\n\n\nprint(train([clean(1)]))",
        ]
    )
    assert len(card.next_steps) == 3
    first, second, third = card.next_steps
    assert first.gain >= second.gain >= third.gain
    assert (
        first.action
        == "Split `train` (73 lines, complexity 42, cell 1): start with the loop at lines 62-72"
    )
    assert second.action == "Keep one definition of `clean` (cells 2, 4) and delete the others"
    assert third.action.startswith("Add a check at cell 1 line 1: an `assert` on what the next")


def test_a_clean_notebook_gets_praise_and_no_steps() -> None:
    card = card_for(
        [
            ("markdown", "# Title"),
            {"source": "def f(x):\n    return x", "execution_count": 1},
            {"source": "f(1)", "execution_count": 2},
        ]
    )
    assert card.score == 100.0 and card.next_steps == ()
    assert card.strengths == (
        "The function is within the size limits",
        "Every function is simple enough to test (complexity 10 or less)",
        "No function or class is defined twice",
    )
    run_in_order = card_for(
        [{"source": "x = 1", "execution_count": 1}, {"source": "y = x", "execution_count": 2}]
    )
    assert "Cells were run in order, top to bottom" in run_in_order.strengths


def test_a_function_ready_to_move_gets_a_step_with_the_exact_command() -> None:
    helper = "def parse(text):\n    text = text.strip()\n    if not text:\n        return None\n    return int(text)"
    card = card_for([GIANT + "\n    return data", helper, "parse(' 1 ')"])
    move = card.extraction
    assert move is not None
    assert move.gain == 0.0 and move.command == "nbcoach extract nb.ipynb --function parse"
    assert move.action == "Move `parse` (cell 2) into a module, where it can be tested and reused"
    assert (move.location.cell, move.location.line) == (2, 1)
    # the scored steps are apart and unchanged: the giant is to be split, not moved
    assert card.next_steps and all(step.gain > 0 for step in card.next_steps)
    assert not any("Move `" in step.action for step in card.next_steps)


def test_no_extraction_step_for_tiny_redefined_or_flagged_functions() -> None:
    body = "    x = 1\n    y = 2\n    z = 3\n    return x + y + z"
    twice = card_for(
        [f"def f():\n{body}", f"def f():\n{body}\n", "f()", "def g():\n    return 1\n\n\ng()"]
    )
    assert twice.extraction is None  # f is defined twice, g is two lines long
    [step] = twice.next_steps  # keeping one `f` is the scored step; no move step beside it
    assert step.rules == ("redefined-function",) and step.gain > 0
    flagged = card_for([f"def many(a, b, c, d, e, f):\n{body}", "many(1, 2, 3, 4, 5, 6)"])
    assert flagged.extraction is None
    assert [step.rules for step in flagged.next_steps] == [("too-many-parameters",)]


def test_a_step_without_a_phrase_of_its_own_says_what_to_change() -> None:
    """ "Fix removed-api at cell 2 line 1" did not say what to write instead; the finding does."""
    card = card_for(
        ["import pandas as pd", "frame = pd.read_csv('x.csv')\nvalues = frame.as_matrix()"]
    )
    [step] = [s for s in card.next_steps if s.rules == ("removed-api",)]
    assert step.action.startswith("Fix removed-api at cell 2 line 2: `.as_matrix()` was removed")
    assert "`.to_numpy()`" in step.action


def test_no_extraction_step_for_the_function_holding_every_check_of_the_notebook() -> None:
    """Moved into a module, it would leave the notebook checking nothing: the gate would block
    the step the card gave. With a check elsewhere too, it may move."""
    guarded = (
        "def parse(text):\n    text = text.strip()\n    if not text:\n"
        "        raise ValueError('empty')\n    return int(text)"
    )
    steps = "\n".join(f"value_{i} = parse(' {i} ')" for i in range(35))
    alone = card_for([guarded, steps])
    assert "no-checks" not in {f.rule for f in alone.findings}
    assert alone.extraction is None
    checked = card_for([guarded, steps + "\nassert value_1 == 1"])
    assert checked.extraction is not None and "`parse`" in checked.extraction.action
    # a notebook too small to owe a check once it moves: the step stays
    small = card_for([guarded, "value = parse(' 1 ')"])
    assert small.extraction is not None and "`parse`" in small.extraction.action


def test_a_perfect_card_with_a_function_to_move_still_says_nothing_costs_points() -> None:
    from nbcoach.cli.console import capture
    from nbcoach.render.text import card_renderable

    helper = "def parse(text):\n    text = text.strip()\n    if not text:\n        return None\n    return int(text)"
    card = card_for([("markdown", "# Parse"), helper, "parse(' 1 ')"])
    assert card.score == 100.0 and card.next_steps == ()
    assert card.extraction is not None
    text = capture(card_renderable(card, full=False))
    assert "nothing left that costs points" in text
    assert "Then: Move `parse` (cell 2) into a module" in text


def test_breaking_any_cell_of_the_messy_example_never_raises_its_score() -> None:
    # A Python 2 print hid the 341-line function and lifted the notebook from F to B.
    import json

    from nbcoach.analysis.analyse import analyse_bytes
    from support import EXAMPLES

    document = json.loads((EXAMPLES / "newcomer.ipynb").read_text(encoding="utf-8"))
    whole = build_card(
        analyse_bytes(json.dumps(document).encode(), "n.ipynb", Config()), (), Config()
    )
    assert whole.score is not None and whole.analysed_share is None
    code_cells = [i for i, c in enumerate(document["cells"]) if c["cell_type"] == "code"]
    for index in code_cells:
        broken = json.loads(json.dumps(document))
        source = broken["cells"][index]["source"]
        broken["cells"][index]["source"] = ["print 'debug'\n", *source]
        card = build_card(
            analyse_bytes(json.dumps(broken).encode(), "n.ipynb", Config()), (), Config()
        )
        assert card.score is not None and card.score <= whole.score, f"cell {index + 1}"
        assert card.analysed_share is not None and card.analysed_share < 1
    giant = json.loads(json.dumps(document))
    giant["cells"][18]["source"].insert(1, "    print 'debug'\n")
    card = build_card(analyse_bytes(json.dumps(giant).encode(), "n.ipynb", Config()), (), Config())
    assert card.grade == "F" and card.analysed_share is not None and card.analysed_share < 0.4
    first = card.next_steps[0]
    assert first.rules == ("python2",) and first.location.cell == 19
    # its 300 lines come back into the score: the step more than doubles it
    assert card.score is not None and first.gain > card.score


def test_a_cell_silenced_as_not_python_is_not_counted_as_code() -> None:
    pseudo = "# nbcoach: ignore[syntax-error]\nfor each row in table: add it up"
    card = card_for([("markdown", "# Sum"), "print(sum([1, 2]))", pseudo])
    assert card.analysed_share is None and card.score == 100.0
    loud = card_for([("markdown", "# Sum"), "print(sum([1, 2]))", pseudo.split("\n")[1]])
    assert loud.analysed_share == 0.5 and loud.score is not None and loud.score <= 50.0


def test_a_plain_script_that_does_not_parse_scores_zero() -> None:
    from nbcoach.analysis.analyse import analyse_bytes

    source = b"import os\n\ndef f(a):\n    print a\n    return a\n"
    card = build_card(analyse_bytes(source, "legacy.py", Config()), (), Config())
    assert card.format == "script" and card.analysed_share == 0.0 and card.score == 0.0
    [finding] = card.findings
    assert finding.rule == "python2"
    assert finding.message.startswith("written for Python 2 (e.g. line 4: `print a`)")
    assert card.next_steps[0].action.startswith(
        "Port the code written for Python 2 to Python 3 (1 cell, first at line 4)"
    )


def _giant(name: str, lines: int) -> str:
    body = "\n".join(
        f"    total += {i}\n    if total > {i * 3}:\n        total -= 1" for i in range(lines // 3)
    )
    return f"def {name}(total):\n{body}\n    return total"


def test_two_giant_functions_are_one_step_with_the_gain_of_fixing_both() -> None:
    # A Kaggle notebook with two 404-line functions: splitting one leaves the functions
    # category at zero, so each alone gains a point; the card must still show the split.
    card = card_for([_giant("GPI", 400), _giant("GPII", 400), "print(GPI(1) + GPII(2))"])
    functions = next(c for c in card.categories if c.name == "functions")
    assert functions.score == 0.0
    giants = {"function:1:1:GPI", "function:2:1:GPII"}  # function:<cell>:<line>:<name>
    together = [s for s in card.next_steps if giants <= set(s.fixes)]
    assert len(together) == 1, [s.action for s in card.next_steps]
    step = together[0]
    assert step.action.startswith("Split `GPI` (")
    assert "and `GPII` (" in step.action and "one alone gains" in step.action
    weights = asdict(Weights())
    rest = [f for f in card.findings if action_key(f) not in step.fixes]
    assert round(score_findings(rest, weights)[0] - (card.score or 0), 1) == step.gain
    alone = [f for f in card.findings if action_key(f) != "function:1:1:GPI"]
    assert step.gain > 5 * (score_findings(alone, weights)[0] - (card.score or 0))


def test_a_split_step_names_every_problem_its_gain_counts() -> None:
    many = "def fit(a, b, c, d, e, f, g, h):\n" + _giant("inner", 120).split("\n", 1)[1]
    card = card_for([many])
    step = card.next_steps[0]
    assert {"long-function", "too-many-parameters"} <= set(step.rules)
    assert step.action.startswith("Split `fit`")
    assert "group its 8 parameters" in step.action


def test_many_small_findings_of_one_kind_are_not_bundled() -> None:
    # ten unused names: each one removed is worth about the same, so no "together" step
    card = card_for([f"value_{i} = {i}" for i in range(10)])
    assert all(len(step.fixes) == 1 for step in card.next_steps)


def test_every_step_on_the_corpus_gains_exactly_what_it_says(corpus: Path) -> None:
    """For every notebook of the shared corpus and every step its card shows, removing exactly
    that step's findings and scoring again gives the stated gain; a category at zero always has
    a step on the card."""
    from nbcoach.analysis import lint
    from nbcoach.analysis.analyse import analyse_file
    from nbcoach.analysis.card import _unanalysed
    from nbcoach.analysis.coaching import Coverage
    from nbcoach.core.config import load_config

    paths = sorted(str(p) for p in corpus.rglob("*.ipynb"))
    config = load_config(corpus)
    ruff = lint.collect(lint.start(paths, config.ruff_extend_select))
    assert not ruff.error
    weights = asdict(config.weights)
    checked = missing = wrong = 0
    problems = []
    for path in paths:
        analysis = analyse_file(Path(path), config)
        if analysis.status != "ok":
            continue
        raw = ruff.results.get(path, [])
        found = lint.to_findings(analysis.path, analysis.format, analysis.cell_lines, raw)
        card = build_card(analysis, tuple(found), config)
        coverage = Coverage(analysis.metrics.code_lines, _unanalysed(analysis, card.findings))
        for step in card.next_steps:
            checked += 1
            rest = [f for f in card.findings if action_key(f) not in step.fixes]
            fixed = [
                f.subject
                for f in card.findings
                if action_key(f) in step.fixes and f.rule in ("syntax-error", "python2")
            ]
            after = score_findings(rest, weights, coverage.share(fixed))[0]
            if round(after - (card.score or 0), 1) != step.gain:
                wrong += 1
                problems.append(f"{Path(path).name}: {step.action[:60]} says {step.gain}")
        for category in card.categories:
            if category.score > 0:
                continue
            if not any(
                f.category == category.name and action_key(f) in step.fixes
                for step in card.next_steps
                for f in card.findings
            ):
                missing += 1
                problems.append(f"{Path(path).name}: {category.name} at zero has no step")
    assert checked > 300
    assert not problems, f"{wrong} wrong gains, {missing} zero categories without a step\n" + (
        "\n".join(problems[:20])
    )


def test_a_function_made_of_nested_functions_is_told_to_lift_them_not_to_split() -> None:
    """`split` cannot cut nested functions: the step says what to do, with no command."""
    nested = "\n".join(
        f"    def part_{i}(x):\n"
        + "\n".join(f"        x = x + {j}" for j in range(12))
        + "\n        return x"
        for i in range(5)
    )
    outer = f"def pipeline(rows):\n{nested}\n    return [part_0(r) for r in rows]"
    step = card_for([outer]).next_steps[0]
    assert step.action.startswith("Move the 5 nested functions of `pipeline` (`part_0`, `part_1`")
    assert step.command == ""


def test_a_function_that_fills_a_notebook_container_is_not_offered_for_moving() -> None:
    """`graph = {}` is a container the notebook fills, through the function: data, which
    `extract` refuses to move with it (an adoption was told to run an extract that failed)."""
    fill = "def add_edge(row):\n    graph.setdefault(row[0], []).append(row[1])\n    graph.setdefault(row[1], []).append(row[0])\n    return None"
    card = card_for([fill, "graph = {}\nfor row in [(1, 2), (2, 3)]:\n    add_edge(row)"])
    assert card.extraction is None
    assert any(
        f.rule == "reads-globals" and "`add_edge` (graph)" in f.message for f in card.findings
    )
    table = card_for(
        ["def label(code):\n    return NAMES.get(code, '?')\n\n\nlabel(1)", "NAMES = {1: 'one'}"]
    )
    assert not any(
        f.rule == "reads-globals" for f in table.findings
    )  # a filled table is a constant
