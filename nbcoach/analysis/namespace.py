"""Notebook-scope lint: what ruff cannot see because a notebook is one namespace across cells.

Most notebook code runs at the top level, where ruff's function-scoped rules (unused variables,
naming) do not look, and ruff reads each import on its own. Here the whole notebook is the
scope: a name bound and never read in any later cell, a module imported in several cells, a
number repeated in calculations, a one-letter or CapWords data name, and functions that read
notebook variables instead of taking parameters. All come from the cell facts (no extra walk).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from fnmatch import fnmatchcase

from nbcoach.analysis.facts import CellFacts
from nbcoach.analysis.names import notebook_bindings
from nbcoach.core.model import Finding, Function, Notebook

DEFICIT = {
    "unused-name": 1.5,
    "reimported-module": 5.0,
    "magic-number": 1.0,
    "top-level-name": 1.0,
}
# Functions reading notebook variables are one habit, priced as hygiene prices habits.
READS_GLOBALS_DEFICIT, READS_GLOBALS_STEP, READS_GLOBALS_CAP = 2.0, 0.5, 6.0
# Handles a plotting call returns and nobody needs to read; `_` and friends by convention.
UNUSED_ALLOWED: tuple[str, ...] = ("_*", "fig*", "ax*", "im", "img", "line", "lines", "handles")
UNUSED_ALLOWED += ("labels", "legend", "cbar", "plot", "chart", "p", "g")
# Numbers that are no one's constant: identities, halves, squares, percentages.
PLAIN_NUMBERS = frozenset({0, 1, 2, -1, 0.5, 100})
MAGIC_REPEATS = 3
# One-letter names with a meaning everyone reads the same way (X, y for data; i, j, k, n).
CONVENTIONAL_LETTERS = frozenset("XyxijknT_")
DATA_KINDS = frozenset(
    {"DataFrame", "Series", "ndarray", "list", "dict", "set", "tuple", "int", "float", "str"}
)


def namespace_findings(
    notebook: Notebook, facts: list[CellFacts], functions: Iterable[Function]
) -> list[Finding]:
    findings = _unused_names(notebook, facts)
    findings += _reimports(notebook, facts)
    findings += _magic_numbers(notebook, facts)
    findings += _top_level_names(notebook, facts)
    findings += _reads_globals(notebook, facts, functions)
    return findings


def _finding(
    rule: str, message: str, notebook: Notebook, cell: int, line: int, subject: str, **more: object
) -> Finding:
    return Finding(
        rule,
        message,
        notebook.location(cell, line),
        "lint",
        "warning",
        DEFICIT[rule],
        subject,
        **more,  # type: ignore[arg-type]
    )


def _unused_names(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    """Names bound by a plain `name = ...` and read nowhere in the notebook (`x += 1` and
    `del x` count as reads: the name is still in use)."""
    read = {name for cell in facts for name in cell.loads}
    read |= {a.name for cell in facts for a in cell.assignments if a.value is None}
    first: dict[str, tuple[int, int]] = {}
    for cell in facts:
        for assignment in cell.assignments:
            name = assignment.name
            if assignment.unpacked or name in read or name in first:
                continue
            if name.startswith("__") or any(fnmatchcase(name, p) for p in UNUSED_ALLOWED):
                continue
            first[name] = (assignment.cell, assignment.line)
    findings = [
        _finding(
            "unused-name",
            f"`{name}` is assigned but never read in the notebook",
            notebook,
            cell,
            line,
            f"unused:{name}",
        )
        for name, (cell, line) in first.items()
    ]
    defined: dict[str, tuple[str, int, int]] = {}
    for cell in facts:
        for definition in cell.definitions:
            name = definition.name
            if name in read or name.startswith("_") or definition.node.decorator_list:
                continue  # a decorator registers it somewhere: it is in use
            defined.setdefault(name, (definition.kind, definition.cell, definition.line))
    findings += [
        _finding(
            "unused-name",
            f"{kind} `{name}` is defined but never used in the notebook",
            notebook,
            cell,
            line,
            f"unused:{name}",
        )
        for name, (kind, cell, line) in defined.items()
    ]
    return findings


def _reimports(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    places: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    written: dict[tuple[str, str], str] = {}
    for cell in facts:
        for item in cell.imports:
            if item.star:
                continue
            for bound, statement in zip(item.bound, item.written, strict=True):
                key = (item.modules[0] if len(item.modules) == 1 else bound, bound)
                written.setdefault(key, statement)
                if not places[key] or places[key][-1][0] != item.cell:
                    places[key].append((item.cell, item.line))
    findings = []
    for key, where in places.items():
        if len(where) < 2:
            continue
        name, bound = written[key], key[1]
        cells = ", ".join(str(cell) for cell, _ in where)
        findings.append(
            _finding(
                "reimported-module",
                f"`{name}` appears in {len(where)} cells ({cells}); import it once, at the top",
                notebook,
                where[1][0],
                where[1][1],
                f"reimport:{bound}",
                related=tuple(notebook.location(c, ln) for c, ln in where[:1] + where[2:]),
            )
        )
    return findings


def _magic_numbers(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    places: dict[int | float, list[tuple[int, int]]] = defaultdict(list)
    for cell in facts:
        for line, value in cell.numbers:
            if value not in PLAIN_NUMBERS:
                places[value].append((cell.number, line))
    findings = []
    for value, where in places.items():
        if len(where) < MAGIC_REPEATS:
            continue
        cells = ", ".join(dict.fromkeys(str(cell) for cell, _ in where))
        findings.append(
            _finding(
                "magic-number",
                f"{value!r} is written {len(where)} times in calculations or comparisons "
                f"(cells {cells}); name it once",
                notebook,
                where[0][0],
                where[0][1],
                f"magic:{value!r}",
                related=tuple(notebook.location(c, ln) for c, ln in where[1:]),
            )
        )
    return findings


def _top_level_names(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    """One-letter names and CapWords names bound to data at the top level: ruff's naming rules
    look only inside functions, and these are the names the next reader has to guess."""
    seen: set[str] = set()
    findings = []
    for cell in facts:
        for assignment in cell.assignments:
            name = assignment.name
            if name in seen or assignment.unpacked or assignment.value is None:
                continue
            one_letter = len(name) == 1 and name not in CONVENTIONAL_LETTERS
            cap_words = (
                name[0].isupper()
                and not name.isupper()
                and "_" not in name
                and assignment.value_kind in DATA_KINDS
            )
            if not (one_letter or cap_words):
                continue
            seen.add(name)
            what = "a one-letter name" if one_letter else "CapWords, which reads as a class"
            findings.append(
                _finding(
                    "top-level-name",
                    f"`{name}` is {what}; name the data for what it holds (snake_case)",
                    notebook,
                    assignment.cell,
                    assignment.line,
                    f"name:{name}",
                )
            )
    return findings


def _reads_globals(
    notebook: Notebook, facts: list[CellFacts], functions: Iterable[Function]
) -> list[Finding]:
    """Functions that read notebook data instead of taking it as parameters: they give another
    answer when a cell above is re-run, and cannot be tested or moved alone. Names written in
    UPPER_CASE (constants) and CapWords (types) are what a module would share too."""
    bindings = notebook_bindings(facts)
    readers = []
    for function in functions:
        names = [
            name
            for name in function.hidden_globals
            if bindings.get(name) in ("data", "constant")  # a lower-case literal is a setting
            and not name.isupper()
            and not (name[0].isupper() and "_" not in name)
        ]
        if names and "." not in function.name:
            readers.append((function, names))
    if not readers:
        return []
    first = readers[0][0]
    listed = "; ".join(f"`{f.name}` ({', '.join(names)})" for f, names in readers[:5])
    more = f"; and {len(readers) - 5} more" if len(readers) > 5 else ""
    count = len(readers)
    return [
        Finding(
            "reads-globals",
            f"{count} function{'s read' if count > 1 else ' reads'} notebook variables instead "
            f"of parameters: {listed}{more}",
            notebook.location(first.cell, first.line),
            "hygiene",
            "warning",
            min(READS_GLOBALS_CAP, READS_GLOBALS_DEFICIT + READS_GLOBALS_STEP * (count - 1)),
            "hygiene:reads-globals",
            related=tuple(notebook.location(f.cell, f.line) for f, _ in readers[1:]),
        )
    ]
