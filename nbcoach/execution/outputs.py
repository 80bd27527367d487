"""Compare what two runs of a notebook printed, cell by cell, ignoring what always differs.

Two runs of an unchanged notebook never produce identical files: execution counts, papermill's
timing metadata, memory addresses in reprs (`<Model at 0x7f3a...>`), `%time` and `%timeit`
measurements and the paths of the environment that ran it all change. Comparing the raw JSON
would flag every cell; comparing nothing would hide real changes. So each code cell's outputs
are reduced to their text — `text/plain` results, streams, and errors as `Name: message` —
with those volatile parts replaced by placeholders, rich outputs without a text form by their
media types, and images by a digest of their exact bytes (a plot that changed is a change). `nbcoach run --upgrade-check` and `nbcoach extract --verify`
both judge "did anything change?" with this.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nbcoach.core.model import CellOutputs, OutputDifference

SKIPPED_TAGS = frozenset({"injected-parameters", "papermill-error-cell-tag"})

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{4,}\b")
_CPU_TIMES = re.compile(r"^CPU times: .*$", re.M)
_WALL_TIME = re.compile(r"^Wall time: .*$", re.M)
_TIMEIT = re.compile(
    r"^[\d.]+ \S*s ± [\d.]+ \S*s per loop \(mean ± std\. dev\. of \d+ runs?, [\d,]+ loops? each\)$",
    re.M,
)
# %timeit adds this warning only when one run happened to be slow (a busy machine): drop it.
_TIMEIT_WARNING = re.compile(
    r"^The slowest run took [\d.]+ times longer than the fastest\..*\n?", re.M
)
_TIMEIT_SHORT = re.compile(r"^\d+ loops?, best of \d+: [\d.]+ \S*s per loop$", re.M)
_SITE_PACKAGES = re.compile(r"(?:[A-Za-z]:)?[^\s'\"]*[/\\](?:site|dist)-packages(?=[/\\])")


def cell_outputs(notebook: Path | Mapping[str, Any]) -> tuple[CellOutputs, ...]:
    """Each code cell's normalised outputs, numbered as the source notebook's UI shows them.

    Cells papermill adds (injected parameters, error banners) are left out and do not count,
    so cell numbers match the notebook the user edits.
    """
    document = _load(notebook)
    result = []
    number = 0
    for cell in document.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & SKIPPED_TAGS:
            continue
        number += 1
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        ran = cell.get("execution_count") is not None or bool(outputs)
        result.append(CellOutputs(number, _normalised(outputs), ran))
    return tuple(result)


def compare_outputs(
    before: Sequence[CellOutputs], after: Sequence[CellOutputs]
) -> list[OutputDifference]:
    """The cells whose outputs differ, in cell order; empty when the runs agree."""
    old = {cell.cell: cell for cell in before}
    new = {cell.cell: cell for cell in after}
    differences = []
    for number in sorted(old.keys() | new.keys()):
        first, second = old.get(number), new.get(number)
        was = first.outputs if first else ()
        now = second.outputs if second else ()
        ran_before = first is not None and first.ran
        ran_after = second is not None and second.ran
        if ran_before and not ran_after:
            differences.append(OutputDifference(number, "not-run", was, now))
        elif ran_after and not ran_before:
            differences.append(OutputDifference(number, "new", was, now))
        elif was != now:
            kind = "error" if _errors(now) - _errors(was) else "changed"
            differences.append(OutputDifference(number, kind, was, now))
    return differences


def describe_difference(difference: OutputDifference, max_lines: int = 12) -> list[str]:
    """A short unified diff of one cell's outputs, for people to read."""
    before = "\n".join(difference.before).splitlines()
    after = "\n".join(difference.after).splitlines()
    lines = [
        line
        for line in difflib.unified_diff(before, after, "before", "after", n=1, lineterm="")
        if not line.startswith(("---", "+++", "@@"))
    ]
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"... {len(lines) - max_lines} more lines"]
    return lines


def strip_ansi(text: str) -> str:
    """Text without terminal colour and cursor codes (IPython colours its tracebacks)."""
    return _ANSI.sub("", text)


def normalise_text(text: str) -> str:
    """Text with the parts that differ between equivalent runs replaced."""
    text = strip_ansi(text.replace("\r\n", "\n"))
    text = _ADDRESS.sub("0x...", text)
    text = _CPU_TIMES.sub("CPU times: ...", text)
    text = _WALL_TIME.sub("Wall time: ...", text)
    text = _TIMEIT_WARNING.sub("", text)
    text = _TIMEIT.sub("... per loop (timeit)", text)
    text = _TIMEIT_SHORT.sub("... per loop (timeit)", text)
    text = _SITE_PACKAGES.sub("<site-packages>", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _normalised(outputs: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    items: list[list[str]] = []  # [label, text]
    last_stream = None
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name = output.get("name", "stdout")
            text = _text(output.get("text", ""))
            if last_stream == name and items:
                items[-1][1] += text  # one print split over messages is still one output
            else:
                items.append([name, text])
            last_stream = name
            continue
        last_stream = None
        if kind == "error":
            items.append(["error", f"{output.get('ename', '')}: {output.get('evalue', '')}"])
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            label = "result" if kind == "execute_result" else "display"
            plain = data.get("text/plain")
            text = _text(plain) if plain is not None else ", ".join(sorted(data))
            images = [_image_digest(mime, data[mime]) for mime in _IMAGES if mime in data]
            items.append([label, " ".join([text, *images])])
    return tuple(f"[{label}] {normalise_text(text)}" for label, text in items)


_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
_SVG_ID = re.compile(r"""\b(id|href|clip-path)=(["'])[^"']*\2""")


def _image_digest(mime: str, value: Any) -> str:
    """An image as its exact bytes' digest: a plot that changed is a changed output, however
    its text form (`<Figure size 640x480 with 1 Axes>`) reads. SVG gets its generated ids
    (`clip-path="url(#p1a2b)"`) blanked first: matplotlib draws them at random."""
    text = _text(value)
    if mime == "image/svg+xml":
        text = _SVG_ID.sub(r"\1=\2\2", text)
        data = text.encode("utf-8")
    else:
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except ValueError:
            data = text.encode("utf-8")
    return f"<{mime} {hashlib.sha256(data).hexdigest()[:12]}>"


def _errors(outputs: Sequence[str]) -> set[str]:
    return {item for item in outputs if item.startswith("[error]")}


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _load(notebook: Path | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(notebook, Mapping):
        return notebook
    loaded: Mapping[str, Any] = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return loaded
