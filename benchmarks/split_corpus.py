"""`nbcoach split` over every long function of the shared corpus and `examples/` (issue 16).

For each top-level function over 50 lines: cut it (nothing is written), then ask whether the
plan brings the function and every helper within the limits, and whether it is statically
sound (compiles, no new ruff F finding, the names read from outside unchanged).

    python benchmarks/split_corpus.py [--corpus DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from nbcoach.analysis.notebook import read
from nbcoach.core.config import Thresholds
from nbcoach.extract.cut import check_cut, cut_function, measure

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("NBCOACH_CORPUS", ROOT.parent / "shared" / "corpus"))


def long_functions(folder: Path, limits: Thresholds) -> list[tuple[str, int, str, str]]:
    """(notebook, cell, function, cell source) for every top-level function over the limit."""
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            notebook = read(path)
        except Exception:
            continue
        for cell in notebook.cells:
            if cell.kind != "code":
                continue
            try:
                measured = measure(cell.source)
            except SyntaxError:
                continue
            for name, function in measured.items():
                if function.length > limits.function_lines:
                    found.append((path.name, cell.number, name, cell.source))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}: pass --corpus or set NBCOACH_CORPUS")
    limits = Thresholds()
    functions = long_functions(args.corpus, limits) + long_functions(ROOT / "examples", limits)
    within = sound = 0
    reasons: Counter[str] = Counter()
    rows = []
    started = time.perf_counter()
    for notebook, cell, name, source in functions:
        began = time.perf_counter()
        cut = cut_function(source, name, limits)
        seconds = time.perf_counter() - began
        added = [h.name for h in cut.helpers] + [constant for _, constant in cut.constants]
        problems = check_cut(source, cut.text, name, added)
        within += cut.within_limits
        sound += not problems
        for line in cut.left:
            reasons[_kind(line)] += 1
        rows.append(
            {
                "notebook": notebook,
                "cell": cell,
                "function": name,
                "lines": measure(source)[name].length,
                "helpers": len(cut.helpers),
                "within_limits": cut.within_limits,
                "sound": not problems,
                "problems": problems,
                "left": cut.left,
                "seconds": round(seconds, 2),
            }
        )
        mark = "ok " if cut.within_limits else "-- "
        print(
            f"{mark}{notebook[:50]:50} {name[:24]:24} {len(cut.helpers):2} helpers "
            f"{'sound' if not problems else 'UNSOUND: ' + problems[0][:60]}"
        )
    total = len(functions)
    print(
        f"\n{total} functions over {limits.function_lines} lines; a plan within every limit "
        f"for {within} ({within / max(total, 1):.0%}); statically sound: {sound}/{total}; "
        f"{time.perf_counter() - started:.1f} s"
    )
    for reason, count in reasons.most_common():
        print(f"  left: {count} x {reason}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def _kind(line: str) -> str:
    if "parameters" in line:
        return "every remaining block needs more parameters than the limit"
    if "break/continue" in line:
        return "a break/continue crosses the cut"
    if "return" in line:
        return "a return crosses the cut"
    return line.split(": ", 1)[-1][:60]


if __name__ == "__main__":
    main()
