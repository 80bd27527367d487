"""Copy-pasted blocks: within a notebook (scored) and across the notebooks of one run (reported).

Clones of "the same shape with other names" (type-2 clones, as PMD CPD and jscpd find them):
each significant line is normalised -- strings, numbers, variable and attribute names replaced,
called names kept, because they say what the code does -- so a pandas chain pasted with other
column names still matches, while two different computations do not. A block counts when it
holds at least `duplicate-tokens` normalised tokens (one long chain is enough) or at least
`duplicate-lines` significant lines. Matching blocks form one group reported once ("this
6-line block appears 7 times: cells 4, 9, ..."), however many times it was pasted.

Seeds are the shortest runs of lines from each line that reach the minimum size, hashed; runs
that share a seed grow together as far as every copy agrees. Seeds are specific (a minimum-size
piece of code), so a line that stands everywhere (`plt.show()`) costs nothing.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nbcoach.core.model import Finding, Fingerprint, Location, Notebook

if TYPE_CHECKING:
    from nbcoach.analysis.parse import ParsedCell

_KEYWORDS = frozenset(keyword.kwlist) | {"True", "False", "None"}
# One pass over a line: strings -> S, comments dropped, numbers -> N, names -> V, except a
# name followed by "(" (a call: what the code does) and keywords. The lookahead names every
# character a token can start with: the other positions (spaces, operators, brackets) are
# passed over without trying the four alternatives, a seventh of the time of a line.
_TOKEN = re.compile(
    r"""(?=[\w'"#])(?:(?P<s>[rbuf]{0,2}(?:'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"))"""
    r"|(?P<c>\#.*)|(?P<n>\b\d[\w.]*)|(?P<w>(?<!\w)[A-Za-z_]\w*\b(?!\s*\()))",
    re.I,
)
_COUNT = re.compile(r"\w+|[^\w\s]")
_TRIVIAL = re.compile(
    r"^[\s()\[\]{},:;.]*$|^(?:pass|\.\.\.|else:|try:|finally:|return|break|continue)$"
)
# A line that names no variable is data or a bare call (`[Point(N, N), Point(N, N)],`,
# `plt.show()`): two tables of test values are not a copy of each other.
_DATA_ONLY = re.compile(r"^(?!.*\bV\b)")
MAX_LINE = 2_000
_PLACE_BITS = 32  # a cell's significant lines, as an index: far fewer than 2**32
_PLACE_MASK = (1 << _PLACE_BITS) - 1
MIN_DISTINCT_LINES = 3  # a multi-line block of fewer distinct shapes is a list of settings
MIN_LINES_TOKENS = 20  # a block long in lines must still hold this many tokens


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
    if not text or _TRIVIAL.match(text) or _DATA_ONLY.match(text):
        return ""
    # Each run of white space as one space: the text has none at either end, and `split` reads
    # white space as `\s` does, at a fifth of the cost of a substitution.
    return " ".join(text.split())


def fingerprints(cells: list[ParsedCell]) -> tuple[Fingerprint, ...]:
    """Every significant line as its shape's digest and size, in notebook order. Shapes come
    from the text, so a cell that does not parse still shows its copies: breaking a pasted
    block must not hide it."""
    prints = []
    known = _KNOWN
    for cell in cells:
        for number, text in enumerate(cell.source.split("\n"), start=1):
            if len(text) > _KNOWN_LINE:  # rare, and its key would cost more than it saves
                measured = _measure(text)
            else:
                measured = known.get(text, _UNKNOWN)
                if measured is _UNKNOWN:
                    measured = _measure(text)
                    if len(known) >= _KNOWN_MAX:
                        known.clear()
                    known[text] = measured
            if measured is not None:
                prints.append(Fingerprint(measured[0], cell.number, number, measured[1]))
    return tuple(prints)


# A line's digest and tokens, by its text, for the lines this process met last: a third of
# a corpus's lines stand more than once (imports, `plt.show()`, `df.head()`, pasted blocks),
# and normalising a line costs a regular expression's substitution with a call per token.
_KNOWN: dict[str, tuple[int, int] | None] = {}
_KNOWN_MAX = 10_000  # lines of at most _KNOWN_LINE characters: a few MB per process at most
_KNOWN_LINE = 200
_UNKNOWN = (0, 0)


def _measure(text: str) -> tuple[int, int] | None:
    """A line's shape's digest and normalised tokens; None for a line of no significance."""
    shape = normalise(text)
    if not shape:
        return None
    digest = hashlib.blake2b(shape.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 4, len(_COUNT.findall(shape))


@dataclass(frozen=True, slots=True)
class Copy:
    """One place a block stands: (notebook key, cell, first line, last line)."""

    key: str
    cell: int
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class CloneGroup:
    """A block and every place it stands, in order; `new` copies are not inside a larger group."""

    copies: tuple[Copy, ...]
    lines: int  # significant lines of one copy
    tokens: int  # normalised tokens of one copy
    new: int  # copies beyond the original that no larger group already counts


@dataclass(frozen=True, slots=True)
class Size:
    """The least a block must hold to count: tokens, or lines (with a few tokens too)."""

    tokens: int
    lines: int


def clone_groups(
    prints: Iterable[tuple[str, Fingerprint]], size: Size, same_key: bool
) -> list[CloneGroup]:
    """Groups of matching blocks. `same_key`: copies within one notebook (True) or copies that
    stand in different notebooks (False: each group then spans at least two keys)."""
    keys, units = _cell_runs(prints)
    # Each place packed into one int (run, start): a run over a monorepo holds one per line.
    seeds: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for run_index, lines in enumerate(units):
        for start in range(len(lines)):
            end = _seed_end(lines, start, size)
            if end is not None:
                seeds[tuple(p.digest for p in lines[start : end + 1])].append(
                    run_index << _PLACE_BITS | start
                )
    candidates = []
    for packed in seeds.values():
        if len(packed) < 2:
            continue
        places = [(place >> _PLACE_BITS, place & _PLACE_MASK) for place in packed]
        if not _spans_keys(places, keys, same_key):
            continue
        if _extends_backward(places, units):
            continue  # the same copies, one line later: the group from that line holds them
        length = _grow(places, units)
        places = _without_overlaps(places, length)
        if len(places) < 2 or not _spans_keys(places, keys, same_key):
            continue
        block = units[places[0][0]][places[0][1] : places[0][1] + length]
        tokens = sum(p.tokens for p in block)
        if _big_enough(block, tokens, size):
            candidates.append((places, length, tokens))
    # Biggest first, so that a block pasted inside a bigger copy is not counted twice.
    candidates.sort(key=lambda c: (-c[2] * (len(c[0]) - 1), c[0]))
    covered: set[tuple[int, int]] = set()  # (run, position) inside a counted copy
    groups = []
    for places, length, tokens in candidates:
        fresh = [
            (run, start)
            for run, start in places
            if any((run, position) not in covered for position in range(start, start + length))
        ]
        if not fresh:
            continue
        for run, start in places:
            covered.update((run, position) for position in range(start, start + length))
        copies = tuple(
            Copy(
                keys[run],
                units[run][start].cell,
                units[run][start].line,
                units[run][start + length - 1].line,
            )
            for run, start in places
        )
        new = len(fresh) - (1 if len(fresh) == len(places) else 0)
        groups.append(CloneGroup(copies, length, tokens, new))
    groups.sort(key=lambda g: (g.copies[0].key, g.copies[0].cell, g.copies[0].line))
    return groups


def _cell_runs(
    prints: Iterable[tuple[str, Fingerprint]],
) -> tuple[list[str], list[list[Fingerprint]]]:
    """Significant lines split into runs, one per cell of each notebook (a block stays in a
    cell), with the notebook key of each run."""
    keys: list[str] = []
    runs: list[list[Fingerprint]] = []
    last: tuple[str, int] | None = None
    for key, fingerprint in prints:
        if (key, fingerprint.cell) != last:
            keys.append(key)
            runs.append([])
            last = (key, fingerprint.cell)
        runs[-1].append(fingerprint)
    return keys, runs


def _seed_end(run: Sequence[Fingerprint], start: int, size: Size) -> int | None:
    """The last line of the shortest block from `start` that is big enough, if the cell has one."""
    tokens = 0
    for end in range(start, len(run)):
        tokens += run[end].tokens
        if tokens >= size.tokens or (end - start + 1 >= size.lines and tokens >= MIN_LINES_TOKENS):
            return end
    return None


def _spans_keys(places: list[tuple[int, int]], keys: list[str], same_key: bool) -> bool:
    found = {keys[run] for run, _ in places}
    return len(found) == 1 if same_key else len(found) > 1


def _extends_backward(places: list[tuple[int, int]], units: list[list[Fingerprint]]) -> bool:
    if any(start == 0 for _, start in places):
        return False
    return len({units[run][start - 1].digest for run, start in places}) == 1


def _grow(places: list[tuple[int, int]], units: list[list[Fingerprint]]) -> int:
    """How far every copy agrees, line by line, from the seed's start."""
    length = 0
    while True:
        digests = set()
        for run, start in places:
            position = start + length
            if position >= len(units[run]):
                return length
            digests.add(units[run][position].digest)
        if len(digests) != 1:
            return length
        length += 1


def _without_overlaps(places: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Copies that do not overlap an earlier kept copy in the same cell (`x = 1` seven times
    in a row is one run of lines, not seven copies)."""
    kept: list[tuple[int, int]] = []
    for run, start in sorted(places):
        if kept and kept[-1][0] == run and start < kept[-1][1] + length:
            continue
        kept.append((run, start))
    return kept


def _big_enough(block: Sequence[Fingerprint], tokens: int, size: Size) -> bool:
    if tokens >= size.tokens and len(block) == 1:
        return True  # one long line, a chain of calls
    if len({p.digest for p in block}) < min(MIN_DISTINCT_LINES, len(block)):
        return False  # repetitive short lines: a list of settings, not a copy
    return tokens >= size.tokens or (len(block) >= size.lines and tokens >= MIN_LINES_TOKENS)


def describe(group: CloneGroup, notebook_format: str) -> str:
    """'a 6-line block appears 7 times: cell 4 lines 2-7, cell 9 lines 1-6, ...'"""
    places = ", ".join(
        f"lines {c.line}-{c.end_line}" if notebook_format == "script" else _place(c)
        for c in group.copies
    )
    lines = "1 line" if group.lines == 1 else f"{group.lines}-line block"
    return f"a {lines} ({group.tokens} tokens) appears {len(group.copies)} times: {places}"


def _place(copy: Copy) -> str:
    span = (
        f"line {copy.line}" if copy.line == copy.end_line else f"lines {copy.line}-{copy.end_line}"
    )
    return f"cell {copy.cell} {span}"


def copy_deficit(group: CloneGroup) -> float:
    """What a group costs: more for bigger blocks and for every further copy (each fix must be
    made that many times), at most 60 per group, before the notebook's size is taken into
    account (scoring.duplication_priced)."""
    if group.new <= 0:
        return 0.0
    return round(min(60.0, 6.0 + 2.5 * group.lines * group.new), 1)


def copy_paste_findings(
    notebook: Notebook,
    prints: tuple[Fingerprint, ...],
    size: Size,
    definitions: dict[str, list[tuple[int, int, int]]],
) -> list[Finding]:
    """Repeated blocks, except copies of a redefined function: its redefinition is the finding.

    `definitions` maps a name defined more than once to its (cell, first line, last line) spans.
    """
    findings = []
    for group in clone_groups(((notebook.path, p) for p in prints), size, same_key=True):
        if _within_one_redefinition(group, definitions) or group.new <= 0:
            continue
        first, *others = group.copies
        findings.append(
            Finding(
                "copy-paste",
                describe(group, notebook.format),
                notebook.location(first.cell, first.line, first.end_line),
                "duplication",
                "warning",
                copy_deficit(group),
                f"copy:{first.cell}:{first.line}",
                related=tuple(notebook.location(c.cell, c.line, c.end_line) for c in others),
            )
        )
    return findings


def cross_notebook_findings(
    prints: Iterable[tuple[str, Fingerprint]], size: Size, scripts: frozenset[str] = frozenset()
) -> list[Finding]:
    """Blocks that stand in more than one notebook of a run: reported once per group, at the
    last copy, and never scored (a notebook's score depends on that notebook alone).
    `scripts`: the keys that are plain scripts, whose places have a line and no cell."""

    def place(copy: Copy, end: bool = True) -> Location:
        cell = None if copy.key in scripts else copy.cell
        return Location(copy.key, cell, copy.line, copy.end_line if end else None)

    findings = []
    for group in clone_groups(prints, size, same_key=False):
        *others, last = group.copies
        elsewhere = ", ".join(str(place(c, end=False)) for c in others)
        findings.append(
            Finding(
                "copy-paste-across",
                f"{group.lines} significant lines ({group.tokens} tokens) also stand in {elsewhere}",
                place(last),
                "duplication",
                "info",
                0.0,
                f"copy-across:{others[0].key}",
                scored=False,
                related=tuple(place(c) for c in others),
            )
        )
    return findings


def _within_one_redefinition(
    group: CloneGroup, definitions: dict[str, list[tuple[int, int, int]]]
) -> bool:
    def inside(copy: Copy, span: tuple[int, int, int]) -> bool:
        return copy.cell == span[0] and span[1] <= copy.line and copy.end_line <= span[2]

    return any(
        all(any(inside(copy, span) for span in spans) for copy in group.copies)
        for spans in definitions.values()
    )
