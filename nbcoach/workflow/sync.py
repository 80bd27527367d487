"""`nbcoach sync` and `nbcoach pair`: bring pairs in sync, and pair notebooks, without losing text.

The side edited since the last sync wins; when both were, nothing is written and the message
says how to resolve it. Every write is atomic and recorded (syncstate.py) so the next decision
knows what was synced. With `staged=True` (the pre-commit hook) both sides are read from the git
index, and what is written is also staged, so the commit carries a consistent pair in one go --
no "git index is outdated" round trips (jupytext#967, #1442): a file git ignores is written but
never staged, and a side with unstaged edits is never overwritten.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from nbcoach.analysis.discover import discover, excluded_by, project_scope
from nbcoach.analysis.pairs import Pair, find_pair, other_language
from nbcoach.core import gitindex
from nbcoach.core.errors import InputError, NbcoachError, UsageError
from nbcoach.core.files import (
    Stamp,
    exclusive,
    read_user_file,
    shell_word,
    shown,
    stamp_of,
    write_atomic,
)
from nbcoach.core.project import state_dir
from nbcoach.workflow import syncstate
from nbcoach.workflow.pairing import (
    cells_digest,
    notebook_cells,
    notebook_text,
    text_text,
    updated_notebook,
)
from nbcoach.workflow.pairstate import (
    PairStatus,
    Sides,
    judge,
    read_sides,
    sides_texts,
    state_key,
)

Prefer = Literal["notebook", "text"]
Outcome = Literal["in-sync", "updated", "would-update", "refused", "unpaired", "skipped", "error"]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What happened to one pair (or one input that is not part of a pair)."""

    path: Path
    outcome: Outcome
    message: str
    status: PairStatus | None = None
    written: tuple[Path, ...] = ()
    staged: tuple[str, ...] = ()
    diff: str = ""


@dataclass(frozen=True, slots=True)
class SyncOptions:
    prefer: Prefer | None = None  # resolves both-changed pairs only
    dry_run: bool = False
    staged: bool = False
    show_diff: bool = False
    # Text files named on the command line: their notebook is written even if it was deleted
    # (naming the .py says so); found in a folder, a pair whose notebook was deleted is left.
    named: frozenset[Path] = frozenset()


@dataclass(slots=True)
class _Plan:
    target: Path
    content: bytes
    digest: str
    diff: str = ""
    notes: list[str] = field(default_factory=list)


def sync(paths: Sequence[str], options: SyncOptions = SyncOptions()) -> list[SyncResult]:
    """Sync every pair the inputs belong to (folders are searched); one result per pair."""
    if options.staged and not paths and os.environ.get("PRE_COMMIT") == "1":
        # pre-commit runs the hook with no file names when no staged file is one it handles
        # (`always_run`, for the pair-left-behind check): syncing every staged pair here would
        # pass over the config's `exclude`/`files` and a merge's "conflicted files only"
        return _left_behind()
    inputs, errors, excluded = _inputs(paths, options.staged)
    results = [SyncResult(Path(path), "error", error) for path, error in errors] + excluded
    if options.staged:
        results += _left_behind()
    else:
        options = replace(options, named=frozenset(_resolved_files(paths)))
    seen: set[Path] = set()
    for path in inputs:
        pair = find_pair(path)
        if pair is None:
            if path.suffix == ".ipynb" and not options.staged:
                unreadable = _unreadable(path)
                if unreadable is not None:  # `nbcoach pair` could not pair it either
                    results.append(SyncResult(path, "error", unreadable))
                else:
                    results.append(
                        SyncResult(path, "unpaired", "not paired; `nbcoach pair` pairs it")
                    )
            elif path.suffix == ".py" and path.resolve() in options.named:
                # named on purpose, so said: a plain script, not a side of a pair
                results.append(
                    SyncResult(
                        path,
                        "unpaired",
                        "not paired: no notebook of its name beside it, and no pairing "
                        "(`formats:`) in a jupytext header or jupytext.toml",
                    )
                )
            continue
        key = pair.notebook.resolve()
        if key in seen:
            continue
        seen.add(key)
        foreign = other_language(pair)
        if foreign is not None:
            results.append(SyncResult(pair.notebook, "skipped", _foreign(pair, foreign)))
            continue
        try:
            results.append(sync_pair(pair, options))
        except NbcoachError as error:
            results.append(SyncResult(pair.notebook, "error", str(error)))
    return results


def _inputs(
    paths: Sequence[str], staged: bool
) -> tuple[list[Path], list[tuple[str, str]], list[SyncResult]]:
    """The files to look at, (path, message) for inputs that do not exist (reported; the other
    inputs are still synced), and what `[tool.nbcoach] exclude` left out (said, not synced)."""
    if staged and not paths:
        root = gitindex.top_level(Path.cwd())
        if root is None:
            raise UsageError("--staged needs a git repository")
        scope = project_scope([str(root)])
        files, skipped = [], []
        for name in gitindex.staged_files(root):
            pattern = excluded_by(root / name, scope)
            if pattern is None:
                files.append(root / name)
            elif name.endswith((".ipynb", ".py")):
                skipped.append(_excluded(root / name, pattern))
        return files, [], skipped
    found = discover(paths)
    errors = [(error.split(":", 1)[0], error) for error in found.errors]
    skipped = [_excluded(Path(path), pattern) for path, pattern in found.excluded]
    return [target.path for target in found.targets], errors, skipped


def _excluded(path: Path, pattern: str) -> SyncResult:
    return SyncResult(path, "skipped", f"excluded by [tool.nbcoach] exclude ({pattern})")


def sync_pair(pair: Pair, options: SyncOptions) -> SyncResult:
    """Judge a pair and bring it in sync; two runs on one project take turns (each reads,
    writes and records the pair as one step), so neither records a state the other undid."""
    if options.dry_run:
        return _sync_pair(pair, options)
    root, _ = state_key(pair)
    try:
        lock = state_dir(root) / "sync.lock"  # where the sync record lives (git-ignored)
    except NbcoachError:  # a read-only project: nothing will be written anyway
        return _sync_pair(pair, options)
    with exclusive(lock):
        return _sync_pair(pair, options)


def _sync_pair(pair: Pair, options: SyncOptions) -> SyncResult:
    # Taken before reading: a save from Jupyter while we work makes the write refuse.
    stamps = {side: stamp_of(side) for side in (pair.notebook, pair.text)}
    sides = read_sides(pair, options.staged)
    status = judge(sides)
    if status.state == "in-sync":
        if not options.dry_run and sides.notebook_digest is not None:
            _remember(pair, sides.notebook_digest)
        return SyncResult(pair.notebook, "in-sync", f"in sync with {shown(pair.text)}", status)
    state = status.state
    if state == "text-newer" and sides.notebook_digest is None:
        gone = _deleted(pair, sides) if pair.text.resolve() not in options.named else None
        if gone is not None:
            return SyncResult(pair.notebook, "skipped", gone, status)
    if state == "both-changed":
        if options.prefer is None:
            return SyncResult(
                pair.notebook,
                "refused",
                _both_changed(pair, status),
                status,
                diff=_sides_diff(sides) if options.show_diff else "",
            )
        state = "notebook-newer" if options.prefer == "notebook" else "text-newer"
    if options.staged and state == "text-newer":
        sides = _stripped_by_a_hook(sides)
    plan = _plan(sides, state == "notebook-newer")
    if options.dry_run:
        return SyncResult(
            pair.notebook,
            "would-update",
            f"would write {shown(plan.target)} from {shown(_other(pair, plan.target))}"
            f" ({status.reason})",
            status,
            diff=plan.diff,
        )
    staged = _write(plan, options.staged, stamps[plan.target])
    _remember(pair, plan.digest)
    message = (
        f"wrote {shown(plan.target)} from {shown(_other(pair, plan.target))} ({status.reason})"
        + "".join(f"; {note}" for note in plan.notes)
    )
    return SyncResult(
        pair.notebook,
        "updated",
        message,
        status,
        written=(plan.target,),
        staged=staged,
        diff=plan.diff if options.show_diff else "",
    )


def _unreadable(path: Path) -> str | None:
    """What `report` would say of a notebook that cannot be read, else None."""
    from nbcoach.analysis.notebook import parse_bytes

    try:
        parse_bytes(read_user_file(path), shown(path))
    except InputError as error:
        return str(error)
    return None


def _resolved_files(paths: Sequence[str]) -> Iterator[Path]:
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path.resolve()


def _deleted(pair: Pair, sides: Sides) -> str | None:
    """Why a pair's missing notebook is not written again from its text, or None when it was
    never there (a clone that holds only the .py files: writing the notebook is the point). A
    notebook this copy synced before, or one a commit deleted, was deleted or moved on
    purpose; writing it back would bring a renamed notebook back as a second copy."""
    root = gitindex.top_level(pair.notebook.parent)
    if root is not None and gitindex.is_ignored(root, gitindex.relative(root, pair.notebook)):
        return None  # the team keeps the .py files only: writing the notebook is the point
    if sides.base is None:
        commit = None if root is None else gitindex.deleted_by(root, pair.notebook)
        if commit is None:
            return None
        why = f"commit {commit} deleted it"
    else:
        why = "it was there when the pair was last synced"
    text = shown(pair.text)
    return (
        f"not written again from {text}: the notebook was deleted or moved ({why}). To write "
        f"it back, name the .py: `nbcoach sync {text}`; if it went on purpose, {text} is left "
        f"over (`git rm {text}`)"
    )


def _left_behind() -> list[SyncResult]:
    """In a commit that deletes or moves a paired notebook: its text twin, if it stays, said
    (not moved: the user decides where it goes). A notebook only taken out of the index (`git
    rm --cached`, git-ignored from now on: the team keeps the .py files only) is no deletion."""
    root = gitindex.top_level(Path.cwd())
    if root is None:
        return []
    changes = gitindex.staged_changes(root)
    leaving = {change.path for change in changes if change.status == "D"}
    leaving |= {change.old_path for change in changes if change.status == "R"}
    results = []
    for change in changes:
        old = change.old_path if change.status == "R" else change.path
        if change.status not in ("D", "R") or not old.endswith(".ipynb"):
            continue
        if change.status == "D" and ((root / old).exists() or gitindex.is_ignored(root, old)):
            continue
        pair = find_pair(root / old)
        if pair is None or not pair.text.is_file():
            continue
        twin = gitindex.relative(root, pair.text)
        if twin in leaving:
            continue
        if change.status == "R" and find_pair(root / change.path) is None:
            moved = Path(change.path).with_suffix(pair.text.suffix).as_posix()
            advice = f"move it with the notebook: `git mv {twin} {moved}`"
        elif change.status == "R":  # the moved notebook is paired anew (a jupytext config)
            advice = f"delete it, {change.path} has a pair of its own: `git rm {twin}`"
        else:
            advice = f"delete it too: `git rm {twin}`"
        results.append(
            SyncResult(
                root / old,
                "skipped",
                f"this commit {'moves' if change.status == 'R' else 'deletes'} the notebook "
                f"but not its pair {twin}; {advice}",
            )
        )
    return results


def _stripped_by_a_hook(sides: Sides) -> Sides:
    """The notebook to rebuild from the text, in a commit under pre-commit: the working copy
    when it holds the staged cells with other outputs. pre-commit set unstaged changes aside,
    so such a difference is an earlier hook's (nbstripout stripped the staged notebook): built
    on the staged copy instead, the notebook would get its outputs back, pre-commit would
    fail this hook too for modifying the file, and the next attempt nbstripout again."""
    pair = sides.pair
    hidden = gitindex.unstaged_under_precommit()
    root = gitindex.top_level(pair.notebook.parent)
    if sides.notebook is None or hidden is None or root is None:
        return sides
    if gitindex.relative(root, pair.notebook) in hidden:
        return sides  # the user's own unstaged edits: _write refuses, as ever
    from nbcoach.analysis.notebook import same_cells

    try:
        disk = pair.notebook.read_bytes()
        same = disk != sides.notebook and same_cells(sides.notebook, disk, shown(pair.notebook))
    except (OSError, InputError):
        return sides
    return replace(sides, notebook=disk) if same else sides


def _plan(sides: Sides, notebook_wins: bool) -> _Plan:
    pair = sides.pair
    if notebook_wins:
        assert sides.notebook is not None and sides.notebook_digest is not None
        new_text = notebook_text(sides.notebook, pair)
        old_text = sides.text or ""
        return _Plan(
            pair.text,
            new_text.encode("utf-8"),
            sides.notebook_digest,
            _diff(old_text, new_text, pair.text),
        )
    assert sides.text is not None and sides.text_digest is not None
    written = updated_notebook(sides.text, sides.notebook, pair)
    before = "" if sides.notebook is None else notebook_text(sides.notebook, pair)
    return _Plan(
        pair.notebook,
        written.content,
        sides.text_digest,
        _diff(before, text_text(sides.text, pair), pair.notebook),
        [written.note] if written.note else [],
    )


def _write(plan: _Plan, staged: bool, stamp: Stamp | None) -> tuple[str, ...]:
    """Write the winning side's content (unless the target changed since it was read); in a
    hook, stage it too (unless git ignores it)."""
    if not staged:
        write_atomic(plan.target, plan.content, unchanged_since=stamp)
        return ()
    root = gitindex.top_level(plan.target.parent if plan.target.parent.is_dir() else Path.cwd())
    if root is None:
        write_atomic(plan.target, plan.content, unchanged_since=stamp)
        return ()
    relative = gitindex.relative(root, plan.target)
    # Under pre-commit the working tree already equals the index (pre-commit set unstaged
    # changes aside), so only its patch says which files have them; elsewhere (the plain git
    # hooks, `nbcoach sync --staged` by hand) comparing the file with the index does.
    hidden = gitindex.unstaged_under_precommit()
    if (hidden is not None and relative in hidden) or (
        hidden is None and plan.target.exists() and gitindex.worktree_differs(root, relative)
    ):
        raise NbcoachError(
            f"{relative} has unstaged changes (an `nbcoach sync` not staged yet?) and its pair is "
            "staged, so the commit would not hold a consistent pair. Stage it too "
            f"(git add {relative}) or set its changes aside (git stash), then commit again"
        )
    tracked = gitindex.is_tracked(root, relative)
    created = not plan.target.exists()
    write_atomic(plan.target, plan.content, unchanged_since=stamp)
    if tracked or (created and not gitindex.is_ignored(root, relative)):
        gitindex.add(root, [relative])
        return (relative,)
    return ()


def _remember(pair: Pair, digest: str) -> None:
    root, key = state_key(pair)
    if syncstate.load(root).get(key) != digest:
        syncstate.record(root, {key: digest})


def _foreign(pair: Pair, language: str) -> str:
    """Why a notebook in another language is not synced with its .py, and how to pair it."""
    notebook = shown(pair.notebook)
    return (
        f"skipped: kernel language is {language}; nbcoach pairs Python notebooks with .py files "
        f"(to pair it with a script in its own language: "
        f"nbcoach pair {shell_word(notebook)} --format auto:percent)"
    )


def _both_changed(pair: Pair, status: PairStatus) -> str:
    notebook, text = shown(pair.notebook), shown(pair.text)
    return (
        f"{notebook} and {text} differ: {status.reason}. Nothing was written. See the "
        f"differences with `nbcoach sync --diff {notebook}`, copy what you need into one side, "
        f"then keep it with `nbcoach sync --prefer notebook {notebook}` (or `--prefer text`)"
    )


def _sides_diff(sides: Sides) -> str:
    """How the text side differs from the notebook (as text): what `--diff` shows for a pair
    it refuses to sync, so the user can pick what to keep from each side."""
    pair = sides.pair
    notebook, text = sides_texts(sides)
    return _unified(notebook, text, _label(pair.notebook), shown(pair.text))


def _other(pair: Pair, target: Path) -> Path:
    return pair.text if target == pair.notebook else pair.notebook


def _diff(old: str, new: str, path: Path) -> str:
    """A change to one file, labelled as git labels it."""
    return _unified(old, new, f"a/{_label(path)}", f"b/{_label(path)}")


def _label(path: Path) -> str:
    return shown(path) + (" (cells, as text)" if path.suffix == ".ipynb" else "")


def _unified(old: str, new: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=before,
            tofile=after,
        )
    )


@dataclass(frozen=True, slots=True)
class PairOptions:
    format: str | None = None  # None: as a configuration declares it, else py:percent
    folder: str | None = None  # the text side's folder, relative to the notebook's
    force: bool = False  # pair even when a cell would not round-trip or a .py is in the way
    dry_run: bool = False


def pair_notebooks(paths: Sequence[str], options: PairOptions = PairOptions()) -> list[SyncResult]:
    """Pair each notebook with a text file and write it. A pairing declared already (notebook
    metadata, jupytext.toml, `[tool.jupytext]`) is respected unless `format` or `folder` asks
    for another one; then the notebook's metadata gets `jupytext.formats`, as
    `jupytext --set-formats` would write it (metadata wins over a configuration). Changing the
    pairing of a notebook whose text side exists needs `force`."""
    from nbcoach.workflow.pairing import check_format

    if options.format is not None:
        check_format(options.format)
    results: list[SyncResult] = []
    for given in _notebooks_in(paths, results):
        path = Path(given)
        pattern = excluded_by(path, project_scope([given])) if path.is_file() else None
        if pattern is not None:
            results.append(_excluded(path, pattern))
            continue
        try:
            results.append(_pair_one(path, options))
        except NbcoachError as error:
            results.append(SyncResult(path, "error", str(error)))
    return results


def _notebooks_in(paths: Sequence[str], results: list[SyncResult]) -> list[str]:
    """Each path as given, a folder as the notebooks a folder search finds in it (the report's
    search: what git ignores and `exclude` stay out, and are said so)."""
    found: list[str] = []
    for given in paths:
        if not Path(given).is_dir():
            found.append(given)
            continue
        discovery = discover([given])
        results += [_excluded(Path(path), pattern) for path, pattern in discovery.excluded]
        found += [
            str(target.path) for target in discovery.targets if target.path.suffix == ".ipynb"
        ]
    return found


def _pair_one(path: Path, options: PairOptions) -> SyncResult:
    from nbcoach.analysis.pairs import DEFAULT_FORMAT, twin_pair
    from nbcoach.workflow.pairing import roundtrip_losses, with_formats

    if not path.exists():
        raise NbcoachError(f"{shown(path)}: no such file or directory")
    if path.suffix != ".ipynb" or not path.is_file():
        raise NbcoachError(f"{shown(path)}: not a notebook file (.ipynb)")
    stamp = stamp_of(path)
    data = read_user_file(path)
    declared = find_pair(path)
    if declared is not None and declared.notebook.resolve() != path.resolve():
        declared = None
    formats = requested = None
    if options.format is not None or options.folder is not None:
        prefix = f"{options.folder.strip('/')}//" if options.folder else ""
        formats = f"ipynb,{prefix}{options.format or DEFAULT_FORMAT}"
        requested = _pair_declared_by(path, with_formats(data, formats, path))
    elif declared is None:
        # The default pairing needs no change to the notebook: a py:percent twin whose
        # jupytext header says so is a pair (analysis/pairs.py), and the first pair of a
        # repository must not rewrite its notebooks.
        requested = twin_pair(path)
    replaced: Pair | None = None
    if declared is not None and (requested is None or _same_pair(declared, requested)):
        pair, formats = declared, None
    elif declared is not None and declared.text.exists():
        assert requested is not None
        refusal = _repair_refusal(path, declared, requested, options)
        if refusal is not None:
            return refusal
        pair, replaced = requested, declared
    else:  # nothing declared, or a declared pairing whose text side does not exist yet
        assert requested is not None
        pair = requested
    foreign = other_language(pair)
    if foreign is not None:
        return SyncResult(path, "skipped", _foreign(pair, foreign))
    if declared is not None and replaced is None and formats is None and pair.text.exists():
        status = judge(read_sides(pair))
        note = "" if status.in_sync else "; `nbcoach sync` brings it up to date"
        return SyncResult(
            path,
            "in-sync",
            f"already paired with {shown(pair.text)} ({pair.format}, {status.state}){note}",
            status,
        )
    if formats is not None:
        data = with_formats(data, formats, path)
    if pair.text.exists() and replaced is None and not options.force:
        raise NbcoachError(
            f"{shown(pair.text)} exists and is not this notebook's pair; move it away or pass "
            "--force"
        )
    losses = roundtrip_losses(data, pair)
    if losses and not options.force:
        raise NbcoachError(f"{shown(path)}: {losses[0]}; fix that cell or pass --force")
    text = notebook_text(data, pair)
    message = f"paired with {shown(pair.text)} ({pair.format}, {pair.origin})"
    if replaced is not None:
        message = "re-" + message + f"; was {shown(replaced.text)} ({replaced.format})"
        if replaced.text.resolve() != pair.text.resolve():
            message += ", which is no longer paired: remove it when you no longer need it"
    if options.dry_run:
        return SyncResult(
            path, "would-update", "would be " + message, diff=_diff("", text, pair.text)
        )
    text_stamp = stamp_of(pair.text)
    if formats is not None:
        write_atomic(path, data, unchanged_since=stamp)
    write_atomic(pair.text, text, unchanged_since=text_stamp)
    _remember(pair, cells_digest(notebook_cells(data, pair)))
    written = (path, pair.text) if formats is not None else (pair.text,)
    return SyncResult(path, "updated", message, written=written)


def _same_pair(declared: Pair, requested: Pair) -> bool:
    return (
        declared.text.resolve() == requested.text.resolve() and declared.format == requested.format
    )


def _repair_refusal(
    path: Path, declared: Pair, requested: Pair, options: PairOptions
) -> SyncResult | None:
    """Why the pairing of `path` is not changed to `requested` (None: it may be): without
    --force the existing pairing stands, and a pair out of sync is synced first so that no
    edit on its text side is lost."""
    notebook = shown(path)
    asked = " ".join(
        f"{flag} {value}"
        for flag, value in (("--format", options.format), ("--folder", options.folder))
        if value is not None
    )
    if not options.force:
        return SyncResult(
            path,
            "refused",
            f"{notebook} is already paired with {shown(declared.text)} ({declared.format}, "
            f"{declared.origin}); nothing was written. To pair it with "
            f"{shown(requested.text)} ({requested.format}) instead: "
            f"nbcoach pair {shell_word(notebook)} {asked} --force",
        )
    status = judge(read_sides(declared))
    if not status.in_sync:
        return SyncResult(
            path,
            "refused",
            f"{notebook} and {shown(declared.text)} are not in sync ({status.reason}); nothing "
            f"was written. Run `nbcoach sync {shell_word(notebook)}` first, then pair it again",
            status,
        )
    return None


def _pair_declared_by(path: Path, notebook: bytes) -> Pair:
    """The pair the new metadata declares (found the same way as any other pair)."""
    from nbcoach.analysis.pairs import pair_from_metadata

    pair = pair_from_metadata(path, notebook)
    if pair is None:
        raise NbcoachError(f"{path}: jupytext cannot pair it with that format or folder")
    return pair
