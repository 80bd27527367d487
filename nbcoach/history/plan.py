"""Plan the new commits (git only): follow each file through renames and deletions, and give
every version the key it is graded under.

A py:percent twin changed together with its notebook counts with the notebook (as
`nbcoach commit-size` counts a staged pair) and is never graded: the report skips it too, so
grading it would be thrown away. It is recognised before grading, from its content (a jupytext
header or a `# %%` marker) and its notebook beside it in the same commit.

A file's lineage survives renames (`-M` on the first-parent line) and a deletion followed by a
re-add at the same path. Paths out of scope (see `discover.in_scope`) are not followed; a rename
out of scope is a deletion, a rename into scope an addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nbcoach.analysis.discover import in_scope
from nbcoach.analysis.notebook import decode_python, is_text_notebook
from nbcoach.core import gitrepo
from nbcoach.core.config import Config, ConfigLoader
from nbcoach.core.errors import InputError
from nbcoach.history.blobs import BlobJob, analysis_key, twin_key
from nbcoach.history.records import Version
from nbcoach.workflow.commitsize import counted_with


@dataclass(slots=True)
class PlannedChange:
    lineage: int
    path: str
    change: str
    blob: str = ""
    old_path: str = ""
    old_blob: str = ""
    key: str = ""
    author: tuple[str, str] = ("", "")
    twin: bool = False  # a py:percent twin counted with its notebook: never graded
    old_key: str = ""  # the old side graded on its own, when it was such a twin
    base_blob: str = ""  # a new text side's committed notebook, which it is sized against


@dataclass(slots=True)
class PlannedCommit:
    commit: gitrepo.RawCommit
    base: bool
    items: list[PlannedChange] = field(default_factory=list)


class Lineages:
    """Which lineage each path belongs to, as the commits are read in order."""

    def __init__(self, last: Sequence[Version], exclude: Sequence[str]) -> None:
        self.alive = {v.path: v.lineage for v in last if v.change != "D"}
        self.blobs = {v.path: v.blob for v in last if v.change != "D"}  # each live path's
        self.gone = {v.path: v.lineage for v in last if v.change == "D"}
        self.next = max((v.lineage for v in last), default=0) + 1
        self.exclude = exclude

    def follow(self, change: gitrepo.RawChange, base: bool) -> PlannedChange | None:
        """The planned change for one of git's changes; None when it is out of scope."""
        item = self._follow(change, base)
        if item is not None:
            self.blobs.pop(item.old_path, None)
            if item.change == "D":
                self.blobs.pop(item.path, None)
            else:
                self.blobs[item.path] = item.blob
        return item

    def _follow(self, change: gitrepo.RawChange, base: bool) -> PlannedChange | None:
        path, kind = change.path, change.status
        if kind == "R" and change.old_path not in self.alive:
            kind = "A"  # renamed from a file that was not followed (out of scope)
        if kind == "R" and not in_scope(path, self.exclude):
            path, kind = change.old_path, "D"  # renamed out of scope
        if kind == "D":
            return self._delete(path, change.old_blob)
        if not in_scope(path, self.exclude):
            return None
        if kind == "R":
            lineage = self.alive.pop(change.old_path)
            self.alive[path] = lineage
            return PlannedChange(lineage, path, "R", change.blob, change.old_path, change.old_blob)
        if path in self.alive:
            return PlannedChange(self.alive[path], path, "M", change.blob, old_blob=change.old_blob)
        lineage = self.gone.pop(path, 0) or self.next  # a re-added path continues its lineage
        self.next = max(self.next, lineage + 1)
        self.alive[path] = lineage
        return PlannedChange(lineage, path, "=" if base else "A", change.blob)

    def _delete(self, path: str, old_blob: str) -> PlannedChange | None:
        if path not in self.alive:
            return None
        lineage = self.alive.pop(path)
        self.gone[path] = lineage
        return PlannedChange(lineage, path, "D", old_blob=old_blob)


def plan_commits(
    root: Path,
    raw: Sequence[gitrepo.RawCommit],
    last: Sequence[Version],
    base: str | None,
    configs: Sequence[str],
    loader: ConfigLoader,
) -> tuple[list[PlannedCommit], dict[str, BlobJob]]:
    """Follow files through the new commits (renames keep their lineage) and key each version.

    `loader` is this run's configuration (read once per run, never per process, so an edited
    pyproject is seen by the next run in a long-lived process)."""
    lineages = Lineages(last, loader.for_path(root).excluded)
    planned: list[PlannedCommit] = []
    for commit in raw:
        step = PlannedCommit(commit, base == commit.sha)
        authors = gitrepo.branch_authors(root, commit) if len(commit.parents) > 1 else {}
        for change in _changes(root, commit, step.base):
            item = lineages.follow(change, step.base)
            if item is not None:
                item.author = (
                    authors.get(item.path)
                    or authors.get(item.old_path)
                    or (commit.author, commit.email)
                )
                step.items.append(item)
        _twin_candidates(step, lineages.alive)
        _text_sides_added(step, lineages.blobs)
        planned.append(step)
    _confirm_twins(root, planned)
    return planned, _jobs(root, planned, last, configs, loader)


def notebook_of(path: str) -> str:
    """Where the notebook of a `.py` twin lives: beside it, with the same stem."""
    return path[:-3] + ".ipynb"


def _twin_candidates(step: PlannedCommit, alive: dict[str, int]) -> None:
    """`.py` versions counted with a notebook changed in the same commit (and alive after it);
    whether each is a text notebook is read from its content afterwards."""

    def live_notebook(path: str) -> str | None:
        notebook = notebook_of(path)
        return notebook if notebook in alive else None

    changed = {item.path for item in step.items}
    for item in step.items:
        if item.change != "D":
            item.twin = counted_with(item.path, changed, live_notebook) is not None


def _text_sides_added(step: PlannedCommit, blobs: dict[str, str]) -> None:
    """A `.py` added beside a committed notebook the commit leaves as it is (adopting pairing)
    is sized against that notebook's text, as `nbcoach commit-size` sizes it
    (`commitsize.text_side_base`): writing the pair of an unchanged notebook is not work."""
    if step.base:
        return
    changed = {item.path for item in step.items}
    for item in step.items:
        notebook = notebook_of(item.path)
        if (
            item.change == "A"
            and item.path.endswith(".py")
            and notebook not in changed
            and notebook in blobs
        ):
            item.base_blob = blobs[notebook]


def _confirm_twins(root: Path, planned: Sequence[PlannedCommit]) -> None:
    """Keep the candidates that read as text notebooks, as `parse_py` decides (one batch read
    of the candidates' contents; a plain script beside a notebook is graded on its own)."""
    candidates = {item.blob: item.path for step in planned for item in step.items if item.twin}
    texts = {
        blob
        for blob, data in gitrepo.read_blobs(root, candidates)
        if _reads_as_text_notebook(data, candidates[blob])
    }
    for step in planned:
        for item in step.items:
            item.twin = item.twin and item.blob in texts


def _reads_as_text_notebook(data: bytes, path: str) -> bool:
    try:
        return is_text_notebook(decode_python(data, path))
    except InputError:
        return False


def _changes(root: Path, commit: gitrepo.RawCommit, base: bool) -> list[gitrepo.RawChange]:
    """A commit's changes; for the commit a `--since` walk starts from, its whole tree."""
    if not base:
        return list(commit.changes)
    files = gitrepo.tree_files(root, commit.sha)
    return [gitrepo.RawChange("=", path, blob) for path, blob in sorted(files.items())]


def _jobs(
    root: Path,
    planned: Sequence[PlannedCommit],
    last: Sequence[Version],
    configs: Sequence[str],
    loader: ConfigLoader,
) -> dict[str, BlobJob]:
    """Key every version by what decides its grade; one job per distinct key."""
    jobs: dict[str, BlobJob] = {}

    def job(blob: str, path: str, twin: bool = False) -> str:
        config = _config(loader, root, path)
        key = (
            twin_key(blob, path)
            if twin
            else analysis_key(blob, path, config, _config_dirs(path, configs))
        )
        jobs.setdefault(key, BlobJob(key, blob, path, config, twin))
        return key

    twins = {v.lineage for v in last if v.mark == "paired"}
    for step in planned:
        changed = {item.path for item in step.items}
        for item in step.items:
            was_twin = item.lineage in twins
            if item.twin:
                twins.add(item.lineage)
            else:
                twins.discard(item.lineage)
            counted = item.twin or (
                item.change == "D" and counted_with(item.path, changed, notebook_of) is not None
            )
            if was_twin and item.old_blob and not counted:
                # sized on its own: its functions are compared with the old side's
                item.old_key = job(item.old_blob, item.old_path or item.path)
            if item.change != "D":
                item.key = job(item.blob, item.path, item.twin)
    return jobs


def _config(loader: ConfigLoader, root: Path, path: str) -> Config:
    """The configuration for a repository path, by its folder (the file itself may not exist
    in the checkout: an old version, or a deleted file)."""
    return loader.for_path(root / path.rpartition("/")[0] / "__nbcoach_probe__")


def _config_dirs(path: str, configs: Sequence[str]) -> str:
    """The configuration files that apply to a path (their contents are in the stamp)."""
    directory = path.rpartition("/")[0]
    return "|".join(
        name
        for name in configs
        if not name.rpartition("/")[0]
        or (directory + "/").startswith(name.rpartition("/")[0] + "/")
    )
