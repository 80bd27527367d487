"""Mask and parse each code cell on its own, so one bad cell never hides the others.

ruff and radon both read a notebook as one program: one syntax error (or one `!pip` line, for
radon) and the whole notebook's findings are gone. Here each cell is masked and parsed alone;
a cell that still fails becomes a `syntax-error` finding and the rest is analysed.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from nbcoach.analysis.magics import mask_cell
from nbcoach.core.model import MaskedCell, MaskedLine, Notebook

# Python 3.12's type alias statement (`type Hand = str`, `type Pair[T] = tuple[T, T]`).
_TYPE_ALIAS = re.compile(r"^(\s*)type(\s+)([A-Za-z_]\w*)(\s*\[[^\]]*\])?(\s*)=")


@dataclass(slots=True)
class ParsedCell:
    number: int
    masked: MaskedCell
    tree: ast.Module | None
    error: SyntaxError | None = None

    @property
    def source(self) -> str:
        return self.masked.source


def parse_cells(
    notebook: Notebook, parse: Callable[[int, str], ParsedCell] | None = None
) -> list[ParsedCell]:
    """Every non-empty code cell, masked and parsed (tree None on failure or for foreign cells);
    `parse` may stand in for `parse_cell` (the language server's memo: a cell parsed before with
    the same number and text is not parsed again)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like are not ours to say
        return [
            (parse or parse_cell)(cell.number, cell.source)
            for cell in notebook.cells
            if cell.kind == "code" and cell.source.strip()
        ]


def parse_cell(number: int, source: str) -> ParsedCell:
    """One code cell, masked and parsed."""
    plain = _parse_plain(number, source)
    if plain is not None:
        return plain
    masked = mask_cell(number, source)
    if masked.foreign:
        return ParsedCell(number, masked, None)
    try:
        tree = ast.parse(masked.source)
    except SyntaxError as error:
        aliased = _without_type_aliases(masked)
        if aliased is None:
            return ParsedCell(number, masked, None, _as_syntax_error(error))
        try:
            return ParsedCell(number, aliased, ast.parse(aliased.source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ParsedCell(number, masked, None, _as_syntax_error(error))
    except ValueError as error:  # the source holds a NUL byte
        return ParsedCell(number, masked, None, _as_syntax_error(error))
    except (RecursionError, MemoryError):
        # e.g. a 3,000-term `a + b + ...`: Python itself cannot compile it either
        return ParsedCell(number, masked, None, _too_deep())
    return ParsedCell(number, masked, tree)


def _parse_plain(number: int, source: str) -> ParsedCell | None:
    """Most cells are plain Python: parse them as they are and skip the masking scan. Masking
    only ever replaces lines that do not parse, so a cell that parses whole has nothing to mask
    (checked on every cell of the corpus by tests/analysis/test_parse.py)."""
    try:
        return ParsedCell(number, MaskedCell(number=number, source=source), ast.parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _without_type_aliases(masked: MaskedCell) -> MaskedCell | None:
    """On a Python older than 3.12, `type Hand = str` is a syntax error, yet the notebook is
    sound on the Python it was written for: read the alias as the assignment it amounts to,
    each column kept (`Hand      = str`), the line recorded as masked so the text comes back
    as it was. None when there is no such line (or the running Python reads them itself)."""
    if sys.version_info >= (3, 12):
        return None
    lines = masked.source.split("\n")
    changed = list(masked.masked)
    for index, text in enumerate(lines):
        match = _TYPE_ALIAS.match(text)
        if match is None:
            continue
        indent, name = match.group(1), match.group(3)
        width = len(match.group(0)) - len(indent) - len(name) - 1
        lines[index] = f"{indent}{name}{' ' * width}={text[match.end() :]}"
        changed.append(MaskedLine(index + 1, text))
    if len(changed) == len(masked.masked):
        return None
    return MaskedCell(masked.number, "\n".join(lines), tuple(changed), masked.foreign)


def _too_deep() -> SyntaxError:
    error = SyntaxError("nested too deeply for Python to parse (recursion limit)")
    error.lineno = 1
    return error


def _as_syntax_error(error: SyntaxError | ValueError) -> SyntaxError:
    """The error without its traceback: kept on the cell, a traceback would hold the parsing
    frames -- and through them every cell's syntax tree -- in a reference cycle."""
    if isinstance(error, SyntaxError):
        return error.with_traceback(None)
    wrapped = SyntaxError(str(error))
    wrapped.lineno = 1
    return wrapped
