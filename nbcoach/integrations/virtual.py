"""A jupyterlab-lsp virtual document read back as the notebook's cells.

jupyterlab-lsp does not send a notebook as cells: it sends one `.virtual_documents/nb.ipynb`
text, every cell's code one after the other with two blank lines between them, a markdown cell
as an empty line, and IPython's syntax rewritten as Python (`!ls` as
`get_ipython().getoutput(...)`, a cell magic as comments around its body). Graded as one script
the notebook would lose its cells: no long cell, no cell numbers, a different grade from
`nbcoach report`. The saved notebook says where the cells were; the virtual text says what they
hold now. Lining up the two, line by line (difflib, as a diff would), gives each line of the
virtual text its cell, also after edits not yet saved: a line typed into a cell is inside the
lines of that cell. Where the text cannot tell (two blank lines and a new `def` typed at the end
of a cell read exactly as the same typed at the start of the next), the lines go to the next
cell. Cells added or removed since the last save line up with their neighbours until the
notebook is saved.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from nbcoach.core.model import Notebook

SEPARATOR = ["", ""]  # the two blank lines jupyterlab-lsp puts between cells


@dataclass(frozen=True, slots=True)
class VirtualCells:
    notebook: Notebook  # the saved notebook with each code cell's text as it is now
    starts: dict[int, int]  # cell number -> its first line in the virtual text (1-based)
    # kept for the next change: the saved notebook it was lined up with, and each line's cell
    base: Notebook | None = None
    lines: tuple[str, ...] = ()
    owners: tuple[int | None, ...] = ()
    floors: dict[int, int] = field(default_factory=dict)  # cell -> lowest line it may take


def cells_of(
    text: str, saved: Notebook, previous: VirtualCells | None = None
) -> VirtualCells | None:
    """The cells of a virtual document, lined up with the saved notebook's; None when they do
    not line up at all (the text is of another notebook). Given the result for the previous
    text of the same document (and the same saved notebook), the new text is lined up with the
    old one instead: an edit is local, so only the lines between the common beginning and the
    common end are compared (a few lines, instead of every line of a large notebook)."""
    if previous is not None and previous.base == saved and previous.lines:
        template, owner = list(previous.lines), list(previous.owners)
    else:
        previous = None
        template, owner = _template(saved)
    virtual = text.split("\n")
    if len(virtual) > 1 and virtual[-1] == "":
        virtual.pop()  # the text's last newline ends the last cell; it is not a line of it
    of_line = _line_up(template, owner, virtual, check=previous is None and bool(saved.cells))
    if of_line is None:
        return None
    sources: dict[int, list[str]] = {cell.number: [] for cell in saved.cells}
    starts: dict[int, int] = {}
    for row, (line, number) in enumerate(zip(virtual, of_line, strict=True), start=1):
        if number is None:
            continue
        starts.setdefault(number, row)
        sources[number].append(line)
    cells = []
    floors: dict[int, int] = {}
    for cell in saved.cells:
        if cell.kind != "code":
            cells.append(cell)
            continue
        code, merged = _code(cell.source, "\n".join(sources[cell.number]))
        if merged and cell.number in starts:
            # `%%name` and the body's first line share the virtual text's first line: cell
            # line k is virtual line start + k - 2, and line 1 (the magic) is the first line
            floors[cell.number] = starts[cell.number]
            starts[cell.number] -= 1
        cells.append(replace(cell, source=code))
    # run counts and outputs stay the saved ones: the kernel's state is not in the text
    notebook = replace(saved, cells=tuple(cells))
    return VirtualCells(notebook, starts, saved, tuple(virtual), tuple(of_line), floors)


def _template(saved: Notebook) -> tuple[list[str], list[int | None]]:
    """The text jupyterlab-lsp would send for the saved cells (IPython syntax not rewritten),
    and the cell of each line (None for a separator)."""
    template: list[str] = []
    owner: list[int | None] = []
    for index, cell in enumerate(saved.cells):
        if index:
            template += SEPARATOR
            owner += [None, None]
        lines = cell.source.split("\n") if cell.kind == "code" else [""]
        template += lines
        owner += [cell.number] * len(lines)
    return template, owner


def _line_up(
    template: list[str], owner: list[int | None], virtual: list[str], check: bool
) -> list[int | None] | None:
    """The cell of every virtual line. The common beginning and end are matched as they are;
    difflib lines up what lies between (`check`: None when under a third of it matches)."""
    head = 0
    limit = min(len(template), len(virtual))
    while head < limit and template[head] == virtual[head]:
        head += 1
    tail = 0
    while (
        tail < limit - head
        and template[len(template) - 1 - tail] == virtual[len(virtual) - 1 - tail]
    ):
        tail += 1
    middle_template = template[head : len(template) - tail]
    middle_virtual = virtual[head : len(virtual) - tail]
    matcher = difflib.SequenceMatcher(None, middle_template, middle_virtual, autojunk=False)
    if check and len(middle_template) > len(template) * 0.7 and matcher.ratio() < 0.3:
        return None
    of_line: list[int | None] = list(owner[:head]) + [None] * len(middle_virtual)
    for tag, t1, t2, v1, v2 in matcher.get_opcodes():
        t1, t2 = t1 + head, t2 + head
        for offset, at in enumerate(range(v1 + head, v2 + head)):
            if tag == "equal" or (tag == "replace" and t1 + offset < t2):
                of_line[at] = owner[t1 + offset]
            elif tag == "replace" and owner[t2 - 1] is not None:
                of_line[at] = owner[t2 - 1]  # a line replaced by more lines: the same cell
            else:
                of_line[at] = _inserted(owner, t2 if tag == "replace" else t1)
    return of_line + list(owner[len(owner) - tail :])


def _code(saved: str, virtual: str) -> tuple[str, bool]:
    """A cell's code as the user wrote it: jupyterlab-lsp's rewrites of IPython syntax undone
    (its own reverse patterns, from its `ipython` overrides), and a cell in another language,
    which it leaves out of the Python document, as saved."""
    if not virtual.strip() and saved.lstrip().startswith("%%"):
        return saved, False
    merged = _CELL_MAGIC.match(virtual)  # one line shorter than the cell (see cells_of)
    cell = merged or _TIMED_CELL.match(virtual)
    if cell is not None:
        name, arguments, body = cell.groups()
        virtual = f"%%{name}{_unescape(arguments)}\n" + body.replace('\\"\\"\\"', '"""')
    return "\n".join(_line(line) for line in virtual.split("\n")), merged is not None


def _line(line: str) -> str:
    for pattern, undo in _LINE_MAGICS:
        line, count = pattern.subn(undo, line, count=1)
        if count:
            return line
    return line


def _unescape(text: str) -> str:
    return re.sub(r'\\(["\\])', r"\1", text)


def _pinfo(kind: str) -> str:
    return "?" if kind == "pinfo" else "??"


_LINE_MAGICS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # `!cmd` is not escaped: its argument runs to the last `")` of the line
    (re.compile(r'get_ipython\(\)\.getoutput\("(.*)"\)'), lambda m: "!" + m[1]),
    (
        re.compile(r"get_ipython\(\)\.run_line_magic\('(pinfo2?)', '(.*?)'\)"),
        lambda m: _pinfo(m[1]) + m[2],
    ),
    (
        re.compile(r"get_ipython\(\)\.run_line_magic\('(pinfo2?)',  '(.*?)'\)"),
        lambda m: m[2] + _pinfo(m[1]),
    ),
    (
        # `%magic args`: args escaped (`\"`), so a `")` inside them is not the end
        re.compile(r'get_ipython\(\)\.run_line_magic\("([^"]*)", "((?:[^"\\]|\\.)*)"\)'),
        lambda m: "%" + m[1] + _unescape(m[2]),
    ),
]
_CELL_MAGIC = re.compile(r'^get_ipython\(\)\.run_cell_magic\("(.*?)", "(.*?)", """([\s\S]*)"""\)')
_TIMED_CELL = re.compile(r'^# START_CELL_MAGIC\("(.*?)", "(.*?)"\)\n([\s\S]*)\n# END_CELL_MAGIC$')


def _inserted(owner: list[int | None], index: int) -> int | None:
    """The cell of lines typed before template line `index`: the cell that starts there when a
    separator (or nothing) is just before, else the cell before (the end of a cell)."""
    if index < len(owner) and owner[index] is not None and (index == 0 or owner[index - 1] is None):
        return owner[index]
    for cell in reversed(owner[:index]):
        if cell is not None:
            return cell
    return next((cell for cell in owner[index:] if cell is not None), None)
