"""Turn findings into scores and grades. Pure: no I/O, no knowledge of notebooks.

Each finding carries a deficit (points, 0-100) set by the check that found it. A category's
deficit is the p-norm of its findings' deficits:

    deficit = (d1^p + d2^p + ...)^(1/p),  score = 100 - min(100, deficit)

With a large p the worst finding dominates (functions and complexity use p = 4: one 300-line
function fails the category however many small functions surround it -- the dilution that lets
pylint rate such a notebook 9.11/10 cannot happen). With p = 2 many small findings add up, but
sub-linearly (lint, duplication: twenty unused imports are one habit, not twenty). Hygiene uses
p = 1: its findings are distinct habits (out-of-order runs, saved errors, absolute paths) and
each costs its full price. Adding a finding can only add a non-negative term, so it can never
raise a score. The overall score is the weighted mean of the categories, times the share of the
code lines that could be analysed: code that does not parse counts as zero for its lines. Without
that, one Python 2 `print` line in a 341-line function hid the function and lifted its notebook
from F 34.8 to B 89.0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nbcoach.core.model import CATEGORIES, Category, CategoryScore, Finding, Function, FunctionScore

NORM: Mapping[Category, float] = {
    "functions": 4,
    "complexity": 4,
    "duplication": 2,
    "lint": 2,
    "hygiene": 1,
}
GRADE_BANDS: tuple[tuple[float, str], ...] = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
BASE_DEFICIT = 5.0  # what crossing a limit costs at all
# Bumped whenever the same findings give other scores, so stored grades (history) are redone.
REVISION = 2


def ramp(value: float, limit: float, ceiling: float) -> float:
    """Deficit of a measurement: 0 up to `limit`, then from 5 rising linearly to 100 at `ceiling`."""
    if value <= limit:
        return 0.0
    if ceiling <= limit:
        return 100.0
    return min(100.0, BASE_DEFICIT + (100.0 - BASE_DEFICIT) * (value - limit) / (ceiling - limit))


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
    pairs = [(weights.get(c.name, 0.0), c.score) for c in categories]
    total_weight = sum(w for w, _ in pairs)
    if total_weight <= 0:
        return 100.0
    return round(sum(w * s for w, s in pairs) / total_weight, 1)


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
    categories = category_scores(findings)
    return by_coverage(overall(categories, weights), share), categories


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
