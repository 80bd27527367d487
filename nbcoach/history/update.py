"""`nbcoach history`'s core: bring the store up to date with the first-parent line of HEAD.

Three passes over the new commits. *Plan* (git only): follow each file through renames and
deletions and give every version a grading key. *Grade* what the store does not know yet, in
bulk. *Compare*: each version against its file's last comparable version, and each commit's
size from the versions' code lines. Only new commits are read; a rewritten line (amend, rebase)
is re-read from the first commit that changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from nbcoach import __version__, gitrepo
from nbcoach.cache import ruff_version
from nbcoach.config import Config, load_config
from nbcoach.discover import in_scope
from nbcoach.errors import UsageError
from nbcoach.history.blobs import BlobJob, analyse_versions, analysis_key, version_shape
from nbcoach.history.changes import ChangeSize, Shape, change_size, classify, is_big_bang
from nbcoach.history.records import NOT_COMPARABLE, BlobFacts, CommitRecord, Mark, Version
from nbcoach.history.store import FILE_NAME, Store
from nbcoach.project import state_dir

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class HistoryOptions:
    since: str | None = None  # a commit or an ISO date; None: wherever the store starts
    rebuild: bool = False
    jobs: int = 0
    progress: Progress | None = None


@dataclass(frozen=True, slots=True)
class HistoryResult:
    root: str
    store: str
    commits: int = 0  # on the walked line, all stored
    new_commits: int = 0
    analysed: int = 0  # versions graded by this run
    reused: int = 0  # versions whose grade the store already had
    files: int = 0  # notebooks and .py files alive at HEAD
    store_bytes: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    marked: tuple[tuple[Version, str], ...] = ()  # (version, commit) not comparable, new commits


@dataclass(slots=True)
class _Item:
    lineage: int
    path: str
    change: str
    blob: str = ""
    old_path: str = ""
    old_blob: str = ""
    key: str = ""
    author: tuple[str, str] = ("", "")


@dataclass(slots=True)
class _Planned:
    commit: gitrepo.RawCommit
    base: bool
    items: list[_Item] = field(default_factory=list)


def update_history(repo: Path, options: HistoryOptions = HistoryOptions()) -> HistoryResult:
    started = time.perf_counter()
    root = gitrepo.toplevel(repo)
    store = Store(state_dir(root) / FILE_NAME)
    try:
        return _update(root, store, options, started)
    finally:
        store.close()


def _update(root: Path, store: Store, options: HistoryOptions, started: float) -> HistoryResult:
    notes = [store.note] if store.note else []
    configs = gitrepo.config_files(root)
    stamp = _stamp(root, configs)
    if options.rebuild:
        store.reset(keep_blobs=False)
    elif store.meta("stamp") not in (None, stamp):
        store.reset(keep_blobs=False)
        notes.append("nbcoach, ruff or the configuration changed: every version is graded again")
    store.set_meta({"stamp": stamp})
    result = HistoryResult(root=str(root), store=str(store.path))
    tip = gitrepo.head(root)
    if tip is None:
        return replace(result, notes=(*notes, "the repository has no commits yet"))
    line = gitrepo.first_parent_line(root, tip)
    base = _base(root, line, options.since, store, notes)
    if (store.meta("base") or "") != (base or ""):
        store.reset(keep_blobs=True)
        store.set_meta({"base": base or ""})
    if base:
        line = line[line.index(base) :]
    known = store.commit_shas()
    common = 0
    while common < min(len(known), len(line)) and known[common] == line[common]:
        common += 1
    if common < len(known):
        store.truncate(common)
        notes.append(
            f"the history was rewritten after {known[common - 1][:10] if common else 'the start'}: "
            f"{len(known) - common} stored commit(s) replaced"
        )
    todo = line[common:]
    raw = gitrepo.log(root, todo)
    planned, jobs, reused = _plan(root, raw, store, base if common == 0 else None, configs)
    new_facts, shapes = _grade(root, store, jobs, configs, options)
    commits, versions = _compare(root, planned, store, new_facts, shapes, common)
    store.add_commits(commits, versions)
    shas = {c.seq: c.sha for c in commits}
    live = [v for v in store.last_versions() if v.change != "D"]
    return replace(
        result,
        commits=len(line),
        new_commits=len(commits),
        analysed=len(jobs),
        reused=reused,
        files=len(live),
        store_bytes=store.size(),
        seconds=round(time.perf_counter() - started, 3),
        notes=tuple(notes),
        marked=tuple(
            (v, shas[v.seq]) for v in versions if v.mark in NOT_COMPARABLE and v.change != "="
        ),
    )


def _stamp(root: Path, configs: Sequence[str]) -> str:
    """What every grade depends on besides the file: versions, and the configuration files."""
    digest = hashlib.sha256(f"{__version__}\0{ruff_version()}".encode())
    for name in configs:
        try:
            digest.update(b"\0" + name.encode() + b"\0" + (root / name).read_bytes())
        except OSError:
            continue
    return digest.hexdigest()[:24]


def _base(
    root: Path, line: list[str], since: str | None, store: Store, notes: list[str]
) -> str | None:
    """The commit whose state a `--since` walk starts from (None: from the first commit)."""
    if since is None:
        stored = store.meta("base") or None
        if stored and stored not in line:
            notes.append("the commit the store started from is gone; walking the whole line")
            return None
        return stored
    commit, date = gitrepo.resolve_since(root, since)
    if commit is not None:
        if commit not in line:
            raise UsageError(f"--since {since}: not on the first-parent line of HEAD")
        return commit
    assert date is not None
    after = gitrepo.commits_since_date(root, line[-1], date)
    if not after:
        return line[-1]
    index = line.index(after[0])
    return line[index - 1] if index > 0 else None


def _plan(
    root: Path,
    raw: Sequence[gitrepo.RawCommit],
    store: Store,
    base: str | None,
    configs: Sequence[str],
) -> tuple[list[_Planned], list[BlobJob], int]:
    """Follow files through the new commits (renames keep their lineage) and key each version."""
    root_config = load_config(root)
    exclude = root_config.exclude
    last = store.last_versions()
    alive = {v.path: v.lineage for v in last if v.change != "D"}
    gone = {v.path: v.lineage for v in last if v.change == "D"}
    next_lineage = max((v.lineage for v in last), default=0) + 1
    planned: list[_Planned] = []
    for commit in raw:
        step = _Planned(commit, base == commit.sha)
        authors = gitrepo.branch_authors(root, commit) if len(commit.parents) > 1 else {}
        who = (commit.author, commit.email)
        if step.base:
            files = gitrepo.tree_files(root, commit.sha)
            changes = [gitrepo.RawChange("=", p, b) for p, b in sorted(files.items())]
        else:
            changes = list(commit.changes)
        for change in changes:
            path, kind = change.path, change.status
            if kind == "R" and change.old_path not in alive:
                kind = "A"
            if kind == "R" and not in_scope(path, exclude):
                path, kind = change.old_path, "D"
            if kind != "D" and not in_scope(path, exclude):
                continue
            if kind == "D":
                if path not in alive:
                    continue
                lineage = alive.pop(path)
                gone[path] = lineage
                item = _Item(lineage, path, "D", old_blob=change.old_blob)
            elif kind == "R":
                lineage = alive.pop(change.old_path)
                alive[path] = lineage
                item = _Item(lineage, path, "R", change.blob, change.old_path, change.old_blob)
            elif path in alive:
                item = _Item(alive[path], path, "M", change.blob, old_blob=change.old_blob)
            else:
                lineage = gone.pop(path, 0) or next_lineage
                next_lineage = max(next_lineage, lineage + 1)
                alive[path] = lineage
                item = _Item(lineage, path, "=" if step.base else "A", change.blob)
            item.author = authors.get(path) or authors.get(item.old_path) or who
            step.items.append(item)
        planned.append(step)
    jobs: dict[str, BlobJob] = {}
    for step in planned:
        for item in step.items:
            if item.change != "D":
                config = _config(root, item.path)
                item.key = analysis_key(
                    item.blob, item.path, config, _config_dirs(item.path, configs)
                )
                jobs.setdefault(item.key, BlobJob(item.key, item.blob, item.path, config))
    known = store.known_keys(jobs)
    return planned, [job for key, job in jobs.items() if key not in known], len(known)


@lru_cache(maxsize=1024)
def _config_for_dir(root: Path, directory: str) -> Config:
    return load_config(root / directory / "__nbcoach_probe__")


def _config(root: Path, path: str) -> Config:
    return _config_for_dir(root, path.rpartition("/")[0])


def _config_dirs(path: str, configs: Sequence[str]) -> str:
    """The configuration files that apply to a path (their contents are in the stamp)."""
    directory = path.rpartition("/")[0]
    return "|".join(
        name
        for name in configs
        if not name.rpartition("/")[0]
        or (directory + "/").startswith(name.rpartition("/")[0] + "/")
    )


def _grade(
    root: Path,
    store: Store,
    jobs: Sequence[BlobJob],
    configs: Sequence[str],
    options: HistoryOptions,
) -> tuple[dict[str, BlobFacts], dict[str, Shape | None]]:
    facts: dict[str, BlobFacts] = {}
    shapes: dict[str, Shape | None] = {}
    pending: list[BlobFacts] = []
    extend = load_config(root).ruff_extend_select
    for item, shape, blob in analyse_versions(
        root, jobs, configs, extend, options.jobs, options.progress
    ):
        facts[item.key] = item
        shapes[blob] = shape
        pending.append(item)
        if len(pending) >= 100:
            store.add_blobs(pending)
            pending = []
    store.add_blobs(pending)
    return facts, shapes


def _compare(
    root: Path,
    planned: Sequence[_Planned],
    store: Store,
    new_facts: dict[str, BlobFacts],
    shapes: dict[str, Shape | None],
    first_seq: int,
) -> tuple[list[CommitRecord], list[Version]]:
    last = store.last_versions()
    current = {v.lineage: v.key for v in last}
    reference = {v.lineage: v.effective for v in last}
    live = {v.path for v in last if v.change != "D"}
    wanted = (
        {i.key for s in planned for i in s.items} | set(current.values()) | set(reference.values())
    )
    facts = {**store.blob_facts(k for k in wanted if k not in new_facts), **new_facts}
    _fill_shapes(root, planned, shapes)
    commits: list[CommitRecord] = []
    versions: list[Version] = []
    for seq, step in enumerate(planned, start=first_seq + 1):
        for item in step.items:
            if item.change == "D":
                live.discard(item.path)
            else:
                live.discard(item.old_path)
                live.add(item.path)
        totals = ChangeSize()
        for item in step.items:
            old = facts.get(current.get(item.lineage, ""))
            new = facts.get(item.key)
            size = ChangeSize()
            if not step.base:
                size = change_size(
                    shapes.get(item.old_blob) if item.old_blob else None,
                    shapes.get(item.blob) if item.blob else None,
                    old.functions if old else (),
                    new.functions if new else (),
                )
                totals = _add(totals, size)
            mark, delta, effective = _judge(
                item, new, facts.get(reference.get(item.lineage, "")), live
            )
            if effective is not None:
                reference[item.lineage] = effective
            current[item.lineage] = item.key
            versions.append(
                Version(
                    seq=seq,
                    lineage=item.lineage,
                    path=item.path,
                    change=item.change,
                    blob=item.blob,
                    key=item.key,
                    effective=reference.get(item.lineage, ""),
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
            )
        commit = step.commit
        commits.append(
            CommitRecord(
                seq=seq,
                sha=commit.sha,
                parents=commit.parents,
                author=commit.author,
                email=commit.email,
                authored=commit.authored,
                committed=commit.committed,
                subject=commit.subject,
                base=step.base,
                touched=0 if step.base else len(step.items),
                lines_added=totals.lines_added,
                lines_removed=totals.lines_removed,
                cells_changed=totals.cells_changed,
                functions_changed=totals.functions_changed,
                big_bang=is_big_bang(
                    totals.lines_added + totals.lines_removed, len(commit.parents) > 1
                )
                and not step.base,
            )
        )
    return commits, versions


def _judge(
    item: _Item, new: BlobFacts | None, reference: BlobFacts | None, live: set[str]
) -> tuple[Mark, float | None, str | None]:
    """(mark, delta, the new reference key or None to keep the old one)."""
    if item.change == "D":
        return "deleted", None, ""
    assert new is not None
    if item.path.endswith(".py") and new.format == "percent" and item.path[:-3] + ".ipynb" in live:
        return "paired", None, ""
    mark, delta, becomes_reference = classify(reference, new)
    return mark, delta, item.key if becomes_reference else None


def _fill_shapes(root: Path, planned: Sequence[_Planned], shapes: dict[str, Shape | None]) -> None:
    """Shapes of versions graded in an earlier run (old sides of changes): parsed, not graded."""
    missing: dict[str, str] = {}
    for step in planned:
        if step.base:
            continue
        for item in step.items:
            for blob, path in ((item.old_blob, item.old_path or item.path), (item.blob, item.path)):
                if blob and blob not in shapes:
                    missing[blob] = path
    for blob, data in gitrepo.read_blobs(root, missing):
        shapes[blob] = version_shape(data, missing[blob])


def _add(total: ChangeSize, size: ChangeSize) -> ChangeSize:
    return ChangeSize(
        total.lines_added + size.lines_added,
        total.lines_removed + size.lines_removed,
        total.cells_changed + size.cells_changed,
        total.functions_changed + size.functions_changed,
    )
