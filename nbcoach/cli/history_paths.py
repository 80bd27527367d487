"""Helpers shared by `trend` and `dashboard`: bring the store up to date, select files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from nbcoach.history.records import History


def update_quietly(repo: Path, err: Console) -> None:
    """Read new commits into the store, with a progress bar on a terminal and notes on stderr."""
    from nbcoach.cli.progress import progress_bar
    from nbcoach.history import HistoryOptions, update_history

    with progress_bar(err, "Grading new notebook versions") as advance:
        result = update_history(repo, HistoryOptions(progress=advance))
    for note in result.notes:
        err.print(f"nbcoach: note: {note}", markup=False)


def select_files(history: History, given: Sequence[str], cwd: Path) -> tuple[History, list[str]]:
    """The history restricted to files at or under the given paths (any of their names)."""
    if not given:
        return history, []
    root = Path(history.root)
    lineages: set[int] = set()
    missing = []
    for item in given:
        absolute = Path(os.path.abspath(cwd / item))
        try:
            prefix = absolute.relative_to(root).as_posix()
        except ValueError:
            missing.append(item)
            continue
        found = {
            v.lineage
            for v in history.versions
            if prefix in (".", "") or v.path == prefix or v.path.startswith(prefix + "/")
        }
        if not found:
            missing.append(item)
        lineages |= found
    return history.only(lineages | _notebooks_of_twins(history, lineages)), missing


def _notebooks_of_twins(history: History, lineages: set[int]) -> set[int]:
    """A py:percent twin is shown as its notebook, which stands for both."""
    paths = history.latest_paths()
    notebooks = {paths[lineage][:-3] + ".ipynb" for lineage in lineages & history.twin_lineages()}
    return {lineage for lineage, path in paths.items() if path in notebooks}
