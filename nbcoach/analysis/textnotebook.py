"""Reading jupytext text notebooks (py:percent and friends) as the report reads any notebook.

jupytext is imported lazily (about 0.3 s); a plain script never needs it. Writing text
notebooks, and converting between a pair's sides, is the workflow's (workflow/pairing.py).
"""

from __future__ import annotations

import re
from typing import Any

from nbcoach.core.errors import InputError
from nbcoach.core.language import language_from_metadata
from nbcoach.core.model import Cell, CellKind, Notebook

_MARKER = re.compile(r"^#\s?%%(?:\s|$)")
_HEADER = re.compile(
    r"\A(?:#!.*\n)?# ---\n(?:#.*\n)*?# ---\n"
)  # `# %%time` is a commented cell magic, not a marker


def read_text_notebook(text: str, path: str) -> Notebook:
    """Read a jupytext text notebook; cells are numbered as in the paired .ipynb."""
    import jupytext

    notes: tuple[str, ...] = ()
    try:
        document: Any = jupytext.reads(text, fmt="py")
    except Exception as error:  # jupytext validates the header's metadata with nbformat
        header = _HEADER.match(text)
        if header is None:
            raise InputError(path, f"jupytext cannot read it: {_first_line(error)}") from error
        # a header half-written or hand-edited (say, a kernelspec without display_name): the
        # cells still read; the header is left out, with a note
        try:  # cell lines still come from the whole text's markers (cell_start_lines)
            document = jupytext.reads(text[header.end() :].lstrip("\n"), fmt="py")
        except Exception as again:
            raise InputError(path, f"jupytext cannot read it: {_first_line(again)}") from again
        notes = (f"its jupytext header does not read ({_first_line(error)}); left out",)
    declared = language_from_metadata(dict(document.metadata))
    cells = []
    for number, raw in enumerate(document.cells, start=1):
        kind: CellKind = raw.cell_type if raw.cell_type in ("code", "markdown", "raw") else "raw"
        cells.append(Cell(number=number, kind=kind, source=raw.source))
    return Notebook(
        path=path,
        format="percent",
        cells=tuple(cells),
        language=declared or "python",  # a header naming another kernel: skipped as such
        nbformat="",
        notes=notes,
        cell_lines=cell_start_lines(text, len(cells)),
    )


def _first_line(error: BaseException) -> str:
    return (str(error).strip().split("\n") or [type(error).__name__])[0] or type(error).__name__


def cell_start_lines(text: str, cell_count: int) -> tuple[tuple[int, int], ...]:
    """(cell number, file line of the cell's first source line) for a py:percent file.

    jupytext keeps a cell's lines one-to-one (magics are commented, not removed), so a line in
    a cell maps to `start + line - 1` in the file; this is what lets SARIF and GitHub point into
    the paired .py. Returns () when the markers do not account for every cell.
    """
    lines = text.split("\n")
    markers = [index for index, line in enumerate(lines, start=1) if _MARKER.match(line)]
    if len(markers) == cell_count:
        return tuple((number, marker + 1) for number, marker in enumerate(markers, start=1))
    if len(markers) == cell_count - 1:
        first = _first_line_after_header(lines)
        starts = [first, *(marker + 1 for marker in markers)]
        return tuple(enumerate(starts, start=1))
    return ()


def _first_line_after_header(lines: list[str]) -> int:
    index = 0
    if lines and lines[0].startswith("#!"):
        index = 1
    if index < len(lines) and lines[index].strip() == "# ---":
        index += 1
        while index < len(lines) and lines[index].strip() != "# ---":
            index += 1
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index + 1
