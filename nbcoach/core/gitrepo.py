"""The git adapter for history: commits, their changed files, and file contents in bulk.

Nothing is checked out. The first-parent line of commits comes from one `git log` with raw
diffs (`--raw -M`: blob ids and renames, no content), contents from one long-lived
`git cat-file --batch` process, so a history of thousands of commits costs a handful of git
processes instead of one checkout per commit. Git runs through gitindex.run, without the time
limit hooks have: the log of a large repository may take minutes.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from nbcoach.core.errors import UsageError
from nbcoach.core.gitindex import paths_after, run, top_level

_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = _RECORD + _FIELD.join(["%H", "%P", "%aN", "%aE", "%aI", "%cI", "%s"])
_REGULAR_FILE = ("100644", "100755")
_CONFIG_NAMES = ("pyproject.toml", "ruff.toml", ".ruff.toml")


@dataclass(frozen=True, slots=True)
class RawChange:
    """One file changed by a commit, against its first parent. `status` is A, M, D or R."""

    status: str
    path: str
    blob: str  # the new content; "" when deleted
    old_path: str = ""  # the path before a rename
    old_blob: str = ""


@dataclass(frozen=True, slots=True)
class RawCommit:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: str  # ISO 8601 with offset, as git prints it
    committed: str
    subject: str
    changes: tuple[RawChange, ...]


def toplevel(path: Path) -> Path:
    """The top of the repository holding `path`; a UsageError saying why history needs one."""
    if not path.exists():
        raise UsageError(f"{path}: no such directory")
    top = top_level(path)
    if top is None:
        raise UsageError(f"{path}: not inside a git repository (history reads git's history)")
    return top


def head(root: Path) -> str | None:
    """The commit HEAD points at, or None in a repository without commits."""
    out = run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    return out.decode().strip() or None


def first_parent_line(root: Path, tip: str) -> list[str]:
    """Every commit on the first-parent line of `tip`, oldest first."""
    out = run(root, "rev-list", "--first-parent", "--reverse", tip, timeout=None)
    return out.decode().split()


def resolve_since(root: Path, since: str) -> tuple[str | None, str | None]:
    """`--since` as (commit, None) when it names a commit, else (None, ISO date)."""
    out = run(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}", check=False)
    if out.strip():  # --quiet: nothing on stdout unless it names a commit
        return out.decode().strip(), None
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        raise UsageError(
            f"--since {since!r}: neither a commit of this repository nor a date (YYYY-MM-DD)"
        ) from None
    return None, moment.isoformat()


def commits_since_date(root: Path, tip: str, date: str) -> list[str]:
    out = run(root, "rev-list", "--first-parent", "--reverse", f"--since={date}", tip, timeout=None)
    return out.decode().split()


def is_shallow(root: Path) -> bool:
    return run(root, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true"


def log(root: Path, shas: Sequence[str], renames: bool = True) -> list[RawCommit]:
    """The given first-parent commits (a contiguous run, oldest first) with their file changes.

    Merge commits are diffed against their first parent: what the merge brought to the line.
    Authors are named as `.mailmap` maps them (`%aN`, `%aE`, as `git shortlog` does). Rename
    detection reads the contents of added and deleted files; `renames=False` is for a clone
    that lacks some of them.
    """
    if not shas:
        return []
    first, last = shas[0], shas[-1]
    parents = run(root, "rev-list", "--parents", "-n", "1", first).decode().split()[1:]
    revision = [last, f"^{parents[0]}"] if parents else [last]
    out = run(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--raw",
        "-M" if renames else "--no-renames",
        "--no-abbrev",
        "--root",
        "--reverse",
        "-z",
        f"--format={_FORMAT}",
        *revision,
        "--",
        timeout=None,
    )
    commits = [_parse_commit(chunk) for chunk in out.decode("utf-8", "replace").split(_RECORD)[1:]]
    wanted = set(shas)
    return [commit for commit in commits if commit.sha in wanted]


def _parse_commit(chunk: str) -> RawCommit:
    header, _, body = chunk.partition("\0")
    sha, parents, author, email, authored, committed, subject = header.split(_FIELD, 6)
    tokens = body.lstrip("\n").split("\0")
    changes: list[RawChange] = []
    index = 0
    while index < len(tokens):
        meta = tokens[index]
        if not meta.startswith(":"):
            index += 1
            continue
        old_mode, new_mode, old_blob, new_blob, status = meta[1:].split(" ")
        kind = status[0]
        old_path, path, index = paths_after(tokens, index, kind)
        change = _change(kind, path, old_path, old_mode, new_mode, old_blob, new_blob)
        changes.extend(change)
    return RawCommit(
        sha, tuple(parents.split()), author, email, authored, committed, subject, tuple(changes)
    )


def _change(
    kind: str, path: str, old_path: str, old_mode: str, new_mode: str, old_blob: str, new_blob: str
) -> list[RawChange]:
    """Normalise git's statuses to A/M/D/R over regular files (symlinks, submodules dropped)."""
    old_ok, new_ok = old_mode in _REGULAR_FILE, new_mode in _REGULAR_FILE
    if kind == "R" and old_ok and new_ok:
        return [RawChange("R", path, new_blob, old_path, old_blob)]
    if kind in "RC":
        out = [] if kind == "C" or not old_ok else [RawChange("D", old_path, "", "", old_blob)]
        return [*out, RawChange("A", path, new_blob)] if new_ok else out
    if kind == "D":
        return [RawChange("D", path, "", "", old_blob)] if old_ok else []
    if kind == "A" or not old_ok:
        return [RawChange("A", path, new_blob)] if new_ok else []
    if not new_ok:  # a file became a symlink or submodule
        return [RawChange("D", path, "", "", old_blob)]
    return [RawChange("M", path, new_blob, "", old_blob)]


def tree_files(root: Path, commit: str) -> dict[str, str]:
    """path -> blob id of every regular file in a commit's tree."""
    out = run(root, "ls-tree", "-r", "-z", "--full-tree", commit, timeout=None)
    files: dict[str, str] = {}
    for entry in out.decode("utf-8", "replace").split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, kind, blob = meta.split(" ")
        if kind == "blob" and mode in _REGULAR_FILE:
            files[path] = blob
    return files


def branch_authors(root: Path, merge: RawCommit) -> dict[str, tuple[str, str]]:
    """For a merge: path -> (name, email) of the merged branch's last commit that touched it.

    A merge commit's author only pressed the button; the branch's commits carry the work.
    """
    if len(merge.parents) < 2:
        return {}
    out = run(
        root,
        "log",
        "--no-merges",
        "--name-only",
        "-M",
        "-z",
        f"--format={_RECORD}%aN{_FIELD}%aE",
        f"{merge.parents[0]}..{merge.sha}",
        "--",
        timeout=None,
    )
    authors: dict[str, tuple[str, str]] = {}
    for chunk in out.decode("utf-8", "replace").split(_RECORD)[1:]:
        header, _, body = chunk.partition("\0")
        name, email = header.split(_FIELD, 1)
        for path in body.lstrip("\n").split("\0"):
            if path:
                authors.setdefault(path, (name, email.strip()))
    return authors


def config_files(root: Path) -> list[str]:
    """Configuration files in the checkout (tracked or not, not ignored) that ruff may read."""
    specs = [f":(glob)**/{name}" for name in _CONFIG_NAMES]
    out = run(root, "ls-files", "-co", "--exclude-standard", "-z", "--", *specs, timeout=None)
    return sorted({p for p in out.decode("utf-8", "replace").split("\0") if p})


def read_blobs(root: Path, blobs: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """Contents of many blobs from one `git cat-file --batch`; ids are written by a thread so
    that neither pipe can fill up and block the other side. A blob this clone does not have
    (a partial or damaged clone) is left out: it costs the versions that need it, not the run."""
    wanted = list(dict.fromkeys(blobs))
    if not wanted:
        return
    process = subprocess.Popen(
        ["git", "-C", str(root), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def feed() -> None:
        try:
            for blob in wanted:
                stdin.write(blob.encode() + b"\n")
            stdin.close()
        except BrokenPipeError:  # pragma: no cover - git died; the reader reports it
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for blob in wanted:
            header = stdout.readline().decode().split()
            if len(header) == 2 and header[1] == "missing":
                continue
            if len(header) != 3:
                raise UsageError(f"git cat-file could not read blob {blob}")
            data = stdout.read(int(header[2]))
            stdout.read(1)  # the newline after each object
            yield blob, data
    finally:
        writer.join()
        stdout.close()
        process.wait()
