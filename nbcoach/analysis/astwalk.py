"""Walking syntax trees fast: the analysis goes over every node of every cell more than once,
and `ast.iter_child_nodes` (two nested generators per node) cost twice what a plain loop over
the node's fields does. Looking only at the fields that can hold a node (each class's
docstring is its ASDL signature: `Name(identifier id, expr_context ctx)`) saves a third of what
is left: most fields hold names, strings and numbers."""

from __future__ import annotations

import re
from ast import AST


def _subclasses(kind: type[AST]) -> list[type[AST]]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


_KINDS = _subclasses(AST)
# Node types that hold nothing (contexts, operators, `pass`, `break`...): a quarter of all
# nodes, as every name, attribute and subscript holds its context.
LEAVES: frozenset[type[AST]] = frozenset(kind for kind in _KINDS if not kind._fields)
# The abstract categories of a field's type in a signature (`expr`, `expr_context`...).
_CATEGORIES = frozenset([AST.__name__, *(kind.__name__ for kind in _KINDS)])
# Categories whose every kind is a leaf: what `ctx`, `op` and `ops` hold.
_LEAF_CATEGORIES = frozenset(
    kind.__name__ for kind in _KINDS if kind.__subclasses__() and set(_subclasses(kind)) <= LEAVES
)
_SIGNATURE = re.compile(r"\w+\((.*)\)", re.S)
_FIELD = re.compile(r"(\w+)([*?]?) (\w+)")

# A field that can hold a node: (name, holds a list, holds only leaves).
Field = tuple[str, bool, bool]


def _signature(kind: type[AST]) -> tuple[Field, ...] | None:
    """The fields of a node type that can hold a node, in order, read from its signature; None
    when the signature does not read as expected (another Python's docstrings)."""
    match = _SIGNATURE.fullmatch((kind.__doc__ or "").strip())
    if match is None:
        return None
    parts = [_FIELD.fullmatch(part.strip()) for part in match.group(1).split(",") if part.strip()]
    read = [part.groups() for part in parts if part is not None]
    if len(read) != len(parts) or tuple(name for _, _, name in read) != kind._fields:
        return None
    return tuple(
        (name, mark == "*", category in _LEAF_CATEGORIES)
        for category, mark, name in read
        if category in _CATEGORIES
    )


_SIGNATURES = {kind: _signature(kind) for kind in _KINDS}
# Types whose signature did not read keep every field as one that may hold a list of any node:
# `child_nodes` checks what it finds, so nothing is missed, only looked at for nothing; the
# facts walk, which trusts `WALK_FIELDS`, walks them with `child_nodes` instead.
UNREAD: frozenset[type[AST]] = frozenset(
    kind for kind, read in _SIGNATURES.items() if read is None and kind._fields
)
FIELDS: dict[type[AST], tuple[Field, ...]] = {
    kind: read if read is not None else tuple((name, True, False) for name in kind._fields)
    for kind, read in _SIGNATURES.items()
}


def child_nodes(node: AST) -> list[AST]:
    """What `ast.iter_child_nodes(node)` yields, in the same order, as a list."""
    children: list[AST] = []
    for name, many, _ in FIELDS[type(node)]:
        value = getattr(node, name, None)
        if many and type(value) is list:
            children += [item for item in value if isinstance(item, AST)]
        elif isinstance(value, AST):
            children.append(value)
    return children


def descendants(node: AST) -> list[AST]:
    """Every node below `node` (not `node` itself): what `ast.walk` visits after it, in another
    order."""
    found: list[AST] = []
    stack = [node]
    while stack:
        children = child_nodes(stack.pop())
        found += children
        stack += children
    return found


def _walk_fields(
    fields: tuple[Field, ...],
) -> tuple[tuple[tuple[str, bool], ...], int, tuple[str, ...]]:
    nodes = tuple((name, many) for name, many, leaf in fields if not leaf)
    single = sum(1 for _, many, leaf in fields if leaf and not many)
    lists = tuple(name for name, many, leaf in fields if leaf and many)
    return nodes, single, lists


# For a walk that only counts leaves: per node type, (the fields that can hold a node other than
# a leaf, as (name, holds a list); how many fields hold one leaf, as `ctx` and `op` always do
# in a parsed tree; the fields that hold a list of leaves, as `Compare.ops`).
WALK_FIELDS = {kind: _walk_fields(fields) for kind, fields in FIELDS.items()}
