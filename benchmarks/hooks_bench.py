"""The hooks' own cost in a repository of 300 notebooks (issue 20's targets: `gate --staged` and
`sync --staged` at most 0.15 s with nothing relevant staged, 0.3 s with one staged notebook).

    python benchmarks/hooks_bench.py [--notebooks 300] [--repeat 9]

A git repository is built from corpus notebooks (copied under distinct names until there are
`--notebooks`), paired with py:percent files through `nbcoach pair`, baselined and committed.
Then, interleaved, each a fresh process as pre-commit starts it: `sync --staged`,
`gate --staged` and `commit-size` with (a) only a README edit staged and (b) one notebook's
paired .py edited and the pair staged; beside them, two anchors measured in the same rounds:
`python -c pass` (an interpreter's start) and `git diff --cached --name-only` (what any hook
must ask git). Medians. nbcoach runs from a fresh virtual environment holding this checkout
without extras, as pre-commit installs a hook (`language: python`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("NBCOACH_CORPUS", ROOT.parent / "shared" / "corpus"))
ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "NO_COLOR": "1",
}
NBCOACH: list[str] = []  # the hook environment's nbcoach, set in main()


def run(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
    return time.perf_counter() - started


def build(folder: Path, corpus: Path, count: int) -> Path:
    repo = folder / "repo"
    (repo / "notebooks").mkdir(parents=True)
    sources = [p for p in sorted(corpus.glob("*.ipynb")) if p.stat().st_size < 200_000]
    for number in range(count):
        source = sources[number % len(sources)]
        shutil.copy(source, repo / "notebooks" / f"nb{number:03d}.ipynb")
    (repo / "README.md").write_text("# bench\n", encoding="utf-8")
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True, env=ENV)
    subprocess.run([*NBCOACH, "pair", "notebooks"], cwd=repo, env=ENV, capture_output=True)
    subprocess.run([*NBCOACH, "baseline"], cwd=repo, env=ENV, capture_output=True, check=True)
    subprocess.run([*git, "add", "-A"], check=True, env=ENV)
    subprocess.run([*git, "commit", "-qm", "start"], check=True, env=ENV)
    return repo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--notebooks", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nbcoach-hooks-") as folder:
        venv = Path(folder) / "hook-env"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "-q", str(ROOT)], check=True)
        NBCOACH[:] = [python, "-m", "nbcoach"]
        repo = build(Path(folder), args.corpus, args.notebooks)
        texts = sorted((repo / "notebooks").glob("*.py"))
        paired = texts[len(texts) // 2]
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "git diff --cached": ["git", "diff", "--cached", "--name-only"],
            "sync --staged": [*NBCOACH, "sync", "--staged"],
            "gate --staged": [*NBCOACH, "gate", "--staged"],
            "commit-size": [*NBCOACH, "commit-size"],
        }
        results: dict[tuple[str, str], list[float]] = {}
        for case in ("nothing relevant staged", "one notebook staged"):
            subprocess.run(["git", "reset", "-q", "--hard"], cwd=repo, env=ENV, check=True)
            if case == "nothing relevant staged":
                (repo / "README.md").write_text("# bench\nmore\n", encoding="utf-8")
                subprocess.run(["git", "add", "README.md"], cwd=repo, env=ENV, check=True)
            else:
                paired.write_text(
                    paired.read_text(encoding="utf-8") + "\nx_bench = 1\n", encoding="utf-8"
                )
                subprocess.run(
                    [*NBCOACH, "sync", str(paired)], cwd=repo, env=ENV, capture_output=True
                )
                notebook = paired.with_suffix(".ipynb")
                subprocess.run(
                    ["git", "add", str(paired), str(notebook)], cwd=repo, env=ENV, check=True
                )
            for _ in range(args.repeat):
                for name, command in commands.items():
                    results.setdefault((case, name), []).append(run(command, repo))
        print(f"{len(texts)} paired notebooks; medians of {args.repeat} interleaved rounds")
        for case in ("nothing relevant staged", "one notebook staged"):
            print(case)
            for name in commands:
                print(f"  {name:22} {statistics.median(results[(case, name)]):.3f} s")


if __name__ == "__main__":
    main()
