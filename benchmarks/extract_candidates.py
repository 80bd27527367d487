"""`nbcoach extract --candidates` on the largest corpus notebooks (issue 16: at most 1.5 s).

Times the real command (a fresh process, median of --repeat runs) on the three notebooks of
the corpus with the most code lines and the one with the most top-level definitions, side by
side with planning one `--function` on the same notebook (the cost each candidate used to pay).

    python benchmarks/extract_candidates.py [--corpus DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from nbcoach.analysis.notebook import read
from nbcoach.extract.plan import candidates, open_notebook

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("NBCOACH_CORPUS", ROOT.parent / "shared" / "corpus"))


def _timed(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbcoach", *args], capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = []
    for path in args.corpus.glob("*.ipynb"):
        try:
            notebook = read(path)
            definitions = len(open_notebook(path).definitions)
        except Exception:
            continue
        lines = sum(c.source.count("\n") + 1 for c in notebook.cells if c.kind == "code")
        sizes.append((lines, definitions, path))
    chosen = sorted(sizes, key=lambda s: s[0])[-3:]
    most = max(sizes, key=lambda s: s[1])
    if most not in chosen:
        chosen.append(most)
    print(f"{'notebook':60} {'lines':>6} {'defs':>5} {'--candidates':>13} {'one --function':>15}")
    for lines, definitions, path in chosen:
        found = candidates(open_notebook(path))
        listing = _timed(["extract", str(path), "--candidates"], args.repeat)
        one = _timed(["extract", str(path), "--function", found[0]], args.repeat) if found else 0.0
        print(f"{path.name[:60]:60} {lines:6} {definitions:5} {listing:12.2f}s {one:14.2f}s")


if __name__ == "__main__":
    main()
