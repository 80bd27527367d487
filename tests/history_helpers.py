"""Real git repositories for the history tests: fixed authors and dates, notebooks by content."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nbformat

from gitrepo import GIT_ENV
from support import Cells, build_notebook

ADA = ("Ada Lovelace", "ada@example.com")
BOB = ("Bob Builder", "bob@example.com")
CAROL = ("Carol Shaw", "carol@example.com")


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.day = 0

    def env(self, author: tuple[str, str], date: str) -> dict[str, str]:
        return {
            **os.environ,
            **GIT_ENV,
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_COMMITTER_NAME": author[0],
            "GIT_COMMITTER_EMAIL": author[1],
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }

    def git(
        self, *args: str, author: tuple[str, str] = ADA, date: str = "2024-01-01T09:00:00+00:00"
    ) -> str:
        completed = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=self.env(author, date),
            capture_output=True,
            text=True,
            check=True,
        )
        return completed.stdout.strip()

    def notebook(self, relative: str, cells: Cells) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build_notebook(cells), path)
        return path

    def write(self, relative: str, text: str) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str, author: tuple[str, str] = ADA, date: str | None = None) -> str:
        """Commit everything; each commit is one day after the previous one unless dated."""
        self.day += 1
        when = date or f"2024-01-{self.day:02d}T09:00:00+00:00"
        self.git("add", "-A", author=author, date=when)
        self.git("commit", "-q", "--allow-empty", "-m", message, author=author, date=when)
        return self.git("rev-parse", "HEAD")


def long_function(name: str = "analyse", body_lines: int = 70) -> str:
    """A function far past the 50-line limit, with loops and branches: a low functions grade."""
    lines = [f"def {name}(rows):", "    total = 0", "    for row in rows:"]
    for index in range(body_lines // 3):
        lines += [
            f"        if row.get('k{index}'):",
            f"            total += row['k{index}'] * {index + 1}",
            f"        value_{index} = total - {index}",
        ]
    lines.append("    return total")
    return "\n".join(lines)


def split_functions(name: str = "analyse", body_lines: int = 70) -> str:
    """The same work in small helpers: what a good refactoring commit leaves behind."""
    parts = []
    keys = body_lines // 3
    for chunk in range(0, keys, 8):
        parts.append(
            f"def {name}_part_{chunk}(row):\n"
            + "    total = 0\n"
            + "".join(
                f"    total += row.get('k{index}', 0) * {index + 1}\n"
                for index in range(chunk, min(keys, chunk + 8))
            )
            + "    return total\n"
        )
    calls = " + ".join(f"{name}_part_{chunk}(row)" for chunk in range(0, keys, 8))
    parts.append(f"def {name}(rows):\n    return sum({calls} for row in rows)\n")
    return "\n".join(parts)


MESSY = ["import json", long_function(), "result = analyse([{'k1': 2}])", "print(result)"]
CLEAN = ["import json", split_functions(), "result = analyse([{'k1': 2}])", "print(result)"]


def paired_repo(path: Path) -> GitRepo:
    """A repository as `nbcoach init` + `nbcoach sync` leave it, then worked on: notebooks in
    `notebooks/` with py:percent twins (added alone, then changed with their notebooks, once
    on its own), a module `src/churn/newcomer.py` named like a twin, and two modules of the
    same name in different packages."""
    from nbcoach.workflow.sync import pair_notebooks, sync

    repo = GitRepo(path)
    newcomer = repo.notebook("notebooks/newcomer.ipynb", MESSY)
    clean = repo.notebook("notebooks/clean.ipynb", CLEAN)
    repo.write("src/churn/report.py", "def header(title):\n    return title.upper()\n")
    repo.write("archive/churn/report.py", "def header(title):\n    return title\n")
    repo.commit("the examples", ADA)
    pair_notebooks([str(newcomer), str(clean)])
    repo.commit("nbcoach sync: write the py:percent pairs", ADA)
    repo.write("src/churn/newcomer.py", split_functions())
    repo.notebook("notebooks/newcomer.ipynb", ["from churn.newcomer import analyse", *MESSY[2:]])
    sync([str(newcomer)])
    repo.commit("extract analyse into src/churn", BOB)
    repo.notebook("notebooks/clean.ipynb", [*CLEAN, "def twice(x):\n    return 2 * x"])
    sync([str(clean)])
    repo.commit("clean: twice", CAROL)
    twin = repo.path / "notebooks/newcomer.py"
    twin.write_text(twin.read_text() + "\n# %%\nprint(result * 2)\n", encoding="utf-8")
    repo.commit("newcomer: edited as .py", BOB)
    return repo
