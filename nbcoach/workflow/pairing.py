"""The jupytext adapter: text notebooks (py:percent and friends) in and out, and pairing.

Only this module imports jupytext (it costs ~0.3 s to import, so it is imported lazily).

A notebook is paired with a text file when (first match wins) its own metadata says so
(`jupytext.formats`, as `jupytext --set-formats` writes it), when a jupytext configuration
(`jupytext.toml`, `[tool.jupytext]` in pyproject.toml, ... found upward from the notebook, as
jupytext itself looks) pairs its folder, or when a same-stem `.py` with a jupytext header stands
beside it. Whether a pair is in sync is decided on the pair's common text -- the notebook written
in the text format -- against a digest of that text recorded at the last sync (syncstate.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbcoach.errors import ConfigError, InputError, UsageError
from nbcoach.language import declared_language, is_python, language_from_metadata, normalise
from nbcoach.model import Cell, CellKind, Notebook

if TYPE_CHECKING:
    from nbcoach.pairstate import PairStatus

_MARKER = re.compile(r"^#\s?%%(?:\s|$)")  # `# %%time` is a commented cell magic, not a marker


def read_text_notebook(text: str, path: str) -> Notebook:
    """Read a jupytext text notebook; cells are numbered as in the paired .ipynb."""
    import jupytext

    document: Any = jupytext.reads(text, fmt="py")
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
        notes=(),
        cell_lines=cell_start_lines(text, len(cells)),
    )


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


# --- which files form a pair -------------------------------------------------------------

DEFAULT_FORMAT = "py:percent"
_HEADER = re.compile(r"\A(?:#!.*\n)?(?:# -\*-.*\n)?# ---\n(?:#.*\n)*?#\s+jupytext:", re.M)


@dataclass(frozen=True, slots=True)
class Pair:
    """A notebook and the text file it is paired with (either may not exist yet)."""

    notebook: Path
    text: Path
    format: str  # jupytext format of the text side, e.g. "py:percent"
    origin: str  # what declared the pairing, for messages
    config_file: str | None = None  # the jupytext configuration that applies, if any


def paired_path(notebook: Path) -> Path | None:
    """The text file paired with `notebook`, if it exists (None for anything but a notebook)."""
    if Path(notebook).suffix != ".ipynb":
        return None
    pair = find_pair(notebook)
    return pair.text if pair is not None and pair.text.is_file() else None


def pair_status(notebook: Path, staged: bool = False) -> PairStatus:
    """Whether a notebook and its text side agree (see pairstate.py); here so that callers
    who ask "is this notebook paired, and safe to touch?" need one import."""
    from nbcoach.pairstate import pair_status as status

    return status(notebook, staged)


def find_pair(path: Path) -> Pair | None:
    """The pair a notebook or a text file belongs to, whether or not its other side exists."""
    path = Path(path)
    config_file = _config_file(path)
    if path.suffix == ".ipynb":
        formats, origin = _notebook_formats(path), "notebook metadata"
    else:
        formats, origin = _text_formats(path), "text header"
    if not formats and config_file:
        formats, origin = _config_formats(config_file, path), Path(config_file).name
    if formats:
        pair = _pair_from_formats(path, formats, origin, config_file)
        # a configuration pairs every .py in its folders; only a text notebook (a jupytext
        # header) or a file whose notebook exists is one, never a plain module or test
        if pair is not None and (
            path.suffix == ".ipynb" or _has_header(path) or pair.notebook.is_file()
        ):
            return pair
    if path.suffix == ".ipynb":
        twin = path.with_suffix(".py")
        if twin.is_file() and _has_header(twin):
            return Pair(path, twin, _header_format(twin), "text header", config_file)
    elif path.suffix == ".py" and _has_header(path) and path.with_suffix(".ipynb").is_file():
        return Pair(
            path.with_suffix(".ipynb"), path, _header_format(path), "text header", config_file
        )
    return None


def text_side_of(path: Path) -> Pair | None:
    """The pair whose text side `path` is; None for a notebook, a plain module or a file
    that is no side of a pair (hooks judge and count such a `.py` with its notebook)."""
    pair = find_pair(path)
    if pair is None or pair.text.resolve() != Path(path).resolve():
        return None
    return pair


def _pair_from_formats(
    path: Path, formats: Any, origin: str, config_file: str | None
) -> Pair | None:
    from jupytext.formats import long_form_multiple_formats, short_form_one_format
    from jupytext.paired_paths import InconsistentPath, find_base_path_and_format, full_path

    try:
        long = long_form_multiple_formats(formats)
        base, _ = find_base_path_and_format(str(path), long)
    except (InconsistentPath, ValueError, KeyError, TypeError):
        return None
    notebooks = [f for f in long if f["extension"] == ".ipynb"]
    texts = sorted(
        (f for f in long if f["extension"] != ".ipynb"), key=lambda f: f["extension"] != ".py"
    )
    if not notebooks or not texts:
        return None
    text_format = {k: v for k, v in texts[0].items() if k not in ("prefix", "suffix")}
    return Pair(
        notebook=Path(full_path(base, notebooks[0])),
        text=Path(full_path(base, texts[0])),
        format=short_form_one_format(text_format),
        origin=origin,
        config_file=config_file,
    )


def _notebook_formats(path: Path) -> Any:
    try:
        return _formats_in(path.read_bytes())
    except OSError:
        return None


def _formats_in(notebook: bytes) -> Any:
    try:
        document = json.loads(notebook)
    except ValueError:
        return None
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        return None
    jupytext_metadata = metadata.get("jupytext")
    formats = jupytext_metadata.get("formats") if isinstance(jupytext_metadata, dict) else None
    return formats or metadata.get("jupytext_formats")


def pair_from_metadata(path: Path, notebook: bytes) -> Pair | None:
    """The pair that this notebook content's `jupytext.formats` metadata declares."""
    formats = _formats_in(notebook)
    if not formats:
        return None
    return _pair_from_formats(path, formats, "notebook metadata", _config_file(path))


def other_language(pair: Pair) -> str | None:
    """The kernel language of a notebook paired with a `.py` file, when it is not Python.

    jupytext writes any notebook's code into a `.py` when a configuration says so (R code in
    `r_kernel.py`, which then reads as Python with syntax errors); nbcoach pairs `.py` files
    with Python notebooks only. A pair with another extension (`--format auto:percent` gives
    `.R` for R) was chosen for that language and is left alone. The language is the notebook's
    metadata, else the text side's jupytext header; undeclared counts as Python."""
    if pair.text.suffix != ".py":
        return None
    language = _declared_language(pair.notebook, pair.text)
    return language if language is not None and not is_python(language) else None


def _declared_language(notebook: Path, text: Path) -> str | None:
    try:
        return declared_language(notebook.read_bytes())
    except OSError:  # the notebook does not exist (yet): its text side's header says
        pass
    match = re.search(r"^#\s+language:\s*(\S+)\s*$", _head(text), re.M)
    return normalise(match.group(1).strip("'\"")) if match and _has_header(text) else None


def _text_formats(path: Path) -> Any:
    match = re.search(r"^#\s+formats:\s*(\S+)\s*$", _head(path), re.M)
    return match.group(1).strip("'\"") if match and _has_header(path) else None


def _head(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as stream:
            return stream.read(4096)
    except OSError:
        return ""


def _has_header(path: Path) -> bool:
    return bool(_HEADER.match(_head(path)))


def _header_format(path: Path) -> str:
    match = re.search(r"^#\s+format_name:\s*(\S+)", _head(path), re.M)
    return f"py:{match.group(1)}" if match else DEFAULT_FORMAT


def _config_file(path: Path) -> str | None:
    from jupytext.config import find_jupytext_configuration_file

    directory = path.resolve().parent
    return _cached_config_file(directory, find_jupytext_configuration_file)


@lru_cache(maxsize=128)
def _cached_config_file(directory: Path, finder: Any) -> str | None:
    found = finder(str(directory))
    return str(found) if found else None


@lru_cache(maxsize=32)
def jupytext_config(config_file: str | None) -> Any:
    """The jupytext configuration object (format options apply to reads and writes too)."""
    if config_file is None:
        return None
    from jupytext.config import JupytextConfigurationError, load_jupytext_configuration_file

    try:
        return load_jupytext_configuration_file(config_file)
    except (JupytextConfigurationError, OSError, ValueError) as error:
        raise ConfigError(f"{config_file}: invalid jupytext configuration: {error}") from error


def _config_formats(config_file: str, path: Path) -> Any:
    config = jupytext_config(config_file)
    return config.default_formats(str(path)) if config is not None else None


# --- converting between the two sides ----------------------------------------------------


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


def notebook_text(data: bytes, pair: Pair) -> str:
    """The notebook as its text side would hold it: the pair's common text."""
    import jupytext

    config = jupytext_config(pair.config_file)
    return str(jupytext.writes(_read_ipynb(data, pair.notebook), pair.format, config=config))


def text_text(text: str, pair: Pair) -> str:
    """A text notebook as jupytext would write it (so cosmetic differences do not count)."""
    import jupytext

    config = jupytext_config(pair.config_file)
    try:
        document = jupytext.reads(text, fmt=pair.format, config=config)
    except Exception as error:  # jupytext raises many kinds on bad input
        raise InputError(str(pair.text), f"cannot read as {pair.format}: {error}") from error
    return str(jupytext.writes(document, pair.format, config=config))


def merged_notebook(text: str, previous: bytes | None, pair: Pair) -> bytes:
    """The notebook with the text side's cells and the previous notebook's outputs and ids."""
    import jupytext
    from jupytext.combine import combine_inputs_with_outputs

    config = jupytext_config(pair.config_file)
    document = jupytext.reads(text, fmt=pair.format, config=config)
    if previous is not None:
        document = combine_inputs_with_outputs(
            document, _read_ipynb(previous, pair.notebook), fmt=pair.format
        )
    written = str(jupytext.writes(document, "ipynb"))
    return (written if written.endswith("\n") else written + "\n").encode("utf-8")


def with_formats(data: bytes, formats: str, path: Path) -> bytes:
    """The notebook with `jupytext.formats` set in its metadata, everything else untouched."""
    import jupytext

    document = _read_ipynb(data, path)
    document.metadata.setdefault("jupytext", {})["formats"] = formats
    written = str(jupytext.writes(document, "ipynb"))
    return (written if written.endswith("\n") else written + "\n").encode("utf-8")


def roundtrip_losses(data: bytes, pair: Pair) -> list[str]:
    """Why the notebook's cells would not come back unchanged from its text side (empty: they
    would). Trailing blank lines of a cell do not count; everything else does."""
    import jupytext

    original = _read_ipynb(data, pair.notebook)
    back = jupytext.reads(
        notebook_text(data, pair), fmt=pair.format, config=jupytext_config(pair.config_file)
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


def _read_ipynb(data: bytes, path: Path) -> Any:
    import jupytext

    try:
        return jupytext.reads(data.decode("utf-8-sig"), fmt="ipynb")
    except Exception as error:  # invalid JSON, bad nbformat, ...
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(str(path), f"cannot read the notebook: {reason}") from error
