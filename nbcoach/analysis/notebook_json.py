"""Change some cells of a notebook's JSON text and leave every other byte where it was.

Re-serialising a notebook (nbformat.write, json.dumps) rewrites every cell: key order, float
spelling, escapes and indentation all follow the writer, not the file, so an edit of one cell
shows up as a change to all of them in git. Here the file's own text is kept, and only the
`source` value of a changed cell is replaced (or a removed cell cut out, with its comma). The
new `source` is written the way the file writes it: a list of lines or one string, at the
file's indentation, with or without ASCII escapes.

The scanner reuses the C-accelerated `json` decoder to skip over each value, so finding the
cells of a 20 MB notebook full of images takes milliseconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class NotebookTextError(ValueError):
    """The text is not a notebook whose cells can be located (not JSON, no cell list)."""


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def cell_spans(text: str) -> list[Span]:
    """Where each cell object of the top-level `cells` list starts and ends in `text`."""
    position = _skip(text, 0)
    if not text.startswith("{", position):
        raise NotebookTextError("the notebook is not a JSON object")
    for key, value in _members(text, position):
        if key == "cells":
            if not text.startswith("[", value.start):
                raise NotebookTextError("'cells' is not a list")
            return _elements(text, value.start)
    raise NotebookTextError("the notebook has no 'cells' list")


def splice_cells(
    text: str,
    changes: Mapping[int, str | None],
    inserts: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
) -> str:
    """`text` with the source of each changed cell replaced; `None` removes the cell; `inserts`
    puts new cells (as nbformat writes them: sorted keys, the file's indentation) before the
    cell of that index, or after the last cell for an index equal to the number of cells.

    Indices are 0-based, in the original text. Every other byte of the text is kept.
    """
    spans = cell_spans(text)
    style = _Style.of(text)
    edits: list[tuple[int, int, str]] = []
    for index, cells in (inserts or {}).items():
        edits.append(_insertion(text, spans, index, cells, style))
    removed = {index for index, source in changes.items() if source is None}
    for index, source in changes.items():
        if index >= len(spans):
            raise NotebookTextError(f"there is no cell {index + 1}")
        if source is not None:
            value = _member_span(text, spans[index], "source")
            if _joined(json.loads(text[value.start : value.end])) == source:
                continue  # the same text: keep the bytes as the file spells them
            edits.append((value.start, value.end, style.source(text, value, source)))
    edits += _removals(text, spans, removed)
    result = text
    for start, end, replacement in sorted(edits, reverse=True):
        result = result[:start] + replacement + result[end:]
    return result


def _insertion(
    text: str, spans: list[Span], index: int, cells: Sequence[Mapping[str, Any]], style: _Style
) -> tuple[int, int, str]:
    if not spans:
        raise NotebookTextError("a notebook with no cells is written whole")
    if index > len(spans):
        raise NotebookTextError(f"there is no cell {index + 1}")
    indent = _line_indent(text, spans[0].start)
    separator = "," if style.compact else ",\n" + indent
    shaped = [style.cell(cell, indent) for cell in cells]
    if index == len(spans):
        return (spans[-1].end, spans[-1].end, "".join(separator + cell for cell in shaped))
    return (spans[index].start, spans[index].start, "".join(cell + separator for cell in shaped))


def set_metadata(text: str, key: str, value: Any) -> str:
    """`text` with the notebook's top-level `metadata[key]` set to `value`: only the metadata
    object is rewritten (in the file's indentation, keys sorted as nbformat sorts them)."""
    position = _skip(text, 0)
    if not text.startswith("{", position):
        raise NotebookTextError("the notebook is not a JSON object")
    style = _Style.of(text)
    for name, span in _members(text, position):
        if name == "metadata":
            metadata = json.loads(text[span.start : span.end])
            if not isinstance(metadata, dict):
                raise NotebookTextError("'metadata' is not an object")
            metadata[key] = value
            shaped = style.value(metadata, _line_indent(text, span.start))
            return text[: span.start] + shaped + text[span.end :]
    raise NotebookTextError("the notebook has no 'metadata'")


def _removals(text: str, spans: list[Span], removed: set[int]) -> list[tuple[int, int, str]]:
    """Cut removed cells out together with one separating comma and the whitespace after it."""
    edits = []
    kept = [index for index in range(len(spans)) if index not in removed]
    for index in sorted(removed):
        span = spans[index]
        if index + 1 < len(spans):  # cut from this cell to the start of the next cell
            edits.append((span.start, spans[index + 1].start, ""))
        elif kept:  # the last cell: cut from the end of the last kept cell
            previous = max(kept)
            if previous < index:
                edits.append((spans[previous].end, span.end, ""))
        else:  # the only cells: leave an empty list
            edits.append((spans[0].start, span.end, ""))
    return _merge_overlaps(edits)


def _merge_overlaps(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Consecutive removed cells at the end produce nested cuts; keep the outermost."""
    merged: list[tuple[int, int, str]] = []
    for start, end, replacement in sorted(edits):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (min(last[0], start), max(last[1], end), "")
            continue
        merged.append((start, end, replacement))
    return merged


def _joined(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "".join(value)
    return None


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _value_end(text: str, position: int) -> int:
    try:
        _, end = _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as error:
        raise NotebookTextError(f"invalid JSON at offset {error.pos}") from error
    return int(end)


def _members(text: str, position: int) -> list[tuple[str, Span]]:
    """(key, value span) of each member of the object starting at `position`."""
    members: list[tuple[str, Span]] = []
    position = _skip(text, position + 1)
    if text.startswith("}", position):
        return members
    while True:
        try:
            key, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise NotebookTextError(f"invalid JSON at offset {error.pos}") from error
        position = _skip(text, position)
        if not text.startswith(":", position):
            raise NotebookTextError(f"invalid JSON at offset {position}")
        start = _skip(text, position + 1)
        end = _value_end(text, start)
        members.append((str(key), Span(start, end)))
        position = _skip(text, end)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
            continue
        if text.startswith("}", position):
            return members
        raise NotebookTextError(f"invalid JSON at offset {position}")


def _elements(text: str, position: int) -> list[Span]:
    spans: list[Span] = []
    position = _skip(text, position + 1)
    if text.startswith("]", position):
        return spans
    while True:
        end = _value_end(text, position)
        if not text.startswith("{", position):
            raise NotebookTextError(f"cell {len(spans) + 1} is not a JSON object")
        spans.append(Span(position, end))
        position = _skip(text, end)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
            continue
        if text.startswith("]", position):
            return spans
        raise NotebookTextError(f"invalid JSON at offset {position}")


def _member_span(text: str, cell: Span, key: str) -> Span:
    for name, value in _members(text, cell.start):
        if name == key:
            return value
    raise NotebookTextError(f"a cell at offset {cell.start} has no '{key}'")


@dataclass(frozen=True, slots=True)
class _Style:
    """How the file writes JSON: the indentation unit and whether non-ASCII is escaped."""

    indent: str
    ensure_ascii: bool
    compact: bool = False  # the whole notebook on one line

    @classmethod
    def of(cls, text: str) -> _Style:
        match = re.search(r"\{\n([ \t]+)\"", text)
        indent = match.group(1) if match else " "
        # nbformat writes non-ASCII as is; a file with only escapes of it was written escaped
        escaped = re.search(r"\\u(?!00[0-7])[0-9a-fA-F]{4}", text)
        ensure_ascii = bool(escaped) and text.isascii()
        compact = "\n" not in text.strip()
        return cls(indent, ensure_ascii, compact)

    def value(self, value: Any, indent: str) -> str:
        """A JSON value as this file writes one, starting on a line indented by `indent`."""
        if self.compact:
            return json.dumps(value, sort_keys=True, ensure_ascii=self.ensure_ascii)
        dumped = json.dumps(
            value, indent=self.indent, sort_keys=True, ensure_ascii=self.ensure_ascii
        )
        return dumped.replace("\n", "\n" + indent)

    def cell(self, cell: Mapping[str, Any], indent: str) -> str:
        """A new cell, its source as a list of lines as nbformat writes it."""
        shaped = dict(cell)
        source = shaped.get("source", "")
        if isinstance(source, str):
            shaped["source"] = source.splitlines(keepends=True)
        return self.value(shaped, indent)

    def source(self, text: str, old: Span, source: str) -> str:
        """The new `source` value, shaped like the old one (a list of lines or a string)."""
        if text.startswith('"', old.start):
            return json.dumps(source, ensure_ascii=self.ensure_ascii)
        lines = source.splitlines(keepends=True)
        items = [json.dumps(line, ensure_ascii=self.ensure_ascii) for line in lines]
        if not items:
            return "[]"
        original = text[old.start : old.end]
        if self.compact or ("\n" not in original and original != "[]"):
            separator = ", " if ", " in original else ","
            return "[" + separator.join(items) + "]"
        key_indent = _line_indent(text, old.start)
        inner = key_indent + self.indent
        return "[\n" + ",\n".join(inner + item for item in items) + "\n" + key_indent + "]"


def _line_indent(text: str, position: int) -> str:
    """The whitespace that starts the line holding `position`."""
    line_start = text.rfind("\n", 0, position) + 1
    line = text[line_start:position]
    return line[: len(line) - len(line.lstrip(" \t"))]
