"""The jupytext adapter's writing side: each side of a pair from the other, and what they share.

Whether a pair is in sync is decided on the cells both sides hold (type and code, see
`cells_digest`) against a digest recorded at the last sync (syncstate.py). The text side is
written by jupytext; the notebook side is edited cell by cell in its own JSON text, so a sync
changes exactly the cells that were edited and nothing else of the file. Which
files form a pair is found by analysis/pairs.py; reading a text notebook for a report is
analysis/textnotebook.py. jupytext is imported lazily (it costs ~0.3 s).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbcoach.analysis.notebook_json import NotebookTextError, set_metadata, splice_cells
from nbcoach.analysis.pairs import Pair, config_of, jupytext_config
from nbcoach.core.errors import InputError, UsageError


def check_format(text_format: str) -> None:
    """Refuse a `--format` jupytext does not know, in one line (jupytext raises deep inside a
    write otherwise)."""
    from jupytext.formats import JupytextFormatError, long_form_one_format, validate_one_format

    try:
        long = validate_one_format(long_form_one_format(text_format))
    except (JupytextFormatError, ValueError, KeyError, TypeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "not a format"
        raise UsageError(f"--format {text_format}: {reason}") from error
    if long.get("extension") == ".ipynb":
        raise UsageError(f"--format {text_format}: the text side cannot be a notebook (.ipynb)")


Cells = tuple[tuple[str, str], ...]  # (cell type, source), in order


def notebook_text(data: bytes, pair: Pair) -> str:
    """The notebook as its text side would hold it (what `sync` and `pair` write to the .py).
    A notebook in nbformat 1-3 is upgraded in memory; the file is not touched."""
    import jupytext

    config = jupytext_config(config_of(pair))
    document = read_ipynb(data, pair.notebook)
    if pair.origin == "text header":  # the header is what declares this pair: always write it
        settings = document.metadata.setdefault("jupytext", {})
        settings["formats"] = f"ipynb,{pair.format}"
        # `jupytext --to ipynb script.py` leaves `notebook_metadata_filter: -all`, which drops
        # the header too: the .py would be written, and never be found as the pair again
        kept = settings.get("notebook_metadata_filter")
        if isinstance(kept, str) and "-all" in kept.split(",") and "jupytext" not in kept:
            settings["notebook_metadata_filter"] = f"jupytext,{kept}"
    return str(jupytext.writes(document, pair.format, config=config))


def text_text(text: str, pair: Pair) -> str:
    """A text notebook as jupytext would write it (for diffs: cosmetic differences vanish)."""
    import jupytext

    config = jupytext_config(config_of(pair))
    return str(jupytext.writes(_read_text(text, pair), pair.format, config=config))


def notebook_cells(data: bytes, pair: Pair) -> Cells:
    return tuple((c.cell_type, c.source) for c in read_ipynb(data, pair.notebook).cells)


def text_cells(text: str, pair: Pair) -> Cells:
    return tuple((c.cell_type, c.source) for c in _read_text(text, pair).cells)


def cells_digest(cells: Cells) -> str:
    """What two sides must share to be in sync: each cell's type and code, blind to trailing
    spaces and to blank lines around a cell (a round trip through jupytext may change those,
    and they are not an edit anybody made)."""
    digest = hashlib.sha256()
    for kind, source in cells:
        digest.update(f"{kind}\0{_normalised(source)}\1".encode())
    return digest.hexdigest()[:32]


def _normalised(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.split("\n")).strip("\n")


@dataclass(frozen=True, slots=True)
class Written:
    """A notebook's new bytes, and a note for the user when more than its cells changed."""

    content: bytes
    note: str = ""


def updated_notebook(text: str, previous: bytes | None, pair: Pair) -> Written:
    """The notebook with the text side's cells: only the cells the text changed are touched.

    Cells are aligned by their code; an unchanged cell keeps every byte (source, outputs,
    metadata, id), a changed one only gets its new source (its outputs stay, as in Jupyter
    after an edit), a new one is inserted, a deleted one cut out, and the notebook's own
    formatting (indentation, key order, escapes, final newline) is kept. A notebook in
    nbformat 1-3 cannot be edited in place: it is written whole, as nbformat 4, and the note
    says so."""
    document = _read_text(text, pair)
    if previous is None:
        return Written(_written_whole(document))
    try:
        raw = previous.decode("utf-8-sig")
        return Written(_spliced(raw, document).encode("utf-8"))
    except (NotebookTextError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        pass
    from jupytext.combine import combine_inputs_with_outputs

    old = read_ipynb(previous, pair.notebook)
    merged = combine_inputs_with_outputs(document, old, fmt=pair.format)
    major = _major_version(previous)
    note = (
        f"written as nbformat 4 (it was nbformat {major}; nbcoach edits cells in place only in "
        "nbformat 4)"
        if major is not None and major < 4
        else "rewritten whole: its JSON could not be edited cell by cell"
    )
    return Written(_written_whole(merged), note)


def _spliced(raw: str, document: Any) -> str:
    data = json.loads(raw)
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        raise NotebookTextError("only nbformat 4 notebooks are edited in place")
    old_cells = data["cells"]
    old_keys = [(c["cell_type"], _normalised(_joined(c.get("source", "")))) for c in old_cells]
    new_cells = list(document.cells)
    new_keys = [(c.cell_type, _normalised(c.source)) for c in new_cells]
    with_ids = bool(old_cells) and all("id" in c for c in old_cells)
    taken = {str(c.get("id")) for c in old_cells}
    changes: dict[int, str | None] = {}
    inserts: dict[int, list[dict[str, Any]]] = {}

    def insert(at: int, cell: Any) -> None:
        inserts.setdefault(at, []).append(_new_cell(cell, with_ids, taken))

    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            old, new = old_cells[i1 + offset], new_cells[j1 + offset]
            if old["cell_type"] == new.cell_type:
                changes[i1 + offset] = new.source
            else:
                changes[i1 + offset] = None
                insert(i1 + offset, new)
        for index in range(i1 + paired, i2):
            changes[index] = None
        for index in range(j1 + paired, j2):
            insert(i2, new_cells[index])
    return splice_cells(raw, changes, inserts)


_JUPYTEXT_KEYS = frozenset({"lines_to_next_cell", "lines_to_end_of_cell_marker", "cell_marker"})


def _new_cell(cell: Any, with_id: bool, taken: set[str]) -> dict[str, Any]:
    """A cell as nbformat writes one, from a cell the text side added."""
    metadata = {k: v for k, v in dict(cell.metadata).items() if k not in _JUPYTEXT_KEYS}
    made: dict[str, Any] = {"cell_type": cell.cell_type, "metadata": metadata}
    if cell.cell_type == "code":
        made.update(execution_count=None, outputs=[])
    if with_id:
        identifier = uuid.uuid4().hex[:8]
        while identifier in taken:
            identifier = uuid.uuid4().hex[:8]
        taken.add(identifier)
        made["id"] = identifier
    made["source"] = cell.source
    return made


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _major_version(data: bytes) -> int | None:
    try:
        version = json.loads(data).get("nbformat")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, int) else None


def _written_whole(document: Any) -> bytes:
    import jupytext

    written = str(jupytext.writes(document, "ipynb"))
    return (written if written.endswith("\n") else written + "\n").encode("utf-8")


def with_formats(data: bytes, formats: str, path: Path) -> bytes:
    """The notebook with `jupytext.formats` set in its metadata, every other byte kept. An
    `auto` extension is resolved from the kernel's language, as jupytext does when it writes."""
    from jupytext.formats import long_form_multiple_formats, short_form_multiple_formats

    try:
        raw = data.decode("utf-8-sig")
        metadata = json.loads(raw).get("metadata") or {}
        jupytext_metadata = dict(metadata.get("jupytext") or {})
        jupytext_metadata["formats"] = short_form_multiple_formats(
            long_form_multiple_formats(formats, metadata, auto_ext_requires_language_info=False)
        )
        return set_metadata(raw, "jupytext", jupytext_metadata).encode("utf-8")
    except (NotebookTextError, UnicodeDecodeError, ValueError, AttributeError) as error:
        raise InputError(str(path), f"cannot set its pairing: {error}") from error


def roundtrip_losses(data: bytes, pair: Pair) -> list[str]:
    """Why the notebook's cells would not come back unchanged from its text side (empty: they
    would). Trailing blank lines of a cell do not count; everything else does."""
    import jupytext

    original = read_ipynb(data, pair.notebook)
    back = jupytext.reads(
        notebook_text(data, pair), fmt=pair.format, config=jupytext_config(config_of(pair))
    )
    before = [(c.cell_type, c.source.rstrip()) for c in original.cells]
    after = [(c.cell_type, c.source.rstrip()) for c in back.cells]
    for number, (old, new) in enumerate(zip(before, after, strict=False), start=1):
        if old == new:
            continue
        old_lines, new_lines = old[1].split("\n"), new[1].split("\n")
        line = next(
            (i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), 1) if a != b),
            min(len(old_lines), len(new_lines)) + 1,
        )
        shown = old_lines[line - 1] if line <= len(old_lines) else ""
        return [
            f"cell {number} line {line} would not come back unchanged from {pair.format}"
            f" ({shown.strip()[:60]!r}); a line that looks like a cell marker splits the cell"
        ]
    if len(before) != len(after):
        return [f"its {len(before)} cells would come back as {len(after)} from {pair.format}"]
    return []


def read_ipynb(data: bytes, path: Path) -> Any:
    """The notebook as nbformat 4, whatever version the file is (1-3 upgraded in memory)."""
    import warnings

    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nbformat.reads(data.decode("utf-8-sig"), as_version=4)  # type: ignore[no-untyped-call]
    except Exception as error:  # invalid JSON, unknown nbformat, ...
        raise InputError(str(path), _unreadable_because(data, path, error)) from error


def _unreadable_because(data: bytes, path: Path, error: Exception) -> str:
    """What `report` says of the file (its reader names the line, the cell or the encoding),
    else nbformat's first line: "Notebook does not appear to be JSON: '{\\n \"cells\"..." is
    no help."""
    from nbcoach.analysis.notebook import parse_bytes

    try:
        notes = parse_bytes(data, str(path)).notes
    except InputError as unreadable:
        return unreadable.reason
    for note in notes:
        if note.startswith("cell "):
            return f"cannot read the notebook: {note.split(';')[0]}"
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"cannot read the notebook: {reason}"


def _read_text(text: str, pair: Pair) -> Any:
    import jupytext

    try:
        return jupytext.reads(text, fmt=pair.format, config=jupytext_config(config_of(pair)))
    except Exception as error:  # jupytext raises many kinds on bad input
        raise InputError(str(pair.text), f"cannot read as {pair.format}: {error}") from error
