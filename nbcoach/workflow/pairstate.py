"""Is a pair in sync, and if not, which side was edited since the last sync?

Decided on the cells both sides hold (pairing.cells_digest: type and code, blind to trailing
spaces and blank lines around a cell, which a jupytext round trip may change) against the
digest recorded at the last sync (syncstate.py), or, in a fresh clone without a record, against
the committed pair when HEAD held both sides consistently. Never by timestamps.

A side that is back to its committed (HEAD) text is behind, not edited, when the other side
moved on: after `git restore` of a blocked commit, the record still holds the blocked edit, and
the next edit must win rather than be refused as "both edited". In a commit (`staged`) this also
holds when the other side is as last synced: an index side equal to HEAD is simply not staged
(`nbcoach sync` wrote it, nobody ran `git add`), and writing the staged side from it would throw
the staged edit away. Outside a commit, a side put back to HEAD while the other is as synced is
a deliberate edit and wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from nbcoach.analysis.pairs import Pair, find_pair
from nbcoach.core import gitindex
from nbcoach.core.errors import InputError
from nbcoach.core.files import read_user_file
from nbcoach.core.project import project_root
from nbcoach.workflow import syncstate
from nbcoach.workflow.pairing import (
    Cells,
    cells_digest,
    notebook_cells,
    notebook_text,
    text_cells,
    text_text,
)

PairState = Literal["in-sync", "notebook-newer", "text-newer", "both-changed", "unpaired"]


@dataclass(frozen=True, slots=True)
class PairStatus:
    state: PairState
    notebook: Path
    text: Path | None = None
    format: str = ""
    reason: str = ""  # one line: why this state

    @property
    def in_sync(self) -> bool:
        return self.state == "in-sync"


@dataclass(frozen=True, slots=True)
class Sides:
    """Both sides as the decision saw them, and the digests of the cells each holds."""

    pair: Pair
    notebook: bytes | None
    text: str | None
    notebook_digest: str | None
    text_digest: str | None
    base: str | None  # digest of the cells at the last sync
    # digests of HEAD's sides (read only when the sides differ); None: not committed
    committed_notebook: str | None = None
    committed_text: str | None = None
    staged: bool = False  # the sides were read from the git index (a commit)


def pair_status(notebook: Path, staged: bool = False) -> PairStatus:
    """Whether `notebook` and its text side agree, and if not, which side was edited.

    `staged` judges what is in the git index (what a commit would hold) instead of the files.
    """
    pair = find_pair(notebook)
    if pair is None:
        return PairStatus("unpaired", Path(notebook), reason="no pairing declared and no .py pair")
    return judge(read_sides(pair, staged))


def read_sides(pair: Pair, staged: bool = False) -> Sides:
    notebook = _read_side(pair.notebook, staged)
    raw_text = _read_side(pair.text, staged)
    text = None if raw_text is None else raw_text.decode("utf-8-sig")
    sides = Sides(
        pair=pair,
        notebook=notebook,
        text=text,
        notebook_digest=None if notebook is None else cells_digest(notebook_cells(notebook, pair)),
        text_digest=None if text is None else cells_digest(text_cells(text, pair)),
        base=base_digest(pair),
        staged=staged,
    )
    if sides.notebook_digest is None or sides.text_digest is None:
        return sides
    if sides.notebook_digest == sides.text_digest:
        return sides
    committed_notebook, committed_text = committed_digests(pair)
    return replace(sides, committed_notebook=committed_notebook, committed_text=committed_text)


def judge(sides: Sides) -> PairStatus:
    pair = sides.pair

    def status(state: PairState, reason: str) -> PairStatus:
        return PairStatus(state, pair.notebook, pair.text, pair.format, reason)

    if sides.notebook_digest is None and sides.text_digest is None:
        return status("unpaired", "neither side exists")
    if sides.text_digest is None:
        return status("notebook-newer", f"{pair.text.name} does not exist yet")
    if sides.notebook_digest is None:
        return status("text-newer", f"{pair.notebook.name} does not exist yet")
    notebook_digest = sides.notebook_digest
    text_digest = sides.text_digest
    if notebook_digest == text_digest:
        return status("in-sync", "both sides hold the same cells")
    if sides.base is None:
        return status(
            "both-changed",
            "they differ and there is no record of a last sync to tell which is newer",
        )
    notebook, text = pair.notebook.name, pair.text.name
    notebook_committed = notebook_digest == sides.committed_notebook
    text_committed = text_digest == sides.committed_text
    if notebook_digest == sides.base:
        if sides.staged and text_committed and not notebook_committed:
            return status("notebook-newer", f"{notebook} is as last synced; {text} is as committed")
        return status("text-newer", f"{text} was edited since the last sync")
    if text_digest == sides.base:
        if sides.staged and notebook_committed and not text_committed:
            return status("text-newer", f"{text} is as last synced; {notebook} is as committed")
        return status("notebook-newer", f"{notebook} was edited since the last sync")
    if text_committed and not notebook_committed:
        return status("notebook-newer", f"{notebook} was edited; {text} is as committed")
    if notebook_committed and not text_committed:
        return status("text-newer", f"{text} was edited; {notebook} is as committed")
    return status("both-changed", "both sides were edited since the last sync")


def _read_side(path: Path, staged: bool) -> bytes | None:
    if staged:
        root = gitindex.top_level(path.parent if path.parent.is_dir() else Path.cwd())
        if root is not None:
            relative = gitindex.relative(root, path)
            if gitindex.is_tracked(root, relative):
                return gitindex.index_blob(root, relative)
    if not path.exists() and not path.is_symlink():
        return None
    return read_user_file(path)


def state_key(pair: Pair) -> tuple[Path, str]:
    """Where a pair's sync record is kept: (project root, notebook path relative to it)."""
    root = project_root(pair.notebook.resolve().parent)
    return root, pair.notebook.resolve().relative_to(root).as_posix()


def base_digest(pair: Pair) -> str | None:
    """The pair's text at its last sync: this copy's record, else HEAD if HEAD was consistent."""
    root, key = state_key(pair)
    recorded = syncstate.load(root).get(key)
    if recorded:
        return recorded
    notebook, text = committed_digests(pair)
    return notebook if notebook is not None and notebook == text else None


def committed_digests(pair: Pair) -> tuple[str | None, str | None]:
    """The digests of each side's common text as HEAD holds it (None: not committed, not
    readable, or not in a git repository)."""
    top = gitindex.top_level(pair.notebook.resolve().parent)
    if top is None:
        return None, None
    notebook = gitindex.head_blob(top, gitindex.relative(top, pair.notebook))
    text = gitindex.head_blob(top, gitindex.relative(top, pair.text))
    return (
        _digest_of(notebook, lambda data: notebook_cells(data, pair)),
        _digest_of(text, lambda data: text_cells(data.decode("utf-8-sig"), pair)),
    )


def _digest_of(blob: bytes | None, cells: Callable[[bytes], Cells]) -> str | None:
    if blob is None:
        return None
    try:
        return cells_digest(cells(blob))
    except (InputError, UnicodeDecodeError):
        return None


def sides_texts(sides: Sides) -> tuple[str, str]:
    """Both sides as jupytext writes them, for a diff a person reads."""
    pair = sides.pair
    notebook = "" if sides.notebook is None else notebook_text(sides.notebook, pair)
    text = "" if sides.text is None else text_text(sides.text, pair)
    return notebook, text
