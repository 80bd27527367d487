"""Real git repositories in a temporary folder, for the hook, sync and gate tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Every git the tests start (these helpers, nbcoach's own calls, pre-commit's) sees this, so a
# developer's ~/.gitconfig or /etc/gitconfig (hooks, signing, templates, default branch, an
# identity or its absence) can neither break a test nor make it pass. conftest applies it to
# the whole session; the helpers below also pass it explicitly.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
}


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
        completed = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**os.environ, **GIT_ENV, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if check and completed.returncode != 0:
            raise AssertionError(
                f"git {' '.join(args)} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
            )
        return completed.stdout

    def commit(
        self, message: str = "change", env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            ["git", "commit", "-q", "-m", message],
            cwd=self.path,
            env={**os.environ, **GIT_ENV, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if check and completed.returncode != 0:
            raise AssertionError(f"commit failed:\n{completed.stdout}\n{completed.stderr}")
        return completed

    def write(self, name: str, text: str) -> Path:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def staged(self) -> list[str]:
        return self.git("diff", "--cached", "--name-only").split()

    def dirty(self) -> list[str]:
        """Files whose working copy differs from the index."""
        return self.git("diff", "--name-only").split()

    def show(self, spec: str) -> str:
        return self.git("show", spec)
