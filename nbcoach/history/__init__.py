"""Score trends over git history: `nbcoach history`, `nbcoach trend`, `nbcoach dashboard`.

`update.update_history` brings the store up to date; `load_history` reads it back for the
series in `series`. Every version is graded by the report's own engine (see `blobs`).
"""

from __future__ import annotations

from pathlib import Path

from nbcoach.history.records import History
from nbcoach.history.update import HistoryOptions, HistoryResult, update_history

__all__ = ["History", "HistoryOptions", "HistoryResult", "load_history", "update_history"]


def load_history(repo: Path) -> History:
    """The stored history of the repository holding `repo` (empty when never walked)."""
    from nbcoach.core import gitrepo
    from nbcoach.core.project import state_dir
    from nbcoach.history.store import FILE_NAME, Store

    root = gitrepo.toplevel(repo)
    path = state_dir(root, create=False) / FILE_NAME
    if not path.exists():
        return History(str(root), (), (), {})
    store = Store(path)
    try:
        return store.load(str(root))
    finally:
        store.close()
