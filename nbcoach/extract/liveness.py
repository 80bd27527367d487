"""Which values a block of a function hands on: names it assigns that may be read afterwards.

Written here, not taken from rope: rope's extract-method misses a name read after the `if`
statement that holds the block (the helper gives nothing back and the function reads a stale
value), and libcst's scope analysis says where names are bound, not whether a value is still
needed at a point. This is a small backwards-free approximation of liveness over the statements
that can run after the block: those after it in its own suite, then after each enclosing
statement, and, inside a loop, the statements before it in the loop body (the next iteration).
It errs towards "live": a name is dead only when a statement that always runs assigns it before
anything reads it. A cut that would lose a value is refused, never made.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_TRIES: tuple[type[ast.Try], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def assigned_in(statements: Sequence[ast.stmt]) -> set[str]:
    """Every name the statements bind (assignments, loop targets, `with ... as`, imports,
    `except ... as`, walrus), outside nested functions and classes."""
    found: set[str] = set()
    for statement in statements:
        for node in _walk_scope(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                found.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(node.name)
            elif isinstance(node, ast.ExceptHandler):
                found.update([node.name] if node.name is not None else [])
    return found


def live_after(function: ast.FunctionDef | ast.AsyncFunctionDef, first: int, last: int) -> set[str]:
    """The names the statements on lines `first`-`last` (whole statements of one suite) assign
    that the function may read after they ran."""
    path = _path_to(function.body, first, last)
    if path is None:
        return set()
    suite, start, end = path[-1]
    block = suite[start : end + 1]
    wanted = assigned_in(block)
    return {name for name in wanted if _read_later(name, path)}


def _path_to(
    suite: list[ast.stmt], first: int, last: int
) -> list[tuple[list[ast.stmt], int, int]] | None:
    """The suites from the function body down to the one holding the block, with the index
    range of the enclosing statement (or of the block itself, last)."""
    for index, statement in enumerate(suite):
        top = statement.lineno
        bottom = statement.end_lineno or statement.lineno
        if top >= first and bottom <= last:
            end = index
            while end + 1 < len(suite) and (suite[end + 1].end_lineno or 0) <= last:
                end += 1
            return [(suite, index, end)]
        if top <= first and bottom >= last and not isinstance(statement, _SCOPES):
            for inner in _suites_of(statement):
                found = _path_to(inner, first, last)
                if found is not None:
                    return [(suite, index, index), *found]
    return None


def _suites_of(statement: ast.stmt) -> Iterable[list[ast.stmt]]:
    for attribute in ("body", "orelse", "finalbody"):
        inner = getattr(statement, attribute, None)
        if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
            yield inner
    for handler in getattr(statement, "handlers", []):
        yield handler.body
    for case in getattr(statement, "cases", []):
        yield case.body


def _read_later(name: str, path: list[tuple[list[ast.stmt], int, int]]) -> bool:
    """Walk outwards from the block: what runs next in each suite, then what else the
    enclosing statement may run after it: the loop body again (the block itself included: it
    may read on the next pass what it wrote on this one), a loop's `else`, a `try`'s
    handlers, `else` and `finally`."""
    for depth in range(len(path) - 1, -1, -1):
        suite, _, end = path[depth]
        later = suite[end + 1 :]
        if depth > 0:
            parent_suite, parent_index, _ = path[depth - 1]
            parent = parent_suite[parent_index]
            if any(_scan(name, other) == "read" for other in _runs_after(parent, suite)):
                return True
            if isinstance(parent, _LOOPS) and suite is parent.body:
                header = _reads(name, [parent.test] if isinstance(parent, ast.While) else [])
                if header or _scan(name, later + suite[: end + 1]) == "read":
                    return True
        state = _scan(name, later)
        if state == "read":
            return True
        if state == "written":
            return False
    return False


def _runs_after(parent: ast.stmt, suite: list[ast.stmt]) -> list[list[ast.stmt]]:
    """Suites of `parent` that may run after the statements of its `suite` (whatever those
    statements assign first: an exception may skip it)."""
    if isinstance(parent, _LOOPS) and suite is parent.body:
        return [parent.orelse]
    if isinstance(parent, _TRIES):
        handlers = [handler.body for handler in parent.handlers]
        if suite is parent.body:
            return [*handlers, parent.orelse, parent.finalbody]
        if suite is parent.finalbody:
            return []
        return [parent.finalbody]  # a handler or the `else`
    return []


def _scan(name: str, statements: Sequence[ast.stmt]) -> str:
    """ "read" when `name` may be read before it is surely assigned, "written" when it is surely
    assigned first, "" when the statements do neither for sure. A write after a statement that
    may jump away (`break`, `continue`, `return`, `raise`) is not sure: the jump skips it."""
    jumped = False
    for statement in statements:
        state = _statement(name, statement)
        if state == "read" or (state == "written" and not jumped):
            return state
        jumped = jumped or _may_jump(statement)
    return ""


def _may_jump(statement: ast.stmt) -> bool:
    """Whether the statement may leave the loop around it (`break`, `continue`) and so skip
    what follows while the value lives on. A `return` ends the function (the value dies with
    it); a `raise` reaches a handler, which `_runs_after` already reads."""
    if isinstance(statement, (ast.Break, ast.Continue)):
        return True
    if isinstance(statement, (*_LOOPS, *_SCOPES)):
        # a loop's own break/continue stay inside it; only its `else` runs on
        return isinstance(statement, _LOOPS) and any(_may_jump(s) for s in statement.orelse)
    return any(
        _may_jump(child) for child in ast.iter_child_nodes(statement) if isinstance(child, ast.stmt)
    ) or any(_may_jump(s) for h in getattr(statement, "handlers", []) for s in h.body)


def _statement(name: str, statement: ast.stmt) -> str:
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        value = [statement.value] if statement.value is not None else []
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if _reads(name, value) or _reads(name, targets):  # `x[i] = ...` reads x
            return "read"
        return "written" if any(_binds(name, t) for t in targets) else ""
    if isinstance(statement, ast.AugAssign):
        if _reads(name, [statement.value]) or _binds(name, statement.target):
            return "read"
        return ""
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        if _reads(name, [statement.iter]):
            return "read"
        if not _binds(name, statement.target) and _scan(name, statement.body) == "read":
            return "read"
        return "read" if _scan(name, statement.orelse) == "read" else ""
    if isinstance(statement, _SCOPES):
        return "read" if _reads(name, [statement]) else ""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        bound = {(a.asname or a.name).split(".")[0] for a in statement.names}
        return "written" if name in bound else ""
    # if / while / with / try / match and simple statements: a read anywhere in them counts;
    # an assignment inside a branch may not run, so it never makes the name dead
    own = [child for child in ast.iter_child_nodes(statement) if not isinstance(child, ast.stmt)]
    if _reads(name, own):
        return "read"
    for inner in _suites_of(statement):
        if _scan(name, inner) == "read":
            return "read"
    if isinstance(statement, (ast.With, ast.AsyncWith)):  # its body always starts
        return "written" if _scan(name, statement.body) == "written" else ""
    return ""


def read_first(name: str, statements: Sequence[ast.stmt]) -> bool:
    """Whether the statements may read `name` before they surely assign it: a helper needs it
    as a parameter only then."""
    return _scan(name, statements) == "read"


def _reads(name: str, nodes: Iterable[ast.AST]) -> bool:
    return any(child.id == name for node in nodes for child in _loads(node, frozenset()))


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _loads(node: ast.AST, hidden: frozenset[str]) -> Iterable[ast.Name]:
    """The names `node` reads from the function's scope. A comprehension's targets and a
    lambda's parameters are their own scope in Python 3: `[(m, d) for m, d in rows]` does not
    read the function's `m` (only its first iterable is evaluated outside)."""
    if isinstance(node, ast.Name):  # `del x` needs `x` bound: a use like a read
        if isinstance(node.ctx, (ast.Load, ast.Del)) and node.id not in hidden:
            yield node
        return
    if isinstance(node, _COMPREHENSIONS):
        yield from _loads(node.generators[0].iter, hidden)
        inner = hidden | {
            name for generator in node.generators for name in _target_names(generator.target)
        }
        for index, generator in enumerate(node.generators):
            if index:
                yield from _loads(generator.iter, inner)
            for condition in generator.ifs:
                yield from _loads(condition, inner)
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            yield from _loads(part, inner)
        return
    if isinstance(node, ast.Lambda):
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            yield from _loads(default, hidden)
        arguments = node.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        yield from _loads(node.body, hidden | {a.arg for a in every})
        return
    for child in ast.iter_child_nodes(node):
        yield from _loads(child, hidden)


def _target_names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _binds(name: str, target: ast.AST) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_binds(name, item) for item in target.elts)
    if isinstance(target, ast.Starred):
        return _binds(name, target.value)
    return False


def _walk_scope(node: ast.AST) -> Iterable[ast.AST]:
    """ast.walk that yields nested functions and classes but does not enter them."""
    yield node
    if isinstance(node, _SCOPES):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk_scope(child)
