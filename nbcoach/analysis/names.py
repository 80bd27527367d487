"""Which notebook-level names a function reads without taking them as parameters.

A function that reads `df` from the notebook cannot be moved into a module as it is: `df` is a
hidden input. Knowing every hidden input is what makes an extraction candidate (no hidden data
inputs) and what lets `nbcoach extract` turn them into parameters.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from nbcoach.analysis.astwalk import descendants
from nbcoach.analysis.facts import CellFacts, NameUse

PYTHON_BUILTINS = frozenset(dir(builtins))  # what a module sees without importing it
# ... and what a notebook also sees: IPython's names and the module attributes Jupyter sets
BUILTINS = PYTHON_BUILTINS | {
    "__file__",
    "__name__",
    "get_ipython",
    "display",
    "In",
    "Out",
    "exit",
    "quit",
}

# What a notebook-level name is bound to, from the safest to move to the least.
BindingKind = str  # "import" | "function" | "class" | "constant" | "data"


@dataclass(frozen=True, slots=True)
class FreeNames:
    reads: frozenset[str]  # loaded but bound nowhere inside the function
    writes_global: frozenset[str]  # declared `global` and assigned


def free_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> FreeNames:
    """Names the definition reads from outside itself (builtins excluded).

    Deliberately one flat scope for the whole definition: a name bound anywhere inside counts as
    bound. That can miss a global read shadowed in a nested function, never invents one.
    """
    uses = NameUse()
    if not isinstance(node, ast.ClassDef):
        uses.bind_arguments(node.args)
    for child in descendants(node):
        uses.note(child)
    return free_names_of(uses)


def free_names_of(uses: NameUse) -> FreeNames:
    """The free names of what a definition binds and loads (gathered by `free_names`, or for a
    top-level function by the walk of its cell)."""
    writes = frozenset(uses.declared_global & uses.bound)
    reads = (uses.loaded - (uses.bound - uses.declared_global)) - BUILTINS
    return FreeNames(frozenset(reads), writes)


def notebook_bindings(cells: list[CellFacts]) -> dict[str, BindingKind]:
    """What each notebook-level name is, across all cells; `data` wins over everything else."""
    kinds: dict[str, BindingKind] = {}

    def note(name: str, kind: BindingKind) -> None:
        current = kinds.get(name)
        # Data anywhere makes the name data; otherwise the later binding wins.
        kinds[name] = "data" if "data" in (current, kind) else kind

    for facts in cells:
        for item in facts.imports:
            for name in item.bound:
                note(name, "import")
        for definition in facts.definitions:
            note(definition.name, definition.kind)
        for assignment in facts.assignments:
            constant = assignment.literal and not _empty_container(assignment.value)
            note(assignment.name, "constant" if constant else "data")
        for name in facts.loop_names:
            note(name, "data")
    # A constant assigned twice with different values is data: which one a function sees depends on run order.
    constants = [a for facts in cells for a in facts.assignments if a.literal]
    seen: dict[str, int] = {}
    for assignment in constants:
        seen[assignment.name] = seen.get(assignment.name, 0) + 1
    for name, count in seen.items():
        if count > 1 and kinds.get(name) == "constant":
            kinds[name] = "data"
    return kinds


def _empty_container(value: ast.expr | None) -> bool:
    """`graph = {}`, `rows = []`: a container made to be filled, by the cells or by the
    functions that read it -- data, not a constant a module could copy."""
    return isinstance(value, (ast.Dict, ast.List, ast.Set)) and not (
        value.keys if isinstance(value, ast.Dict) else value.elts
    )


def hidden_inputs(
    reads: frozenset[str], bindings: dict[str, BindingKind], star_imports: bool
) -> tuple[str, ...]:
    """The notebook data a function reads: names bound as data, or bound nowhere we can see.

    With a star import in the notebook an unknown name most likely comes from it, so it is not
    counted as hidden data.
    """
    hidden = []
    for name in sorted(reads):
        kind = bindings.get(name)
        # a lower-case literal (`nx = 41`) is a setting of the notebook, not a constant: the
        # function computes on whatever a later cell sets it to (extract makes it a parameter)
        setting = kind == "constant" and not constant_name(name)
        if kind == "data" or setting or (kind is None and not star_imports):
            hidden.append(name)
    return tuple(hidden)


def constant_name(name: str) -> bool:
    """`MAX_ROWS`, `_SEED`: named as a constant, so it may stay global (PEP 8); `__version__`
    and the other module dunders are metadata, constants by convention."""
    if len(name) > 4 and name.startswith("__") and name.endswith("__"):
        return True
    stripped = name.strip("_")
    return bool(stripped) and stripped.upper() == stripped and any(c.isalpha() for c in stripped)
