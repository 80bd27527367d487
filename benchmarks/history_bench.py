"""Benchmark: `nbcoach history` against checking out each commit and running `nbcoach report`.

Builds a git repository of >= 300 first-parent commits from notebooks of the shared corpus
(several authors, fixed dates, realistic edits: notebooks added one after another, cells edited
and added, functions renamed and redefined, magic-only changes that break parsing and their
fixes, renames, output-only re-runs, big-bang commits, merged feature branches), then times, in
one run:

1. `nbcoach history` over the whole line (a fresh store), as a user runs it (CLI process);
2. the same after one more commit (the incremental case; the issue asks <= 2 s);
3. the baseline: for each commit, `git checkout` it and run `nbcoach report --format json .`
   with the report's own cache warm from the previous commit (what a user scripting this gets).
   `--baseline-every K` times every K-th commit only and extrapolates (said in the output).

`--paired` gives every notebook a jupytext py:percent twin, rewritten whenever the notebook
is (as the sync hook does): the fully paired repository of a team using `nbcoach init`.

    python benchmarks/history_bench.py [--commits 300] [--baseline-every 1] [--keep DIR] [--paired]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(
    os.environ.get("NBCOACH_CORPUS")
    or next(
        (
            p / "shared" / "corpus"
            for p in Path(__file__).resolve().parents
            if (p / "shared" / "corpus").is_dir()
        ),
        Path("../shared/corpus"),
    )
)
AUTHORS = [
    ("Ada Lovelace", "ada@example.com"),
    ("Bob Builder", "bob@example.com"),
    ("Carol Shaw", "carol@example.com"),
    ("Dan Abramov", "dan@example.com"),
    ("Eve Online", "eve@example.com"),
]
START = 1_704_096_000  # 2024-01-01T08:00:00Z
STEP = 5 * 3600
DEF = re.compile(r"^def (\w+)\(", re.M)


class Builder:
    def __init__(self, root: Path, seed: int = 7, paired: bool = False) -> None:
        self.root = root
        self.paired = paired
        self.rng = random.Random(seed)
        self.tick = 0
        self.live: list[str] = []
        self.broken: dict[str, tuple[int, str]] = {}  # path -> (cell, original source)
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: tuple[str, str] = AUTHORS[0]) -> str:
        when = f"@{START + self.tick * STEP} +0000"
        env = {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_COMMITTER_NAME": author[0],
            "GIT_COMMITTER_EMAIL": author[1],
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def commit(self, message: str, author: tuple[str, str]) -> None:
        self.tick += 1
        self.git("add", "-A", author=author)
        self.git("commit", "-q", "--allow-empty", "-m", message, author=author)

    # -- notebooks -----------------------------------------------------------------------
    def load(self, path: str) -> dict:
        return json.loads((self.root / path).read_text(encoding="utf-8"))

    def save(self, path: str, document: dict) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if self.paired:
            import jupytext

            notebook = jupytext.reads(target.read_text(encoding="utf-8"), fmt="ipynb")
            twin = target.with_suffix(".py")
            twin.write_text(jupytext.writes(notebook, fmt="py:percent"), encoding="utf-8")

    def code_cells(self, document: dict) -> list[int]:
        return [i for i, c in enumerate(document["cells"]) if c.get("cell_type") == "code"]

    @staticmethod
    def text(cell: dict) -> str:
        source = cell.get("source", "")
        return source if isinstance(source, str) else "".join(source)

    @staticmethod
    def set_text(cell: dict, text: str) -> None:
        cell["source"] = text.splitlines(keepends=True)

    def add_notebook(self, source: Path, folder: str) -> str:
        name = (
            re.sub(r"[^a-z0-9]+", "_", source.stem.split("__")[-1].lower()).strip("_")[:40] or "nb"
        )
        path = f"{folder}/{name}.ipynb"
        while path in self.live:
            path = path.replace(".ipynb", "_2.ipynb")
        self.save(path, json.loads(source.read_text(encoding="utf-8")))
        self.live.append(path)
        return path

    def edit(self, path: str) -> str:
        """One realistic edit; returns a commit message."""
        document = self.load(path)
        cells = self.code_cells(document)
        if not cells:
            document["cells"].append(
                {
                    "cell_type": "code",
                    "metadata": {},
                    "execution_count": None,
                    "outputs": [],
                    "source": ["x = 1\n"],
                }
            )
            self.save(path, document)
            return f"start coding in {path}"
        kind = self.rng.choice(
            ["tweak", "tweak", "add", "add", "rename", "redefine", "delete", "rerun"]
        )
        cell = document["cells"][self.rng.choice(cells)]
        text = self.text(cell)
        if kind == "rename":
            defined = [
                (i, m.group(1))
                for i in cells
                for m in DEF.finditer(self.text(document["cells"][i]))
            ]
            if defined:
                _, name = self.rng.choice(defined)
                new = f"{name}_v{self.tick}"
                for i in cells:
                    c = document["cells"][i]
                    self.set_text(c, re.sub(rf"\b{re.escape(name)}\b", new, self.text(c)))
                self.save(path, document)
                return f"rename {name} to {new}"
            kind = "add"
        if kind == "redefine":
            defining = [i for i in cells if DEF.search(self.text(document["cells"][i]))]
            if defining:
                copy = dict(document["cells"][self.rng.choice(defining)])
                self.set_text(copy, self.text(copy).replace("return", "# changed\n    return", 1))
                copy.pop("id", None)
                document["cells"].append(copy)
                self.save(path, document)
                return "redefine a helper further down"
            kind = "add"
        if kind == "delete" and len(cells) > 3:
            del document["cells"][self.rng.choice(cells)]
            self.save(path, document)
            return "drop a cell"
        if kind == "rerun":
            for i in cells:
                document["cells"][i]["execution_count"] = (
                    document["cells"][i].get("execution_count") or 0
                ) + 1
            self.save(path, document)
            return "re-run the notebook"
        if kind == "add" or kind == "delete":
            n = self.tick
            body = "\n".join(
                f"    total += row.get('f{j}', 0) * {j}" for j in range(self.rng.randint(3, 30))
            )
            document["cells"].append(
                {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                 "source": f"def summary_{n}(rows):\n    total = 0\n    for row in rows:\n{body.replace('    total', '        total')}\n    return total\n".splitlines(keepends=True)}
            )  # fmt: skip
            self.save(path, document)
            return f"add summary_{n}"
        numbers = list(re.finditer(r"\b\d+\b", text))
        if numbers:
            m = self.rng.choice(numbers)
            self.set_text(cell, text[: m.start()] + str(int(m.group()) + 1) + text[m.end() :])
        else:
            self.set_text(cell, text + f"\nprint('step {self.tick}')")
        self.save(path, document)
        return "tweak a parameter"

    def break_with_magic(self, path: str) -> bool:
        """A magic-only change: `%time` in front of a loop inside a function (no longer parses)."""
        document = self.load(path)
        for i in self.code_cells(document):
            text = self.text(document["cells"][i])
            match = re.search(r"^(    +)(for .*:)$", text, re.M)
            if match and DEF.search(text):
                self.set_text(
                    document["cells"][i], text[: match.start(2)] + "%time " + text[match.start(2) :]
                )
                self.broken[path] = (i, text)
                self.save(path, document)
                return True
        return False

    def fix_magic(self, path: str) -> None:
        index, original = self.broken.pop(path)
        document = self.load(path)
        self.set_text(document["cells"][index], original)
        self.save(path, document)


def pick_notebooks(count: int) -> list[Path]:
    chosen = []
    for path in sorted(CORPUS.glob("*.ipynb")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        kernel = str(document.get("metadata", {}).get("kernelspec", {}).get("language", "python"))
        if (
            document.get("nbformat") == 4
            and kernel.lower() == "python"
            and 4_000 < path.stat().st_size < 120_000
        ):
            chosen.append(path)
    random.Random(3).shuffle(chosen)
    return chosen[:count]


def build(root: Path, commits: int, paired: bool = False) -> Builder:
    builder = Builder(root, paired=paired)
    sources = pick_notebooks(45)
    folders = ["analysis", "models", "reports"]
    added = 0
    while (
        int(builder.git("rev-list", "--first-parent", "--count", "HEAD") if builder.tick else 0)
        < commits
    ):
        author = builder.rng.choice(AUTHORS)
        roll = builder.rng.random()
        due_add = added < len(sources) and (not builder.live or builder.tick % 7 == 0)
        if due_add:
            path = builder.add_notebook(sources[added], folders[added % 3])
            added += 1
            if added % 9 == 0 and len(builder.live) > 3 and added + 2 < len(sources):
                # a big-bang commit: three notebooks at once, and edits to three others
                for _ in range(2):
                    builder.add_notebook(sources[added], folders[added % 3])
                    added += 1
                for other in builder.rng.sample(builder.live[:-3], 3):
                    builder.edit(other)
                builder.commit(f"add {path} and two more, rework three notebooks", author)
            else:
                builder.commit(f"add {path}", author)
        elif builder.broken and roll < 0.15:
            path = next(iter(builder.broken))
            builder.fix_magic(path)
            builder.commit(f"remove %time from {path}", author)
        elif roll < 0.03 and builder.live:
            path = builder.rng.choice(builder.live)
            if builder.break_with_magic(path):
                builder.commit(f"time the loop in {path}", author)
        elif roll < 0.05 and builder.live:
            old = builder.rng.choice(
                [p for p in builder.live if p not in builder.broken] or builder.live
            )
            new = old.replace(".ipynb", "_final.ipynb")
            builder.git("mv", old, new, author=author)
            if builder.paired:
                builder.git("mv", old[:-6] + ".py", new[:-6] + ".py", author=author)
            builder.live[builder.live.index(old)] = new
            if old in builder.broken:
                builder.broken[new] = builder.broken.pop(old)
            builder.commit(f"rename {old} to {new}", author)
        elif roll < 0.09 and len(builder.live) > 2:
            branch = f"feature-{builder.tick}"
            builder.git("checkout", "-q", "-b", branch, author=author)
            touched = set()
            for _ in range(builder.rng.randint(2, 4)):
                path = builder.rng.choice(builder.live)
                touched.add(path)
                builder.commit(builder.edit(path), author)
            builder.git("checkout", "-q", "main", author=author)
            others = [p for p in builder.live if p not in touched] or builder.live
            builder.commit(builder.edit(builder.rng.choice(others)), builder.rng.choice(AUTHORS))
            builder.tick += 1
            builder.git(
                "merge",
                "-q",
                "--no-ff",
                "-X",
                "theirs",
                branch,
                "-m",
                f"Merge {branch}",
                author=AUTHORS[0],
            )
        else:
            path = builder.rng.choice(builder.live)
            builder.commit(builder.edit(path), author)
    return builder


def run(args: list[str], cwd: Path, env: dict[str, str], show: bool = False) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nbcoach", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(
            f"nbcoach {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}"
        )
    if show:
        print("  " + done.stdout.strip().replace("\n", "\n  "))
    return elapsed


def run_watched(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak memory (MB, proportional set size of the process tree, sampled every
    10 ms as bench_report.py does) of one more run, not timed with the others."""
    from bench_report import timed

    return timed([sys.executable, "-m", "nbcoach", *args], cwd, env, watch=True)


def same_scores(root: Path, env: dict[str, str]) -> str:
    """The history's grade of every file at HEAD against `nbcoach report` on the checkout."""
    from nbcoach.history import load_history

    done = subprocess.run(
        [sys.executable, "-m", "nbcoach", "report", "--format", "json", "--no-cache", "."],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    report = {n["path"]: n["score"] for n in json.loads(done.stdout)["notebooks"]}
    history = load_history(root)
    current: dict[int, str] = {}
    for version in history.versions:
        current[version.lineage] = version.key
    graded = {
        path: history.blobs[current[lineage]].score
        for lineage, path in history.latest_paths().items()
        if lineage in history.live_lineages()
    }
    same = sum(report.get(path) == score for path, score in graded.items())
    return f"{same}/{len(graded)} files ({len(report)} in the report)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--baseline-every", type=int, default=1)
    parser.add_argument(
        "--keep", type=Path, default=None, help="build the repository here and keep it"
    )
    parser.add_argument(
        "--paired", action="store_true", help="give every notebook a py:percent twin (jupytext)"
    )
    options = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"the shared corpus is not at {CORPUS}")
    work = Path(tempfile.mkdtemp(prefix="nbcoach-history-bench-"))
    root = options.keep or work / "repo"
    if root.exists():
        shutil.rmtree(root)
    started = time.perf_counter()
    builder = build(root, options.commits, options.paired)
    line = builder.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    total = builder.git("rev-list", "--count", "HEAD")
    merges = builder.git("rev-list", "--first-parent", "--merges", "--count", "HEAD")
    print(f"built {root}: {len(line)} first-parent commits ({total} in all, {merges} merges), "
          f"{len(builder.live)} notebooks at HEAD, in {time.perf_counter() - started:.0f} s")  # fmt: skip
    env = {**os.environ, "NO_COLOR": "1", "NBCOACH_CACHE_DIR": str(work / "report-cache")}

    full = run(["history"], root, env, show=True)
    store = root / ".nbcoach" / "history.sqlite"
    size = store.stat().st_size
    rebuilt, peak = run_watched(["history", "--rebuild"], root, env)
    print(f"nbcoach history --rebuild, watched: {rebuilt:.1f} s, peak {peak} MB PSS (process tree)")
    builder.commit(builder.edit(builder.live[0]), AUTHORS[1])
    one_more = run(["history"], root, env, show=True)
    print(
        f"nbcoach history, full:         {full:8.1f} s for {len(line)} commits ({full / len(line) * 1000:.0f} ms per commit)"
    )
    print(f"nbcoach history, one commit:   {one_more:8.2f} s")
    print(
        f"store: {size / 1024:.0f} KB for {len(line)} commits = {size / len(line) / 1024:.2f} KB per commit"
    )

    checkout = work / "checkout"
    subprocess.run(["git", "clone", "-q", str(root), str(checkout)], check=True)
    sample = line[:: options.baseline_every]
    timed = 0.0
    for sha in sample:
        subprocess.run(["git", "-C", str(checkout), "checkout", "-q", "--detach", sha], check=True)
        started = time.perf_counter()
        run(["report", "--format", "json", "."], checkout, env)
        timed += time.perf_counter() - started
    baseline = timed / len(sample) * len(line)
    cold_sample = line[:: max(1, len(line) // 10)]
    cold = 0.0
    for sha in cold_sample:  # the report without its cache: every notebook of the commit analysed
        subprocess.run(["git", "-C", str(checkout), "checkout", "-q", "--detach", sha], check=True)
        started = time.perf_counter()
        run(["report", "--format", "json", "--no-cache", "."], checkout, env)
        cold += time.perf_counter() - started
    cold_total = cold / len(cold_sample) * len(line)
    note = (
        ""
        if options.baseline_every == 1
        else f" (timed {len(sample)} commits, every {options.baseline_every}th, extrapolated)"
    )
    print(
        f"checkout + nbcoach report:     {baseline:8.1f} s for {len(line)} commits{note} ({baseline / len(line) * 1000:.0f} ms per commit)"
    )
    print(
        f"checkout + report --no-cache:  {cold_total:8.1f} s for {len(line)} commits (timed {len(cold_sample)} commits, extrapolated)"
    )
    print(
        f"ratio: {baseline / full:.1f}x faster (with the report's cache), {cold_total / full:.1f}x (without)"
    )
    print("\n| measure | value |\n| --- | --- |")
    print(f"| first-parent commits (all commits, merges) | {len(line)} ({total}, {merges}) |")
    print(f"| notebooks at HEAD | {len(builder.live)} |")
    print(f"| `nbcoach history`, full, fresh store | {full:.1f} s |")
    print(f"| peak memory of `history --rebuild` (PSS, process tree) | {peak} MB |")
    print(f"| checkout + `nbcoach report` per commit{note} | {baseline:.1f} s |")
    print(f"| ratio | {baseline / full:.1f}x |")
    print(
        f"| checkout + `nbcoach report --no-cache` per commit (timed {len(cold_sample)} commits, extrapolated) | {cold_total:.1f} s ({cold_total / full:.1f}x) |"
    )
    print(f"| `nbcoach history` after one new commit | {one_more:.2f} s |")
    print(f"| store size | {size / 1024:.0f} KB ({size / len(line) / 1024:.2f} KB per commit) |")
    print(f"| scores at HEAD equal to `nbcoach report --no-cache` | {same_scores(root, env)} |")
    if options.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
