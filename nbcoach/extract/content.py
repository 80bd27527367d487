"""What an extraction writes: the module's new code, the rewritten cells, the import line.

The definitions come out of the cells through libcst (cells.py), parameters added and
calls rewritten; the module gains their imports and literal constants. Against an existing
module, a name it already binds to the same code is skipped, and to different code is a clash:
that definition stays in the notebook (the module is never overwritten).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nbcoach.core.errors import InputError
from nbcoach.core.model import Refusal
from nbcoach.extract.decide import Decision, live_definition, mentions, syntax
from nbcoach.extract.module import (
    Bound,
    ModuleTarget,
    code_key,
    constant_key,
    import_key,
    module_bindings,
)
from nbcoach.extract.source import Source

IMPORT_WIDTH = 100


class Content:
    """What the module gains and the notebook's rewritten cells, before clash checks."""

    def __init__(self) -> None:
        self.definitions: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.imports: dict[str, list[str]] = {}  # statement -> names needing it
        self.imported: list[str] = []


def module_content(source: Source, decision: Decision) -> Content:
    content = Content()
    if not decision.moved:
        return content
    for name, needs in decision.moved.items():
        for statements in needs.imports.values():
            for statement in statements:
                content.imports.setdefault(statement, []).append(name)
        for constant, text in needs.constants.items():
            content.constants.setdefault(constant, text)
    content.imported = _imported_names(source, decision)
    return content


def import_statement(module: str, names: Sequence[str]) -> str:
    """`from module import a, b`, wrapped in parentheses when it would be too long; names in
    isort's order (constants, classes, then functions)."""
    names = sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= IMPORT_WIDTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def _imported_names(source: Source, decision: Decision) -> list[str]:
    """The moved names the notebook still refers to, plus those asked for."""
    spans = [(d.cell, d.start, d.end) for name in decision.moved for d in source.definitions[name]]
    used: set[str] = set()
    for number, facts in source.facts.items():
        for name, lines in facts.loads.items():
            if name in decision.moved and any(
                not any(c == number and a <= line <= b for c, a, b in spans) for line in lines
            ):
                used.add(name)
    for cell in source.notebook.cells:
        if cell.kind == "code" and (cell.number not in source.facts or "%" in cell.source):
            used |= {n for n in decision.moved if mentions(cell.source, n)}
    wanted = used | {n for n in decision.requested if n in decision.moved}
    return [name for name in decision.moved if name in wanted]


@dataclass(frozen=True, slots=True)
class Rewritten:
    """The cells that change (None: the cell goes), the moved code, and the notebook's call
    sites of each moved name, for one import statement."""

    statement: str
    cells: dict[int, str | None]
    code: dict[str, str]
    sites: dict[str, list[tuple[int, int]]]


def rewrite_cells(source: Source, decision: Decision, statement: str) -> Rewritten:
    """Rewrite every cell that changes (libcst): the clash check and the plan share the result."""
    removed: dict[int, list[tuple[str, int]]] = {}
    for name in decision.moved:
        for definition in source.definitions[name]:
            removed.setdefault(definition.cell, []).append((name, definition.line))
    calling = set()
    if decision.parameters:
        for number, facts in source.facts.items():
            if any(name in facts.loads for name in decision.parameters):
                calling.add(number)
    cells: dict[int, str | None] = {}
    code: dict[str, str] = {}
    sites: dict[str, list[tuple[int, int]]] = {}
    at = decision.import_at
    for number in sorted(set(removed) | calling):
        rewritten = syntax(source, number).rewrite(
            remove=removed.get(number, []),
            import_at=(at.name, at.line) if at is not None and at.cell == number else None,
            import_statement=statement,
            calls=decision.parameters,
            parameters=decision.parameters,
        )
        original = source.notebook.cells[number - 1].source
        if rewritten.source != original:
            cells[number] = rewritten.source if rewritten.source.strip() else None
        for (name, line), text in rewritten.moved.items():
            live = live_definition(source, name)
            if live is not None and live.cell == number and live.line == line:
                code[name] = text
        for name, line in rewritten.call_sites:
            if not _in_moved_code(source, decision, number, line):
                sites.setdefault(name, []).append((number, line))
    return Rewritten(statement, cells, code, sites)


def _in_moved_code(source: Source, decision: Decision, cell: int, line: int) -> bool:
    """A call site inside a definition that leaves the notebook (it is not a notebook call)."""
    return any(
        d.cell == cell and d.start <= line <= d.end
        for name in decision.moved
        for d in source.definitions[name]
    )


def existing_bindings(target: ModuleTarget, existing: str) -> dict[str, Bound]:
    """What the existing module binds (InputError when it does not parse)."""
    try:
        return module_bindings(existing)
    except SyntaxError as error:
        raise InputError(str(target.path), f"the module does not parse: {error.msg}") from error


def clashes(
    target: ModuleTarget,
    bound: dict[str, Bound],
    decision: Decision,
    content: Content,
    code: dict[str, str],
) -> dict[str, Refusal]:
    """Names the module already binds to something else: those definitions stay."""
    if not bound or not decision.moved:
        return {}
    clashes: dict[str, Refusal] = {}

    def clash(name: str, what: str, line: int) -> None:
        for owner in _owners(decision, name):
            clashes.setdefault(
                owner,
                Refusal(
                    owner,
                    "module-clash",
                    f"{target.path.name} line {line} already binds `{name}` to different code "
                    f"than the notebook's {what}; rename one of them first",
                ),
            )

    for name, text in code.items():
        have = bound.get(name)
        if have is not None and (have.kind != "definition" or have.dump != code_key(text)):
            clash(name, "definition", have.line)
    for name, text in content.constants.items():
        have = bound.get(name)
        if have is not None and (have.kind != "assignment" or have.dump != constant_key(text)):
            clash(name, "constant", have.line)
    for text in content.imports:
        if text.endswith("*"):
            continue
        name = text.split(" as ")[-1].split()[-1].split(".")[0]
        have = bound.get(name)
        if have is not None and (have.kind != "import" or have.dump != import_key(text)):
            clash(name, "import", have.line)
    return clashes


def _owners(decision: Decision, name: str) -> list[str]:
    """The requested definitions that need `name` (directly or through a helper)."""
    needing = {
        n
        for n, needs in decision.moved.items()
        if n == name or name in needs.constants or name in needs.imports
    }
    changed = True
    while changed:
        changed = False
        for n, needs in decision.moved.items():
            if n not in needing and needs.helpers & needing:
                needing.add(n)
                changed = True
    return sorted(n for n in needing if n in decision.requested) or sorted(needing)


def imported_already(statement: str, bound: dict[str, Bound]) -> bool:
    name = statement.split(" as ")[-1].split()[-1].split(".")[0]
    have = bound.get(name)
    return have is not None and have.kind == "import" and have.dump == import_key(statement)
