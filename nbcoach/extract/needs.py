"""What one notebook definition needs to live in a module, or why it cannot.

Built on the report engine's analysis (masked cells, one fact walk per cell, free names and
notebook bindings); nothing here is executed. For each top-level function or class this says
which imports, literal constants, notebook data (future parameters) and other notebook
definitions (helpers that move with it) it reads -- or the precise reason it must stay: it
writes a global, it holds an IPython magic, it reads a name the notebook never binds, ...
"""

from __future__ import annotations

import ast
import symtable
from dataclasses import dataclass, field

from nbcoach.analysis.names import BUILTINS, PYTHON_BUILTINS, constant_name, free_names
from nbcoach.core.model import Location, Refusal
from nbcoach.extract.copies import constant, import_for, star_module, type_alias
from nbcoach.extract.source import Def, Node, Source

IPYTHON_IMPORTS = {
    "display": "from IPython.display import display",
    "get_ipython": "from IPython import get_ipython",
}


NOTEBOOK_ONLY = frozenset({"In", "Out", "_", "__", "___", "__file__", "__name__"})


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


# --- one definition --------------------------------------------------------------------


def needs_of(source: Source, definition: Def) -> Needs:
    """What `definition` reads, classified; `refusal` set when it cannot move at all.

    Worked out once per Source (it depends on nothing else): every plan of `--candidates`, and
    every round of deciding, asks again for the same definitions. Callers only read it."""
    key = (definition.cell, definition.line)
    found = source.needs.get(key)
    if not isinstance(found, Needs) or found.definition is not definition:
        found = source.needs[key] = _needs_of(source, definition)
    return found


def _needs_of(source: Source, definition: Def) -> Needs:
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
    dynamic = _dynamic_namespace(definition.node, set(source.bindings))
    if dynamic is not None:
        line, what = dynamic
        return refuse(
            "dynamic-namespace",
            f"`{name}` uses {what}, which reaches the namespace it runs in: moved into a "
            "module it would read and write the module's names, not the notebook's",
            source.location(definition.cell, line),
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


_DYNAMIC_CALLS = {"globals": "`globals()`", "exec": "`exec`", "eval": "`eval`"}


def _dynamic_namespace(node: ast.AST, bound: set[str]) -> tuple[int, str] | None:
    """Where a definition reaches a namespace by name instead of through its variables:
    `globals()`, `exec`, `eval`, `vars()` with no argument, `__main__` (`import __main__`,
    `sys.modules["__main__"]`). None when it does not (or the notebook rebinds those names)."""
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name):
            called = child.func.id
            if called in _DYNAMIC_CALLS and called not in bound:
                return child.lineno, _DYNAMIC_CALLS[called]
            if called == "vars" and not child.args and called not in bound:
                return child.lineno, "`vars()`"
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            modules = (
                [a.name for a in child.names]
                if isinstance(child, ast.Import)
                else [child.module or ""]
            )
            if "__main__" in modules:
                return child.lineno, "`__main__`"
        if isinstance(child, ast.Constant) and child.value == "__main__":
            return child.lineno, "`__main__`"
    return None


def _classify(source: Source, needs: Needs, read: str) -> tuple[str, str] | None:
    """File one name the definition reads; a (code, reason) refusal when it cannot be had."""
    kind = source.bindings.get(read)
    name = needs.definition.name
    if read in source.global_writes and kind is not None:
        kind = "data"
    if kind == "import":
        statements = import_for(source, read)
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
        # Only a constant by name (`MAX_ROWS`) is copied into the module. A lower-case literal
        # is a setting of the notebook (`nx = 41`): a copy would go stale the day the notebook
        # changes it, so it becomes a keyword parameter and each call passes the notebook's.
        copy = constant(source, read) if constant_name(read) else None
        if copy is None:
            needs.data.add(read)
        else:
            needs.constants[read] = copy
    elif kind == "data":
        alias = type_alias(source, read)
        if alias is None:
            needs.data.add(read)
        else:
            needs.imports.update(alias.imports)
            needs.constants.update(alias.constants)
            needs.helpers |= alias.helpers
    elif read in PYTHON_BUILTINS:
        return None
    else:
        module = star_module(source, read)
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
    candidates = {n for n in loads & PYTHON_BUILTINS if n in source.bindings}
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
