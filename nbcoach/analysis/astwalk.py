"""Walking syntax trees fast: the analysis goes over every node of every cell more than once,
and `ast.iter_child_nodes` (two nested generators per node) cost twice what a plain loop over
the node's fields does."""

from __future__ import annotations

from ast import AST


def _subclasses(kind: type[AST]) -> list[type[AST]]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


# Node types that hold nothing (contexts, operators, `pass`, `break`...): a quarter of all
# nodes, as every name, attribute and subscript holds its context.
LEAVES: frozenset[type[AST]] = frozenset(kind for kind in _subclasses(AST) if not kind._fields)


def child_nodes(node: AST) -> list[AST]:
    """What `ast.iter_child_nodes(node)` yields, in the same order, as a list."""
    children: list[AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, AST):
            children.append(value)
        elif isinstance(value, list):
            children += [item for item in value if isinstance(item, AST)]
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
