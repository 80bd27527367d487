"""Group a function's trailing parameters into a dataclass, and update every call.

Splitting shortens a function but cannot change its signature: `analyse_customers` still
takes eight parameters after its 23 helpers are cut out. The refactoring for that is
"introduce parameter object" (Fowler): the settings that travel together become one frozen
dataclass, the function takes it as `options`, and every call builds one. rope has no such
refactoring (its `introduce_parameter` turns an expression into a parameter), so it is ours,
kept small: only plain positional-or-keyword parameters, only calls that name the function
directly, one line added to the body (the fields unpacked into the names the body already
uses, so nothing else in it changes). Anything else is refused with the reason, and
`--verify` runs the notebook before and after.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise

from nbcoach.analysis.magics import mask_cell
from nbcoach.analysis.parse import parse_cell


@dataclass(frozen=True, slots=True)
class Grouping:
    class_name: str
    fields: tuple[str, ...]
    cells: dict[int, str]  # cell number -> its new source
    calls: tuple[int, ...]  # the cells whose calls were rewritten
    parameter: str = "options"  # the name the function takes them as

    @property
    def note(self) -> str:
        where = (
            f"; calls updated in cell{'s' if len(self.calls) > 1 else ''} "
            f"{', '.join(str(c) for c in self.calls)}"
            if self.calls
            else "; no call to update"
        )
        return (
            f"grouped {len(self.fields)} parameters ({', '.join(self.fields)}) into the "
            f"dataclass `{self.class_name}`, passed as `{self.parameter}`{where}"
        )


_LITERAL_TYPES = {bool: "bool", int: "int", float: "float", str: "str"}


def group_parameters(
    cells: Mapping[int, str], function_cell: int, function: str, limit: int
) -> Grouping | str:
    """The cells rewritten so that `function` takes at most `limit` parameters, or why not.
    `cells` are the notebook's code cells (the function's as it will be written)."""
    source = cells[function_cell]
    tree = ast.parse(source)
    node = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function), None
    )
    if node is None:
        return f"`{function}` is not a top-level function of cell {function_cell}"
    arguments = node.args
    if node.body[0].lineno == node.lineno:
        return f"`{function}` has its body on the `def` line: group its parameters by hand"
    if arguments.posonlyargs or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
        return f"`{function}` has `/`, `*` or `**` parameters: group them by hand"
    names = [a.arg for a in arguments.args]
    if len(names) <= limit:
        return f"`{function}` takes {len(names)} parameters: nothing to group"
    keep, grouped = names[: limit - 1], names[limit - 1 :]
    defaults = len(arguments.defaults)
    if defaults > len(grouped):  # `options` after a parameter with a default cannot have none
        return f"parameters `{function}` keeps have defaults: group them by hand"
    unsafe = [d for d in arguments.defaults if not _immutable(d)]
    if unsafe:
        return (
            f"a default of `{function}` is not a plain constant "
            f"(`{ast.get_source_segment(source, unsafe[0])}`): group them by hand"
        )
    elsewhere = _bindings(cells, function) - 1
    if elsewhere > 0:
        return f"the name `{function}` is bound elsewhere too (another definition, a parameter, an assignment): group by hand"
    taken = names_in(cells.values())
    class_name = _free(_camel(function) + "Options", taken)
    parameter = next((p for p in ("options", "settings", "config_") if p not in taken), "")
    if not parameter:
        return "`options`, `settings` and `config_` are all taken: group by hand"
    fields, needs_any = _fields(source, arguments, grouped)
    calls: list[int] = []
    new_cells: dict[int, str] = {}
    for number, text in cells.items():
        rewritten, refused = _rewrite_calls(
            text, function, len(keep), grouped, class_name, parameter
        )
        if refused:
            return f"cell {number}: {refused}"
        if rewritten != text:
            calls.append(number)
            new_cells[number] = rewritten
    function_text = new_cells.get(function_cell, source)
    function_text = _rewrite_definition(
        function_text, function, keep, grouped, class_name, parameter, fields
    )
    new_cells[function_cell] = function_text
    imports = ["from dataclasses import dataclass"] + (
        ["from typing import Any"] if needs_any else []
    )
    # imports run before the class: the first cell that imports, unless it comes later; else
    # the notebook's first Python cell (an import in the function's own cell would be late)
    first = _import_cell(cells)
    if first is None or first > function_cell:
        first = _first_python_cell(cells)
    target = first if first is not None and first <= function_cell else function_cell
    before = [text for number, text in cells.items() if number < target]
    before.append(_above(cells[target], function) if target == function_cell else cells[target])
    wanted = [line for line in imports if not _imports(before, line)]
    if wanted:
        current = new_cells.get(target, cells[target])
        new_cells[target] = _add_imports(current, wanted)
    for number, text in new_cells.items():
        try:
            ast.parse(mask_cell(number, text).source)
        except SyntaxError as error:  # never write what does not parse
            return f"cell {number} would not parse after grouping ({error.msg})"
    return Grouping(class_name, tuple(grouped), new_cells, tuple(calls), parameter)


def _above(text: str, function: str) -> str:
    """The part of the function's cell above its `def` (what runs before the class)."""
    tree = ast.parse(mask_cell(0, text).source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    return "\n".join(text.split("\n")[: start - 1])


_INERT: tuple[type[ast.AST], ...] = (ast.Name, ast.Constant, ast.List, ast.Tuple, ast.Set)
_INERT += (ast.Dict, ast.Load, ast.UnaryOp, ast.USub, ast.UAdd, ast.Not)


def _inert(value: ast.expr) -> bool:
    """Evaluating it runs no code of anyone's: names, constants, literal containers (no call,
    no subscript, no attribute, which may run a property or `__getitem__`)."""
    return all(isinstance(node, _INERT) for node in ast.walk(value))


def _immutable(default: ast.expr) -> bool:
    """A constant a frozen dataclass field may hold as its default (a list or a name bound to
    one would raise, or be shared, where the function built it at definition time too)."""
    if isinstance(default, ast.UnaryOp) and isinstance(default.op, (ast.USub, ast.UAdd)):
        return _immutable(default.operand)
    if isinstance(default, ast.Tuple):
        return all(_immutable(item) for item in default.elts)
    return isinstance(default, ast.Constant)


def _bindings(cells: Mapping[int, str], name: str) -> int:
    """How many places bind `name` (definitions, parameters, assignments, imports, targets)."""
    count = 0
    for number, text in cells.items():
        try:
            tree = ast.parse(mask_cell(number, text).source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                count += node.name == name
            elif isinstance(node, ast.arg):
                count += node.arg == name
            elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                count += node.id == name
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                count += any((a.asname or a.name).split(".")[0] == name for a in node.names)
    return count


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def _free(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}{number}", number + 1
    return candidate


def names_in(sources: Iterable[str]) -> set[str]:
    """Every name bound or read anywhere in these cells (magics masked): a name split or group
    adds must not shadow one."""
    names: set[str] = set()
    for number, text in enumerate(sources):
        try:
            tree = ast.parse(mask_cell(number, text).source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _fields(source: str, arguments: ast.arguments, grouped: list[str]) -> tuple[list[str], bool]:
    """`name: type = default` for each grouped parameter; a parameter without annotation takes
    its default's type, else `Any`."""
    defaults: dict[str, ast.expr] = (
        dict(
            zip(
                [a.arg for a in arguments.args][-len(arguments.defaults) :],
                arguments.defaults,
                strict=True,
            )
        )
        if arguments.defaults
        else {}
    )
    by_name = {a.arg: a for a in arguments.args}
    fields, needs_any = [], False
    for name in grouped:
        annotation = by_name[name].annotation
        default = defaults.get(name)
        if annotation is not None:
            kind = ast.get_source_segment(source, annotation) or "Any"
        elif isinstance(default, ast.Constant) and type(default.value) in _LITERAL_TYPES:
            kind = _LITERAL_TYPES[type(default.value)]
        else:
            kind, needs_any = "Any", True
        text = f"{name}: {kind}"
        if default is not None:
            text += f" = {ast.get_source_segment(source, default)}"
        fields.append(text)
    return fields, needs_any


def _rewrite_definition(
    text: str,
    function: str,
    keep: list[str],
    grouped: list[str],
    class_name: str,
    parameter: str,
    fields: list[str],
) -> str:
    tree = ast.parse(text)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    lines = text.split("\n")
    # the body first (below), then the signature, then the class above: offsets stay valid
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and len(node.body) > 1
    ):
        first = node.body[1]
    indent = lines[first.lineno - 1][: first.col_offset]
    # Only what the body reads (`+=` and `del` read too): a parameter it ignored would become
    # an unused variable (F841)
    read = {
        n.id
        for statement in node.body
        for n in ast.walk(statement)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load | ast.Del)
    } | {
        n.target.id
        for statement in node.body
        for n in ast.walk(statement)
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)
    }
    unpacked = [g for g in grouped if g in read]
    if unpacked:
        unpack = (
            f"{indent}{', '.join(unpacked)} = {', '.join(f'{parameter}.{g}' for g in unpacked)}"
        )
        at = first.lineno - 1  # above the comment that belongs to the first statement, if any
        while at - 1 > node.lineno - 1 and lines[at - 1].strip().startswith("#"):
            at -= 1
        lines.insert(at, unpack)
    arguments = node.args.args
    start = (arguments[0].lineno, arguments[0].col_offset)
    ends = [(a.end_lineno or a.lineno, a.end_col_offset or 0) for a in arguments]
    ends += [(d.end_lineno or d.lineno, d.end_col_offset or 0) for d in node.args.defaults]
    end = max(ends)
    head = _bytes_cut(lines[start[0] - 1], start[1], None)
    tail = _bytes_cut(lines[end[0] - 1], None, end[1])
    kept = [ast.get_source_segment(text, a) or a.arg for a in arguments[: len(keep)]]
    signature = f"{head}{', '.join([*kept, f'{parameter}: {class_name}'])}{tail}"
    lines[start[0] - 1 : end[0]] = [signature]
    above = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    # two blank lines between the class and code above it in the cell, as between definitions
    spacing = 0 if above == 1 or not lines[above - 2].strip() else 2
    definition = [
        *([""] * spacing),
        "@dataclass(frozen=True)",
        f"class {class_name}:",
        f'    """The settings of `{function}` that travel together (grouped by nbcoach split)."""',
        "",
        *(f"    {field}" for field in fields),
        "",
        "",
    ]
    lines[above - 1 : above - 1] = definition
    return "\n".join(lines)


def _bytes_cut(line: str, keep_before: int | None, keep_after: int | None) -> str:
    """The part of `line` before byte column `keep_before`, or after `keep_after` (ast columns
    count UTF-8 bytes)."""
    data = line.encode("utf-8")
    if keep_before is not None:
        return data[:keep_before].decode("utf-8")
    return data[keep_after:].decode("utf-8")


def _rewrite_calls(
    text: str, function: str, kept: int, grouped: list[str], class_name: str, parameter: str
) -> tuple[str, str]:
    """The cell with every call of `function` building the options, and why not when a use of
    the function cannot be rewritten (passed as a value, `*args`, a cell that does not parse)."""
    if not re.search(rf"\b{re.escape(function)}\b", text):
        return text, ""
    masked = mask_cell(0, text)
    try:
        tree = ast.parse(masked.source)
    except SyntaxError:
        return text, f"it uses `{function}` but does not parse"
    masked_lines = {item.line for item in masked.masked}
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id == function):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.FunctionDef):
            continue
        if not (isinstance(parent, ast.Call) and parent.func is node):
            return (
                text,
                f"`{function}` is used as a value, not called: group its parameters by hand",
            )
        calls.append(parent)
    source = masked.source
    spans = sorted(
        (c.lineno, c.col_offset, c.end_lineno or c.lineno, c.end_col_offset or 0) for c in calls
    )
    if any(inner[:2] < outer[2:] for outer, inner in pairwise(spans)):
        return text, f"a call of `{function}` stands inside another: group by hand"
    replacements: list[tuple[ast.Call, str]] = []
    for call in calls:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return text, f"a call of `{function}` passes *args or **kwargs: group them by hand"
        kinds = [keyword.arg in grouped for keyword in call.keywords]
        moved = any(not kinds[i] and any(kinds[i + 1 :]) for i in range(len(kinds)))
        if moved and not all(_inert(keyword.value) for keyword in call.keywords):
            return text, (
                f"a call of `{function}` names a kept parameter before a grouped one, with "
                "expressions as arguments: grouping would change the order they run in; "
                "group by hand"
            )
        positional = [ast.get_source_segment(source, a) or "" for a in call.args]
        options = positional[kept:]
        arguments = positional[:kept]
        later: list[str] = []
        for keyword in call.keywords:
            value = ast.get_source_segment(source, keyword.value) or ""
            if keyword.arg in grouped:
                options.append(f"{keyword.arg}={value}")
            else:
                later.append(f"{keyword.arg}={value}")
        built = f"{class_name}({', '.join(options)})"
        arguments.append(built if len(positional) >= kept else f"{parameter}={built}")
        replacements.append((call, f"{function}({', '.join(arguments + later)})"))
    lines = text.split("\n")
    for call, new in sorted(
        replacements, key=lambda r: (r[0].lineno, r[0].col_offset), reverse=True
    ):
        old = ast.get_source_segment(source, call) or ""
        if call.lineno in masked_lines or call.end_lineno in masked_lines:
            line = lines[call.lineno - 1]
            if call.lineno != call.end_lineno or line.count(old) != 1:
                return text, f"a call of `{function}` inside a magic spans lines: group by hand"
            lines[call.lineno - 1] = line.replace(old, new)
            continue
        first, last = call.lineno - 1, (call.end_lineno or call.lineno) - 1
        head = _bytes_cut(lines[first], call.col_offset, None)
        tail = _bytes_cut(lines[last], None, call.end_col_offset or 0)
        lines[first : last + 1] = [head + new + tail]
    return "\n".join(lines), ""


def _imports(sources: Iterable[str], line: str) -> bool:
    module, name = line.removeprefix("from ").split(" import ")
    for text in sources:
        for match in re.finditer(rf"^from {re.escape(module)} import (.+)$", text, re.M):
            if name in [part.strip() for part in match.group(1).split(",")]:
                return True
    return False


def _import_cell(cells: Mapping[int, str]) -> int | None:
    """The first cell whose top level imports something: where a reader looks for imports."""
    return next(
        (
            number
            for number, tree in _python_cells(cells)
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)
        ),
        None,
    )


def _first_python_cell(cells: Mapping[int, str]) -> int | None:
    """The first cell that is Python (not `%%bash`, say) and parses."""
    return next((number for number, _ in _python_cells(cells)), None)


def _python_cells(cells: Mapping[int, str]) -> Iterator[tuple[int, ast.Module]]:
    """The cells that are Python and parse, in order, with their trees (magics masked)."""
    for number in sorted(cells):
        tree = parse_cell(number, cells[number]).tree
        if tree is not None:
            yield number, tree


def _add_imports(text: str, imports: list[str]) -> str:
    """After the cell's last top-level import (before its first line when it has none)."""
    lines = text.split("\n")
    try:
        tree = ast.parse(mask_cell(0, text).source)
        last = max(
            (
                n.end_lineno or n.lineno
                for n in tree.body
                if isinstance(n, (ast.Import, ast.ImportFrom))
            ),
            default=0,
        )
    except SyntaxError:
        last = 0
    if last == 0 and lines and lines[0].startswith("%%"):
        last = 1  # a cell magic (`%%time`) must stay the cell's first line
    lines[last:last] = imports
    return "\n".join(lines)
