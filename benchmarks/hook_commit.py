"""How long a small commit takes through the hooks `nbcoach init` writes, with real pre-commit.

    python benchmarks/hook_commit.py [--repo BUNDLE] [--commits 7]

A repository is cloned from ../shared/repos (default: WhirlwindTourOfPython.bundle), scaffolded
with `nbcoach init` (nbcoach's hooks from this checkout, committed into a scratch git
repository; the upstream hook repositories through the local stand-ins the tests use), paired
with `nbcoach sync`, and committed once through the hooks (pre-commit builds its environments:
not timed). Then each timed commit edits one line of one notebook's .py side and commits the
pair: nbstripout, nbcoach-sync, the gate and commit-size run on it. Prints the median wall time
of `git commit` and, from `pre-commit run --verbose` on the same kind of change, each hook's
own duration, so the total can be split into pre-commit's overhead and each hook.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gitrepo import GIT_ENV  # noqa: E402
from hook_mirrors import hook_mirrors  # noqa: E402

BUNDLES = ROOT.parent / "shared" / "repos"


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def nbcoach_source(scratch: Path, env: dict[str, str]) -> tuple[str, str]:
    """This checkout (working-tree changes included) as a git repository pre-commit clones."""
    source = scratch / "nbcoach-src"
    files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", env=env)
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    git(source, "init", "-q", "-b", "main", env=env)
    git(source, "add", "-A", env=env)
    git(source, "commit", "-qm", "nbcoach as benchmarked", env=env)
    return str(source), git(source, "rev-parse", "HEAD", env=env).strip()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=BUNDLES / "WhirlwindTourOfPython.bundle")
    parser.add_argument("--commits", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.repo.is_file():
        sys.exit(f"no repository bundle at {args.repo}")
    scratch = Path(tempfile.mkdtemp(prefix="nbcoach-hook-bench-"))
    env = {**os.environ, **GIT_ENV, **hook_mirrors(scratch / "mirrors")}
    env["PRE_COMMIT_HOME"] = str(scratch / "pre-commit-home")
    url, rev = nbcoach_source(scratch, env)
    repo = scratch / "repo"
    git(scratch, "clone", "-q", str(args.repo), str(repo), env=env)
    git(repo, "config", "commit.gpgsign", "false", env=env)
    nbcoach = [sys.executable, "-m", "nbcoach"]
    for step in (["init", ".", "--hooks-repo", url, "--hooks-rev", rev], ["sync"]):
        subprocess.run([*nbcoach, *step], cwd=repo, env=env, check=True, capture_output=True)
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    git(repo, "add", "-A", env=env)
    started = time.perf_counter()
    first = subprocess.run(
        ["git", "commit", "-qm", "adopt nbcoach"], cwd=repo, env=env, capture_output=True, text=True
    )
    if first.returncode != 0:  # nbstripout strips outputs once: stage again and commit
        git(repo, "add", "-A", env=env)
        git(repo, "commit", "-qm", "adopt nbcoach", env=env)
    print(f"first commit (environments built): {time.perf_counter() - started:.1f} s")
    scripts = sorted(p for p in repo.rglob("*.py") if p.with_suffix(".ipynb").is_file())
    if not scripts:
        sys.exit("no paired notebook in the repository")
    times = []
    for index in range(args.commits):
        script = scripts[index % len(scripts)]
        script.write_text(script.read_text(encoding="utf-8") + f"\n# %%\nprint({index})\n", "utf-8")
        git(repo, "add", str(script.relative_to(repo)), env=env)
        started = time.perf_counter()
        done = subprocess.run(
            ["git", "commit", "-qm", f"edit {index}"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"commit {index} failed:\n{done.stdout}{done.stderr}")
        times.append(elapsed)
    print(
        f"small commits: median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s over {len(times)}"
    )
    script = scripts[0]
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\nprint(-1)\n", "utf-8")
    git(repo, "add", str(script.relative_to(repo)), env=env)
    started = time.perf_counter()
    verbose = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    total = time.perf_counter() - started
    hooks = re.findall(
        r"^(\S.*?)\.{3,}.*?\n(?:- hook id: (\S+)\n)?- duration: ([\d.]+)s", verbose.stdout, re.M
    )
    print(f"pre-commit run --verbose on one staged edit: {total:.2f} s in all")
    accounted = 0.0
    for name, _, seconds in hooks:
        accounted += float(seconds)
        print(f"  {float(seconds):5.2f} s  {name.strip()}")
    print(
        f"  {total - accounted:5.2f} s  pre-commit itself (start-up, config, stashing unstaged changes)"
    )
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
