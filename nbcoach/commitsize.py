"""Commit-size coaching: is the staged commit a big bang, and how could it be split?

Sizes are measured on what a reviewer reads. A notebook's changed lines are counted on its cells'
sources (code and markdown), never on its JSON: re-running a notebook rewrites outputs, counts
and metadata, and that churn is not work to review. A paired `.py` counts once, with its
notebook. Functions count when added, removed or changed (compared by their syntax tree, so a
moved cell does not count). Other files (data, configs) are not counted.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from nbcoach import gitindex
from nbcoach.config import CommitSize, load_config
from nbcoach.errors import InputError
from nbcoach.facts import collect, digest
from nbcoach.notebook import parse_bytes
from nbcoach.pairing import find_pair, notebook_text, text_side_of
from nbcoach.parse import parse_cells


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
        checks = (
            (self.lines, self.limits.max_lines, "changed lines"),
            (self.functions, self.limits.max_functions, "changed functions"),
            (self.notebooks, self.limits.max_notebooks, "notebooks and .py files"),
        )
        return tuple(
            f"{value:,} {what} (limit {limit:,})" for value, limit, what in checks if value > limit
        )


def measure_staged(root: Path) -> SizeReport:
    """The staged commit against HEAD."""
    staged = gitindex.staged_files(root)
    limits = load_config(root).commit_size
    counted = set(staged)
    changes = []
    notes = []
    for name in staged:
        if counted_with(name, counted, partial(_paired_notebook, root)) is not None:
            continue
        before = _before(root, name)
        after = gitindex.index_blob(root, name)
        try:
            change = compare(name, before, after or b"")
        except InputError as error:
            notes.append(f"{name}: not measured ({error.reason})")
            continue
        pair = find_pair(root / name) if name.endswith(".ipynb") else None
        also: tuple[str, ...] = ()
        if pair is not None:
            text = gitindex.relative(root, pair.text)
            also = (text,) if text in counted else ()
        changes.append(FileChange(change.path, change.lines, change.functions, also))
    return SizeReport(tuple(c for c in changes if c.lines or c.functions), limits, tuple(notes))


def _before(root: Path, name: str) -> bytes | None:
    """The version a staged file is compared with: HEAD's. A text side new to the repository
    is compared with its committed notebook's text, so writing the pair of a notebook that did
    not change (as adopting pairing does) counts 0 lines, not the whole notebook again."""
    committed = gitindex.head_blob(root, name)
    if committed is not None or not name.endswith(".py"):
        return committed
    pair = text_side_of(root / name)
    if pair is None:
        return None
    notebook = gitindex.head_blob(root, gitindex.relative(root, pair.notebook))
    if notebook is None:
        return None
    try:
        return notebook_text(notebook, pair).encode("utf-8")
    except InputError:
        return None


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


def _paired_notebook(root: Path, name: str) -> str | None:
    """The notebook a file in the checkout is the text side of, if any."""
    pair = text_side_of(root / name)
    return None if pair is None else gitindex.relative(root, pair.notebook)


def compare(path: str, before: bytes | None, after: bytes) -> FileChange:
    """Changed source lines and functions between two versions of one file."""
    old_lines, old_functions = _measure(path, before)
    new_lines, new_functions = _measure(path, after)
    changed = sum(
        1
        for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )
    names = sorted(
        name
        for name in set(old_functions) | set(new_functions)
        if old_functions.get(name) != new_functions.get(name)
    )
    return FileChange(path, changed, tuple(names))


def _measure(path: str, data: bytes | None) -> tuple[list[str], dict[str, str]]:
    if data is None:
        return [], {}
    notebook = parse_bytes(data, path)
    lines: list[str] = []
    for cell in notebook.cells:
        if notebook.format != "script":
            lines.append(f"<{cell.kind} cell>")  # a split or merged cell is a changed line
        lines.extend(cell.source.split("\n"))
    functions: dict[str, str] = {}
    for parsed in parse_cells(notebook):
        if parsed.tree is None:
            continue
        for function in collect(parsed).functions:
            functions[function.qualname] = digest(function.node)
    return lines, functions


def split_suggestions(report: SizeReport) -> list[str]:
    """How to split the commit: by notebook first, then by function within the biggest one."""
    suggestions = []
    files = sorted(report.files, key=lambda f: -f.lines)
    if len(files) > 1:
        suggestions.append(
            "Commit one notebook at a time (unstage the rest with `git restore --staged PATH`):"
        )
        for number, change in enumerate(files, start=1):
            paths = " ".join((change.path, *change.also))
            functions = f"; functions {_names(change.functions)}" if change.functions else ""
            suggestions.append(f"  {number}. {paths}: {change.lines:,} lines{functions}")
    biggest = files[0] if files else None
    if (
        biggest is not None
        and len(biggest.functions) > 1
        and (len(files) == 1 or len(biggest.functions) > report.limits.max_functions)
    ):
        text = next((p for p in biggest.also if p.endswith(".py")), None)
        how = f"`git add -p {text}` stages part of the paired file" if text else "stage it in steps"
        suggestions.append(
            f"Within {biggest.path}, commit one function (or a few related ones) at a time: "
            f"{_names(biggest.functions, 8)}; {how}."
        )
    return suggestions


def _names(names: tuple[str, ...], limit: int = 5) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
