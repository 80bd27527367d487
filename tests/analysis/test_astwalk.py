"""The fast tree walk must visit exactly what the standard library's walk visits."""

from __future__ import annotations

import ast

import pytest

from nbcoach.analysis.astwalk import UNREAD, WALK_FIELDS, child_nodes, descendants
from nbcoach.analysis.notebook import read
from nbcoach.analysis.parse import parse_cell, parse_cells
from support import EXAMPLES

# Nodes whose children sit in unusual fields: match patterns, f-strings, comprehensions,
# decorators, keywords, starred targets, slices, async, try/except*, walrus, lambda defaults.
SOURCE = """\
@decorate(key=1)
async def f(a, /, b=2, *args, c: int = 3, **kw) -> list[int]:
    async with lock as (x, *rest):
        async for item in stream[1:-1:2]:
            match item:
                case {"k": [1, *tail]} | Point(x=0) as p if p:
                    yield f"{item!r:>{width}}"
                case _:
                    pass
    try:
        total = [y for y in range(3) if (z := y) > 1]
    except* ValueError as error:
        raise RuntimeError() from error
    return lambda q=1: q + 1
"""


def _trees() -> list[ast.AST]:
    trees: list[ast.AST] = [ast.parse(SOURCE)]
    for path in sorted(EXAMPLES.glob("*.ipynb")):
        trees += [cell.tree for cell in parse_cells(read(path)) if cell.tree is not None]
    return trees


def test_child_nodes_are_iter_child_nodes_in_order() -> None:
    checked = 0
    for tree in _trees():
        for node in ast.walk(tree):
            assert child_nodes(node) == list(ast.iter_child_nodes(node))
            checked += 1
    assert checked > 1000


def test_descendants_are_what_ast_walk_visits_below_the_node() -> None:
    for tree in _trees():
        for node in ast.walk(tree):
            below = [id(n) for n in ast.walk(node)][1:]
            found = [id(n) for n in descendants(node)]
            assert len(found) == len(below) and set(found) == set(below)


_LEAF_KINDS = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


def test_walk_fields_give_the_children_but_contexts_and_operators_and_count_those() -> None:
    for tree in _trees():
        for node in ast.walk(tree):
            fields, single, lists = WALK_FIELDS[type(node)]
            children: list[ast.AST] = []
            for name, many in fields:
                value = getattr(node, name, None)
                if many and type(value) is list:
                    children += [item for item in value if item is not None]
                elif value is not None:
                    children.append(value)
            every = list(ast.iter_child_nodes(node))
            assert children == [child for child in every if not isinstance(child, _LEAF_KINDS)]
            leaves = single + sum(len(getattr(node, name)) for name in lists)
            assert leaves == len(every) - len(children)


def test_every_node_the_parser_makes_has_its_signature_read() -> None:
    # UNREAD is the fallback for another Python's docstrings; on this one, only the deprecated
    # aliases the parser no longer makes (Num, Str...) are in it
    seen = {type(node) for tree in _trees() for node in ast.walk(tree)}
    assert seen and not seen & UNREAD


def test_the_facts_walk_gives_the_same_facts_when_no_signature_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nbcoach.analysis import facts

    cells = [parse_cell(1, SOURCE)] + [
        cell
        for path in sorted(EXAMPLES.glob("*.ipynb"))
        for cell in parse_cells(read(path))
        if cell.tree is not None
    ]
    trusted = [facts.collect(cell) for cell in cells]
    every_kind = frozenset(kind for kind in WALK_FIELDS if kind._fields)
    monkeypatch.setattr(facts, "UNREAD", every_kind)
    assert [facts.collect(cell) for cell in cells] == trusted
