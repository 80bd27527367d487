"""Copy-pasted blocks: within a notebook (scored) and across the notebooks of one run (reported).

Lines are normalised -- literals and plain variable names replaced, attribute and called names
kept -- so a block pasted with another column name or another data frame still matches, while
two different computations do not. A window of `duplicate_lines` significant lines is hashed;
runs of matching windows are merged into one block per copy.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nbcoach.core.model import Finding, Fingerprint, Notebook

if TYPE_CHECKING:
    from nbcoach.analysis.parse import ParsedCell

_KEYWORDS = frozenset(keyword.kwlist) | {"True", "False", "None"}
# One pass over a line: strings -> S, comments dropped, numbers -> N, plain variable names -> V
# (attribute names after "." and called names before "(" are kept: they say what the code does).
_TOKEN = re.compile(
    r"""(?P<s>[rbuf]{0,2}(?:'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"))"""
    r"|(?P<c>\#.*)|(?P<n>\b\d[\w.]*)|(?P<w>(?<![.\w])[A-Za-z_]\w*\b(?!\s*\())",
    re.I,
)
_SPACE = re.compile(r"\s+")
_TRIVIAL = re.compile(
    r"^[\s()\[\]{},:;.]*$|^(?:pass|\.\.\.|else:|try:|finally:|return|break|continue)$"
)
MAX_OCCURRENCES = 8  # a window seen more often than this is an idiom, not a copy
MAX_LINE = 2_000


def _token(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "s":
        return "S"
    if kind == "c":
        return ""
    if kind == "n":
        return "N"
    word = match.group()
    return word if word in _KEYWORDS else "V"


@dataclass(frozen=True, slots=True)
class Block:
    """One copy of a repeated block, and the earlier copy it repeats."""

    first: tuple[str, int, int, int]  # (key, cell, first line, last line)
    second: tuple[str, int, int, int]
    lines: int


def normalise(line: str) -> str:
    """A line as its shape: the same code with other names and values normalises the same."""
    text = line.strip()
    if (
        not text
        or text[0] in "#@%!"
        or text.startswith(("import ", "from "))
        or len(text) > MAX_LINE
    ):
        return ""  # a line longer than MAX_LINE is data or generated code, not a copy-paste habit
    text = _TOKEN.sub(_token, text).rstrip()
    if not text or _TRIVIAL.match(text):
        return ""
    return _SPACE.sub(" ", text)


def fingerprints(cells: list[ParsedCell], window: int) -> tuple[Fingerprint, ...]:
    """Hashes of every window of `window` significant lines, in notebook order."""
    significant: list[tuple[str, int, int]] = []  # (normalised, cell, line)
    for cell in cells:
        if cell.tree is None:
            continue
        for number, text in enumerate(cell.source.split("\n"), start=1):
            normalised = normalise(text)
            if normalised:
                significant.append((normalised, cell.number, number))
    prints = []
    for index in range(len(significant) - window + 1):
        chunk = significant[index : index + window]
        if chunk[0][1] != chunk[-1][1]:
            continue  # a block must lie within one cell
        texts = [text for text, _, _ in chunk]
        if len(set(texts)) < 3 or sum(map(len, texts)) < 60:
            continue  # too uniform or too short to be a meaningful copy
        digest = hashlib.blake2b("\n".join(texts).encode(), digest_size=8).hexdigest()
        prints.append(Fingerprint(digest, index, chunk[0][1], chunk[0][2], chunk[-1][2]))
    return tuple(prints)


def find_blocks(
    prints: Iterable[tuple[str, Fingerprint]], window: int, same_key: bool
) -> list[Block]:
    """Merge matching windows into blocks. `same_key` chooses within one notebook or across."""
    by_digest: dict[str, list[tuple[str, Fingerprint]]] = defaultdict(list)
    for key, fingerprint in prints:
        by_digest[fingerprint.digest].append((key, fingerprint))
    diagonals: dict[tuple[str, str, int, int, int], list[tuple[Fingerprint, Fingerprint]]] = (
        defaultdict(list)
    )
    for occurrences in by_digest.values():
        if len(occurrences) < 2 or len(occurrences) > MAX_OCCURRENCES:
            continue
        for i, (key_a, a) in enumerate(occurrences):
            for key_b, b in occurrences[i + 1 :]:
                if (key_a == key_b) != same_key:
                    continue
                if key_a == key_b and abs(b.index - a.index) < window:
                    continue  # overlapping windows of one run of lines
                first, second = (
                    ((key_a, a), (key_b, b))
                    if (key_a, a.index) <= (key_b, b.index)
                    else ((key_b, b), (key_a, a))
                )
                diagonal = (
                    first[0],
                    second[0],
                    first[1].cell,
                    second[1].cell,
                    second[1].index - first[1].index,
                )
                diagonals[diagonal].append((first[1], second[1]))
    blocks = []
    for (key_a, key_b, _, _, _), pairs in diagonals.items():
        pairs.sort(key=lambda pair: pair[0].index)
        run = [pairs[0]]
        for pair in pairs[1:]:
            if pair[0].index == run[-1][0].index + 1:
                run.append(pair)
                continue
            blocks.append(_block(key_a, key_b, run, window))
            run = [pair]
        blocks.append(_block(key_a, key_b, run, window))
    blocks.sort(key=lambda b: (b.second, b.first))
    return blocks


def _block(
    key_a: str, key_b: str, run: list[tuple[Fingerprint, Fingerprint]], window: int
) -> Block:
    first_a, first_b = run[0]
    last_a, last_b = run[-1]
    return Block(
        (key_a, first_a.cell, first_a.line, last_a.end_line),
        (key_b, first_b.cell, first_b.line, last_b.end_line),
        window + len(run) - 1,
    )


def copy_paste_findings(
    notebook: Notebook,
    prints: tuple[Fingerprint, ...],
    window: int,
    definitions: dict[str, list[tuple[int, int, int]]],
) -> list[Finding]:
    """Repeated blocks, except copies of a redefined function: its redefinition is the finding.

    `definitions` maps a name defined more than once to its (cell, first line, last line) spans.
    """
    findings = []
    for block in find_blocks(((notebook.path, p) for p in prints), window, same_key=True):
        if _within_one_redefinition(block, definitions):
            continue
        _, cell_a, start_a, end_a = block.first
        _, cell_b, start_b, end_b = block.second
        where_a = (
            f"lines {start_a}-{end_a} of cell {cell_a}"
            if notebook.format != "script"
            else f"lines {start_a}-{end_a}"
        )
        here = f"lines {start_b}-{end_b}" + (
            f" of cell {cell_b}" if notebook.format != "script" else ""
        )
        findings.append(
            Finding(
                "copy-paste",
                f"{here} repeat {where_a} ({block.lines} significant lines)",
                notebook.location(cell_b, start_b, end_b),
                "duplication",
                "warning",
                round(min(40.0, 3.0 + block.lines), 1),
                f"copy:{cell_a}:{start_a}:{cell_b}:{start_b}",
                related=(notebook.location(cell_a, start_a, end_a),),
            )
        )
    return findings


def _within_one_redefinition(
    block: Block, definitions: dict[str, list[tuple[int, int, int]]]
) -> bool:
    def inside(copy: tuple[str, int, int, int], span: tuple[int, int, int]) -> bool:
        return copy[1] == span[0] and span[1] <= copy[2] and copy[3] <= span[2]

    return any(
        any(inside(block.first, span) for span in spans)
        and any(inside(block.second, span) for span in spans)
        for spans in definitions.values()
    )
