"""Compare each planned version with its file's last comparable version, and size each commit.

The reference a version is compared with is the last one whose score can be trusted (see
`changes.classify`): a coverage drop keeps the old reference standing for the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nbcoach.core import gitrepo
from nbcoach.core.config import CommitSize
from nbcoach.history.blobs import version_shape
from nbcoach.history.changes import ChangeSize, Shape, change_size, classify, is_big_bang
from nbcoach.history.plan import PlannedChange, PlannedCommit, notebook_of
from nbcoach.history.records import BlobFacts, CommitRecord, Mark, Version
from nbcoach.workflow.commitsize import counted_with, text_side_base


class Comparison:
    """The state of every file while the new commits are replayed in order."""

    def __init__(
        self,
        last: Sequence[Version],
        facts: dict[str, BlobFacts],
        shapes: dict[str, Shape | None],
        limits: CommitSize,
    ) -> None:
        self.limits = limits
        self.current = {v.lineage: v.key for v in last}  # each file's latest version
        self.reference = {v.lineage: v.effective for v in last}  # the one that stands for it
        self.live = {v.path for v in last if v.change != "D"}
        self.twins = {v.lineage for v in last if v.mark == "paired"}  # py:percent twins now
        self.facts = facts
        self.shapes = shapes

    def commit(self, seq: int, step: PlannedCommit) -> tuple[CommitRecord, list[Version]]:
        for item in step.items:
            if item.change == "D":
                self.live.discard(item.path)
            else:
                self.live.discard(item.old_path)
                self.live.add(item.path)
        versions: list[Version] = []
        twins: dict[str, str] = {}  # a twin's path -> its notebook's, deleted twins included
        for item in step.items:
            was_twin = item.lineage in self.twins
            version = self.version(seq, item, step.base)
            if version.mark == "paired" or (version.change == "D" and was_twin):
                twins[version.path] = notebook_of(version.path)
            versions.append(version)
        # a pair changed together counts once, as `nbcoach commit-size` counts a staged pair
        changed = {v.path for v in versions}
        counted = [v for v in versions if counted_with(v.path, changed, twins.get) is None]
        return _record(seq, step, counted, self.limits), versions

    def version(self, seq: int, item: PlannedChange, base: bool) -> Version:
        new = self.facts.get(item.key)
        size = ChangeSize()
        if not base and not item.twin:  # a twin's lines are its notebook's: not parsed at all
            before = item.old_blob and self.shapes.get(item.old_blob)
            if item.base_blob:
                before = self.shapes.get(text_base_key(item))
            size = change_size(before or None, self.shapes.get(item.blob) if item.blob else None)
        reference = self.facts.get(self.reference.get(item.lineage, ""))
        previous = self.facts.get(self.current.get(item.lineage, ""))
        mark, delta, effective = _judge(item, new, reference, previous, self.live)
        if effective is not None:
            self.reference[item.lineage] = effective
        self.current[item.lineage] = item.key
        if mark == "paired":
            self.twins.add(item.lineage)
        else:
            self.twins.discard(item.lineage)
        return Version(
            seq=seq,
            lineage=item.lineage,
            path=item.path,
            change=item.change,
            blob=item.blob,
            key=item.key,
            effective=self.reference.get(item.lineage, ""),
            author=item.author[0],
            email=item.author[1],
            mark=mark,
            delta=delta,
            old_path=item.old_path,
            lines_added=size.lines_added,
            lines_removed=size.lines_removed,
            cells_changed=size.cells_changed,
            functions_changed=size.functions_changed,
        )


def compare(
    planned: Sequence[PlannedCommit],
    last: Sequence[Version],
    facts: dict[str, BlobFacts],
    shapes: dict[str, Shape | None],
    first_seq: int,
    limits: CommitSize,
) -> tuple[list[CommitRecord], list[Version]]:
    """Commit records and versions for the planned commits, numbered after `first_seq`."""
    state = Comparison(last, facts, shapes, limits)
    commits: list[CommitRecord] = []
    versions: list[Version] = []
    for seq, step in enumerate(planned, start=first_seq + 1):
        record, made = state.commit(seq, step)
        commits.append(record)
        versions += made
    return commits, versions


def _record(
    seq: int, step: PlannedCommit, versions: Sequence[Version], limits: CommitSize
) -> CommitRecord:
    """The commit's sizes from the versions that count (a pair's twin counts with its
    notebook)."""
    commit = step.commit
    added = sum(v.lines_added for v in versions)
    removed = sum(v.lines_removed for v in versions)
    functions = sum(v.functions_changed for v in versions)
    # the files commit-size lists: a re-run that changes no source is no file of the change
    sized = sum(1 for v in versions if v.lines_added or v.lines_removed or v.functions_changed)
    merge = len(commit.parents) > 1
    return CommitRecord(
        seq=seq,
        sha=commit.sha,
        parents=commit.parents,
        author=commit.author,
        email=commit.email,
        authored=commit.authored,
        committed=commit.committed,
        subject=commit.subject,
        base=step.base,
        touched=0 if step.base else len(versions),
        lines_added=added,
        lines_removed=removed,
        cells_changed=sum(v.cells_changed for v in versions),
        functions_changed=functions,
        big_bang=not step.base and is_big_bang(added + removed, functions, sized, merge, limits),
    )


def _judge(
    item: PlannedChange,
    new: BlobFacts | None,
    reference: BlobFacts | None,
    previous: BlobFacts | None,
    live: set[str],
) -> tuple[Mark, float | None, str | None]:
    """(mark, delta, the new reference key or None to keep the old one)."""
    if item.change == "D":
        return "deleted", None, ""
    assert new is not None
    if item.path.endswith(".py") and new.format == "percent" and notebook_of(item.path) in live:
        return "paired", None, ""
    mark, delta, becomes_reference = classify(reference, new, previous)
    return mark, delta, item.key if becomes_reference else None


def text_base_key(item: PlannedChange) -> str:
    """Where the shape a new text side is sized against is kept (see `fill_shapes`)."""
    return f"{item.base_blob}>{item.blob}"


def fill_shapes(
    root: Path, planned: Sequence[PlannedCommit], shapes: dict[str, Shape | None]
) -> None:
    """Shapes of versions graded in an earlier run (old sides of changes): parsed, not graded.
    Twins counted with their notebooks are not sized, so not parsed either. A new text side
    beside an unchanged notebook is sized against that notebook's text."""
    missing: dict[str, str] = {}
    added: list[PlannedChange] = []
    for step in planned:
        if step.base:
            continue
        for item in step.items:
            if item.twin:
                continue
            for blob, path in ((item.old_blob, item.old_path or item.path), (item.blob, item.path)):
                if blob and blob not in shapes:
                    missing[blob] = path
            if item.base_blob:
                added.append(item)
    for blob, data in gitrepo.read_blobs(root, missing):
        shapes[blob] = version_shape(data, missing[blob])
    for blob in missing:  # not in this clone: no shape, the version is not compared
        shapes.setdefault(blob, None)
    if not added:
        return
    contents = dict(gitrepo.read_blobs(root, [b for i in added for b in (i.blob, i.base_blob)]))
    for item in added:
        if item.blob not in contents or item.base_blob not in contents:
            shapes[text_base_key(item)] = None
            continue
        base = text_side_base(item.path, contents[item.blob], contents[item.base_blob])
        shapes[text_base_key(item)] = version_shape(base, item.path) if base else None
