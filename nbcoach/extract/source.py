"""A notebook read once for extraction: its cells parsed, and what binds each name, where.

Built on the report engine (masked cells, one fact walk per cell, notebook bindings); this adds
what moving code needs beyond a report: every notebook-level binding with its place (to tell
whether an import can stand where a definition stood), which names cells mutate in place (a
mutated list is data, not a constant to copy), and which names functions write through
`global`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from nbcoach.analysis.facts import CellFacts, collect, digest, target_names, top_level_statements
from nbcoach.analysis.names import free_names, notebook_bindings
from nbcoach.analysis.notebook import parse_bytes, read_bytes
from nbcoach.analysis.parse import ParsedCell, parse_cells
from nbcoach.core.model import Location, Notebook

Node = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


MUTATORS = frozenset(
    [
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "clear",
        "update",
        "add",
        "discard",
        "setdefault",
        "popitem",
        "sort",
        "reverse",
        "__setitem__",
        "__delitem__",
        "__iadd__",
    ]
)
# IPython puts these in a notebook's namespace; a module gets them from an import, or not at all.


@dataclass(slots=True)
class Def:
    """A definition at notebook level; `direct` is False inside an if/for/try/with block."""

    name: str
    kind: str
    cell: int
    line: int  # the `def`/`class` line
    start: int  # the first decorator's line
    end: int
    node: Node
    direct: bool

    @property
    def digest(self) -> str:
        return digest(self.node)


@dataclass(slots=True)
class Binding:
    """A notebook-level statement that binds `name` (for the hoisting checks)."""

    name: str
    cell: int
    line: int
    what: str  # "definition", "assignment", "import", "loop variable", ...


@dataclass(slots=True)
class Source:
    """A notebook read once and analysed once, for any number of extraction plans."""

    path: Path
    data: bytes
    notebook: Notebook
    cells: dict[int, ParsedCell]
    facts: dict[int, CellFacts]
    bindings: dict[str, str]
    definitions: dict[str, list[Def]]
    events: list[Binding]
    imports: dict[str, list[tuple[int, int, str, bool]]]  # name -> (cell, line, statement, direct)
    stars: list[tuple[int, int, str]]  # (cell, line, module) of each `from m import *`
    mutated: frozenset[str]  # names some cell mutates in place (`x.append`, `x[k] = v`)
    global_writes: frozenset[str]  # names some function assigns through `global`
    syntax: dict[int, object] = field(default_factory=dict)  # libcst views, built on demand
    needs: dict[tuple[int, int], object] = field(default_factory=dict)  # (cell, line) -> Needs
    analysis: object | None = None  # the report's analysis of it, made once (plan._analysis)

    def location(self, cell: int, line: int | None = None, end: int | None = None) -> Location:
        return self.notebook.location(cell, line, end)

    def unparsed(self) -> list[ParsedCell]:
        """Code cells nbcoach could not see into: syntax errors and foreign cell magics."""
        return [cell for cell in self.cells.values() if cell.tree is None]


def load_source(path: Path, data: bytes | None = None) -> Source:
    """Read and analyse a notebook (raises InputError when it cannot be read at all).

    The file is read once: the plan's digest (applying refuses when the file no longer has it)
    must be of the very bytes analysed, or a save in between would be written over."""
    raw = read_bytes(path) if data is None else data
    notebook = parse_bytes(raw, str(path))
    cells = {cell.number: cell for cell in parse_cells(notebook)}
    facts = {number: collect(cell) for number, cell in cells.items() if cell.tree is not None}
    ordered = [facts[number] for number in sorted(facts)]
    source = Source(
        path=path,
        data=raw,
        notebook=notebook,
        cells=cells,
        facts=facts,
        bindings=notebook_bindings(ordered),
        definitions={},
        events=[],
        imports={},
        stars=[],
        mutated=frozenset(),
        global_writes=frozenset(),
    )
    _index(source)
    return source


def _index(source: Source) -> None:
    mutated: set[str] = set()
    global_writes: set[str] = set()
    for number in sorted(source.facts):
        tree = source.cells[number].tree
        assert tree is not None
        direct = {id(statement) for statement in tree.body}
        for statement in top_level_statements(tree.body):
            _note(source, number, statement, id(statement) in direct)
        for node in ast.walk(tree):
            _note_mutation(node, mutated)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                global_writes |= free_names(node).writes_global
    source.mutated = frozenset(mutated)
    source.global_writes = frozenset(global_writes)


def _note(source: Source, cell: int, statement: ast.stmt, direct: bool) -> None:
    events = source.events
    line = statement.lineno
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        kind = "class" if isinstance(statement, ast.ClassDef) else "function"
        start = min([line, *(d.lineno for d in statement.decorator_list)])
        end = statement.end_lineno or line
        item = Def(statement.name, kind, cell, line, start, end, statement, direct)
        source.definitions.setdefault(statement.name, []).append(item)
        events.append(Binding(statement.name, cell, line, f"{kind} definition"))
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        for alias, text in _import_statements(statement):
            bound = alias.asname or alias.name.split(".")[0]
            if alias.name == "*":
                assert isinstance(statement, ast.ImportFrom)
                source.stars.append((cell, line, statement.module or ""))
                continue
            source.imports.setdefault(bound, []).append((cell, line, text, direct))
            events.append(Binding(bound, cell, line, "import"))
    elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        for target in targets:
            for name in target_names(target):
                events.append(Binding(name, cell, line, "assignment"))
    elif isinstance(statement, (ast.For, ast.AsyncFor)):
        for name in target_names(statement.target):
            events.append(Binding(name, cell, line, "loop variable"))
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for context in statement.items:
            if context.optional_vars is not None:
                for name in target_names(context.optional_vars):
                    events.append(Binding(name, cell, line, "with target"))
    elif isinstance(statement, ast.Delete):
        for target in statement.targets:
            for name in target_names(target):
                events.append(Binding(name, cell, line, "del statement"))


def _import_statements(statement: ast.Import | ast.ImportFrom) -> list[tuple[ast.alias, str]]:
    """Each alias with the one-name import statement that binds it."""
    result = []
    for alias in statement.names:
        spelled = alias.name + (f" as {alias.asname}" if alias.asname else "")
        if isinstance(statement, ast.Import):
            result.append((alias, f"import {spelled}"))
        else:
            module = "." * statement.level + (statement.module or "")
            result.append((alias, f"from {module} import {spelled}"))
    return result


def _note_mutation(node: ast.AST, mutated: set[str]) -> None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in MUTATORS
        and isinstance(node.func.value, ast.Name)
    ):
        mutated.add(node.func.value.id)
    elif (
        isinstance(node, (ast.Subscript, ast.Attribute))
        and isinstance(node.ctx, (ast.Store, ast.Del))
        and isinstance(node.value, ast.Name)
    ):
        mutated.add(node.value.id)
    elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        mutated.add(node.target.id)
