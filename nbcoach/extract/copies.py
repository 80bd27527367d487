"""What a module can copy from the notebook instead of receiving it: imports, literal constants
and type aliases, each spelled as the notebook spells it.

A constant is copied only when it is assigned once, to a literal, and never mutated in place
(a list the notebook appends to is data). A type alias (`Cell = Tuple[int, int]`) is copied
when it is built only from imports, builtins, literals and other aliases: no call, so the copy
is equal to the original.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from nbcoach.analysis.facts import top_level_statements
from nbcoach.analysis.names import PYTHON_BUILTINS
from nbcoach.analysis.parse import ParsedCell
from nbcoach.analysis.starimports import star_exports
from nbcoach.extract.source import Source


@dataclass(slots=True)
class Copied:
    imports: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)  # dependencies first
    helpers: set[str] = field(default_factory=set)


def import_for(source: Source, name: str) -> list[str] | None:
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


def constant(source: Source, name: str) -> str | None:
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


_ALIAS_NODES = (
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Constant,
    ast.BinOp,
    ast.BitOr,
    ast.Load,
    ast.Slice,
)


def type_alias(source: Source, name: str, depth: int = 0) -> Copied | None:
    """`Cell = Tuple[int, int]`, `Space = set`: what copying the alias takes (None: it is
    data). Anything computed by a call is data: two calls need not give equal objects."""
    bindings = [b for b in source.events if b.name == name]
    if depth > 5 or len(bindings) != 1 or bindings[0].what != "assignment":
        return None
    if name in source.global_writes or name in source.mutated:
        return None
    cell = source.cells[bindings[0].cell]
    statement = _assignment_statement(cell, bindings[0].line, name)
    assert cell.tree is not None
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement not in cell.tree.body:
        return None
    value = statement.value
    if value is None or not all(isinstance(node, _ALIAS_NODES) for node in ast.walk(value)):
        return None
    copied = Copied()
    for part in sorted({n.id for n in ast.walk(value) if isinstance(n, ast.Name)}):
        kind = source.bindings.get(part)
        if kind == "import":
            statements = import_for(source, part)
            if statements is None:
                return None
            copied.imports[part] = statements
        elif kind == "constant":
            text = constant(source, part)
            if text is None:
                return None
            copied.constants[part] = text
        elif kind in ("function", "class") and part in source.definitions:
            copied.helpers.add(part)
        elif kind == "data":
            inner = type_alias(source, part, depth + 1)
            if inner is None:
                return None
            copied.imports.update(inner.imports)
            copied.constants.update(inner.constants)
            copied.helpers |= inner.helpers
        elif kind is not None or part not in PYTHON_BUILTINS:
            return None
    text = ast.get_source_segment(cell.source, value)
    if not text:
        return None
    copied.constants[name] = f"{name} = {text}"
    return copied


def _assignment_statement(cell: ParsedCell, line: int, name: str) -> ast.stmt | None:
    """The assignment at `line` if it binds `name` alone (`a = b = 1` yes, `a, b = 1, 2` no)."""
    assert cell.tree is not None
    for statement in top_level_statements(cell.tree.body):
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


def star_module(source: Source, name: str) -> str | None:
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
