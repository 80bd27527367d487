"""What each parsed cell binds, uses and defines, gathered in one walk of its syntax tree.

Redefinitions, hygiene, metrics and extraction all need a little of this; walking each tree once
and sharing the result keeps the report within a few times the cost of parsing.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast, get_args

from nbcoach.analysis import datapaths
from nbcoach.analysis.astwalk import LEAVES, UNREAD, WALK_FIELDS, child_nodes
from nbcoach.analysis.datapaths import looks_like_a_path
from nbcoach.analysis.parse import ParsedCell
from nbcoach.analysis.removed_api import (
    WATCHED_ATTRIBUTES,
    ApiUse,
    is_call_binding,
    is_string_list,
    passes_watched_keyword,
)

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_IMPORTS = (ast.Import, ast.ImportFrom)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEF_TYPES: frozenset[type[ast.AST]] = frozenset(_DEFS)
_FUNCTION_TYPES: frozenset[type[ast.AST]] = frozenset(_FUNCTIONS)
# What radon's Halstead visitor counts as operators (its `visit_*` methods that count).
_Operation = ast.BinOp | ast.UnaryOp | ast.BoolOp | ast.Compare | ast.AugAssign
_OPERATOR_TYPES = frozenset(get_args(_Operation))
# What radon's complexity visitor counts (in its `generic_visit` and `visit_Assert`) or lists
# (functions and classes), and what it might count one day (`try`/`except*`): noting too much
# only costs a visit.
_DECISION_TYPES = frozenset(
    (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.BoolOp, ast.Match)
    + (ast.Assert, *_DEFS)
    + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
)
_PATH_START = ("/", "~", "\\\\")
_OPERANDS = frozenset((ast.BinOp, ast.Compare))
# What the walk notes about a node of its own kind (besides names, constants and decisions).
_NOTED = frozenset(
    (ast.Attribute, ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign)
) | frozenset((ast.Compare, ast.JoinedStr, ast.List, ast.Call, ast.Assert, ast.Raise))


@dataclass(slots=True)
class Definition:
    name: str
    kind: str  # "function" | "class"
    cell: int
    line: int
    end_line: int
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef

    @property
    def digest(self) -> str:
        """The definition's code, independent of where it stands (computed only when asked:
        only redefined names need it)."""
        return digest(self.node)


@dataclass(slots=True)
class Assignment:
    name: str
    cell: int
    line: int
    value_kind: str | None
    value: ast.expr | None  # None for an augmented assignment (`n += 1`)
    literal: bool  # a constant that extraction may copy
    unpacked: bool = False  # one of several targets (`a, b = f()`), not a plain `name = ...`

    @property
    def chain(self) -> bool:
        """The new value is computed from the old one (`df = df.dropna()`, `n += 1`)."""
        if self.value is None:
            return True
        return any(
            isinstance(node, ast.Name) and node.id == self.name for node in ast.walk(self.value)
        )


@dataclass(slots=True)
class Import:
    cell: int
    line: int
    bound: tuple[str, ...]
    modules: tuple[str, ...]
    star: bool
    written: tuple[str, ...] = ()  # each bound name's import as a statement, for messages


@dataclass(slots=True)
class NameUse:
    """The names a definition binds and loads anywhere inside it, as one flat scope: what its
    free names (`names.free_names`) are made of. Gathered for top-level functions in the walk
    every cell gets anyway, instead of a second walk over each function."""

    loaded: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)

    def bind_arguments(self, arguments: ast.arguments) -> None:
        bound = self.bound
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            bound.add(argument.arg)
        if arguments.vararg:
            bound.add(arguments.vararg.arg)
        if arguments.kwarg:
            bound.add(arguments.kwarg.arg)

    def note(self, node: ast.AST) -> None:
        """What one node below the definition binds or loads."""
        kind = type(node)
        if kind is ast.Name:
            name = cast(ast.Name, node)
            (self.loaded if type(name.ctx) is ast.Load else self.bound).add(name.id)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            function = cast(ast.FunctionDef, node)
            self.bound.add(function.name)
            self.bind_arguments(function.args)
        elif kind is ast.ClassDef:
            self.bound.add(cast(ast.ClassDef, node).name)
        elif kind is ast.Lambda:
            self.bind_arguments(cast(ast.Lambda, node).args)
        elif kind is ast.Import or kind is ast.ImportFrom:
            for alias in cast(ast.Import, node).names:
                self.bound.add((alias.asname or alias.name).split(".")[0])
        elif kind is ast.Global:
            self.declared_global.update(cast(ast.Global, node).names)
        elif kind is ast.ExceptHandler or kind is ast.MatchAs or kind is ast.MatchStar:
            bound = cast(ast.ExceptHandler | ast.MatchAs | ast.MatchStar, node).name
            if bound:  # `except E as name`, `case [*name]`
                self.bound.add(bound)


# Node types NameUse.note does something with, besides names.
_BINDERS = frozenset(
    (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.Lambda,
        ast.Import,
        ast.ImportFrom,
        ast.ExceptHandler,
        ast.Global,
        ast.MatchAs,
        ast.MatchStar,
    )
)


@dataclass(slots=True)
class FunctionNode:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    qualname: str
    cell: int
    is_method: bool
    top_level: bool
    uses: NameUse | None = None  # gathered for top-level functions only


@dataclass(slots=True)
class CellFacts:
    number: int
    definitions: list[Definition] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    loop_names: set[str] = field(default_factory=set)
    loads: dict[str, list[int]] = field(default_factory=dict)
    path_strings: list[tuple[int, str]] = field(default_factory=list)
    # Paths to data files written where they are used, not named once: (line, column, path,
    # line of the call or statement it stands in: a comment there silences it too).
    data_paths: list[tuple[int, int, str, int]] = field(default_factory=list)
    # Numbers written as operands of a comparison or a calculation (`x > 75`, `t * 1000`), with
    # their lines: repeated ones are constants that want a name.
    numbers: list[tuple[int, int | float]] = field(default_factory=list)
    functions: list[FunctionNode] = field(default_factory=list)
    code_lines: int = 0
    top_level_lines: int = 0
    top_level_span: tuple[int, int] | None = None  # biggest run of top-level code, for advice
    nodes: int = 0  # syntax nodes, to recognise notebooks too large for the costlier metrics
    # The outermost operator nodes radon's Halstead visitor counts, each with the name of the
    # function it counts them in ("" at module level): see `_walk`.
    operations: list[tuple[str, _Operation]] = field(default_factory=list)
    # The lines, in order, where a node radon's complexity visitor counts or lists starts.
    decision_lines: list[int] = field(default_factory=list)
    # What `removed_api` looks at: imports, attributes its tables name, `x = y.append(...)`;
    # and lists of three or more strings (a column list naming one twice).
    api_uses: list[ApiUse] = field(default_factory=list)
    string_lists: list[tuple[ast.List, ast.AST]] = field(default_factory=list)  # (list, parent)
    # Statements that stop the notebook when a result is wrong: `assert`, a test library's
    # `assert_*` call, `pytest.raises`, `doctest.testmod()`, a `raise` under an `if` or a `case`
    # (structure.checks_findings): their lines.
    checks: list[int] = field(default_factory=list)
    last_code_line: int = 1  # where a check of the cell's results would go


def collect(cell: ParsedCell) -> CellFacts:
    """One cell's facts; the cell must have parsed."""
    assert cell.tree is not None
    facts = CellFacts(cell.number)
    source_lines = cell.source.split("\n")
    code = {i for i, text in enumerate(source_lines, start=1) if _is_code(text)}
    facts.code_lines = len(code)
    facts.last_code_line = max(code, default=1)
    top_level: set[int] = set()
    for statement in top_level_statements(cell.tree.body):
        _note_binding(statement, facts)
        if isinstance(statement, _IMPORTS):
            # one declaration however it is wrapped: `nbcoach extract` writes the names it
            # moved one per line, and sixty of them are not sixty lines of script
            top_level.add(statement.lineno)
        elif not isinstance(statement, _DEFS) and not isinstance(statement, _COMPOUND):
            top_level.update(
                range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
            )
    for statement in cell.tree.body:
        if isinstance(statement, _COMPOUND):
            top_level.update(_non_def_lines(statement))
    covered = code & top_level
    facts.top_level_lines = len(covered)
    facts.top_level_span = _longest_run(covered)
    _walk(cell.tree, facts)
    return facts


def _is_code(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def code_line_count(source: str) -> int:
    """Lines that are neither blank nor comments: what `code_lines` counts for a parsed cell."""
    return sum(1 for text in source.split("\n") if _is_code(text))


def top_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at notebook level, through if/for/with/try but not into defs."""
    for statement in body:
        yield statement
        if isinstance(statement, _COMPOUND):
            for name in ("body", "orelse", "finalbody"):
                yield from top_level_statements(getattr(statement, name, []))
            for handler in getattr(statement, "handlers", []):
                yield from top_level_statements(handler.body)


def _non_def_lines(statement: ast.stmt) -> set[int]:
    """Lines of a top-level compound statement, minus the defs nested inside it."""
    lines = set(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    for node in top_level_statements([statement]):
        if isinstance(node, _DEFS):
            lines -= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _longest_run(lines: set[int]) -> tuple[int, int] | None:
    if not lines:
        return None
    ordered = sorted(lines)
    best = current = (ordered[0], ordered[0])
    for line in ordered[1:]:
        # Blank lines and comments inside a run do not break it.
        current = (current[0], line) if line - current[1] <= 3 else (line, line)
        if current[1] - current[0] > best[1] - best[0]:
            best = current
    return best


def _note_binding(statement: ast.stmt, facts: CellFacts) -> None:
    number = facts.number
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        kind = "class" if isinstance(statement, ast.ClassDef) else "function"
        facts.definitions.append(
            Definition(
                statement.name,
                kind,
                number,
                statement.lineno,
                statement.end_lineno or statement.lineno,
                statement,
            )
        )
    elif isinstance(statement, ast.Import):
        bound = tuple((alias.asname or alias.name).split(".")[0] for alias in statement.names)
        facts.imports.append(
            Import(
                number,
                statement.lineno,
                bound,
                tuple(a.name for a in statement.names),
                False,
                tuple(f"import {_alias(a)}" for a in statement.names),
            )
        )
    elif isinstance(statement, ast.ImportFrom):
        star = any(alias.name == "*" for alias in statement.names)
        bound = tuple(alias.asname or alias.name for alias in statement.names if alias.name != "*")
        module = "." * statement.level + (statement.module or "")
        facts.imports.append(
            Import(
                number,
                statement.lineno,
                bound,
                (module,),
                star,
                tuple(
                    f"from {module} import {_alias(a)}" for a in statement.names if a.name != "*"
                ),
            )
        )
    elif isinstance(statement, ast.Assign):
        assigned_kind = value_kind(statement.value)
        literal = _is_literal(statement.value)
        for target in statement.targets:
            for name in target_names(target):
                facts.assignments.append(
                    Assignment(
                        name,
                        number,
                        statement.lineno,
                        assigned_kind if isinstance(target, ast.Name) else None,
                        statement.value,
                        literal,
                        not isinstance(target, ast.Name),
                    )
                )
    elif (
        isinstance(statement, ast.AnnAssign)
        and statement.value is not None
        and isinstance(statement.target, ast.Name)
    ):
        name = statement.target.id
        facts.assignments.append(
            Assignment(
                name,
                number,
                statement.lineno,
                value_kind(statement.value),
                statement.value,
                _is_literal(statement.value),
            )
        )
    elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        facts.assignments.append(
            Assignment(statement.target.id, number, statement.lineno, None, None, False)
        )
    elif isinstance(statement, (ast.For, ast.AsyncFor)):
        facts.loop_names.update(target_names(statement.target))
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            if item.optional_vars is not None:
                facts.loop_names.update(target_names(item.optional_vars))


def target_names(target: ast.expr) -> list[str]:
    """The names an assignment, loop or `with` target binds (`a, (b, *c)` -> a, b, c)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in target_names(element)]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return []


_LITERAL_NODES = (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp)


def _is_literal(value: ast.expr) -> bool:
    if not isinstance(value, _LITERAL_NODES):
        return False  # a call, a name, a subscript...: never a literal, no need to try
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


_CALL_KINDS = {
    "DataFrame": "DataFrame",
    "read_csv": "DataFrame",
    "read_excel": "DataFrame",
    "read_parquet": "DataFrame",
    "read_json": "DataFrame",
    "read_sql": "DataFrame",
    "read_table": "DataFrame",
    "read_feather": "DataFrame",
    "merge": "DataFrame",
    "concat": "DataFrame",
    "Series": "Series",
    "array": "ndarray",
    "zeros": "ndarray",
    "ones": "ndarray",
    "arange": "ndarray",
    "linspace": "ndarray",
    "empty": "ndarray",
    "asarray": "ndarray",
    "list": "list",
    "sorted": "list",
    "dict": "dict",
    "set": "set",
    "frozenset": "set",
    "tuple": "tuple",
    "str": "str",
    "int": "int",
    "float": "float",
    "len": "int",
    "bool": "bool",
    "open": "file",
    "defaultdict": "dict",
    "Counter": "dict",
    "OrderedDict": "dict",
}


def value_kind(value: ast.expr) -> str | None:
    """A coarse type for an assigned value, or None when it cannot be told without running."""
    if isinstance(value, ast.Constant):
        return "None" if value.value is None else type(value.value).__name__
    if isinstance(value, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(value, (ast.Set, ast.SetComp)):
        return "set"
    if isinstance(value, ast.Tuple):
        return "tuple"
    if isinstance(value, ast.JoinedStr):
        return "str"
    if isinstance(value, ast.Lambda):
        return "function"
    if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
        return type(value.operand.value).__name__
    if isinstance(value, ast.Call):
        func = value.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else None
        )
        return _CALL_KINDS.get(name) if name else None
    return None


def digest(node: ast.AST) -> str:
    """A hash of a definition's code that ignores where it stands (line numbers)."""
    return hashlib.sha1(
        ast.dump(node, annotate_fields=False, include_attributes=False).encode()
    ).hexdigest()[:16]


def _walk(tree: ast.Module, facts: CellFacts) -> None:
    """Loads, path-like strings, every function with its qualified name, and the operations
    radon's Halstead visitor counts.

    radon's visitor counts an operator node and everything below it, and only in a function's
    body (never its decorators, defaults or annotations), under the innermost function's name.
    Noting the outermost operator nodes here, in the walk the cell gets anyway, lets radon visit
    only them: a third of the nodes it would meet in the whole tree, the same numbers. Likewise
    the lines of what its complexity visitor counts let it skip the statements holding none.
    """
    loads = facts.loads
    paths: list[tuple[ast.expr, str, ast.AST]] = []  # strings shaped like a file path, in place
    settings: list[ast.AST] = []  # assignments (which may name them) and comparisons (data)
    decisions: set[int] = set()
    # (node, qualified name of the enclosing definitions, whether the enclosing one is a class,
    #  the function radon counts an operator in: "" at module level, None where it counts none,
    #  and what the top-level function it stands in binds and loads)
    stack: list[tuple[ast.AST, tuple[str, ...], bool, str | None, NameUse | None]] = [
        (tree, (), False, "", None)
    ]
    count = 0
    while stack:
        current, names, parent_is_class, context, uses = stack.pop()
        current_kind = type(current)
        body, name = (
            (
                {id(item) for item in cast(ast.FunctionDef, current).body},
                cast(ast.FunctionDef, current).name,
            )
            if current_kind in _FUNCTION_TYPES
            else (None, "")
        )
        # The node's children but its leaves (contexts, operators), which are only counted.
        children: list[ast.AST] = []
        if current_kind in UNREAD:  # leaves and all: each is counted below, and passed over
            children = child_nodes(current)
        else:
            fields, count_leaves, leaf_lists = WALK_FIELDS[current_kind]
            count += count_leaves
            for leaf_list in leaf_lists:
                count += len(getattr(current, leaf_list))
            for field_name, many in fields:
                value = getattr(current, field_name, None)
                if many and type(value) is list:
                    children += [item for item in value if item is not None]
                elif value is not None:
                    children.append(value)
        count += len(children)
        for child in children:
            # Types compared by identity: cheaper than isinstance, and ast has no node subclasses.
            if type(child) is ast.Name:
                if type(child.ctx) is ast.Load:
                    loads.setdefault(child.id, []).append(child.lineno)
                    if uses is not None:
                        uses.loaded.add(child.id)
                elif uses is not None:
                    uses.bound.add(child.id)
                continue
            if type(child) is ast.Constant:
                value = child.value
                if type(value) is str:
                    if value.startswith(_PATH_START) or (
                        len(value) > 2 and value[1] == ":" and value[2] in "\\/"
                    ):
                        facts.path_strings.append((child.lineno, value))
                    if looks_like_a_path(value):
                        paths.append((child, value, current))
                elif (type(value) is int or type(value) is float) and current_kind in _OPERANDS:
                    facts.numbers.append((child.lineno, value))
                continue
            kind = type(child)
            if kind in LEAVES:
                continue  # `pass`, `break`: counted, nothing to note or walk
            if uses is not None and kind in _BINDERS:
                uses.note(child)
            if kind not in _NOTED:
                pass
            elif kind is ast.Attribute:
                if cast(ast.Attribute, child).attr in WATCHED_ATTRIBUTES:
                    facts.api_uses.append(ApiUse(facts.number, child, current))
            elif kind is ast.Import or kind is ast.ImportFrom:
                facts.api_uses.append(ApiUse(facts.number, child, current))
            elif kind is ast.Assign or kind is ast.AnnAssign:
                if kind is ast.Assign and is_call_binding(cast(ast.Assign, child)):
                    facts.api_uses.append(ApiUse(facts.number, child, current))  # `df = pd...`
                settings.append(child)
            elif kind is ast.AugAssign or kind is ast.Compare:
                settings.append(child)
            elif kind is ast.JoinedStr:
                template = datapaths.formatted_path(cast(ast.JoinedStr, child))
                if template is not None:
                    paths.append((cast(ast.JoinedStr, child), template, current))
            elif kind is ast.List and is_string_list(cast(ast.List, child)):
                facts.string_lists.append((cast(ast.List, child), current))
            elif kind is ast.Call:
                if passes_watched_keyword(cast(ast.Call, child)):
                    facts.api_uses.append(ApiUse(facts.number, child, current))
                if _is_check_call(cast(ast.Call, child)):
                    facts.checks.append(cast(ast.Call, child).lineno)
            elif kind is ast.Assert or _is_guard(cast(ast.Raise, child), current):
                facts.checks.append(cast(ast.stmt, child).lineno)
            if kind in _DECISION_TYPES and isinstance(child, ast.stmt | ast.expr):
                decisions.add(child.lineno)
            elif kind is ast.comprehension and isinstance(current, ast.expr):
                decisions.add(current.lineno)  # a comprehension has no line of its own
            child_context = context
            if body is not None:
                child_context = name if id(child) in body else None
            if child_context is not None and kind in _OPERATOR_TYPES:
                facts.operations.append((child_context, cast(_Operation, child)))
                child_context = None  # radon counts what is below it when it visits it
            if kind in _DEF_TYPES:
                definition = cast(ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, child)
                qualified = (*names, definition.name)
                inner = uses
                if kind is not ast.ClassDef:
                    function = cast(ast.FunctionDef | ast.AsyncFunctionDef, definition)
                    if not names:
                        inner = NameUse()
                        inner.bind_arguments(function.args)
                    facts.functions.append(
                        FunctionNode(
                            function,
                            ".".join(qualified),
                            facts.number,
                            parent_is_class,
                            not names,
                            inner if not names else None,
                        )
                    )
                stack.append((child, qualified, kind is ast.ClassDef, child_context, inner))
                continue
            stack.append((child, names, False, child_context, uses))
    facts.nodes = count
    if paths:
        facts.data_paths = datapaths.inline(paths, settings)
    facts.decision_lines = sorted(decisions)


def _is_check_call(call: ast.Call) -> bool:
    """`np.testing.assert_allclose(...)`, `pd.testing.assert_frame_equal(...)`,
    `self.assertEqual(...)`, `pytest.raises(...)`, `doctest.testmod()`: a check written as a
    call. typing's `assert_type` and `assert_never` check nothing when the code runs."""
    function = call.func
    if type(function) is ast.Name:
        name = function.id
    elif type(function) is ast.Attribute:
        name = function.attr
        if name in _PYTEST_CHECKS:
            owner = function.value
            return type(owner) is ast.Name and owner.id == "pytest"
    else:
        return False
    if name.startswith("assert_"):
        return name not in _STATIC_ASSERTS
    return name == "testmod" or (name.startswith("assert") and name[6:7].isupper())


def holds_check(tree: ast.AST) -> bool:
    """Whether code holds a check as `collect` counts them: for the gate, to tell that a
    change took the notebook's only check away."""
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            kind = type(child)
            if kind is ast.Assert:
                return True
            if kind is ast.Call and _is_check_call(cast(ast.Call, child)):
                return True
            if kind is ast.Raise and _is_guard(cast(ast.Raise, child), parent):
                return True
    return False


_PYTEST_CHECKS = frozenset(("raises", "warns", "approx"))
_STATIC_ASSERTS = frozenset(("assert_type", "assert_never"))


def _is_guard(raised: ast.Raise, parent: ast.AST) -> bool:
    """`if ...: raise ValueError(...)`, or a `raise` as a `match` case: the notebook stops
    where a result is wrong. `raise SystemExit(main())` under `if __name__ == "__main__":` is
    how a script starts, not a check."""
    if type(parent) is not ast.If and type(parent) is not ast.match_case:
        return False
    test = parent.test if type(parent) is ast.If else None
    mentions_main = (
        type(test) is ast.Compare and type(test.left) is ast.Name and test.left.id == "__name__"
    )
    return not mentions_main


def _alias(alias: ast.alias) -> str:
    return f"{alias.name} as {alias.asname}" if alias.asname else alias.name
