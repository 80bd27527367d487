"""How well nbcoach's grades agree with blind expert review, on the calibration sample.

    python benchmarks/calibration/evaluate.py            # grades the sample with `nbcoach report`
    python benchmarks/calibration/evaluate.py --rows     # ... and prints every notebook

Reads sample.tsv (which notebook, which half) and every reviews/*.tsv (one reviewer each:
id, score, letter, reason; a reviewer may have read only part of the sample), runs the installed `nbcoach report --format json --no-cache` on the
sampled notebooks of ../shared/corpus (or --corpus), and prints, for the `tune` half, the
`holdout` half and both: Spearman's rank correlation between nbcoach's score and the
reviewers' mean score, and the share of notebooks whose nbcoach letter is within one step of
the letter of the reviewers' mean (A-B counts, A-C does not). The ceiling is the reviewers'
agreement with each other: each reviewer against the mean of the others who read the same
notebooks, same measures, averaged over reviewers.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "shared" / "corpus"
LETTERS = "ABCDF"
BANDS = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))


def letter(score: float) -> str:
    return next(band for floor, band in BANDS if score >= floor)


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank (as Spearman's rho needs)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    return statistics.correlation(ranks(xs), ranks(ys))


def within_one(xs: list[float], ys: list[float]) -> float:
    close = sum(
        abs(LETTERS.index(letter(x)) - LETTERS.index(letter(y))) <= 1
        for x, y in zip(xs, ys, strict=True)
    )
    return close / len(xs)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def read_reviews(folder: Path) -> dict[str, dict[str, float]]:
    """reviewer name -> notebook id -> score."""
    return {
        path.stem: {row["id"]: float(row["score"]) for row in read_tsv(path)}
        for path in sorted(folder.glob("*.tsv"))
    }


def reviewed_sample() -> tuple[list[dict[str, str]], dict[str, dict[str, float]], dict[str, float]]:
    """The sampled notebooks some reviewer read, every review, and the reviewers' mean score of
    each of those notebooks (in sample order)."""
    reviews = read_reviews(HERE / "reviews")
    sample = [
        row
        for row in read_tsv(HERE / "sample.tsv")
        if any(row["id"] in s for s in reviews.values())
    ]
    mean = {
        row["id"]: statistics.fmean(s[row["id"]] for s in reviews.values() if row["id"] in s)
        for row in sample
    }
    return sample, reviews, mean


def nbcoach_scores(sample: list[dict[str, str]], corpus: Path) -> dict[str, dict[str, object]]:
    """id -> the notebook's JSON card, graded in a scratch folder so no project config applies."""
    with tempfile.TemporaryDirectory() as scratch:
        links = {}
        for row in sample:
            link = Path(scratch) / f"{row['id']}.ipynb"
            link.write_bytes((corpus / row["file"]).read_bytes())
            links[str(link)] = row["id"]
        done = subprocess.run(
            ["nbcoach", "report", "--format", "json", "--no-cache", *links],
            capture_output=True,
            text=True,
            check=False,
            cwd=scratch,
        )
        if done.returncode not in (0, 1):
            sys.exit(f"nbcoach report failed (exit {done.returncode}): {done.stderr}")
        cards = json.loads(done.stdout)["notebooks"]
        return {links[str(Path(scratch) / Path(card["path"]).name)]: card for card in cards}


def agreement(
    ids: list[str], tool: dict[str, float], mean: dict[str, float]
) -> tuple[float, float]:
    xs = [tool[i] for i in ids]
    ys = [mean[i] for i in ids]
    return spearman(xs, ys), within_one(xs, ys)


def print_groups(
    sample: list[dict[str, str]], tool: dict[str, float], mean: dict[str, float]
) -> None:
    """Agreement inside each source (a repository of one author or team). A change that only
    moves whole sources against each other (one author documents every function, the others
    none) raises the overall rho without telling good code from bad within a source: it fits
    the sample's make-up, and will not carry over to other notebooks."""
    print(f"\n{'within source':38} {'tune n':>6} {'rho':>6}   {'holdout n':>9} {'rho':>6}")
    for group in sorted({row["group"] for row in sample}):
        cells = []
        for half in ("tune", "holdout"):
            members = [r["id"] for r in sample if r["group"] == group and r["half"] == half]
            try:
                rho = agreement(members, tool, mean)[0] if len(members) >= 5 else float("nan")
            except statistics.StatisticsError:  # every score of the source equal
                rho = float("nan")
            cells.append((len(members), rho))
        (tune_n, tune_rho), (hold_n, hold_rho) = cells
        print(f"{group[:38]:38} {tune_n:>6} {tune_rho:>6.2f}   {hold_n:>9} {hold_rho:>6.2f}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rows", action="store_true", help="print every notebook's scores")
    parser.add_argument(
        "--groups",
        action="store_true",
        help="Spearman within each source of the sample (a signal must hold there too)",
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        sys.exit(f"the shared corpus is not at {args.corpus} (pass --corpus)")
    sample, reviews, mean = reviewed_sample()
    ids = list(mean)
    cards = nbcoach_scores(sample, args.corpus)
    tool = {i: float(cards[i]["score"]) for i in ids}  # type: ignore[arg-type]
    halves = {
        "tune": [r["id"] for r in sample if r["half"] == "tune"],
        "holdout": [r["id"] for r in sample if r["half"] == "holdout"],
        "all": ids,
    }
    print(f"{len(ids)} notebooks, {len(reviews)} reviewers: {', '.join(reviews)}")
    print(
        f"{'half':8} {'n':>3}  {'nbcoach rho':>11} {'within 1':>8}   {'ceiling rho':>11} {'within 1':>8}"
    )
    for half, members in halves.items():
        rho, close = agreement(members, tool, mean)
        ceilings = []
        for name, scores in reviews.items():
            shared = [
                i
                for i in members
                if i in scores and any(i in s for n, s in reviews.items() if n != name)
            ]
            if len(shared) < 3:
                continue
            others = {
                i: statistics.fmean(s[i] for n, s in reviews.items() if n != name and i in s)
                for i in shared
            }
            ceilings.append(agreement(shared, scores, others))
        ceiling_rho = statistics.fmean(c[0] for c in ceilings)
        ceiling_close = statistics.fmean(c[1] for c in ceilings)
        print(
            f"{half:8} {len(members):>3}  {rho:>11.3f} {close:>8.0%}   "
            f"{ceiling_rho:>11.3f} {ceiling_close:>8.0%}"
        )
    if args.groups:
        print_groups(sample, tool, mean)
    if args.rows:
        print(f"\n{'id':5} {'half':7} {'group':38} {'review':>6} {'nbcoach':>7}  letters")
        for row in sorted(sample, key=lambda r: mean[r["id"]]):
            i = row["id"]
            print(
                f"{i:5} {row['half']:7} {row['group'][:38]:38} {mean[i]:6.1f} {tool[i]:7.1f}  "
                f"{letter(mean[i])} {cards[i]['grade']}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
