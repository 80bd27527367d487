"""Try another weighting of the same findings against the blind reviews, in seconds.

    python benchmarks/calibration/rescore.py --weight duplication=50 --norm lint=2
    python benchmarks/calibration/rescore.py --price F841=2 --price duplicate-item=3

Grades the sample once with the installed `nbcoach report` (as evaluate.py does), then scores
each card's findings again with nbcoach's own scoring functions and the changes asked for:
`--weight CATEGORY=W` (the most points a category can take), `--norm CATEGORY=P` (its p-norm),
`--price RULE=FACTOR` (every finding whose rule starts with RULE costs FACTOR times as much).
Prints Spearman and the within-one-letter share for nbcoach as it is and as changed, on the tune
half, the holdout half and both, and inside each source. Choose on the tune half; a change that
helps only between sources fits the sample's make-up (README: "Within each source").
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from evaluate import CORPUS, agreement, nbcoach_scores, reviewed_sample

from nbcoach.analysis.scoring import NORM, by_coverage, combine, combine_categories
from nbcoach.core.config import Weights
from nbcoach.core.model import CATEGORIES

Card = Mapping[str, object]


def pairs(values: Sequence[str], option: str) -> dict[str, float]:
    found = {}
    for value in values:
        name, _, number = value.partition("=")
        try:
            found[name] = float(number)
        except ValueError:
            sys.exit(f"{option} {value!r}: expected NAME=NUMBER")
    return found


def rescored(
    card: Card,
    weights: Mapping[str, float],
    norms: Mapping[str, float],
    prices: Mapping[str, float],
) -> float:
    """The card's score from its findings, as nbcoach scores them, with the changes applied."""
    by_category: dict[str, list[float]] = {name: [] for name in CATEGORIES}
    for finding in card["findings"]:  # type: ignore[attr-defined]
        if not finding["scored"] or finding["deficit"] <= 0:
            continue
        factor = next((f for rule, f in prices.items() if finding["rule"].startswith(rule)), 1.0)
        by_category[finding["category"]].append(finding["deficit"] * factor)
    # as category_scores does: each category's score rounded to a tenth
    deficits = {
        name: 100.0 - round(100.0 - combine(values, norms[name]), 1)
        for name, values in by_category.items()
    }
    share = card["coverage"].get("analysed_share")  # type: ignore[attr-defined]
    return by_coverage(round(combine_categories(deficits, weights), 1), share)  # type: ignore[arg-type]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--weight", action="append", default=[], metavar="CATEGORY=W")
    parser.add_argument("--norm", action="append", default=[], metavar="CATEGORY=P")
    parser.add_argument("--price", action="append", default=[], metavar="RULE=FACTOR")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        sys.exit(f"the shared corpus is not at {args.corpus} (pass --corpus)")
    weights = {**asdict(Weights()), **pairs(args.weight, "--weight")}
    norms = {**NORM, **pairs(args.norm, "--norm")}
    prices = pairs(args.price, "--price")
    unknown = (set(weights) | set(norms)) - set(CATEGORIES)
    if unknown:
        sys.exit(
            f"unknown categories: {', '.join(sorted(unknown))} (known: {', '.join(CATEGORIES)})"
        )

    sample, _, mean = reviewed_sample()
    ids = list(mean)
    cards = nbcoach_scores(sample, args.corpus)
    now = {i: float(cards[i]["score"]) for i in ids}  # type: ignore[arg-type]
    same = {i: rescored(cards[i], asdict(Weights()), NORM, {}) for i in ids}
    drift = [i for i in ids if abs(same[i] - now[i]) > 0.05]
    if drift:  # this script must score as nbcoach does before its changes mean anything
        sys.exit(f"re-scoring without changes differs from nbcoach for {', '.join(drift)}")
    changed = {i: rescored(cards[i], weights, norms, prices) for i in ids}

    groups = {"tune": [], "holdout": [], "all": ids}  # type: dict[str, list[str]]
    for row in sample:
        groups[row["half"]].append(row["id"])
    for row in sample:
        groups.setdefault(f"  {row['group'][:30]} ({row['half']})", []).append(row["id"])
    print(f"{'':42} {'now rho':>8} {'within 1':>8}   {'changed':>8} {'within 1':>8}")
    for label, members in groups.items():
        if len(members) < 5:
            continue
        try:
            before, after = agreement(members, now, mean), agreement(members, changed, mean)
        except statistics.StatisticsError:  # one source whose scores are all equal
            continue
        print(f"{label:42} {before[0]:>8.3f} {before[1]:>8.0%}   {after[0]:>8.3f} {after[1]:>8.0%}")


if __name__ == "__main__":
    main(sys.argv[1:])
