"""Choose the calibration sample and write its blind exports.

    python benchmarks/calibration/sample.py select REPORT.json   # once: writes sample.tsv
    python benchmarks/calibration/sample.py extend REPORT.json   # adds every other eligible one
    python benchmarks/calibration/sample.py export OUTDIR         # py:percent files for reviewers

`select` stratifies ../shared/corpus by source repository and, within each, by the score nbcoach
gave at selection time (REPORT.json is `nbcoach report --format json ../shared/corpus`), so the
sample spans both sources and quality; within each stratum notebooks go alternately to the
`tune` and `holdout` halves. Notebooks are chosen among those with 30 to 900 code lines (smaller
ones are test fixtures, larger ones take a reviewer more than half an hour). The ids are shuffled
with a fixed seed so that a reviewer cannot tell a notebook's source from its position.

`extend` adds every other eligible notebook (a second review round, for a bigger sample):
new ids after the last one, halves again alternating within each source group by score,
shuffled with the same seed.

`export` writes each sampled notebook as `<id>.py` in py:percent form with no metadata and no
outputs: the reviewer reads the code and the markdown, never nbcoach's card, its code or the
notebook's file name.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "shared" / "corpus"
SAMPLE = HERE / "sample.tsv"
SEED = 20261207
QUOTA = {  # per source group; the corpus's real notebooks are mostly from these four
    "BuzzFeedNews": 11,
    "YuriyGuts/kaggle-quora-question-pairs": 10,
    "ageron/handson-ml2": 8,
    "norvig/pytudes": 10,
    "other": 1,
}
MIN_LINES, MAX_LINES = 30, 900


def group_of(file_name: str) -> str:
    owner, repo = file_name.split("__")[:2]
    if owner == "BuzzFeedNews":
        return owner
    name = f"{owner}/{repo}"
    return name if name in QUOTA else "other"


def evenly(items: list[dict[str, object]], count: int) -> list[dict[str, object]]:
    """`count` items spread evenly over a list sorted by score (its ends included)."""
    if count >= len(items):
        return items
    if count == 1:
        return [items[len(items) // 2]]
    step = (len(items) - 1) / (count - 1)
    return [items[round(index * step)] for index in range(count)]


def eligible(report: Path) -> dict[str, list[dict[str, object]]]:
    """The report's graded notebooks within the size range, by source group."""
    data = json.loads(report.read_text(encoding="utf-8"))
    groups: dict[str, list[dict[str, object]]] = {}
    for notebook in data["notebooks"]:
        if notebook["status"] != "ok":
            continue
        lines = notebook["metrics"]["code_lines"]
        if not MIN_LINES <= lines <= MAX_LINES:
            continue
        name = Path(notebook["path"]).name
        groups.setdefault(group_of(name), []).append(
            {"file": name, "score": notebook["score"], "lines": lines}
        )
    return groups


def select(report: Path) -> None:
    groups = eligible(report)
    rows = []
    for group, quota in QUOTA.items():
        chosen = evenly(sorted(groups.get(group, []), key=lambda r: r["score"]), quota)  # type: ignore[arg-type, return-value]
        for index, row in enumerate(chosen):
            rows.append({**row, "group": group, "half": "tune" if index % 2 == 0 else "holdout"})
    random.Random(SEED).shuffle(rows)
    with SAMPLE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "half", "group", "code_lines", "file"])
        for number, row in enumerate(rows, start=1):
            writer.writerow(
                [f"nb{number:02d}", row["half"], row["group"], row["lines"], row["file"]]
            )
    print(f"{len(rows)} notebooks -> {SAMPLE}")


def extend(report: Path) -> None:
    sample = read_sample()
    taken = {row["file"] for row in sample}
    rows = []
    for group, members in eligible(report).items():
        rest = sorted((m for m in members if m["file"] not in taken), key=lambda r: r["score"])  # type: ignore[arg-type, return-value]
        for index, row in enumerate(rest):
            rows.append({**row, "group": group, "half": "tune" if index % 2 == 0 else "holdout"})
    random.Random(SEED).shuffle(rows)
    with SAMPLE.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        for number, row in enumerate(rows, start=len(sample) + 1):
            writer.writerow(
                [f"nb{number:02d}", row["half"], row["group"], row["lines"], row["file"]]
            )
    print(f"{len(rows)} more notebooks -> {SAMPLE}")


def read_sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def export(folder: Path, corpus: Path) -> None:
    import jupytext
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    for row in read_sample():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.read(corpus / row["file"], as_version=4)
        notebook.metadata = {}
        for cell in notebook.cells:
            cell.metadata = {}
        text = jupytext.writes(notebook, fmt="py:percent")
        (folder / f"{row['id']}.py").write_text(text, encoding="utf-8")
    print(f"{len(read_sample())} exports in {folder}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    chooser = commands.add_parser("select")
    chooser.add_argument("report", type=Path)
    extender = commands.add_parser("extend")
    extender.add_argument("report", type=Path)
    exporter = commands.add_parser("export")
    exporter.add_argument("folder", type=Path)
    exporter.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    if args.command == "select":
        select(args.report)
    elif args.command == "extend":
        extend(args.report)
    else:
        export(args.folder, args.corpus)


if __name__ == "__main__":
    main(sys.argv[1:])
