"""Turn a file into a `Notebook`: `.ipynb` of any nbformat, py:percent or a plain script.

Reading is lenient on purpose: a notebook that breaks the schema but whose cells can be read
(Kaggle exports with outputs on markdown cells, missing metadata, no `nbformat` key) is read,
with a note. nbformat's full validation is slow and rejects such files, so v4 JSON is read
directly; nbformat is imported only to upgrade v1-v3 notebooks. Anything that cannot be read at
all raises `InputError` with a one-line reason.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any, NoReturn

from nbcoach.core.codec import loads
from nbcoach.core.errors import InputError
from nbcoach.core.files import read_user_file
from nbcoach.core.language import language_from_metadata
from nbcoach.core.model import Cell, CellKind, Notebook, OutputSummary
from nbcoach.core.words import counted

_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.M)
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.M)
_PERCENT_MARKER = re.compile(r"^# ?%%", re.M)
_JUPYTEXT_HEADER = re.compile(r"\A(?:#!.*\n)?(?:# -\*-.*\n)?# ---\n(?:#.*\n)*?#\s+jupytext:", re.M)


def read(path: Path) -> Notebook:
    """Read any supported file; raises InputError when it cannot be read at all."""
    return parse_bytes(read_bytes(path), str(path))


def read_bytes(path: Path) -> bytes:
    """A file's bytes; raises InputError when it cannot be read."""
    return read_user_file(path)


def parse_bytes(data: bytes, path: str) -> Notebook:
    if path.endswith(".py"):
        return parse_py(decode_python(data, path), path)
    return parse_ipynb(decode_notebook(data, path), path)


def same_cells(first: bytes, second: bytes, path: str) -> bool:
    """Whether two versions of a notebook hold the same cells (kinds and sources) and differ
    only in outputs, counts or metadata -- what nbstripout changes. InputError if one cannot
    be read."""
    before, after = parse_bytes(first, path).cells, parse_bytes(second, path).cells
    return [(c.kind, c.source) for c in before] == [(c.kind, c.source) for c in after]


def decode_notebook(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(path, "empty file, not a notebook")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_mark(data[:64]):
        raise InputError(path, "UTF-16 text, not UTF-8: save the notebook as UTF-8 (Jupyter does)")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file, not a notebook")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            path, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from error


def _utf16_without_mark(head: bytes) -> bool:
    """`{` followed by NUL (or the reverse): JSON text in UTF-16 saved without a byte order mark."""
    text = head.lstrip(b" \t\r\n")
    return text[:2] in (b"{\x00", b"\x00{")


def decode_python(data: bytes, path: str) -> str:
    """Decode as Python does: a PEP 263 coding line wins, UTF-8 otherwise."""
    import io
    import tokenize

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "UTF-16 text, not UTF-8: save it as UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file, not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).removeprefix("\ufeff")
    except SyntaxError as error:
        if not _CODING.search(b"\n".join(data.split(b"\n", 2)[:2])):
            _raise_not_utf8(data, path, error)
        raise InputError(path, f"unknown source encoding: {error.msg}") from error
    except (UnicodeDecodeError, LookupError) as error:
        _raise_not_utf8(data, path, error)


def _raise_not_utf8(data: bytes, path: str, cause: Exception) -> NoReturn:
    try:
        data.decode("utf-8")
        start = 0
    except UnicodeDecodeError as error:
        start = error.start
    raise InputError(
        path,
        f"not UTF-8 text (byte 0x{data[start]:02x} at offset {start}); save it as UTF-8 or declare its coding",
    ) from cause


def parse_ipynb(text: str, path: str) -> Notebook:
    """Parse notebook JSON of any nbformat version into a Notebook."""
    try:
        document = loads(text)
    except json.JSONDecodeError as error:
        # Looked for only here: a marker line cannot stand inside a JSON string, so a file that
        # holds one never parses (and a whole-text scan cost a third of reading every notebook).
        conflict = _CONFLICT.search(text)
        if conflict:
            line = text.count("\n", 0, conflict.start()) + 1
            raise InputError(
                path,
                f"unresolved merge-conflict markers at line {line}; resolve the conflict first (nbdime can help)",
            ) from None
        stripped = text.rstrip()
        if error.msg == "Extra data":
            raise InputError(
                path,
                f"more after the notebook's JSON ends (line {error.lineno}, column "
                f"{error.colno}): two saves run together? Keep the first object only",
            ) from error
        # A notebook is one JSON object: a file whose JSON is still open where the text ends
        # was cut off (an interrupted save or copy), which is worth telling apart from a broken
        # edit (`{not json` fails at its second character, not at its end).
        # (A string still open at the end fails where it starts.)
        if error.pos >= len(stripped) or error.msg.startswith("Unterminated string"):
            last_line = stripped.count("\n") + 1
            raise InputError(
                path, f"truncated: the JSON ends unexpectedly at line {last_line}"
            ) from error
        raise InputError(
            path, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from error
    if not isinstance(document, dict):
        raise InputError(
            path,
            f"not a notebook: the JSON top level is a {type(document).__name__}, not an object",
        )
    notes: list[str] = []
    major = document.get("nbformat")
    if major is None:
        if isinstance(document.get("cells"), list):
            notes.append("no 'nbformat' key; read as nbformat 4")
            major = 4
        elif isinstance(document.get("worksheets"), list):
            notes.append("no 'nbformat' key; read as nbformat 3")
            major = 3
        else:
            raise InputError(path, "not a notebook: no 'nbformat' key and no cells")
    if not isinstance(major, int):
        raise InputError(path, f"not a notebook: 'nbformat' is {major!r}, not a number")
    minor = document.get("nbformat_minor", 0)
    declared_by_cells = _v3_cell_language(document) if major < 4 else None
    if major < 4:
        document = _upgrade(document, major, path, notes)
    elif major > 4:
        notes.append(f"nbformat {major} is newer than nbcoach knows; read as nbformat 4")
    cells = _cells(document.get("cells"), path, notes)
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    if not isinstance(document.get("metadata"), dict):
        notes.append("no notebook metadata")
    language = language_from_metadata(metadata)
    if language is None and declared_by_cells is not None:
        language = declared_by_cells  # nbformat 3 code cells name their language themselves
        notes.append(f"language from the cells (nbformat {major}): {language}")
    return Notebook(
        path=path,
        format="ipynb",
        cells=cells,
        language=language or "",
        language_inferred=language is None,
        nbformat=f"{major}.{minor}" if major >= 4 else f"{major} (upgraded to 4)",
        notes=tuple(notes),
    )


def _upgrade(document: dict[str, Any], major: int, path: str, notes: list[str]) -> dict[str, Any]:
    """nbformat 3 by our own reading of its upgrade (nbformat's validates the whole notebook
    twice on the way: 0.49 s for 40 notebooks, most of a cold report over an old repository);
    v1-v2 through nbformat's own converters; a lenient walk of the worksheets if they fail.
    tests/analysis/test_notebook.py checks that both give the same notebook."""
    notes.append(f"nbformat {major} upgraded to 4")
    if major == 3:
        return upgrade_v3(document)
    import warnings

    import nbformat

    document.setdefault("nbformat", major)
    document.setdefault("nbformat_minor", 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            upgraded = nbformat.convert(nbformat.from_dict(document), 4)  # type: ignore[no-untyped-call]
        return dict(upgraded)
    except Exception:  # nbformat raises many kinds here; the fallback below decides
        cells = []
        for sheet in document.get("worksheets") or []:
            for cell in sheet.get("cells") or [] if isinstance(sheet, dict) else []:
                if isinstance(cell, dict):
                    cells.append(_v3_cell(cell))
        if not cells and not document.get("worksheets"):
            raise InputError(
                path, f"nbformat {major} notebook without worksheets or cells"
            ) from None
        notes.append("nbformat's upgrade failed; cells read leniently")
        return {"cells": cells, "metadata": document.get("metadata", {})}


_V3_MIME = {
    "text": "text/plain",
    "html": "text/html",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "latex": "text/latex",
    "json": "application/json",
    "javascript": "application/javascript",
}


def upgrade_v3(document: dict[str, Any]) -> dict[str, Any]:
    """nbformat 3 as nbformat.v4.convert.upgrade turns it into 4, for what nbcoach reads:
    worksheets flattened, `input` -> `source`, `prompt_number` -> `execution_count`, heading
    cells -> markdown `## one line`, `pyout`/`pyerr` -> `execute_result`/`error`, output keys
    -> MIME types (JSON output parsed), `stream` -> `name`. Lenient: what is not an object is
    skipped, never an error."""
    cells: list[dict[str, Any]] = []
    for sheet in document.get("worksheets") or []:
        if not isinstance(sheet, dict):
            continue
        for cell in sheet.get("cells") or []:
            if isinstance(cell, dict):
                cells.append(_v3_upgraded_cell(cell))
    metadata = document.get("metadata")
    metadata = {k: v for k, v in metadata.items() if k not in ("name", "signature")} if (
        isinstance(metadata, dict)
    ) else {}  # fmt: skip
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def _v3_upgraded_cell(cell: dict[str, Any]) -> dict[str, Any]:
    kind = cell.get("cell_type")
    if kind == "code":
        outputs = cell.get("outputs")
        return {
            "cell_type": "code",
            "source": _text(cell.get("input", "")),
            "execution_count": cell.get("prompt_number"),
            "outputs": [
                _v3_output(output)
                for output in (outputs if isinstance(outputs, list) else [])
                if isinstance(output, dict)
            ],
        }
    if kind == "heading":
        level = cell.get("level", 1)
        hashes = "#" * (level if isinstance(level, int) and not isinstance(level, bool) else 1)
        return {
            "cell_type": "markdown",
            "source": f"{hashes} {' '.join(_text(cell.get('source', '')).splitlines())}",
        }
    return {"cell_type": "markdown" if kind == "html" else kind, "source": cell.get("source", "")}


def _v3_output(output: dict[str, Any]) -> dict[str, Any]:
    kind = output.get("output_type")
    if kind in ("pyout", "display_data"):
        data = {
            _V3_MIME.get(key, key): value
            for key, value in output.items()
            if key not in ("output_type", "prompt_number", "metadata")
        }
        if isinstance(data.get("application/json"), str):
            with contextlib.suppress(ValueError):
                data["application/json"] = json.loads(data["application/json"])
        upgraded = "execute_result" if kind == "pyout" else "display_data"
        return {"output_type": upgraded, "data": data}
    if kind == "pyerr":
        return {**output, "output_type": "error"}
    if kind == "stream":
        return {
            **{k: v for k, v in output.items() if k != "stream"},
            "name": output.get("stream", "stdout"),
        }
    return output


def _v3_cell_language(document: dict[str, Any]) -> str | None:
    """The language nbformat 3 code cells declare (`"language": "python"`), when they agree."""
    found = {
        cell.get("language")
        for sheet in document.get("worksheets") or []
        if isinstance(sheet, dict)
        for cell in sheet.get("cells") or []
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    }
    found.discard(None)
    if len(found) != 1:
        return None
    language = next(iter(found))
    return language if isinstance(language, str) and language else None


def _v3_cell(cell: dict[str, Any]) -> dict[str, Any]:
    kind = cell.get("cell_type", "code")
    if kind == "code":
        return {
            "cell_type": "code",
            "source": cell.get("input", ""),
            "execution_count": cell.get("prompt_number"),
            "outputs": cell.get("outputs", []),
        }
    if kind == "heading":
        return {
            "cell_type": "markdown",
            "source": "#" * int(cell.get("level", 1)) + " " + _text(cell.get("source")),
        }
    return {
        "cell_type": "markdown" if kind == "markdown" else "raw",
        "source": cell.get("source", ""),
    }


def _cells(raw_cells: Any, path: str, notes: list[str]) -> tuple[Cell, ...]:
    if raw_cells is None:
        notes.append("no 'cells' list; read as an empty notebook")
        return ()
    if not isinstance(raw_cells, list):
        raise InputError(
            path, f"not a notebook: 'cells' is a {type(raw_cells).__name__}, not a list"
        )
    cells: list[Cell] = []
    markdown_outputs = 0
    for number, raw in enumerate(raw_cells, start=1):
        if not isinstance(raw, dict):
            notes.append(f"cell {number} is not an object; read as empty")
            cells.append(Cell(number=number, kind="raw", source=""))
            continue
        kind = raw.get("cell_type")
        if kind not in ("code", "markdown", "raw"):
            kind = "code" if "outputs" in raw or "execution_count" in raw else "markdown"
            notes.append(f"cell {number} has no valid cell_type; read as {kind}")
        source = _text(raw.get("source"))
        if not _is_text(raw.get("source", "")):
            notes.append(f"cell {number}: its source is not text; read what text it holds")
        if kind != "code":
            markdown_outputs += bool(raw.get("outputs"))
            cells.append(Cell(number=number, kind=_kind(kind), source=source))
            continue
        count = raw.get("execution_count")
        cells.append(
            Cell(
                number=number,
                kind="code",
                source=source,
                execution_count=count
                if isinstance(count, int) and not isinstance(count, bool)
                else None,
                outputs=_summarise_outputs(raw.get("outputs")),
            )
        )
    if markdown_outputs:
        verb = "carries" if markdown_outputs == 1 else "carry"
        notes.append(f"{counted(markdown_outputs, 'markdown cell')} {verb} outputs (ignored)")
    return tuple(cells)


def _kind(kind: str) -> CellKind:
    return "markdown" if kind == "markdown" else "raw" if kind == "raw" else "code"


def _is_text(value: Any) -> bool:
    """A string, or a list of strings: nbformat's two spellings of a cell's source."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(item for item in value if isinstance(item, str))
    return ""


def _summarise_outputs(outputs: Any) -> OutputSummary:
    if not isinstance(outputs, list) or not outputs:
        return OutputSummary()
    errors: list[str] = []
    size = 0
    for output in outputs:
        if not isinstance(output, dict):
            continue
        if output.get("output_type") in ("error", "pyerr"):
            errors.append(str(output.get("ename", "Error")))
        size += _size(output.get("text"))
        data = output.get("data")
        if isinstance(data, dict):
            size += sum(_size(value) for value in data.values())
    return OutputSummary(count=len(outputs), error_names=tuple(errors), size_bytes=size)


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(len(item) for item in value if isinstance(item, str))
    if isinstance(value, dict):
        return len(json.dumps(value))
    return 0


def is_text_notebook(text: str) -> bool:
    """Whether a `.py` reads as a jupytext text notebook (a header or a `# %%` marker) rather
    than a plain script: what `parse_py` decides, without parsing."""
    return bool(_JUPYTEXT_HEADER.match(text) or _PERCENT_MARKER.search(text))


def parse_py(text: str, path: str) -> Notebook:
    """A py:percent (or other jupytext) file becomes cells; a plain script is one code cell."""
    if is_text_notebook(text):
        from nbcoach.analysis.textnotebook import read_text_notebook

        return read_text_notebook(text, path)
    return Notebook(
        path=path,
        format="script",
        cells=(Cell(number=1, kind="code", source=text),),
        language="python",
        nbformat="",
    )
