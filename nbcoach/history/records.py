"""What the history store holds: small frozen records, one per analysed version, commit, change.

A file's identity across renames is its *lineage* (an integer); a version is one commit's change
to one lineage. Only changes are stored: the state at any commit is each lineage's latest
version at or before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# How a version compares with its lineage's last comparable version:
#   ""              comparable: `delta` is the score change
#   "new"           the first scored version of the file (a new notebook, or the walk's start)
#   "coverage-drop" fewer cells could be analysed than before: the score is not comparable, and
#                   the previous score stands for the file until coverage is back
#   "coverage-rise" more cells could be analysed: a new reference, no delta either way
#   "unreadable"    the version could not be read (broken JSON, merge-conflict markers)
#   "skipped"       not graded (another kernel language, no code)
#   "paired"        a py:percent twin of a notebook at the same commit, graded with the notebook
#   "deleted"       the file was removed
Mark = Literal[
    "", "new", "coverage-drop", "coverage-rise", "unreadable", "skipped", "paired", "deleted"
]
# Versions of a file of its own that were graded, or could have been, yet not compared: each
# says why. A twin (`paired`) is not one of them: it is no file of its own, its notebook's
# versions stand for it, so it is never listed or marked as not compared.
NOT_COMPARABLE: frozenset[str] = frozenset({"coverage-drop", "unreadable", "skipped"})
# What `history`, `trend` and the dashboard list as not compared: those, and a coverage rise,
# whose score is graded and becomes the reference but is never counted as a change (crediting
# it would pay for fixing a cell whose breakage was never debited).
NOT_COUNTED: frozenset[str] = NOT_COMPARABLE | {"coverage-rise"}
TWIN: Mark = "paired"


@dataclass(frozen=True, slots=True)
class FunctionFacts:
    name: str
    cell: int
    line: int
    length: int
    statements: int
    complexity: int
    nesting: int
    parameters: int
    score: float
    digest: str  # hash of the function's lines: an edit changes it, a move between cells does not


@dataclass(frozen=True, slots=True)
class BlobFacts:
    """One version of one file as `nbcoach report` grades it, reduced to what trends need."""

    key: str
    status: str  # ok | skipped | error
    reason: str = ""
    format: str = "ipynb"
    score: float | None = None
    grade: str | None = None
    categories: tuple[tuple[str, float], ...] = ()
    code_cells: int = 0
    python_cells: int = 0
    analysed_cells: int = 0
    code_lines: int = 0
    functions: tuple[FunctionFacts, ...] = ()
    redefinitions: int = 0  # functions and classes defined in more than one cell
    reassignments: int = 0  # variables re-assigned across cells
    findings: int = 0

    @property
    def unanalysed(self) -> int:
        """Code cells that did not parse even with magics masked: hidden from every measure."""
        return self.python_cells - self.analysed_cells

    @property
    def coverage(self) -> str:
        return f"{self.analysed_cells}/{self.python_cells}"


@dataclass(frozen=True, slots=True)
class CommitRecord:
    seq: int  # position on the first-parent line, from 1
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: str
    committed: str
    subject: str
    base: bool = False  # the state a `--since` walk starts from, not a change of its own
    touched: int = 0  # notebooks and .py files changed
    lines_added: int = 0  # source lines as commit-size counts them; outputs and JSON do not
    lines_removed: int = 0
    cells_changed: int = 0
    functions_changed: int = 0
    big_bang: bool = False

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def lines_changed(self) -> int:
        return self.lines_added + self.lines_removed


@dataclass(frozen=True, slots=True)
class Version:
    seq: int
    lineage: int
    path: str
    change: str  # A M D R, or "=" for a file present where a `--since` walk starts
    blob: str  # git's id of the content; "" when deleted
    key: str  # the BlobFacts analysed for it; "" when deleted
    effective: str  # the BlobFacts that stands for the file from here on ("" : not graded)
    author: str
    email: str
    mark: Mark = ""
    delta: float | None = None  # score change against the last comparable version
    old_path: str = ""
    lines_added: int = 0
    lines_removed: int = 0
    cells_changed: int = 0
    functions_changed: int = 0


@dataclass(frozen=True, slots=True)
class History:
    """The whole store, loaded: enough for `trend` and `dashboard` to compute every series."""

    root: str
    commits: tuple[CommitRecord, ...]
    versions: tuple[Version, ...]
    blobs: Mapping[str, BlobFacts]
    stats: Mapping[str, float] = field(default_factory=dict)

    def latest_paths(self) -> dict[int, str]:
        paths: dict[int, str] = {}
        for version in self.versions:
            paths[version.lineage] = version.path
        return paths

    def live_lineages(self) -> set[int]:
        live: set[int] = set()
        for version in self.versions:
            if version.change == "D":
                live.discard(version.lineage)
            else:
                live.add(version.lineage)
        return live

    def twin_lineages(self) -> set[int]:
        """py:percent twins: files whose last version before any deletion was paired with a
        notebook. The notebook stands for both, so a twin is no notebook of its own in trends."""
        last: dict[int, str] = {}
        for version in self.versions:
            if version.change != "D":
                last[version.lineage] = version.mark
        return {lineage for lineage, mark in last.items() if mark == TWIN}

    def file_lineages(self) -> set[int]:
        """The notebooks and .py files alive at HEAD, twins not counted (their notebooks are)."""
        return self.live_lineages() - self.twin_lineages()

    def only(self, lineages: set[int]) -> History:
        """The same history restricted to some files (commits stay: they carry the dates)."""
        return History(
            self.root,
            self.commits,
            tuple(v for v in self.versions if v.lineage in lineages),
            self.blobs,
            self.stats,
        )


def never_graded(version: Version, standing: BlobFacts | None) -> bool:
    """A file skipped (markdown only, another language) with no graded version before it lost
    no comparison: listing each of its versions as "not compared" is noise."""
    return version.mark == "skipped" and (standing is None or standing.score is None)
