"""Time `nbcoach report` side by side with the tools it replaces, in one run.

    python benchmarks/bench_report.py [FOLDER] [--repeat N] [--skip-scaling] [--skip-nbqa]

FOLDER defaults to ../shared/corpus. Every contender is timed as a fresh process (interpreter
start-up included, as a user or a hook pays it), in interleaved rounds (each contender once a
round, so all of them meet the same slow and fast moments of a shared machine), and reported as
the median; ratios are computed from medians measured in this same run, because absolute times
on a shared machine mean little. Peak memory comes from one more, watched run of each. Needs
the bench extra (`pip install -e '.[bench]'`) for nbqa.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
BIN = Path(sys.executable).parent
COLD = "nbcoach report, cold (--no-cache)"
WARM = "nbcoach report, warm (cache)"
FLOOR = "parse floor (json + ast.parse)"
BOTH = "parse floor and ruff check, side by side"
# What a user's machine does: Python writes and reuses compiled modules. A sandbox that forbids
# it would charge every start-up (nbcoach's, nbqa's, jupytext's) for compiling them again.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

PARSE_FLOOR = """
import ast, json, sys, warnings
from pathlib import Path
warnings.simplefilter("ignore")
for path in sorted(Path(sys.argv[1]).rglob("*.ipynb")):
    try:
        cells = json.loads(path.read_bytes()).get("cells", [])
    except ValueError:
        continue
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            try:
                ast.parse(source if isinstance(source, str) else "".join(source))
            except SyntaxError:
                pass
"""


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else name


def timed(
    command: Sequence[str], cwd: Path, env: dict[str, str] | None = None, watch: bool = False
) -> tuple[float, int]:
    """Wall time of a command; with `watch`, also the peak memory (MB) of it and its children.
    Timed runs are not watched: reading /proc every 10 ms takes CPU from the command."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = [0]
    watcher = threading.Thread(target=_watch_memory, args=(process, peak), daemon=True)
    if watch:
        watcher.start()
    process.wait()
    elapsed = time.perf_counter() - started
    if watch:
        watcher.join(timeout=1)
    return elapsed, peak[0] // 1024


def timed_together(
    commands: Sequence[Sequence[str]], cwd: Path, env: dict[str, str]
) -> tuple[float, int]:
    """Wall time of commands started together, until the last ends (issue 20's floor: parsing
    and one ruff check on the machine's cores at once)."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(c, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for c in commands
    ]
    for process in processes:
        process.wait()
    return time.perf_counter() - started, 0


def _watch_memory(process: subprocess.Popen[bytes], peak: list[int]) -> None:
    while process.poll() is None:
        peak[0] = max(peak[0], _tree_rss_kb(process.pid))
        time.sleep(0.01)


def _tree_rss_kb(pid: int) -> int:
    """Proportional set size of a process and its children: pages a forked worker shares with its
    parent count once, split between them (summing plain RSS would count them in each)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(
                int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


Run = Callable[[bool], tuple[float, int]]  # (watch) -> (seconds, MB)


def interleaved(contenders: dict[str, Run], repeat: int) -> dict[str, list[float]]:
    """Each contender once per round, `repeat` rounds: on a shared machine whose speed drifts
    from minute to minute, every contender sees the same slow and fast moments. The order turns
    by one each round, so no contender always runs right after the same other one."""
    samples: dict[str, list[float]] = {label: [] for label in contenders}
    labels = list(contenders)
    for round_number in range(repeat):
        shift = round_number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            samples[label].append(contenders[label](False)[0])
    return samples


def report(
    samples: dict[str, list[float]], contenders: dict[str, Run]
) -> dict[str, tuple[float, int]]:
    """Median time of each contender, and its peak memory from one more, watched run."""
    results = {}
    for label, times in samples.items():
        memory = contenders[label](True)[1]
        results[label] = (statistics.median(times), memory)
        print(
            f"  {label:<34} {results[label][0]:7.3f} s   peak {memory:4d} MB PSS   ({', '.join(f'{t:.2f}' for t in times)})",
            flush=True,
        )
    return results


def copies(corpus: Path, factor: int, into: Path) -> Path:
    """The corpus `factor` times over, with distinct file names (a bigger monorepo)."""
    target = into / f"x{factor}"
    target.mkdir()
    for index in range(factor):
        for notebook in sorted(corpus.rglob("*.ipynb")):
            flat = "__".join(notebook.relative_to(corpus).parts)
            shutil.copyfile(notebook, target / f"{index:02d}_{flat}")
    return target


SCALING_ROUNDS = 5


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--skip-nbqa", action="store_true")
    args = parser.parse_args(argv)
    corpus: Path = args.folder.resolve()
    if not corpus.is_dir():
        print(f"no folder at {corpus}: pass the corpus folder as the first argument")
        return 2
    notebooks = sorted(str(p) for p in corpus.rglob("*.ipynb"))
    work = Path(tempfile.mkdtemp(prefix="nbcoach-bench-"))
    env = {**ENV, "NO_COLOR": "1", "NBCOACH_CACHE_DIR": str(work / "cache")}
    nbcoach = [tool("nbcoach"), "report", "--format", "json"]
    print(
        f"{len(notebooks)} notebooks in {corpus}; {os.cpu_count()} cores; median of {args.repeat}"
        f" rounds ({max(1, args.repeat // 2)} for jupytext+radon and nbqa)"
    )

    def command(argv: Sequence[str], run_env: dict[str, str] | None = None) -> Run:
        return lambda watch: timed(argv, work, run_env or ENV, watch)

    converted = work / "percent"

    def jupytext_radon(watch: bool) -> tuple[float, int]:
        """What a user does today: jupytext's CLI to py:percent, then radon cc and radon mi."""
        shutil.rmtree(converted, ignore_errors=True)
        converted.mkdir()
        for index, notebook in enumerate(notebooks):  # copies, not timed: the corpus is read-only
            shutil.copyfile(notebook, converted / f"{index:04d}.ipynb")
        copied = sorted(str(p) for p in converted.glob("*.ipynb"))
        a, ma = timed(
            [tool("jupytext"), "--quiet", "--to", "py:percent", *copied], work, ENV, watch
        )
        for copy in copied:
            Path(copy).unlink()
        b, mb = timed([tool("radon"), "cc", "-s", str(converted)], work, ENV, watch)
        c, mc = timed([tool("radon"), "mi", "-s", str(converted)], work, ENV, watch)
        return a + b + c, max(ma, mb, mc)

    ruff = [tool("ruff"), "check", "--no-cache", "--exit-zero", "--output-format", "json"]
    quick: dict[str, Run] = {
        COLD: command([*nbcoach, "--no-cache", str(corpus)], env),
        WARM: command([*nbcoach, str(corpus)], env),
        FLOOR: command([sys.executable, "-c", PARSE_FLOOR, str(corpus)]),
        "ruff check": command([*ruff, *notebooks]),
        BOTH: lambda watch: timed_together(
            [[sys.executable, "-c", PARSE_FLOOR, str(corpus)], [*ruff, *notebooks]], work, ENV
        ),
        "nbcoach --version": command([tool("nbcoach"), "--version"]),
        "nbcoach --help": command([tool("nbcoach"), "--help"]),
    }
    slow: dict[str, Run] = {"jupytext to py:percent + radon cc + mi": jupytext_radon}
    if not args.skip_nbqa and shutil.which(tool("nbqa")):
        slow["nbqa ruff"] = command([tool("nbqa"), "ruff", "--exit-zero", *notebooks])
    timed([*nbcoach, str(corpus)], work, env)  # fill the cache for the warm runs
    samples = interleaved(quick, args.repeat)
    results = report(samples, quick)
    results.update(report(interleaved(slow, max(1, args.repeat // 2)), slow))

    slowest = slowest_notebook(corpus)
    cold = results[COLD][0]
    print("\nRatios (targets from issue 3)")
    ratios = [
        (
            "cold / nbqa ruff",
            cold / results["nbqa ruff"][0] if "nbqa ruff" in results else float("nan"),
            "<= 0.2",
        ),
        ("cold / parse floor", cold / results[FLOOR][0], "<= 4"),
        ("warm / cold", results[WARM][0] / cold, "<= 0.3"),
        ("cold / ruff check", cold / results["ruff check"][0], "(for scale)"),
        (
            "cold / jupytext+radon",
            cold / results["jupytext to py:percent + radon cc + mi"][0],
            "(for scale)",
        ),
    ]
    for label, value, target in ratios:
        print(f"  {label:<24} {value:6.2f}   target {target}")
    print("Ratios (targets from issue 20)")
    for label, value, target in (
        ("cold / (parse | ruff)", cold / results[BOTH][0], "<= 2.5"),
        ("warm / cold", results[WARM][0] / cold, "<= 0.15"),
    ):
        print(f"  {label:<24} {value:6.2f}   target {target}")
    paired = sorted(c / f for c, f in zip(samples[COLD], samples[FLOOR], strict=True))
    print(
        f"  cold / parse floor, round by round: median {statistics.median(paired):.2f}"
        f" (range {paired[0]:.2f}-{paired[-1]:.2f})"
    )
    print(
        f"  slowest single notebook  {slowest[1]:6.3f} s   target <= 1 s   ({Path(slowest[0]).name})"
    )
    print(
        f"  --version / --help       {results['nbcoach --version'][0]:.3f} s / {results['nbcoach --help'][0]:.3f} s   target <= 0.3 s"
    )

    if not args.skip_scaling:
        print(
            f"\nScaling (cold, --no-cache, best of {SCALING_ROUNDS} interleaved rounds):"
            " time per notebook"
        )
        folders = {factor: copies(corpus, factor, work) for factor in (1, 4, 16)}
        runs = {
            f"{factor}x": command([*nbcoach, "--no-cache", str(folder)], env)
            for factor, folder in folders.items()
        }
        best = {label: min(times) for label, times in interleaved(runs, SCALING_ROUNDS).items()}
        per_notebook = {}
        for factor, folder in folders.items():
            count = len(list(folder.glob("*.ipynb")))
            seconds, memory = best[f"{factor}x"], runs[f"{factor}x"](True)[1]
            per_notebook[factor] = seconds / count
            print(
                f"  {factor:2d}x  {count:5d} notebooks  {seconds:7.2f} s  {1000 * seconds / count:6.2f} ms/notebook"
                f"  peak {memory} MB PSS",
                flush=True,
            )
        # The fixed cost of a run (start-up, the last notebooks, the report itself) weighs most
        # at 1x: time per notebook falls with size, and the faster the analysis, the more.
        change = ", ".join(
            f"{factor}x {100 * (per_notebook[factor] / per_notebook[1] - 1):+.0f}%"
            for factor in (4, 16)
        )
        spread = max(per_notebook.values()) / min(per_notebook.values()) - 1
        print(
            f"  time per notebook against 1x: {change}   target within +-30%;"
            f" slowest/fastest {100 * spread:.0f}%"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


def slowest_notebook(corpus: Path) -> tuple[str, float]:
    """The one notebook that takes longest to analyse alone (in-process, ruff excluded)."""
    sys.path.insert(0, str(ROOT))
    from nbcoach.analysis.analyse import analyse_bytes
    from nbcoach.core.config import Config

    worst = ("", 0.0)
    config = Config()
    for path in sorted(corpus.rglob("*.ipynb")):
        data = path.read_bytes()
        started = time.perf_counter()
        analyse_bytes(data, str(path), config)
        elapsed = time.perf_counter() - started
        if elapsed > worst[1]:
            worst = (str(path), elapsed)
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
