"""Can the import stand where the first moved definition stood?

After an extraction every moved name is bound by one import at the first definition's place,
earlier than some of the definitions used to run. That is only safe when no cell in between
would now see something else under the name: no other binding of it (an import, assignment or
loop variable), and no earlier, different definition that code before the live one still
reads. A function defined anywhere before the live definition may be called in between and read
the name as it runs, so reads inside function bodies count too.
"""

from __future__ import annotations

from nbcoach.core.model import Refusal
from nbcoach.extract.needs import Needs
from nbcoach.extract.source import Def, Source

Position = tuple[int, int]  # (cell, line)


def check_hoisting(
    source: Source, moved: dict[str, Needs], import_at: Def | None
) -> dict[str, Refusal]:
    """After the change every moved name is bound at the import, before its own definition
    used to run. Refuse where a cell in between would now see something else."""
    if import_at is None:
        return {}
    start: Position = (import_at.cell, import_at.start)
    blocked: dict[str, Refusal] = {}
    for name in moved:
        refusal = _hoisting_refusal(source, name, start)
        if refusal is not None:
            blocked[name] = refusal
    return blocked


def _hoisting_refusal(source: Source, name: str, start: Position) -> Refusal | None:
    definitions = source.definitions[name]
    live = definitions[-1]
    end: Position = (live.cell, live.start)
    for earlier in definitions[:-1]:
        if not earlier.direct:
            return Refusal(
                name,
                "hoist-conflict",
                f"`{name}` is also defined inside a block at cell {earlier.cell}; whether that "
                "definition runs decides which one later cells see",
                source.location(earlier.cell, earlier.line),
            )
    own = {(d.cell, d.line) for d in definitions}
    others = [b for b in source.events if b.name == name and (b.cell, b.line) not in own]
    # A function defined anywhere before the definition may be called in between and read the
    # name when it runs, so every read before `end` counts, inside function bodies too.
    early = sorted({cell for cell, line in _loads(source, name, definitions) if (cell, line) < end})
    for binding in others:
        position = (binding.cell, binding.line)
        if start <= position < end or (position < start and early):
            return Refusal(
                name,
                "hoist-conflict",
                f"`{name}` is also bound by {_article(binding.what)} at cell {binding.cell} line "
                f"{binding.line}, and {_cells(early) if early else 'later cells'} read it before "
                f"cell {end[0]} defines it; importing it at cell {start[0]} would change what "
                f"{'they' if len(early) != 1 else 'it'} see{'' if len(early) != 1 else 's'}",
                source.location(binding.cell, binding.line),
            )
    changed = [d for d in definitions[:-1] if d.digest != live.digest]
    if changed and early:
        earlier = changed[0]
        return Refusal(
            name,
            "redefined-used-between",
            f"`{name}` has an earlier, different definition in cell {earlier.cell}, and "
            f"{_cells(early)} read{'s' if len(early) == 1 else ''} `{name}` before cell "
            f"{live.cell} redefines it; moving the cell {live.cell} version would change what "
            f"{'it does' if len(early) == 1 else 'they do'}. Delete or rename the cell "
            f"{earlier.cell} version first",
            source.location(earlier.cell, earlier.line),
        )
    return None


def _loads(source: Source, name: str, definitions: list[Def]) -> list[Position]:
    """Where the notebook reads `name`, outside the name's own definitions."""
    positions = []
    for number, facts in source.facts.items():
        for line in facts.loads.get(name, []):
            if not any(d.cell == number and d.start <= line <= d.end for d in definitions):
                positions.append((number, line))
    return positions


def _cells(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"cell {numbers[0]}"
    return "cells " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _article(what: str) -> str:
    return f"an {what}" if what[0] in "aeiou" else f"a {what}"
