"""Where findings stand in files, for tools that show lines of files (SARIF, GitHub annotations).

nbcoach locates a finding at (cell, line); code scanning and CI annotations know only a file
and its lines, which is why ruff's SARIF gives notebook findings lines of the concatenated
cells and its GitHub format puts them all at line 1. Here each card gets the file to show:

- a notebook with a py:percent pair: the `.py`, where jupytext keeps every cell's lines
  one-to-one (magics commented, not removed), so line L of cell C is `start(C) + L - 1`;
- a `.py` (py:percent or script): the file itself;
- a notebook without a pair: the `.ipynb`, at the line of the JSON file that holds the cell's
  source line, when the file is laid out as nbformat writes it (one source line per JSON
  line, which is verified, not assumed); otherwise the finding names only the file.

A pair whose code differs from its notebook (edited on one side, not synced) would point at the
wrong code, so its findings stay in the notebook and a note says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from nbcoach.core import gitindex
from nbcoach.core.errors import InputError
from nbcoach.core.files import read_user_file
from nbcoach.core.model import Notebook, Report, ReportCard, SourceFile

_SOURCE_KEY = re.compile(r'^\s*"source":\s*(.*?),?\s*$')


def attach_sources(report: Report, root: Path | None = None) -> tuple[Report, tuple[str, ...]]:
    """The report with `card.source` set for every graded card, and notes about stale pairs."""
    base = (root or repository_root(Path.cwd())).resolve()
    notes: list[str] = []
    cards = []
    for card in report.cards:
        if card.status != "ok":
            cards.append(card)
            continue
        source, note = _source(card, base)
        if note:
            notes.append(note)
        cards.append(replace(card, source=source))
    return replace(report, cards=tuple(cards), source_root=str(base)), tuple(notes)


def repository_root(start: Path) -> Path:
    """The git work tree holding `start`, else `start`: code scanning paths are repository paths."""
    return gitindex.top_level(start) or start.resolve()


def _source(card: ReportCard, root: Path) -> tuple[SourceFile, str]:
    path = Path(card.path)
    if card.format == "script":
        return SourceFile(_relative(path, root)), ""
    if card.format == "percent":
        return SourceFile(_relative(path, root), _text_cell_lines(path)), ""
    from nbcoach.analysis.pairs import paired_path

    notebook = _read(path)
    paired = paired_path(path)
    if paired is not None and notebook is not None:
        cell_lines, problem = _pair_cell_lines(notebook, paired)
        if cell_lines:
            return SourceFile(_relative(paired, root), cell_lines, paired=True), ""
        note = (
            f"{paired} is not in sync with {card.path} ({problem}); its findings point into the "
            "notebook. Sync the pair (`jupytext --sync`) to see them in the .py"
        )
        return SourceFile(_relative(path, root), _ipynb_cell_lines(path, notebook)), note
    return SourceFile(_relative(path, root), _ipynb_cell_lines(path, notebook)), ""


def _relative(path: Path, root: Path) -> str:
    absolute = path.resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def _read(path: Path) -> Notebook | None:
    from nbcoach.analysis.notebook import read

    try:
        return read(path)
    except InputError:
        return None


def _text_cell_lines(path: Path) -> tuple[tuple[int, int], ...]:
    notebook = _read(path)
    return notebook.cell_lines if notebook is not None else ()


def _pair_cell_lines(notebook: Notebook, paired: Path) -> tuple[tuple[tuple[int, int], ...], str]:
    """The pair's (cell, first line) when its cells hold the notebook's code, else a reason."""
    text_notebook = _read(paired)
    if text_notebook is None or not text_notebook.cell_lines:
        return (), "its cells cannot be read"
    if len(text_notebook.cells) != len(notebook.cells):
        return (), f"{len(text_notebook.cells)} cells, the notebook has {len(notebook.cells)}"
    for ours, theirs in zip(notebook.cells, text_notebook.cells, strict=True):
        if ours.kind == "code" and ours.source.rstrip() != theirs.source.rstrip():
            return (), f"cell {ours.number} differs"
    return text_notebook.cell_lines, ""


def _ipynb_cell_lines(path: Path, notebook: Notebook | None) -> tuple[tuple[int, int], ...]:
    """(cell, JSON line of its first source line) when each source line has a JSON line."""
    if notebook is None:
        return ()
    try:
        lines = read_user_file(path).decode("utf-8-sig").split("\n")
    except (InputError, UnicodeDecodeError):
        return ()
    starts = [index for index, line in enumerate(lines) if _SOURCE_KEY.match(line)]
    if len(starts) != len(notebook.cells):
        return ()
    found = []
    for cell, index in zip(notebook.cells, starts, strict=True):
        first = _verified_start(lines, index, cell.source)
        if first is None:
            return ()
        found.append((cell.number, first))
    return tuple(found)


def _verified_start(lines: list[str], index: int, source: str) -> int | None:
    """File line (1-based) of the source's first line, if its lines stand one per JSON line."""
    match = _SOURCE_KEY.match(lines[index])
    assert match is not None
    opening = match.group(1)
    expected = source.splitlines(keepends=True)
    if opening in ("[]", '""'):
        return index + 1 if not expected else None
    if opening.startswith('"'):  # the whole source as one string: one line only
        return index + 1 if len(expected) <= 1 and _decode(opening) == source else None
    if opening != "[":
        return None
    for offset, want in enumerate(expected, start=1):
        position = index + offset
        if position >= len(lines) or _decode(lines[position]) != want:
            return None
    return index + 2


def _decode(fragment: str) -> str | None:
    try:
        value = json.loads(fragment.strip().removesuffix(","))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None
