"""What a hook environment installs: nbcoach alone against nbcoach with the `run` extra (the
Jupyter execution stack), side by side in one run (issue 19).

    python benchmarks/install_size.py [--rounds 2]

Each round builds two fresh virtual environments in turn and installs this checkout into them
with pip (`.` and `.[run]`), timing the install; pip's own cache is used by both, so the times
compare installing, not downloading. Prints, per variant: distributions installed (pip itself
left out), site-packages size, and the median install time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def install(extra: str) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory(prefix="nbcoach-install-") as folder:
        venv = Path(folder) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
        started = time.perf_counter()
        subprocess.run([*pip, "install", "-q", f"{ROOT}{extra}"], check=True, capture_output=True)
        seconds = time.perf_counter() - started
        listed = json.loads(
            subprocess.run(
                [*pip, "list", "--format", "json"], check=True, capture_output=True, text=True
            ).stdout
        )
        count = sum(1 for item in listed if item["name"] not in ("pip", "setuptools"))
        size = sum(f.stat().st_size for f in venv.joinpath("lib").rglob("*") if f.is_file())
        return seconds, count, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, int, int]]] = {"": [], "[run]": []}
    for _ in range(args.rounds):
        for extra in results:  # interleaved: both meet the same machine
            results[extra].append(install(extra))
    print(f"{'install':22} {'distributions':>13} {'site-packages':>14} {'median time':>12}")
    for extra, rows in results.items():
        name = f"pip install .{extra}"
        seconds = statistics.median(r[0] for r in rows)
        print(f"{name:22} {rows[-1][1]:13} {rows[-1][2] / 1e6:12.0f} MB {seconds:11.1f}s")


if __name__ == "__main__":
    main()
