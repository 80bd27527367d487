"""The jupytext adapter's writing side: a pair's common text, and each side from the other.

Whether a pair is in sync is decided on the pair's common text -- the notebook written in the
text format -- against a digest of that text recorded at the last sync (syncstate.py). Which
files form a pair is found by analysis/pairs.py; reading a text notebook for a report is
analysis/textnotebook.py. jupytext is imported lazily (it costs ~0.3 s).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbcoach.analysis.pairs import Pair, jupytext_config
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
