"""Turn findings into scores and grades. Pure: no I/O, no knowledge of notebooks.

Each finding carries a deficit (points, 0-100) set by the check that found it. A category's
deficit is the p-norm of its findings' deficits:

    deficit = (d1^p + d2^p + ...)^(1/p),  score = 100 - min(100, deficit)

With a large p the worst finding dominates (functions and complexity use p = 4: one 300-line
function fails the category however many small functions surround it -- the dilution that lets
pylint rate such a notebook 9.11/10 cannot happen). Lint uses p = 3 (the worst problem leads,
more add a little); duplication and hygiene p = 1.5 (habits add up, less than fully). Adding a
finding can only add a non-negative term, so it can never raise a score. The overall score is a
product: each category takes away up to its weight in proportion to its deficit, so a failing
category cannot hide behind good ones; it is then multiplied by the share of the code lines that
could be analysed: code that does not parse counts as zero for its lines. Without that, one
Python 2 `print` line in a 341-line function hid the function and lifted its notebook from F
34.8 to B 89.0. docs/scoring.md gives every number and where it comes from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

from nbcoach.core.model import CATEGORIES, Category, CategoryScore, Finding, Function, FunctionScore
from nbcoach.core.revision import SCORING

NORM: Mapping[Category, float] = {
    "functions": 4,
    "complexity": 4,
    "duplication": 1.5,
    "lint": 3,
    "hygiene": 1.5,
}
GRADE_BANDS: tuple[tuple[float, str], ...] = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
BASE_DEFICIT = 5.0  # what crossing a limit costs at all
DUPLICATION_LINES = 100  # duplication is priced per this many code lines (docs/scoring.md)
REVISION = SCORING  # bumped in core/revision.py whenever the same findings score otherwise


def ramp(value: float, limit: float, ceiling: float) -> float:
    """Deficit of a measurement: 0 up to `limit`, then from 5 rising linearly to 100 at `ceiling`."""
    if value <= limit:
        return 0.0
    if ceiling <= limit:
        return 100.0
    return min(100.0, BASE_DEFICIT + (100.0 - BASE_DEFICIT) * (value - limit) / (ceiling - limit))


def duplication_scale(code_lines: int) -> float:
    """What a copy, a redefinition or a rebinding costs in a notebook of this size, against one
    of up to DUPLICATION_LINES code lines: the share of the notebook it holds. Reviewers judge
    how much of a notebook is pasted or rebound, not how often: nine pasted plotting blocks in
    an 800-line textbook chapter read as a C, two in a 60-line notebook as a D. Counted
    without the share, the long notebooks all failed and their order against the rest was
    lost (blind review: Spearman 0.80 -> 0.84 on the tune half, 0.76 -> 0.80 on the holdout).
    Only this category: a long function or a star import is no smaller for the code around it,
    and scaling lint or hygiene the same way lowered the agreement."""
    return min(1.0, DUPLICATION_LINES / code_lines) if code_lines > 0 else 1.0


def duplication_priced(findings: Iterable[Finding], factor: float) -> list[Finding]:
    """The findings with every duplication price times `factor`: the analysis prices them at
    the notebook's size (factor = duplication_scale), the gate at the size a bar was recorded
    at (the ratio of two scales). Each check sets a fixed price (a copy group's limit of 60
    included), so scaling them all here is exact. Kept to six decimals, not one: a price
    rounded to a tenth in an 1,800-line notebook (0.55 -> 0.6) came back 10.9 instead of 10
    at another size."""
    if factor == 1.0:
        return list(findings)
    return [
        replace(f, deficit=round(f.deficit * factor, 6)) if f.category == "duplication" else f
        for f in findings
    ]


# A notebook that checks nothing (`no-checks`) costs CHECKS_PRICE from DUPLICATION_LINES code
# lines on, a shorter one its share of it, one under CHECKS_FROM lines nothing: fitted to blind
# review on the calibration's tune half (benchmarks/calibration, docs/scoring.md).
CHECKS_PRICE = 12.0
CHECKS_FROM = 30


def checks_price(code_lines: int) -> float:
    """What checking nothing costs in a notebook of this size: the more code, the more a
    check is owed, up to a full price at DUPLICATION_LINES lines. Nothing under CHECKS_FROM."""
    if code_lines < CHECKS_FROM:
        return 0.0
    return round(CHECKS_PRICE * min(1.0, code_lines / DUPLICATION_LINES), 1)


def checks_priced(findings: Iterable[Finding], code_lines: int) -> list[Finding]:
    """The findings with `no-checks` priced as in a notebook of `code_lines` lines: the gate
    compares a notebook with its bar at the size the bar was recorded at, so clean code added
    to a notebook that checks nothing does not raise the price of what was there."""
    return [
        replace(f, deficit=checks_price(code_lines)) if f.rule == "no-checks" else f
        for f in findings
    ]


def grade(score: float) -> str:
    for floor, letter in GRADE_BANDS:
        if score >= floor:
            return letter
    return "F"


def combine(deficits: Iterable[float], p: float) -> float:
    total = sum(max(0.0, d) ** p for d in deficits)
    return min(100.0, total ** (1.0 / p)) if total else 0.0


def category_scores(findings: Iterable[Finding]) -> tuple[CategoryScore, ...]:
    by_category: dict[Category, list[float]] = {name: [] for name in CATEGORIES}
    for finding in findings:
        if finding.scored and finding.deficit > 0:
            by_category[finding.category].append(finding.deficit)
    scores = []
    for name in CATEGORIES:
        score = round(100.0 - combine(by_category[name], NORM[name]), 1)
        scores.append(CategoryScore(name, score, grade(score)))
    return tuple(scores)


def overall(categories: Iterable[CategoryScore], weights: Mapping[str, float]) -> float:
    return round(combine_categories({c.name: 100.0 - c.score for c in categories}, weights), 1)


def combine_categories(deficits: Mapping[Category, float], weights: Mapping[str, float]) -> float:
    """The overall score from each category's deficit: a category takes away up to its weight
    (in points) in proportion to its deficit, from what the others left,

        score = 100 x (1 - w1/100 x d1/100) x (1 - w2/100 x d2/100) x ...

    so a failing category costs its full weight however good the others are (no dilution), two
    weak categories cost less than the sum of their weights (what is gone cannot go twice), and
    one more finding can only lower the score."""
    remaining = 1.0
    for name, deficit in deficits.items():
        share = min(100.0, max(0.0, weights.get(name, 0.0))) / 100.0
        remaining *= 1.0 - share * min(100.0, max(0.0, deficit)) / 100.0
    return 100.0 * remaining


def overall_of(categories: Iterable[CategoryScore]) -> float:
    """The score before coverage, from the categories' costs (which add up to the loss)."""
    return 100.0 - sum(c.cost for c in categories)


def category_costs(
    categories: Iterable[CategoryScore], weights: Mapping[str, float]
) -> dict[Category, float]:
    """Points each category costs, adding up to everything the notebook lost (before coverage).

    The overall score is a product of one factor per category, so the loss is shared in
    proportion to the logarithm of each factor: the same answer in any order, and the parts
    add up to the whole. What the card shows as "costs" and names as holding the grade."""
    deficits = {c.name: 100.0 - c.score for c in categories}
    factors = {
        name: 1.0 - min(100.0, max(0.0, weights.get(name, 0.0))) / 100.0 * min(100.0, d) / 100.0
        for name, d in deficits.items()
    }
    loss = 100.0 - combine_categories(deficits, weights)
    if loss <= 0:
        return {}
    zero = [name for name, factor in factors.items() if factor <= 0.0]
    if zero:
        return {name: round(loss / len(zero), 1) for name in zero}
    logs = {name: -math.log(factor) for name, factor in factors.items() if factor < 1.0}
    total = sum(logs.values())
    return {name: round(loss * part / total, 1) for name, part in logs.items()}


def analysed_share(analysed_lines: int, unanalysed_lines: int) -> float | None:
    """The share of code lines that parsed, when some did not (else None)."""
    if unanalysed_lines <= 0:
        return None
    return round(analysed_lines / (analysed_lines + unanalysed_lines), 3)


def by_coverage(score: float, share: float | None) -> float:
    """The score with unparsed code counted as zero for its lines."""
    return score if share is None else round(score * share, 1)


def score_findings(
    findings: Iterable[Finding], weights: Mapping[str, float], share: float | None = None
) -> tuple[float, tuple[CategoryScore, ...]]:
    """The overall score and the categories, each with the points it costs."""
    categories = category_scores(findings)
    costs = category_costs(categories, weights)
    categories = tuple(replace(c, cost=costs.get(c.name, 0.0)) for c in categories)
    return by_coverage(overall(categories, weights), share), categories


def held_by(
    categories: Iterable[CategoryScore],
    findings: Iterable[Finding],
    grade: str,
    share: float | None = None,
) -> str:
    """'held at C by duplication (-14.3 points): <its worst finding>', or '' when nothing costs
    a point: the one sentence that says where the grade went. Code that does not parse (its
    lines score zero) holds it when that costs more than any category."""
    categories = tuple(categories)
    worst = max(categories, key=lambda c: c.cost, default=None)
    if share is not None:
        before = overall_of(categories)
        hidden = round(before - before * share, 1)
        if worst is None or hidden > worst.cost:
            return (
                f"held at {grade} by code that does not parse (-{hidden:.1f} points): "
                f"{round(100 * (1 - share))}% of the code lines score zero"
            )
    if worst is None or worst.cost < 1.0:
        return ""
    culprit = max(
        (f for f in findings if f.scored and f.category == worst.name),
        key=lambda f: f.deficit,
        default=None,
    )
    detail = f": {culprit.message}" if culprit is not None else ""
    return f"held at {grade} by {worst.name} (-{worst.cost:.1f} points){detail}"


CHECKS_SUBJECT = "checks"  # the subject (and action key) of `no-checks`: one per notebook
PYTHON2_SUBJECT = "syntax:python2"  # one finding for every cell written for Python 2


def syntax_subject(cell: int) -> str:
    """The key that ties a cell's `syntax-error` finding to the code lines it kept out."""
    return f"syntax:{cell}"


def function_subject(function: Function) -> str:
    """The key that ties a function's findings to it (a name can be defined more than once)."""
    return f"function:{function.cell}:{function.line}:{function.name}"


def function_scores(
    functions: Iterable[Function], findings: Iterable[Finding]
) -> tuple[FunctionScore, ...]:
    """Each function graded on its own findings (size and complexity), worst first."""
    deficits: dict[str, list[float]] = {}
    for finding in findings:
        if finding.scored and finding.subject.startswith("function:"):
            deficits.setdefault(finding.subject, []).append(finding.deficit)
    scored = []
    for function in functions:
        score = round(100.0 - combine(deficits.get(function_subject(function), []), 4), 1)
        scored.append(FunctionScore(function, score, grade(score)))
    scored.sort(
        key=lambda item: (item.score, -item.function.length, item.function.cell, item.function.line)
    )
    return tuple(scored)
