"""Commit-size coaching: is the staged commit a big bang, and how could it be split?

Sizes are measured on what a reviewer reads. A notebook's changed lines are counted on its cells'
sources (code and markdown), never on its JSON: re-running a notebook rewrites outputs, counts
and metadata, and that churn is not work to review. A paired `.py` counts once, with its
notebook. Functions count when added, removed or changed (compared by their syntax tree, so a
moved cell does not count). Other files (data, configs) are not counted.

This module holds the one definition of those numbers: `nbcoach history` sizes every commit
of the past with the same `read_source`, `count_change`, `counted_with` and `text_side_base`,
so a commit the hook called fine is not a big bang in the team's history, nor the reverse.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from nbcoach.analysis.facts import collect, digest
from nbcoach.analysis.notebook import decode_python, is_text_notebook, parse_bytes
from nbcoach.analysis.pairs import DEFAULT_FORMAT, Pair, text_side_of
from nbcoach.analysis.parse import parse_cells
from nbcoach.core import gitindex
from nbcoach.core.config import CommitSize, load_config
from nbcoach.core.errors import InputError
from nbcoach.core.model import Notebook
from nbcoach.core.words import counted
from nbcoach.workflow.pairing import notebook_text


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str  # relative to the repository top
    lines: int  # added + removed source lines
    functions: tuple[str, ...]  # qualified names added, removed or changed
    also: tuple[str, ...] = ()  # its pair, counted with it


@dataclass(frozen=True, slots=True)
class SizeReport:
    files: tuple[FileChange, ...]
    limits: CommitSize
    notes: tuple[str, ...] = ()

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    @property
    def functions(self) -> int:
        return sum(len(f.functions) for f in self.files)

    @property
    def notebooks(self) -> int:
        return len(self.files)

    @property
    def over(self) -> tuple[str, ...]:
        """One phrase per limit the commit is over."""
        checks: tuple[tuple[int, int, tuple[str, ...]], ...] = (
            (self.lines, self.limits.max_lines, ("changed line",)),
            (self.functions, self.limits.max_functions, ("changed function",)),
            (self.notebooks, self.limits.max_notebooks, _FILES),
        )
        return tuple(
            f"{counted(value, *noun, grouped=True)} (limit {limit:,})"
            for value, limit, noun in checks
            if value > limit
        )

    @property
    def summary(self) -> str:
        """`10 changed source lines, 1 function, 2 notebooks and .py files`."""
        return ", ".join(
            (
                counted(self.lines, "changed source line", grouped=True),
                counted(self.functions, "function", grouped=True),
                counted(self.notebooks, *_FILES, grouped=True),
            )
        )


_FILES = ("notebook or .py file", "notebooks and .py files")


# --- the one definition of a change's size -----------------------------------------------

REVISION = 2  # bump when what is counted changes: history then sizes its commits afresh


@dataclass(frozen=True, slots=True)
class Source:
    """What is counted of one version of a file: a key per line of its cells' sources, a
    cell's kind marking where it starts (a split or merged cell is a changed line), and a
    digest of each function's syntax tree by qualified name."""

    lines: tuple[int, ...] = ()
    functions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Counted:
    """How much changed between two versions of one file."""

    added: int = 0
    removed: int = 0
    functions: tuple[str, ...] = ()  # qualified names added, removed or changed

    @property
    def lines(self) -> int:
        return self.added + self.removed


def read_source(path: str, data: bytes) -> Source:
    """The counted source of a file's content (raises InputError when it cannot be read)."""
    return source_of(parse_bytes(data, path))


def source_of(notebook: Notebook) -> Source:
    lines: list[int] = []
    for cell in notebook.cells:
        if notebook.format != "script":
            lines.append(_line_key(f"<{cell.kind} cell>"))
        lines.extend(_line_key(line) for line in cell.source.split("\n"))
    functions: dict[str, str] = {}
    for parsed in parse_cells(notebook):
        if parsed.tree is None:
            continue
        for function in collect(parsed).functions:
            functions[function.qualname] = digest(function.node)
    return Source(tuple(lines), tuple(sorted(functions.items())))


def _line_key(line: str) -> int:
    """A line as a number (history keeps thousands of versions in memory; 64 bits make a
    collision between two lines of one file practically impossible)."""
    hashed = hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(hashed.digest(), "big")


def count_change(before: Source | None, after: Source | None) -> Counted:
    """Lines added and removed (a line diff, as `git diff` counts them, of the cells' sources)
    and the functions whose syntax tree is new, gone or different."""
    old = before or Source()
    new = after or Source()
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old.lines, new.lines)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag != "equal":
            removed += old_end - old_start
            added += new_end - new_start
    old_functions, new_functions = dict(old.functions), dict(new.functions)
    names = sorted(
        (
            name
            for name in old_functions.keys() | new_functions.keys()
            if old_functions.get(name) != new_functions.get(name)
        ),
        key=natural,
    )
    return Counted(added, removed, tuple(names))


def counted_with(
    name: str, changed: Collection[str], notebook_of: Callable[[str], str | None]
) -> str | None:
    """The notebook a changed text side is counted with: a pair changed together is one file
    of the change, measured on its notebook. None: `name` counts on its own (it is no text
    side, or its notebook is not part of the change). `notebook_of` names the notebook a
    `.py` is the text side of; the staged commit asks jupytext, history its commit's tree."""
    if not name.endswith(".py"):
        return None
    notebook = notebook_of(name)
    return notebook if notebook is not None and notebook in changed else None


def text_side_base(path: str, text: bytes, notebook: bytes) -> bytes | None:
    """What a text side new to the repository is compared with when its notebook is already
    committed and not part of the change: that notebook written as this text side (what
    `nbcoach sync` writes), so adopting pairing counts 0 lines and an edit made to the text
    before committing counts as itself. None when `text` is not a text notebook (a plain
    script beside a notebook counts on its own) or the notebook cannot be read."""
    try:
        if not is_text_notebook(decode_python(text, path)):
            return None
        return notebook_text(notebook, _text_pair(path, text)).encode("utf-8")
    except (InputError, UnicodeDecodeError):
        return None


def _text_pair(path: str, text: bytes) -> Pair:
    """The pair a text side's own header declares (its format), beside its notebook."""
    match = re.search(rb"^#\s+format_name:\s*(\S+)", text[:4096], re.M)
    text_format = f"py:{match.group(1).decode()}" if match else DEFAULT_FORMAT
    location = Path(path)
    return Pair(location.with_suffix(".ipynb"), location, text_format, "text header")


# --- the staged commit ---------------------------------------------------------------------


def measure_staged(root: Path) -> SizeReport:
    """The staged commit against HEAD (renames followed, deletions counted as removed lines)."""
    staged = gitindex.staged_changes(root)
    limits = load_config(root).commit_size
    changed = {change.path for change in staged}
    notebooks = {change.path: _notebook_of(root, change) for change in staged}
    changes = []
    notes = []
    for change in staged:
        name = change.path
        if counted_with(name, changed, notebooks.get) is not None:
            continue
        before = gitindex.head_blob(root, change.old_path or name)
        after = None if change.status == "D" else gitindex.index_blob(root, name) or b""
        notebook = notebooks[name]
        if (
            change.status == "A"
            and after is not None
            and notebook is not None
            and notebook not in changed
        ):
            committed = gitindex.head_blob(root, notebook)
            before = text_side_base(name, after, committed) if committed is not None else None
        try:
            counted = count_change(
                read_source(change.old_path or name, before) if before is not None else None,
                read_source(name, after) if after is not None else None,
            )
        except InputError as error:
            notes.append(f"{name}: not measured ({error.reason})")
            continue
        also = tuple(
            other.path
            for other in staged
            if other.path != name and notebooks.get(other.path) == name
        )
        changes.append(FileChange(name, counted.lines, counted.functions, also))
    return SizeReport(tuple(c for c in changes if c.lines or c.functions), limits, tuple(notes))


def _notebook_of(root: Path, change: gitindex.StagedChange) -> str | None:
    """The notebook a staged `.py` is the text side of: as jupytext pairs the file in the
    checkout; for a deleted one, the notebook beside it when it was a text notebook (as
    history decides)."""
    name = change.path
    if not name.endswith(".py"):
        return None
    if change.status != "D":
        pair = text_side_of(root / name)
        return None if pair is None else gitindex.relative(root, pair.notebook)
    committed = gitindex.head_blob(root, name)
    try:
        is_text = committed is not None and is_text_notebook(decode_python(committed, name))
    except InputError:
        is_text = False
    return name[:-3] + ".ipynb" if is_text else None


def compare(path: str, before: bytes | None, after: bytes) -> FileChange:
    """Changed source lines and functions between two versions of one file."""
    counted = count_change(
        read_source(path, before) if before is not None else None, read_source(path, after)
    )
    return FileChange(path, counted.lines, counted.functions)


def split_suggestions(report: SizeReport) -> list[str]:
    """How to split the commit: by file first, then by function within the biggest one."""
    suggestions = []
    files = sorted(report.files, key=lambda f: -f.lines)
    if len(files) > 1:
        suggestions.append(
            f"Commit one {_kind(files)} at a time (unstage the rest with "
            "`git restore --staged PATH`):"
        )
        for number, change in enumerate(files, start=1):
            paths = " ".join((change.path, *change.also))
            functions = f"; functions {_names(change.functions)}" if change.functions else ""
            lines = counted(change.lines, "line", grouped=True)
            suggestions.append(f"  {number}. {paths}: {lines}{functions}")
    biggest = files[0] if files else None
    if (
        biggest is not None
        and len(biggest.functions) > 1
        and (len(files) == 1 or len(biggest.functions) > report.limits.max_functions)
    ):
        text = next((p for p in biggest.also if p.endswith(".py")), None)
        if text is not None:
            how = f"`git add -p {text}` stages part of the paired file"
        elif biggest.path.endswith(".py"):
            how = f"`git add -p {biggest.path}` stages part of it"
        else:
            how = "stage it in steps"
        suggestions.append(
            f"Within {biggest.path}, commit one function (or a few related ones) at a time: "
            f"{_names(biggest.functions, 8)}; {how}."
        )
    return suggestions


def _kind(files: list[FileChange]) -> str:
    """What the files of a change are: notebooks (a pair is one), modules, or both."""
    notebooks = {change.path.endswith(".ipynb") for change in files}
    if notebooks == {True}:
        return "notebook"
    return "module" if notebooks == {False} else "file"


def _names(names: tuple[str, ...], limit: int = 5) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def natural(name: str) -> list[str | int]:
    """A sort key that puts `helper_2` before `helper_10`."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
