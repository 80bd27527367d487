"""Scores: worst-weighted where size must not dilute, and never raised by a new problem."""

from __future__ import annotations

from dataclasses import asdict

from hypothesis import given, settings
from hypothesis import strategies as st

from nbcoach.analysis.scoring import (
    category_scores,
    grade,
    held_by,
    overall,
    ramp,
    score_findings,
)
from nbcoach.core.config import Weights
from nbcoach.core.model import CATEGORIES, Finding, Location

WEIGHTS = {"functions": 30, "complexity": 25, "duplication": 15, "lint": 15, "hygiene": 15}


def finding(category: str, deficit: float, rule: str = "r") -> Finding:
    return Finding(rule, "m", Location("nb.ipynb", 1, 1), category, "warning", deficit)  # type: ignore[arg-type]


FINDINGS = st.builds(finding, st.sampled_from(CATEGORIES), st.floats(0, 100, allow_nan=False))


@settings(max_examples=500, deadline=None)
@given(st.lists(FINDINGS, max_size=40), FINDINGS)
def test_adding_a_problem_never_raises_a_score(findings: list[Finding], extra: Finding) -> None:
    before_overall, before = score_findings(findings, WEIGHTS)
    after_overall, after = score_findings([*findings, extra], WEIGHTS)
    assert after_overall <= before_overall
    for old, new in zip(before, after, strict=True):
        assert new.score <= old.score


def test_one_giant_function_is_not_diluted_by_many_small_ones() -> None:
    giant = [finding("functions", 100.0), finding("complexity", 100.0)]
    small = [finding("functions", 5.0) for _ in range(50)]
    total, categories = score_findings(giant + small, WEIGHTS)
    by_name = {c.name: c for c in categories}
    assert by_name["functions"].grade == "F" and by_name["complexity"].grade == "F"
    assert grade(total) == "F"


def test_many_slightly_long_functions_are_not_an_f() -> None:
    # Ten functions each a little over the limit: a habit worth fixing, not a failing notebook.
    ten = {c.name: c for c in category_scores([finding("functions", 15.0) for _ in range(10)])}
    one = {c.name: c for c in category_scores([finding("functions", 15.0)])}
    assert ten["functions"].grade == "C" and one["functions"].grade == "B"


def test_hygiene_habits_add_up_but_less_than_their_sum() -> None:
    scores = {
        c.name: c.score
        for c in category_scores([finding("hygiene", 10.0), finding("hygiene", 6.0)])
    }
    assert 100.0 - 16.0 < scores["hygiene"] < 100.0 - 10.0


def test_ramp_and_grades() -> None:
    assert ramp(50, 50, 300) == 0.0
    assert ramp(51, 50, 300) > 5.0
    assert ramp(400, 50, 300) == 100.0
    assert [grade(s) for s in (95, 85, 75, 65, 40)] == ["A", "B", "C", "D", "F"]
    assert overall(category_scores([]), WEIGHTS) == 100.0


def test_unparsed_code_scores_zero_for_its_share_of_the_lines() -> None:
    from nbcoach.analysis.scoring import analysed_share, by_coverage

    assert analysed_share(300, 0) is None
    assert analysed_share(185, 308) == 0.375
    assert analysed_share(0, 2) == 0.0
    assert by_coverage(90.0, None) == 90.0 and by_coverage(90.0, 0.5) == 45.0
    overall_score, _ = score_findings([], WEIGHTS, share=0.25)
    assert overall_score == 25.0


def test_a_failing_category_takes_its_whole_weight_however_good_the_others() -> None:
    weights = asdict(Weights())
    failing = [finding("duplication", 100.0)]
    score, _ = score_findings(failing, weights)
    assert score == round(100.0 - weights["duplication"], 1)
    # under a weighted mean the same notebook scored (100 * 4 + 0) / 5 categories = 80 (a B)
    assert grade(score) == "F"


def test_category_costs_add_up_to_the_loss_and_name_the_biggest() -> None:
    findings = [finding("duplication", 60.0), finding("lint", 20.0), finding("hygiene", 5.0)]
    score, categories = score_findings(findings, WEIGHTS)
    costs = {c.name: c.cost for c in categories}
    assert abs(sum(costs.values()) - (100.0 - score)) <= 0.2
    assert costs["duplication"] > costs["lint"] > costs["hygiene"] > 0 == costs["functions"]
    held = held_by(categories, [*findings, finding("duplication", 3.0, "other")], grade(score))
    assert held.startswith(
        f"held at {grade(score)} by duplication (-{costs['duplication']:.1f} points)"
    )
    assert held_by(category_scores([]), [], "A") == ""
