"""What one notebook definition needs to live in a module, or why it cannot.

Built on the report engine's analysis (masked cells, one fact walk per cell, free names and
notebook bindings); nothing here is executed. For each top-level function or class this says
which imports, literal constants, notebook data (future parameters) and other notebook
definitions (helpers that move with it) it reads -- or the precise reason it must stay: it
writes a global, it holds an IPython magic, it reads a name the notebook never binds, ...
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import symtable
from dataclasses import dataclass, field
from pathlib import Path

from nbcoach.facts import CellFacts, collect
from nbcoach.model import Location, Notebook, Refusal
from nbcoach.names import BUILTINS, free_names, notebook_bindings
from nbcoach.notebook import parse_bytes
from nbcoach.parse import ParsedCell, parse_cells
from nbcoach.starimports import star_exports

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
IPYTHON_IMPORTS = {
    "display": "from IPython.display import display",
    "get_ipython": "from IPython import get_ipython",
}
NOTEBOOK_ONLY = frozenset({"In", "Out", "_", "__", "___", "__file__", "__name__"})
_BUILTINS = frozenset(dir(builtins))


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
        return hashlib.sha1(
            ast.dump(self.node, annotate_fields=False, include_attributes=False).encode()
        ).hexdigest()[:16]


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

    def location(self, cell: int, line: int | None = None, end: int | None = None) -> Location:
        return self.notebook.location(cell, line, end)

    def unparsed(self) -> list[ParsedCell]:
        """Code cells nbcoach could not see into: syntax errors and foreign cell magics."""
        return [cell for cell in self.cells.values() if cell.tree is None]


@dataclass(slots=True)
class Needs:
    """What a definition reads from the notebook, sorted by what extraction does with it."""

    definition: Def
    imports: dict[str, list[str]] = field(default_factory=dict)  # name -> import statements
    constants: dict[str, str] = field(default_factory=dict)  # name -> `NAME = literal`
    helpers: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)
    refusal: Refusal | None = None
    notes: list[str] = field(default_factory=list)


def load_source(path: Path, data: bytes | None = None) -> Source:
    """Read and analyse a notebook (raises InputError when it cannot be read at all)."""
    from nbcoach.notebook import read

    notebook = read(path) if data is None else parse_bytes(data, str(path))
    raw = path.read_bytes() if data is None else data
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
        for statement in _notebook_level(tree.body):
            _note(source, number, statement, id(statement) in direct)
        for node in ast.walk(tree):
            _note_mutation(node, mutated)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                global_writes |= free_names(node).writes_global
    source.mutated = frozenset(mutated)
    source.global_writes = frozenset(global_writes)


def _notebook_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements that run at notebook level, through if/for/with/try but not into defs."""
    found = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While)):
            found += _notebook_level(statement.body + statement.orelse)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            found += _notebook_level(statement.body)
        elif isinstance(statement, ast.Try):
            inner = statement.body + statement.orelse + statement.finalbody
            found += _notebook_level(inner + [s for h in statement.handlers for s in h.body])
    return found


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
            for name in _names(target):
                events.append(Binding(name, cell, line, "assignment"))
    elif isinstance(statement, (ast.For, ast.AsyncFor)):
        for name in _names(statement.target):
            events.append(Binding(name, cell, line, "loop variable"))
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            if item.optional_vars is not None:
                for name in _names(item.optional_vars):
                    events.append(Binding(name, cell, line, "with target"))
    elif isinstance(statement, ast.Delete):
        for target in statement.targets:
            for name in _names(target):
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


def _names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _names(element)]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []


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


# --- one definition --------------------------------------------------------------------


def needs_of(source: Source, definition: Def) -> Needs:
    """What `definition` reads, classified; `refusal` set when it cannot move at all."""
    needs = Needs(definition)
    where = source.location(definition.cell, definition.line, definition.end)
    name = definition.name

    def refuse(code: str, reason: str, location: Location = where) -> Needs:
        needs.refusal = Refusal(name, code, reason, location)
        return needs

    if not definition.direct:
        return refuse(
            "conditional",
            f"`{name}` is defined inside a block (if/for/try/with) at {where}: which definition "
            "exists depends on how that block ran",
        )
    magic = _magic_line(source, definition)
    if magic is not None:
        line, text = magic
        return refuse(
            "magic-in-body",
            f"`{name}` holds an IPython line a module cannot run: {text.strip()[:60]!r}",
            source.location(definition.cell, line),
        )
    names = free_names(definition.node)
    if names.writes_global:
        written = ", ".join(f"`{n}`" for n in sorted(names.writes_global))
        return refuse(
            "global-write",
            f"`{name}` assigns the notebook global {written} (`global` statement): in a module "
            "it would change the module's variable, not the notebook's",
        )
    loads = _loaded(definition.node)
    only_notebook = sorted((loads & NOTEBOOK_ONLY) - set(source.bindings))
    if only_notebook:
        return refuse(
            "notebook-only-name",
            f"`{name}` reads `{only_notebook[0]}`, which means something else (or nothing) in a "
            "module",
        )
    reads = set(names.reads) | (global_reads(definition.node) - BUILTINS)
    reads |= _shadowed_builtins(source, definition.node, loads)
    for ipython_name, statement in IPYTHON_IMPORTS.items():
        if ipython_name in loads:
            if ipython_name in source.bindings:
                reads.add(ipython_name)
            else:
                needs.imports[ipython_name] = [statement]
    if _future_annotations(source) and _has_annotations(definition.node):
        # the notebook does not evaluate annotations; the module must not either
        needs.imports["annotations"] = ["from __future__ import annotations"]
    for read in sorted(reads):
        refusal = _classify(source, needs, read)
        if refusal is not None:
            return refuse(*refusal)
    if needs.data and definition.kind == "class":
        return refuse(
            "class-reads-data",
            f"class `{name}` reads notebook data {_listing(needs.data)}: a class cannot take "
            "them as parameters; pass them to its constructor first",
        )
    early = _definition_time_data(definition.node, needs.data)
    if early:
        return refuse(
            "definition-time-data",
            f"`{name}` reads notebook data `{early}` in a decorator, default value or annotation, "
            "which ran once when the cell ran",
        )
    return needs


def _classify(source: Source, needs: Needs, read: str) -> tuple[str, str] | None:
    """File one name the definition reads; a (code, reason) refusal when it cannot be had."""
    kind = source.bindings.get(read)
    name = needs.definition.name
    if read in source.global_writes and kind is not None:
        kind = "data"
    if kind == "import":
        statements = _import_for(source, read)
        if statements is None:
            return (
                "relative-import",
                f"`{name}` uses `{read}`, imported relatively in the notebook",
            )
        needs.imports[read] = statements
    elif kind in ("function", "class"):
        if read in source.definitions:
            needs.helpers.add(read)
        else:
            needs.data.add(read)
    elif kind == "constant":
        constant = _constant(source, read)
        if constant is None:
            needs.data.add(read)
        else:
            needs.constants[read] = constant
    elif kind == "data":
        needs.data.add(read)
    elif read in _BUILTINS:
        return None
    else:
        module = _star_module(source, read)
        if module is None:
            return (
                "unknown-name",
                f"`{name}` reads `{read}`, which no cell binds (a %run, exec or a typo?)",
            )
        if module:
            needs.imports[read] = [f"from {module} import {read}"]
        else:
            needs.imports[read] = [f"from {m} import *" for _, _, m in source.stars]
            needs.notes.append(
                f"`{read}` must come from a star import nbcoach cannot resolve; "
                "the module repeats the star imports"
            )
    return None


def _future_annotations(source: Source) -> bool:
    return any(
        statement == "from __future__ import annotations"
        for _, _, statement, _ in source.imports.get("annotations", [])
    )


def _has_annotations(node: Node) -> bool:
    return any(
        (isinstance(child, ast.arg) and child.annotation is not None)
        or (isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.returns)
        or isinstance(child, ast.AnnAssign)
        for child in ast.walk(node)
    )


def _import_for(source: Source, name: str) -> list[str] | None:
    """The import statement(s) binding `name`: the last one, plus every `import a.b` sibling
    (they all bind `a`, and each makes its submodule reachable)."""
    found = source.imports.get(name, [])
    if not found:
        return None
    if any(statement.startswith("from .") for _, _, statement, _ in found):
        return None
    direct = [item for item in found if item[3]] or found
    last = direct[-1][2]
    if last.startswith("import ") and " as " not in last:
        siblings = [s for _, _, s, _ in direct if s.startswith("import ") and " as " not in s]
        return sorted(set(siblings))
    return [last]


def _constant(source: Source, name: str) -> str | None:
    """`NAME = literal` as the notebook spells it, or None when it is not safe to copy."""
    for facts in source.facts.values():
        for assignment in facts.assignments:
            if assignment.name != name or not assignment.literal or assignment.value is None:
                continue
            if name in source.mutated and not _immutable(assignment.value):
                return None
            cell = source.cells[facts.number]
            statement = _assignment_statement(cell, assignment.line, name)
            if statement is None:
                return None
            text = ast.get_source_segment(cell.source, assignment.value)
            return f"{name} = {text}" if text else None
    return None


def _assignment_statement(cell: ParsedCell, line: int, name: str) -> ast.stmt | None:
    """The assignment at `line` if it binds `name` alone (`a = b = 1` yes, `a, b = 1, 2` no)."""
    assert cell.tree is not None
    for statement in _notebook_level(cell.tree.body):
        if statement.lineno != line:
            continue
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in statement.targets
        ):
            return statement
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == name
        ):
            return statement
    return None


def _immutable(value: ast.expr) -> bool:
    return not any(
        isinstance(node, (ast.List, ast.Dict, ast.Set, ast.ListComp)) for node in ast.walk(value)
    )


def _star_module(source: Source, name: str) -> str | None:
    """The star-imported module that provides `name` ('' if a star import exists but none
    can be resolved; None when there is no star import to come from)."""
    if not source.stars:
        return None
    unresolved = False
    for _, _, module in reversed(source.stars):
        exports = star_exports(module)
        if exports is None:
            unresolved = True
        elif name in exports:
            return module
    return "" if unresolved else None


def global_reads(node: Node) -> set[str]:
    """Every global name the definition reads, scoped exactly (symtable): what free_names'
    one flat scope misses -- a default `n=n` or an annotation `-> List[cell]`, evaluated where
    the definition runs, and a global read in one function whose nested function has a local
    of the same name."""
    try:
        table = symtable.symtable(ast.unparse(node), "<definition>", "exec")
    except (SyntaxError, ValueError, RecursionError):
        return set()
    found: set[str] = set()
    stack = [(table, True)]
    while stack:
        current, top = stack.pop()
        for symbol in current.get_symbols():
            if not symbol.is_referenced():
                continue
            if top or symbol.is_global():
                found.add(symbol.get_name())
        stack.extend((child, False) for child in current.get_children())
    return found


def _loaded(node: Node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _shadowed_builtins(source: Source, node: Node, loads: set[str]) -> set[str]:
    """Builtin names the notebook rebinds (`list = [...]`) that the definition reads:
    free_names leaves builtins out, but here the notebook's value is what the code sees."""
    candidates = {n for n in loads & _BUILTINS if n in source.bindings}
    if not candidates:
        return set()
    bound = {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }
    bound |= {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
    return candidates - bound


def _definition_time_data(node: Node, data: set[str]) -> str | None:
    """A data name read when the definition itself runs (decorators, defaults, annotations,
    class bases), where a parameter cannot replace it."""
    early: list[ast.AST] = list(node.decorator_list)
    if isinstance(node, ast.ClassDef):
        early += [*node.bases, *node.keywords]
    else:
        arguments = node.args
        early += [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
        early += [
            a.annotation for a in ast.walk(arguments) if isinstance(a, ast.arg) and a.annotation
        ]
        if node.returns is not None:
            early.append(node.returns)
    for item in early:
        for child in ast.walk(item):
            if isinstance(child, ast.Name) and child.id in data:
                return child.id
    return None


def _magic_line(source: Source, definition: Def) -> tuple[int, str] | None:
    cell = source.cells[definition.cell]
    for masked in cell.masked.masked:
        if definition.start <= masked.line <= definition.end:
            return masked.line, masked.original
    return None


def _listing(names: set[str]) -> str:
    return ", ".join(f"`{n}`" for n in sorted(names))
