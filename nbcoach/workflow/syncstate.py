"""What each pair looked like when it was last synced, so `sync` knows which side was edited.

Timestamps cannot say it (git checkouts, copies and editors all touch them; jupytext's
timestamp-based `--sync` is what makes its pre-commit hook misjudge). Instead, every time nbcoach
pairs or syncs a notebook it records a digest of the cells the pair holds (pairing.cells_digest);
later, a side whose cells differ from that digest was edited since. The record lives in `.nbcoach/pairs.json`, local
and git-ignored: "when did *I* last sync" is a fact about this working copy, not the team's. A
fresh clone has no record; then the committed pair (HEAD), when it was consistent, is the last
sync (see pairstate.base_digest).
"""

from __future__ import annotations

import json
from pathlib import Path

from nbcoach.core.files import write_atomic
from nbcoach.core.project import state_dir

FILE = "pairs.json"
FORMAT = 2  # 2: digests of cells (1 held digests of text, which round trips could change)


def load(root: Path) -> dict[str, str]:
    """notebook path (posix, relative to root) -> digest of the last synced text."""
    path = state_dir(root, create=False) / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    pairs = data.get("pairs")
    if not isinstance(pairs, dict):
        return {}
    return {k: v for k, v in pairs.items() if isinstance(k, str) and isinstance(v, str)}


def record(root: Path, entries: dict[str, str]) -> None:
    """Remember these pairs as synced now (merged into what is recorded already)."""
    if not entries:
        return
    pairs = load(root)
    pairs.update(entries)
    directory = state_dir(root)
    payload = {"format": FORMAT, "pairs": dict(sorted(pairs.items()))}
    write_atomic(directory / FILE, json.dumps(payload, indent=1) + "\n")
