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
from dataclasses import dataclass, replace
from pathlib import Path

from nbcoach import __version__
from nbcoach.analysis import scoring
from nbcoach.analysis.cache import CACHE_FORMAT
from nbcoach.core import gitrepo
from nbcoach.core.config import ConfigLoader
from nbcoach.core.errors import UsageError
from nbcoach.core.project import state_dir
from nbcoach.core.tools import ruff_identity
from nbcoach.core.words import counted
from nbcoach.history.blobs import BlobJob, analyse_versions, paired_facts
from nbcoach.history.changes import Shape
from nbcoach.history.compare import compare, fill_shapes
from nbcoach.history.plan import plan_commits
from nbcoach.history.records import NOT_COUNTED, TWIN, BlobFacts, Version, never_graded
from nbcoach.history.store import FILE_NAME, Store
from nbcoach.workflow import commitsize

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
    paired: int = 0  # py:percent twins of this run counted with their notebooks, not graded
    twin_versions: int = 0  # versions of twins in the new commits: their notebooks stand for them
    reused: int = 0  # versions whose grade the store already had
    files: int = 0  # notebooks and .py files alive at HEAD, py:percent twins not counted
    store_bytes: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    marked: tuple[tuple[Version, str], ...] = ()  # (version, commit) not comparable, new commits


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
    _check_stamp(store, _stamp(root, configs), options.rebuild, notes)
    result = HistoryResult(root=str(root), store=str(store.path))
    tip = gitrepo.head(root)
    if tip is None:
        return replace(result, notes=(*notes, "the repository has no commits yet"))
    line = gitrepo.first_parent_line(root, tip)
    if gitrepo.is_shallow(root):
        notes.append(
            f"this clone is shallow: history sees only the {counted(len(line), 'commit')} it "
            "fetched; `git fetch --unshallow` reads the rest (in GitHub Actions: "
            "actions/checkout with fetch-depth: 0)"
        )
    base = _base(root, line, options.since, store, notes)
    if (store.meta("base") or "") != (base or ""):
        store.reset(keep_blobs=True)
        store.set_meta({"base": base or ""})
    line = line[line.index(base) :] if base else line
    common = _align(store, line, notes)
    last = store.last_versions()
    try:
        raw = gitrepo.log(root, line[common:])
    except UsageError:  # rename detection needs contents this clone lacks
        raw = gitrepo.log(root, line[common:], renames=False)
        notes.append(
            "git could not detect renames (this clone lacks some file contents): a renamed "
            "file is followed as a deletion and an addition"
        )
    loader = ConfigLoader()  # this run's configuration, read once and passed down
    project = loader.for_path(root)
    planned, wanted = plan_commits(root, raw, last, base if common == 0 else None, configs, loader)
    known = store.known_keys(wanted)
    jobs = [job for key, job in wanted.items() if key not in known]
    new_facts, shapes = _grade(root, store, jobs, configs, project.ruff_extend_select, options)
    keys = set(wanted) | {v.key for v in last} | {v.effective for v in last}
    facts = {**store.blob_facts(k for k in keys if k not in new_facts), **new_facts}
    fill_shapes(root, planned, shapes)
    commits, versions = compare(planned, last, facts, shapes, common, project.commit_size)
    store.add_commits(commits, versions)
    shas = {c.seq: c.sha for c in commits}
    live = [v for v in store.last_versions() if v.change != "D" and v.mark != TWIN]
    return replace(
        result,
        commits=len(line),
        new_commits=len(commits),
        analysed=sum(not job.twin for job in jobs),
        paired=sum(job.twin for job in jobs),
        reused=len(known),
        twin_versions=sum(v.mark == TWIN and v.change != "=" for v in versions),
        files=len(live),
        store_bytes=store.size(),
        seconds=round(time.perf_counter() - started, 3),
        notes=tuple(notes),
        marked=tuple(
            (v, shas[v.seq])
            for v in versions
            if v.mark in NOT_COUNTED
            and v.change != "="
            and not never_graded(v, facts.get(v.effective))
        ),
    )


def _check_stamp(store: Store, stamp: str, rebuild: bool, notes: list[str]) -> None:
    """Forget every grade when asked to, or when what grades depend on has changed."""
    if rebuild:
        store.reset(keep_blobs=False)
    elif store.meta("stamp") not in (None, stamp):
        store.reset(keep_blobs=False)
        notes.append("nbcoach, ruff or the configuration changed: every version is graded again")
    store.set_meta({"stamp": stamp})


def _align(store: Store, line: Sequence[str], notes: list[str]) -> int:
    """How many stored commits are still the start of the line; the rest are dropped."""
    stored = store.commit_shas()
    common = 0
    while common < min(len(stored), len(line)) and stored[common] == line[common]:
        common += 1
    if common < len(stored):
        store.truncate(common)
        after = stored[common - 1][:10] if common else "the start"
        notes.append(
            f"the history was rewritten after {after}: "
            f"{counted(len(stored) - common, 'stored commit')} replaced"
        )
    return common


def _stamp(root: Path, configs: Sequence[str]) -> str:
    """What every grade depends on besides the file: versions, and the configuration files."""
    versions = (
        f"{__version__}\0{CACHE_FORMAT}\0{scoring.REVISION}\0{commitsize.REVISION}\0"
        f"{ruff_identity()}"
    )
    digest = hashlib.sha256(versions.encode())
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


def _grade(
    root: Path,
    store: Store,
    jobs: Sequence[BlobJob],
    configs: Sequence[str],
    extend: Sequence[str],
    options: HistoryOptions,
) -> tuple[dict[str, BlobFacts], dict[str, Shape | None]]:
    facts = {job.key: paired_facts(job) for job in jobs if job.twin}
    store.add_blobs(list(facts.values()))
    shapes: dict[str, Shape | None] = {}
    pending: list[BlobFacts] = []
    graded = [job for job in jobs if not job.twin]
    for item, shape, blob in analyse_versions(
        root, graded, configs, extend, options.jobs, options.progress
    ):
        facts[item.key] = item
        shapes[blob] = shape
        pending.append(item)
        if len(pending) >= 100:
            store.add_blobs(pending)
            pending = []
    store.add_blobs(pending)
    return facts, shapes
