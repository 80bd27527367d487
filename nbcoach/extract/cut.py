"""Cut a long function into named helpers: which blocks, in which order, under which names.

The blocks come from the function's own structure: the steps its author separated with a blank
line or a comment, and its loops, branches and `with`/`try` blocks, shallowest first and largest
first. Each block is lifted with rope's extract-method refactoring (it computes the parameters a
block needs and the values it must return, and refuses blocks whose control flow cannot leave
cleanly: a `return`, `break` or `continue` across the cut, `yield`, `global`). nbcoach decides
only what rope does not: which blocks are worth it (the function must come out within the
limits, each helper must too, and no helper may take more parameters than the limit allows),
what they are called, and whether the result still means the same thing (it compiles, ruff's
pyflakes rules find nothing new, and the names the code reads from outside are unchanged).
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tempfile
import textwrap
import tokenize
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from nbcoach.analysis.facts import FunctionNode
from nbcoach.analysis.metrics import cell_complexity, measure_function
from nbcoach.core.config import Thresholds
from nbcoach.core.model import Function
from nbcoach.extract import liveness

MAX_CUTS = 30  # helpers one function may be cut into
MIN_BLOCK_LINES = 3  # a smaller block is not worth a name of its own
MAX_SHARE = 0.8  # a block with more of the function than this only moves the problem
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "be",
        "of",
        "to",
        "for",
        "and",
        "or",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "we",
        "i",
        "you",
        "they",
        "them",
        "then",
        "than",
        "so",
        "but",
        "if",
        "else",
        "when",
        "while",
        "into",
        "out",
        "up",
        "mostly",
        "here",
        "there",
        "now",
        "do",
        "does",
        "done",
    ]
)
_PROVISIONAL = "nbcoach_provisional_helper_"


@dataclass(frozen=True, slots=True)
class Helper:
    """One function cut out: its name, what it takes and gives back, where it came from."""

    name: str
    parameters: tuple[str, ...]
    returns: tuple[str, ...]
    lines: int
    cut_from: str  # the function it was cut out of
    source_lines: tuple[int, int]  # its block's lines in the text the cut was made on
    named_by: str  # "comment", "result", "--name" or "position"


@dataclass(slots=True)
class Cut:
    """The text after cutting, the helpers made, and what could not be cut, with why."""

    text: str
    helpers: list[Helper] = field(default_factory=list)
    constants: list[tuple[str, str]] = field(default_factory=list)  # (local name, CONSTANT)
    left: list[str] = field(default_factory=list)
    within_limits: bool = False
    measured: dict[str, Function] = field(default_factory=dict)


def measure(text: str) -> dict[str, Function]:
    """The top-level functions of `text`, measured as the report measures them."""
    tree = ast.parse(text)
    complexity, _ = cell_complexity(tree)
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = measure_function(
                FunctionNode(node, node.name, 1, False, True), complexity
            )
    return found


def over_limits(function: Function, limits: Thresholds) -> list[str]:
    """What keeps `function` over the limits splitting can fix (its own parameters it cannot)."""
    over = []
    if function.length > limits.function_lines:
        over.append(f"{function.length} lines (limit {limits.function_lines})")
    if function.statements > limits.function_statements:
        over.append(f"{function.statements} statements (limit {limits.function_statements})")
    if function.complexity > limits.complexity:
        over.append(f"complexity {function.complexity} (limit {limits.complexity})")
    if function.nesting > limits.nesting:
        over.append(f"nesting {function.nesting} (limit {limits.nesting})")
    return over


def cut_function(
    text: str,
    name: str,
    limits: Thresholds,
    names: Mapping[str, str] | None = None,
    taken: Sequence[str] = (),
) -> Cut:
    """Cut `name` in `text` (Python source holding it at the top level) until it and every
    helper is within the limits, or nothing more can be cut. `names` renames helpers by their
    proposed name (`--name read=load_rows`); `taken` are names the helpers must not shadow."""
    result = Cut(text)
    nested = _nested_note(text, name)
    if nested:  # cutting around them would wrap a `return` and call it done
        measured = measure(text)
        over = over_limits(measured[name], limits) if name in measured else []
        if over:
            result.left.append(f"`{name}` stays at {', '.join(over)}: {nested}")
            result.measured = measured
            return result
    used = set(taken) | _defined_names(text)
    _hoist_literals(result, name, limits, used)
    pending = [name]
    while pending and len(result.helpers) < MAX_CUTS:
        current = pending[0]  # the function itself first, until it is within the limits
        measured = measure(result.text)
        function = measured.get(current)
        if function is None or not over_limits(function, limits):
            pending.pop(0)
            continue
        made, refused = _cut_once(result, current, limits, used, names or {})
        if made is None:
            pending.pop(0)
            why = _nested_note(result.text, current) or "; ".join(refused[:3])
            why = why or "no block of it can be cut cleanly"
            result.left.append(
                f"`{current}` stays at {', '.join(over_limits(function, limits))}: {why}"
            )
            continue
        used.add(made.name)
        result.helpers.append(made)
        pending.append(made.name)  # then each helper, in the order they were made
    result.text = _spaced(result.text, {h.name for h in result.helpers})
    measured = measure(result.text)
    result.measured = measured
    involved = [name, *(h.name for h in result.helpers)]
    result.within_limits = all(
        not over_limits(measured[n], limits) for n in involved if n in measured
    )
    return result


def _spaced(text: str, helpers: set[str]) -> str:
    """Two blank lines around each helper, as between any top-level definitions (PEP 8): rope
    leaves one. Only the gaps beside the helpers change; the rest of the text stays as it was."""
    if not helpers:
        return text
    body = ast.parse(text).body
    lines = text.split("\n")
    edits: dict[int, int] = {}  # 0-based line to insert before -> blank lines to insert
    for previous, node in pairwise(body):
        if not any(isinstance(n, ast.FunctionDef) and n.name in helpers for n in (previous, node)):
            continue
        first = node.lineno - 1
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
        while first - 1 >= 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1  # a comment right above a statement belongs to it
        blank = 0
        while first - 1 - blank >= 0 and not lines[first - 1 - blank].strip():
            blank += 1
        if blank < 2:
            edits[first] = 2 - blank
    for at in sorted(edits, reverse=True):
        lines[at:at] = [""] * edits[at]
    return "\n".join(lines)


MIN_LITERAL_LINES = 5
_MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "clear", "update", "setdefault", "add",
     "discard", "sort", "reverse", "popitem", "difference_update", "intersection_update"}
)  # fmt: skip


def _hoist_literals(result: Cut, name: str, limits: Thresholds, used: set[str]) -> None:
    """A table written out inside the function (a 70-line dict of codes) is data, not steps:
    it becomes a constant above the function, read where the local was. Only a literal bound
    once, never changed in place, and only while the function is over its length limit."""
    function_measure = measure(result.text).get(name)
    if function_measure is None or function_measure.length <= limits.function_lines:
        return
    tree = ast.parse(result.text)
    function = next(
        n
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
    )
    for statement in function.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and (statement.end_lineno or 0) - statement.lineno + 1 >= MIN_LITERAL_LINES
        ):
            continue
        local = statement.targets[0].id
        try:
            ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if not _read_only(function, local, statement):
            continue
        constant = local.upper().lstrip("_") or "TABLE"
        while constant in used:
            constant += "_TABLE"
        result.text = _lift(result.text, function, statement, local, constant)
        used.add(constant)
        result.constants.append((local, constant))
        return  # positions moved: one per call is enough for the functions nbcoach meets


def _read_only(function: ast.AST, local: str, binding: ast.Assign) -> bool:
    for node in ast.walk(function):
        if node is binding.targets[0]:
            continue
        if isinstance(node, ast.Name) and node.id == local and not isinstance(node.ctx, ast.Load):
            return False
        nested = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        if (
            nested
            and node is not function
            and any(isinstance(n, ast.arg) and n.arg == local for n in ast.walk(node))
        ):
            return False
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == local
            and node.attr in _MUTATORS
        ):
            return False
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == local
            and not isinstance(node.ctx, ast.Load)
        ):
            return False
    return True


def _lift(text: str, function: ast.AST, binding: ast.Assign, local: str, constant: str) -> str:
    lines = text.split("\n")
    first, last = binding.lineno, binding.end_lineno or binding.lineno
    value = binding.value
    literal_lines = lines[value.lineno - 1 : (value.end_lineno or value.lineno)]
    literal_lines[-1] = literal_lines[-1][: value.end_col_offset]
    literal_lines[0] = literal_lines[0][value.col_offset :]
    literal = textwrap.dedent(
        "\n".join([" " * value.col_offset + literal_lines[0], *literal_lines[1:]])
    )
    # rename the reads, bottom up so that columns stay right
    reads = sorted(
        (
            (n.lineno, n.col_offset)
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and n.id == local and isinstance(n.ctx, ast.Load)
        ),
        reverse=True,
    )
    for line, column in reads:
        text_line = lines[line - 1]
        lines[line - 1] = text_line[:column] + constant + text_line[column + len(local) :]
    del lines[first - 1 : last]
    start = _first_line(function) - 1  # type: ignore[arg-type]
    lines[start:start] = [f"{constant} = {literal}", "", ""]
    return "\n".join(lines)


def _nested_note(text: str, name: str) -> str:
    """When nested functions make up most of the function, the cut to make is lifting them."""
    tree = ast.parse(text)
    function = next(
        n
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
    )
    nested = [s for s in function.body if isinstance(s, _SCOPES)]
    inner = sum((s.end_lineno or s.lineno) - s.lineno + 1 for s in nested)
    total = (function.end_lineno or function.lineno) - function.lineno + 1
    if not nested or inner * 2 < total:
        return ""
    names = ", ".join(f"`{s.name}`" for s in nested[:4]) + (", ..." if len(nested) > 4 else "")
    return (
        f"{len(nested)} nested functions ({names}) make up {inner} of its {total} lines; "
        "move them to the top level first (passing what they read from it)"
    )


def _cut_once(
    result: Cut, name: str, limits: Thresholds, used: set[str], names: Mapping[str, str]
) -> tuple[Helper | None, list[str]]:
    """Lift the best block of `name` into a helper; None (and why, per block tried) when no
    block can be lifted."""
    from rope.base.exceptions import RefactoringError

    refused: list[str] = []
    for block in blocks(result.text, name):
        try:
            cut = _extract(result.text, block, _PROVISIONAL + "0")
        except (RefactoringError, SyntaxError, ValueError, IndexError) as error:
            refused.append(f"lines {block.start}-{block.end}: {_reason(error)}")
            continue
        cut = _trim_interface(result.text, cut, name, _PROVISIONAL + "0", block)
        helper = _helper_node(cut, _PROVISIONAL + "0")
        if helper is None:
            continue
        shrunk = measure(cut).get(name)
        if shrunk is None or shrunk.length >= measure(result.text)[name].length:
            refused.append(f"lines {block.start}-{block.end}: cutting it saves no line")
            continue
        parameters = tuple(a.arg for a in helper.args.args)
        returns = _returned(helper)
        unpassed = _unpassed(result.text, name, helper)
        if unpassed:  # a loop that may not run leaves the function's value in place
            refused.append(
                f"lines {block.start}-{block.end}: the helper may read "
                f"{', '.join(f'`{n}`' for n in unpassed)} before setting it, and would not "
                "be given it"
            )
            continue
        lost = sorted(live_after(result.text, name, block) - set(returns))
        if lost:  # rope's own analysis misses reads after an enclosing `if` or in a loop
            refused.append(
                f"lines {block.start}-{block.end}: the helper would not give back "
                f"{', '.join(f'`{n}`' for n in lost)}, which the function reads afterwards"
            )
            continue
        if len(parameters) > limits.parameters:
            refused.append(
                f"lines {block.start}-{block.end} would need {len(parameters)} parameters "
                f"(limit {limits.parameters})"
            )
            continue
        # what the block makes, before what it only updates (`fee` before `n_no_fee`)
        made_here = [r for r in returns if r not in parameters] + [
            r for r in returns if r in parameters
        ]
        code = "\n".join(result.text.split("\n")[block.start - 1 : block.end])
        proposed, named_by = _name(block, made_here, used, textwrap.dedent(code))
        final = names.get(proposed, proposed)
        if final != proposed:
            named_by = "--name"
        if not final.isidentifier() or keyword.iskeyword(final) or final in used:
            refused.append(f"lines {block.start}-{block.end}: the name `{final}` is taken")
            continue
        result.text = _rename(cut, _PROVISIONAL + "0", final)
        used.add(proposed)  # a later block never proposes it again (its rename would clash)
        helper_made = Helper(
            name=final,
            parameters=parameters,
            returns=returns,
            lines=(helper.end_lineno or helper.lineno) - helper.lineno + 1,
            cut_from=name,
            source_lines=(block.start, block.end),
            named_by=named_by,
        )
        return helper_made, refused
    return None, refused


@dataclass(frozen=True, slots=True)
class Block:
    """Consecutive statements of one suite of the function: lines `start`-`end` of the text."""

    start: int
    end: int
    depth: int
    comment: str  # the comment right above it, the author's name for the step ("" if none)
    # where the cut starts: the comment above the block names the helper and moves into it
    # (the call's name now says what the title said)
    cut_start: int = 0


def blocks(text: str, name: str) -> list[Block]:
    """The blocks worth trying, best first: shallow before deep, large before small; never the
    whole body, nor most of it (that would only rename the problem)."""
    tree = ast.parse(text)
    node = next(
        (
            n
            for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
        ),
        None,
    )
    if node is None:
        return []
    lines = text.split("\n")
    comments = _comment_lines(text)
    body_lines = (node.end_lineno or node.lineno) - node.body[0].lineno + 1
    found: dict[tuple[int, int], Block] = {}
    body = node.body[1:] if len(node.body) > 1 and _only_text(node.body[:1]) else node.body
    for suite, depth in _suites(body, 0):  # the docstring stays with its function
        for statements in _steps(suite, lines, comments):
            candidates = [list(statements)]
            if len(statements) > 1:  # each compound statement of a step is a block too
                candidates += [[s] for s in statements if isinstance(s, _COMPOUND)]
            candidates += _halves(statements)  # a long step that needs too many values
            for candidate in candidates:
                if (
                    _only_text(candidate)
                    or all(isinstance(s, _SCOPES) for s in candidate)
                    or all(_initialises(s) for s in candidate)
                ):
                    continue  # a docstring; nested functions; `n = 0`, `seen = set()` only
                low = _first_line(candidate[0])
                high = candidate[-1].end_lineno or candidate[-1].lineno
                whole = candidate[0] is statements[0]
                comment = _comment_above(low, lines, comments) if whole else ""
                # the comment above names the helper, so it goes with the block
                cut_start = _comment_start(low, comments) if whole else low
                size = high - cut_start + 1
                if size < MIN_BLOCK_LINES or size > MAX_SHARE * body_lines:
                    continue
                found.setdefault((low, high), Block(low, high, depth, comment, cut_start))
        for section in _sections(suite, lines, comments):
            low, high = _first_line(section.statements[0]), section.end
            if high - section.heading + 1 <= MAX_SHARE * body_lines:
                found.setdefault(
                    (low, high), Block(low, high, depth, section.title, section.heading)
                )
    return sorted(found.values(), key=lambda b: (b.depth, -(b.end - b.cut_start), b.start))


@dataclass(frozen=True, slots=True)
class Section:
    """The statements under a heading comment, up to the next heading of the same suite."""

    heading: int  # the heading's first line
    title: str
    statements: list[ast.stmt]

    @property
    def end(self) -> int:
        return self.statements[-1].end_lineno or self.statements[-1].lineno


def _sections(suite: list[ast.stmt], lines: list[str], comments: set[int]) -> list[Section]:
    """A heading is a comment paragraph standing on its own, a blank line below it ("# Step 1:
    Albert says ..."), unlike a comment on the line right above a statement. A function written
    as headed sections is best cut along them: one helper per section, named by its heading,
    rather than by the small steps inside it."""
    found: list[Section] = []
    previous_end = 0
    for statement in suite:
        first = _first_line(statement)
        gap = range(previous_end + 1, first) if previous_end else range(first, first)
        heading = _heading(gap, lines, comments)
        if heading is not None:
            found.append(Section(heading[0], heading[1], [statement]))
        elif found:
            found[-1].statements.append(statement)
        previous_end = statement.end_lineno or statement.lineno
    # a section holding nested functions would carry closures into the helper: rope loses
    # the names they read from the function (a local `from nltk.corpus import brown`)
    return [
        section
        for section in found
        if len(section.statements) > 1
        and not any(isinstance(s, _SCOPES) for s in section.statements)
    ]


def _heading(gap: range, lines: list[str], comments: set[int]) -> tuple[int, str] | None:
    """The first standing comment paragraph in the lines between two statements."""
    number = gap.start
    while number < gap.stop:
        if number in comments and (number == gap.start or not lines[number - 2].strip()):
            end = number
            while end + 1 < gap.stop and end + 1 in comments:
                end += 1
            if end + 1 < gap.stop and not lines[end].strip():  # a blank line below it
                title = _comment_above(end + 1, lines, comments)
                if title:
                    return number, title
            number = end + 1
            continue
        number += 1
    return None


def _initialises(statement: ast.stmt) -> bool:
    """`x = 0`, `rows = []`, `seen = set()`: a helper that only hands back starting values
    says less than the lines it replaces."""
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
        return False
    value = statement.value
    if isinstance(value, ast.Call):
        return not value.args and not value.keywords and isinstance(value.func, ast.Name)
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _halves(statements: Sequence[ast.stmt], depth: int = 0) -> list[list[ast.stmt]]:
    """A step without blank lines in it, halved at the statement nearest its middle, and the
    halves halved again: smaller blocks need fewer of the function's values."""
    if len(statements) < 2 or depth > 2:
        return []
    middle = len(statements) // 2
    found: list[list[ast.stmt]] = []
    for half in (list(statements[:middle]), list(statements[middle:])):
        found.append(half)
        found += _halves(half, depth + 1)
    return found


def _only_text(statements: Sequence[ast.stmt]) -> bool:
    return all(
        isinstance(s, ast.Expr)
        and isinstance(s.value, ast.Constant)
        and isinstance(s.value.value, str)
        for s in statements
    )


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPOUND = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try)


def _suites(body: list[ast.stmt], depth: int) -> Iterator[tuple[list[ast.stmt], int]]:
    """Every statement list inside a function body (not inside nested functions or classes)."""
    yield body, depth
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for attribute in ("body", "orelse", "finalbody"):
            inner = getattr(statement, attribute, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _suites(inner, depth + 1)
        for handler in getattr(statement, "handlers", []):
            yield from _suites(handler.body, depth + 1)


def _steps(suite: list[ast.stmt], lines: list[str], comments: set[int]) -> Iterator[list[ast.stmt]]:
    """The suite in steps: a blank line or a comment line between two statements starts one."""
    step: list[ast.stmt] = []
    for statement in suite:
        if step:
            previous_end = step[-1].end_lineno or step[-1].lineno
            gap = range(previous_end + 1, _first_line(statement))
            if any(not lines[n - 1].strip() or n in comments for n in gap):
                yield step
                step = []
        step.append(statement)
    if step:
        yield step


def _first_line(statement: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", None) or []
    return min([statement.lineno, *(d.lineno for d in decorators)])


def _comment_lines(text: str) -> set[int]:
    """Lines that hold only a comment."""
    found = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and not token.line[: token.start[1]].strip():
                found.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _comment_above(line: int, lines: list[str], comments: set[int]) -> str:
    """The comment lines right above `line`, joined (the step's title)."""
    above: list[str] = []
    number = line - 1
    while number >= 1 and number in comments:
        above.insert(0, lines[number - 1].strip().lstrip("#").strip())
        number -= 1
    return " ".join(part for part in above if part.strip("-=#*~ "))


def _comment_start(line: int, comments: set[int]) -> int:
    number = line
    while number - 1 in comments:
        number -= 1
    return number


def _defined_names(text: str) -> set[str]:
    tree = ast.parse(text)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {
        n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    names |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    return names | set(dir(builtins))


def _extract(text: str, block: Block, name: str) -> str:
    """rope's extract-method over lines `block.start`-`block.end`, as a global function."""
    from rope.base.project import Project
    from rope.refactor.extract import ExtractMethod

    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: block.start - 1])
    start += len(lines[block.start - 1]) - len(lines[block.start - 1].lstrip())
    end = sum(len(line) + 1 for line in lines[: block.end]) - 1
    with tempfile.TemporaryDirectory(prefix="nbcoach-split-") as folder:
        Path(folder, "cell.py").write_text(text, encoding="utf-8")
        with warnings.catch_warnings():  # rope warns about its own internals
            warnings.simplefilter("ignore", DeprecationWarning)
            project = Project(folder, ropefolder=None)
        try:
            resource = project.get_resource("cell.py")
            changes = ExtractMethod(project, resource, start, end).get_changes(name, global_=True)
            new_text: str = changes.changes[0].new_contents
        finally:
            project.close()
    ast.parse(new_text)
    if block.cut_start and block.cut_start < block.start:
        new_text = _move_comment(new_text, block, name)
    return new_text


def _move_comment(text: str, block: Block, name: str) -> str:
    """The explanation above the block becomes the helper's first lines. rope leaves the lines
    above its region alone, so they are still at `cut_start`..`start - 1`."""
    lines = text.split("\n")
    comment = [line.strip() for line in lines[block.cut_start - 1 : block.start - 1]]
    del lines[block.cut_start - 1 : block.start - 1]
    trimmed = "\n".join(lines)
    helper = _helper_node(trimmed, name)
    if helper is None:
        return text
    first = helper.body[0]
    at = _first_line(first) - 1
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at:at] = [indent + line if line else "" for line in comment]
    moved = "\n".join(lines)
    ast.parse(moved)
    return moved


def live_after(text: str, name: str, block: Block) -> set[str]:
    """Names the block assigns that `name` may read after it (liveness.py says why this is
    ours and not rope's)."""
    tree = ast.parse(text)
    function = next(
        n
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
    )
    return liveness.live_after(function, block.start, block.end)


def _trim_interface(before: str, cut: str, name: str, helper_name: str, block: Block) -> str:
    """The helper takes only what it reads before assigning it and gives back only what the
    function reads afterwards. rope passes and returns more: a comprehension's own `month`
    read as the function's, a loop variable nobody reads again (`albert(dates, month, day) ->
    valid, month, day`). Our liveness decides; the cut is left as rope made it when its shape
    is not the one-line call and `def` expected."""
    helper = _helper_node(cut, helper_name)
    function = _helper_node(cut, name)
    if helper is None or function is None:
        return cut
    if not cut.split("\n")[helper.lineno - 1].rstrip().endswith("):"):
        return cut  # a `def` over several lines: not the shape rope writes
    call_statement = next(
        (
            statement
            for statement in ast.walk(function)
            if isinstance(statement, (ast.Assign, ast.Expr))
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id == helper_name
        ),
        None,
    )
    parameters = [a.arg for a in helper.args.args]
    if call_statement is None or call_statement.lineno != call_statement.end_lineno:
        return cut
    call = call_statement.value
    assert isinstance(call, ast.Call)
    if (
        call.keywords
        or [a.id if isinstance(a, ast.Name) else None for a in call.args] != parameters
    ):
        return cut
    returns = list(_returned(helper))
    live = live_after(before, name, block)
    # only names rope over-passes for a known reason: loop and comprehension variables; any
    # other value rope hands over stays, whatever liveness says (a second opinion, not a veto)
    iterated = _loop_targets(function, comprehensions=True) | _loop_targets(
        helper, comprehensions=True
    )
    kept_returns = [r for r in returns if r in live or r not in iterated]
    body = list(helper.body)
    if returns:
        body = body[:-1]
    ending = ast.Return(
        value=ast.Tuple([ast.Name(r, ast.Load()) for r in kept_returns], ast.Load())
    )
    kept_parameters = [
        p for p in parameters if p not in iterated or liveness.read_first(p, [*body, ending])
    ]
    if kept_returns == returns and kept_parameters == parameters:
        return cut
    lines = cut.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (first line, last line, new lines), from 1
    definition = lines[helper.lineno - 1]
    head = definition[: definition.index("def ")]
    edits.append(
        (helper.lineno, helper.lineno, [f"{head}def {helper_name}({', '.join(kept_parameters)}):"])
    )
    if returns:
        last = helper.body[-1]
        indent = lines[last.lineno - 1][: last.col_offset]
        new_return = [f"{indent}return {', '.join(kept_returns)}"] if kept_returns else []
        if not new_return and len(helper.body) == 1:
            new_return = [f"{indent}pass"]
        edits.append((last.lineno, last.end_lineno or last.lineno, new_return))
    indent = lines[call_statement.lineno - 1][: call_statement.col_offset]
    targets = f"{', '.join(kept_returns)} = " if kept_returns else ""
    edits.append(
        (
            call_statement.lineno,
            call_statement.lineno,
            [f"{indent}{targets}{helper_name}({', '.join(kept_parameters)})"],
        )
    )
    for first, last_line, replacement in sorted(edits, reverse=True):
        lines[first - 1 : last_line] = replacement
    trimmed = "\n".join(lines)
    try:
        ast.parse(trimmed)
    except SyntaxError:
        return cut
    return trimmed


def _unpassed(text: str, name: str, helper: ast.FunctionDef) -> list[str]:
    """Names of the function's own the helper may read before it sets them, yet does not take
    as parameters (rope misses a value a loop that does not run leaves in place)."""
    function = _helper_node(text, name)
    if function is None:
        return []
    own = liveness.assigned_in(function.body) | {a.arg for a in function.args.args}
    taken = {a.arg for a in helper.args.args}
    # only loop variables: rope's blind spot (liveness is conservative about branches, so
    # asking it of every name would refuse sound cuts)
    looped = _loop_targets(helper, comprehensions=False) & own
    return sorted(n for n in looped if n not in taken and liveness.read_first(n, helper.body))


def _loop_targets(node: ast.AST, comprehensions: bool) -> set[str]:
    """Names bound as loop targets under `node` (and comprehension targets, when asked)."""
    kinds = (
        (ast.For, ast.AsyncFor, ast.comprehension) if comprehensions else (ast.For, ast.AsyncFor)
    )
    return {
        target
        for loop in ast.walk(node)
        if isinstance(loop, kinds)
        for target in liveness.assigned_in([ast.Expr(value=loop.target)])
    }


def _helper_node(text: str, name: str) -> ast.FunctionDef | None:
    tree = ast.parse(text)
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def _returned(helper: ast.FunctionDef) -> tuple[str, ...]:
    last = helper.body[-1] if helper.body else None
    if not isinstance(last, ast.Return) or last.value is None:
        return ()
    value = last.value
    items = value.elts if isinstance(value, ast.Tuple) else [value]
    return tuple(item.id for item in items if isinstance(item, ast.Name))


def _name(block: Block, returns: Sequence[str], used: set[str], code: str = "") -> tuple[str, str]:
    """A name for the helper: from the step's comment, else from what it computes, else from
    what it does first (`print("CHURN REPORT")` -> `print_churn_report`)."""
    words: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z0-9]*|[0-9]+|\S", block.comment.lower()):
        if word.isdigit() and len(words) == 1:  # "Step 1: ...", "Part 2 -- ..."
            words.append(word)
            continue
        if words and words[-1].isdigit() and not word[0].isalnum():
            continue  # the colon or dash after "Step 1"
        if not word[0].isalpha() or word in _STOP_WORDS:
            if words:
                break
            continue
        words.append(word)
        if len(words) == 3:
            break
    if words:
        base, named_by = "_".join(words), "comment"
    elif returns:
        base, named_by = f"compute_{returns[0].lstrip('_')}", "result"
    elif _first_action(code):
        base, named_by = _first_action(code), "code"
    else:
        base, named_by = f"step_at_line_{block.start}", "position"
    if not base.isidentifier() or keyword.iskeyword(base):
        base = f"step_{base}" if base.isidentifier() else f"step_at_line_{block.start}"
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}_{number}", number + 1
    return candidate, named_by


def _first_action(code: str) -> str:
    """`print_<words of its text>` or `<verb>_<first argument>` from the block's first call."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ""
    # what a block does when it fails (`raise ValueError("title not found")`) is not what it does
    raised = {id(n) for r in ast.walk(tree) if isinstance(r, ast.Raise) for n in ast.walk(r)}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and id(n) not in raised]
    calls.sort(key=lambda call: (call.lineno, call.col_offset))
    named = []  # (verb, words of its text), in order; the first call that says something wins
    for call in calls:
        verb = (
            call.func.id
            if isinstance(call.func, ast.Name)
            else call.func.attr
            if isinstance(call.func, ast.Attribute)
            else ""
        )
        if not verb:
            continue
        texts = [
            part.value
            for argument in call.args
            for part in ast.walk(argument)
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        ]
        words = re.findall(r"[a-z][a-z0-9]*", " ".join(texts).lower())
        words = [w for w in words if w not in _STOP_WORDS and len(w) > 1][:3]
        if words:
            return "_".join([verb.lower(), *words])
        first = next((a.id for a in call.args if isinstance(a, ast.Name)), "")
        named.append("_".join([verb.lower(), first.lower()]) if first else "")
    return next((name for name in named if name), "")


def _rename(text: str, old: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(old)}\b", new, text)


def _reason(error: BaseException) -> str:
    message = str(error).strip().rstrip(".") or type(error).__name__
    return message[0].lower() + message[1:]


def check_cut(before: str, after: str, name: str, added: Sequence[str]) -> list[str]:
    """Whether a cut still means the same thing, statically: it compiles, ruff's pyflakes rules
    (F) find nothing the original did not have, and the names the function and its helpers read
    from outside are the ones the function read (plus the helpers themselves)."""
    problems = []
    try:
        compile(after, "<cut>", "exec")
    except SyntaxError as error:
        return [f"does not compile: {error.msg} at line {error.lineno}"]
    new_flakes = _pyflakes(after) - _pyflakes(before)
    problems += [f"ruff {code}: {message}" for code, message in sorted(new_flakes)]
    outside_before = _free_names(before, [name])
    outside_after = _free_names(after, [name, *added]) - set(added)
    if outside_after != outside_before:
        gained = sorted(outside_after - outside_before)
        lost = sorted(outside_before - outside_after)
        problems.append(f"reads other names from outside: +{gained} -{lost}")
    return problems


def _pyflakes(text: str) -> set[tuple[str, str]]:
    import json
    import subprocess

    from nbcoach.core.tools import ruff_binary

    completed = subprocess.run(
        [
            ruff_binary(),
            "check",
            "--select",
            "F",
            "--output-format",
            "json",
            "--no-cache",
            "--isolated",
            "--exit-zero",
            "--stdin-filename",
            "cut.py",
        ],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    items = json.loads(completed.stdout or b"[]")
    return {(item["code"] or "", item["message"]) for item in items}


def _free_names(text: str, functions: Sequence[str]) -> set[str]:
    """Names the given top-level functions read from outside themselves (globals, builtins)."""
    import symtable

    table = symtable.symtable(text, "<cut>", "exec")
    found: set[str] = set()
    wanted = set(functions)

    def visit(child: symtable.SymbolTable) -> None:
        for symbol in child.get_symbols():
            if symbol.is_global() and symbol.is_referenced():
                found.add(symbol.get_name())
        for grandchild in child.get_children():
            visit(grandchild)

    for child in table.get_children():
        if child.get_name() in wanted and child.get_type() == "function":
            visit(child)
    return found
