"""Where nbcoach keeps its state in a project: the `.nbcoach/` folder at the project root.

Only `baseline.json` is meant to be committed (the team's ratchet); the cache, history database,
run records and backups are local, so the folder carries a `.gitignore` that says exactly that.
"""

from __future__ import annotations

from pathlib import Path

STATE_DIR = ".nbcoach"
_GITIGNORE = """# written by nbcoach: only the baseline is shared with the team
*
!.gitignore
!baseline.json
"""


def project_root(start: Path) -> Path:
    """The nearest folder holding `.git` or `pyproject.toml`, else `start` itself."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for directory in (start, *start.parents):
        if (directory / ".git").exists() or (directory / "pyproject.toml").is_file():
            return directory
    return start


def state_dir(root: Path, create: bool = True) -> Path:
    """`<root>/.nbcoach`, created with its `.gitignore` on first use."""
    directory = root / STATE_DIR
    if create and not (directory / ".gitignore").exists():
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    return directory
