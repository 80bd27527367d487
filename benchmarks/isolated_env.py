"""`nbcoach run --isolated` builds an environment from a lock: pip against uv, side by side.

    python benchmarks/isolated_env.py [--rounds 3]

Each round builds the environment of a small lock (`six==1.16.0` plus ipykernel, which brings
some 30 distributions) with pip and then with uv (`NBCOACH_INSTALLER`), each into a fresh
folder, through the library call `nbcoach run --isolated` makes. Both installers' caches are
warm after the first round, so the medians compare installing, not downloading; the first
round (downloads) is shown too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nbcoach.execution.envs import isolated_environment
from nbcoach.execution.lock import read_lock


def build(tool: str, lock_path: Path) -> float:
    with tempfile.TemporaryDirectory(prefix=f"nbcoach-{tool}-") as folder:
        os.environ["NBCOACH_ENV_DIR"] = folder
        os.environ["NBCOACH_INSTALLER"] = tool
        started = time.perf_counter()
        isolated_environment(read_lock(lock_path))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("uv") is None:
        sys.exit("uv is not on PATH: pip install uv")
    with tempfile.TemporaryDirectory() as folder:
        lock = Path(folder) / "lock.txt"
        lock.write_text("six==1.16.0\n", encoding="utf-8")
        times: dict[str, list[float]] = {"pip": [], "uv": []}
        for _ in range(args.rounds):
            for tool in times:
                times[tool].append(build(tool, lock))
    print(f"{'installer':10} {'first round':>12} {'median of the rest':>19}")
    for tool, values in times.items():
        rest = statistics.median(values[1:]) if len(values) > 1 else values[0]
        print(f"{tool:10} {values[0]:11.1f}s {rest:18.1f}s")
    ratio = statistics.median(times["pip"][1:] or times["pip"]) / statistics.median(
        times["uv"][1:] or times["uv"]
    )
    print(f"pip / uv: {ratio:.1f}x")


if __name__ == "__main__":
    main()
