"""Which definitions move together, which parameters they gain, and which must stay.

Starting from the requested names, this follows the helpers they call (they move too), turns
the notebook data they read into keyword-only parameters (a helper's parameters become its
callers' parameters), and checks the notebook around them: every use of a function that gains
parameters must be a direct call we can rewrite; no cell may see a different object under the
name once the import replaces the definitions (an earlier, different definition still in use;
another binding of the name in between). A refused definition takes every definition that
needs it along; the rest is decided again until nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nbcoach.core.model import Location, Refusal
from nbcoach.extract.cells import CellSyntax
from nbcoach.extract.hoist import check_hoisting
from nbcoach.extract.needs import Needs, needs_of
from nbcoach.extract.source import Def, Source

Position = tuple[int, int]  # (cell, line)


@dataclass(slots=True)
class Decision:
    """The outcome for one set of requested names."""

    requested: list[str]
    moved: dict[str, Needs] = field(default_factory=dict)  # in notebook order
    parameters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refusals: dict[str, Refusal] = field(default_factory=dict)
    import_at: Def | None = None


def syntax(source: Source, cell: int) -> CellSyntax:
    """The libcst view of a cell, parsed once per Source."""
    found = source.syntax.get(cell)
    if not isinstance(found, CellSyntax):
        found = source.syntax[cell] = CellSyntax(source.cells[cell])
    return found


def decide(
    source: Source,
    requested: Iterable[str],
    extra: dict[str, Refusal] | None = None,
    oversized: Mapping[str, str] | None = None,
) -> Decision:
    """Decide what moves for `requested`; `extra` holds refusals found later (module clashes).
    `oversized`: definitions over the size limits (name -> why); one moves only when named,
    never as someone's helper (a 7,850-line module once came out of that)."""
    decision = Decision(list(dict.fromkeys(requested)))
    refused: dict[str, Refusal] = dict(extra or {})
    for name, why in (oversized or {}).items():
        if name not in decision.requested:
            refused.setdefault(
                name,
                Refusal(
                    name,
                    "too-big",
                    f"`{name}` is over the size limits ({why}): it moves only when named with "
                    "--function, and is better split first (nbcoach split)",
                    _place_of(source, name),
                ),
            )
    for name in decision.requested:
        if name not in refused:
            missing = _missing(source, name)
            if missing is not None:
                refused[name] = missing
    while True:
        moved = _closure(source, [n for n in decision.requested if n not in refused], refused)
        parameters = _parameters(moved)
        blocked = _check_references(source, moved, parameters)
        if not blocked:
            import_at = _import_position(source, moved)
            blocked = check_hoisting(source, moved, import_at)
        if not blocked:
            break
        refused.update(blocked)
    decision.moved = dict(
        sorted(moved.items(), key=lambda item: (item[1].definition.cell, item[1].definition.line))
    )
    decision.parameters = {n: p for n, p in parameters.items() if p and n in moved}
    decision.refusals = {n: r for n, r in refused.items() if n in decision.requested}
    decision.import_at = import_at if moved else None
    return decision


def _place_of(source: Source, name: str) -> Location | None:
    definition = live_definition(source, name)
    return None if definition is None else source.location(definition.cell, definition.line)


def live_definition(source: Source, name: str) -> Def | None:
    definitions = source.definitions.get(name)
    return definitions[-1] if definitions else None


def _missing(source: Source, name: str) -> Refusal | None:
    if name in source.definitions:
        return None
    for facts in source.facts.values():
        for function in facts.functions:
            if function.qualname == name or function.qualname.endswith("." + name):
                outer = function.qualname.split(".")[0]
                what = "a method of" if function.is_method else "defined inside"
                return Refusal(
                    name,
                    "nested",
                    f"`{name}` is {what} `{outer}`; extract `{outer}` instead",
                    source.location(function.cell, function.node.lineno),
                )
    for facts in source.facts.values():
        for assignment in facts.assignments:
            if assignment.name == name:
                return Refusal(
                    name,
                    "not-a-definition",
                    f"`{name}` is assigned (not defined with def or class) at cell "
                    f"{assignment.cell}; only functions and classes move into modules",
                    source.location(assignment.cell, assignment.line),
                )
    unparsed = [cell.number for cell in source.unparsed() if mentions(cell.source, name)]
    where = (
        f" (cell {unparsed[0]} does not parse, so nbcoach cannot see into it)" if unparsed else ""
    )
    return Refusal(name, "not-found", f"no function or class `{name}` in the notebook{where}")


def _closure(source: Source, names: list[str], refused: dict[str, Refusal]) -> dict[str, Needs]:
    """The requested definitions plus the notebook helpers they call, without any that is
    refused or that needs a refused helper (which is then refused too, with the reason)."""
    moved: dict[str, Needs] = {}
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in moved or name in refused:
            continue
        definition = live_definition(source, name)
        if definition is None:
            continue
        needs = needs_of(source, definition)
        if needs.refusal is not None:
            refused[name] = needs.refusal
            continue
        moved[name] = needs
        stack.extend(needs.helpers)
    changed = True
    while changed:
        changed = False
        for name, needs in list(moved.items()):
            blocking = sorted(h for h in needs.helpers if h in refused)
            if blocking:
                helper = refused[blocking[0]]
                refused[name] = Refusal(
                    name,
                    "helper-refused",
                    f"`{name}` calls `{helper.name}`, which cannot move: {helper.reason}",
                    helper.location,
                    helper.cause or helper.code,
                )
                del moved[name]
                changed = True
    return moved


def _parameters(moved: dict[str, Needs]) -> dict[str, tuple[str, ...]]:
    """Notebook data each definition must now be given; a helper's become its callers'."""
    found = {name: set(needs.data) for name, needs in moved.items()}
    changed = True
    while changed:
        changed = False
        for name, needs in moved.items():
            for helper in needs.helpers:
                missing = found.get(helper, set()) - found[name]
                if missing:
                    found[name] |= missing
                    changed = True
    return {name: tuple(sorted(names)) for name, names in found.items()}


def _check_references(
    source: Source, moved: dict[str, Needs], parameters: dict[str, tuple[str, ...]]
) -> dict[str, Refusal]:
    """A function that gains parameters may only be called directly, where we can pass them."""
    targets = {name: parameters[name] for name in moved if parameters[name]}
    if not targets:
        return {}
    blocked: dict[str, Refusal] = {}
    removed_spans = _removed_spans(source, moved)
    for number, cell in source.cells.items():
        text = source.notebook.cells[number - 1].source
        mentioned = [n for n in targets if mentions(text, n)]
        if not mentioned:
            continue
        if cell.tree is None:
            for name in mentioned:
                blocked.setdefault(name, _refusal(source, name, targets, number, None, "unparsed"))
            continue
        for item in cell.masked.masked:
            for name in mentioned:
                if cell.masked.source.split("\n")[item.line - 1].strip() == "..." and mentions(
                    item.original, name
                ):
                    blocked.setdefault(
                        name, _refusal(source, name, targets, number, item.line, "magic")
                    )
        references = syntax(source, number).references({n: targets[n] for n in mentioned})
        for reference in references:
            if _inside(removed_spans, number, reference.line):
                continue
            if not reference.call:
                blocked.setdefault(
                    reference.name,
                    _refusal(source, reference.name, targets, number, reference.line, "indirect"),
                )
            elif reference.problem:
                blocked.setdefault(
                    reference.name,
                    Refusal(
                        reference.name,
                        "unrewritable-call",
                        f"`{reference.name}` reads notebook data "
                        f"{_names(targets[reference.name])} and {reference.problem}",
                        source.location(number, reference.line),
                    ),
                )
    return blocked


def _refusal(
    source: Source,
    name: str,
    targets: dict[str, tuple[str, ...]],
    cell: int,
    line: int | None,
    why: str,
) -> Refusal:
    data = _names(targets[name])
    if why == "indirect":
        return Refusal(
            name,
            "indirect-use",
            f"`{name}` reads notebook data {data}, and cell {cell} line {line} uses it without "
            "calling it (passed as a callback or stored), where the data cannot be passed",
            source.location(cell, line),
        )
    place = "an IPython magic" if why == "magic" else "a cell that does not parse"
    return Refusal(
        name,
        "unrewritable-call",
        f"`{name}` reads notebook data {data}, and {place} (cell {cell}) mentions it, "
        "where nbcoach cannot pass the data",
        source.location(cell, line),
    )


def _removed_spans(source: Source, moved: dict[str, Needs]) -> list[tuple[int, int, int, bool]]:
    """(cell, first line, last line, live) of every definition the extraction removes."""
    spans = []
    for name in moved:
        definitions = source.definitions[name]
        for definition in definitions:
            spans.append(
                (definition.cell, definition.start, definition.end, definition is definitions[-1])
            )
    return spans


def _inside(spans: list[tuple[int, int, int, bool]], cell: int, line: int) -> bool:
    """Whether a line lies in an earlier definition that is removed (its code goes away)."""
    return any(c == cell and first <= line <= last and not live for c, first, last, live in spans)


def _import_position(source: Source, moved: dict[str, Needs]) -> Def | None:
    first: Def | None = None
    for name in moved:
        for definition in source.definitions[name]:
            if first is None or (definition.cell, definition.start) < (first.cell, first.start):
                first = definition
    return first


def mentions(text: str, name: str) -> bool:
    return name in text and re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)
