"""Plan the new commits (git only): follow each file through renames and deletions, and give
every version the key it is graded under.

A file's lineage survives renames (`-M` on the first-parent line) and a deletion followed by a
re-add at the same path. Paths out of scope (see `discover.in_scope`) are not followed; a rename
out of scope is a deletion, a rename into scope an addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nbcoach import gitrepo
from nbcoach.config import Config, ConfigLoader
from nbcoach.discover import in_scope
from nbcoach.history.blobs import BlobJob, analysis_key
from nbcoach.history.records import Version


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


@dataclass(slots=True)
class PlannedCommit:
    commit: gitrepo.RawCommit
    base: bool
    items: list[PlannedChange] = field(default_factory=list)


class Lineages:
    """Which lineage each path belongs to, as the commits are read in order."""

    def __init__(self, last: Sequence[Version], exclude: Sequence[str]) -> None:
        self.alive = {v.path: v.lineage for v in last if v.change != "D"}
        self.gone = {v.path: v.lineage for v in last if v.change == "D"}
        self.next = max((v.lineage for v in last), default=0) + 1
        self.exclude = exclude

    def follow(self, change: gitrepo.RawChange, base: bool) -> PlannedChange | None:
        """The planned change for one of git's changes; None when it is out of scope."""
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
    lineages = Lineages(last, loader.for_path(root).exclude)
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
        planned.append(step)
    return planned, _jobs(root, planned, configs, loader)


def _changes(root: Path, commit: gitrepo.RawCommit, base: bool) -> list[gitrepo.RawChange]:
    """A commit's changes; for the commit a `--since` walk starts from, its whole tree."""
    if not base:
        return list(commit.changes)
    files = gitrepo.tree_files(root, commit.sha)
    return [gitrepo.RawChange("=", path, blob) for path, blob in sorted(files.items())]


def _jobs(
    root: Path, planned: Sequence[PlannedCommit], configs: Sequence[str], loader: ConfigLoader
) -> dict[str, BlobJob]:
    """Key every version by what decides its grade; one job per distinct key."""
    jobs: dict[str, BlobJob] = {}
    for step in planned:
        for item in step.items:
            if item.change == "D":
                continue
            config = _config(loader, root, item.path)
            item.key = analysis_key(item.blob, item.path, config, _config_dirs(item.path, configs))
            jobs.setdefault(item.key, BlobJob(item.key, item.blob, item.path, config))
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
