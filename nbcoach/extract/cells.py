"""Rewrite notebook cells with libcst: lift definitions out, pass new parameters at call sites.

libcst keeps every byte it is not asked to change (comments, blank lines, odd spacing), so a
changed cell differs from the original only where the extraction changed it. Cells are parsed
in their masked form (magics replaced line for line, see magics.py); each masked line carries a
sentinel comment through the rewrite so that afterwards the original magic is put back exactly,
and a `%time` line whose statement gained an argument keeps its `%time`.

Which `f` a name refers to is decided by libcst's scope analysis: a call inside a function that
has its own `f` (or its own `df`, for the parameter we would pass) is not the notebook's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from nbcoach.analysis.parse import ParsedCell
from nbcoach.core.model import MaskedLine

SENTINEL = "#nbcoach-masked-"
_SENTINEL_AT_END = re.compile(r"[ \t]*#nbcoach-masked-(\d+)(?=\r?$)")


@dataclass(slots=True)
class Reference:
    """A place where a cell refers to the notebook-level `name`."""

    name: str
    line: int
    call: bool  # the function position of a call, `name(...)`
    problem: str = ""  # why a call here cannot pass the new parameters ("" when it can)


@dataclass(slots=True)
class Rewritten:
    source: str  # the cell's new text, magics restored
    moved: dict[tuple[str, int], str] = field(default_factory=dict)  # (name, line) -> code
    call_sites: list[tuple[str, int]] = field(default_factory=list)  # (name, line) rewritten


class CellSyntax:
    """One cell parsed by libcst, with the metadata the rewrites need; built once per cell."""

    def __init__(self, cell: ParsedCell) -> None:
        self.cell = cell
        lines = cell.source.split("\n")
        self.masked = {item.line: item for item in cell.masked.masked}
        for number in self.masked:
            line = lines[number - 1]
            # a CRLF cell: the sentinel goes before the \r (the masked text may have lost it)
            crlf = line.endswith("\r") or self.masked[number].original.endswith("\r")
            ending = "\r" if crlf else ""
            lines[number - 1] = line.removesuffix("\r") + f"  {SENTINEL}{number}{ending}"
        self.wrapper = MetadataWrapper(cst.parse_module("\n".join(lines)))
        self.scopes = self.wrapper.resolve(ScopeProvider)
        self.positions = self.wrapper.resolve(PositionProvider)

    def references(self, names: Mapping[str, Sequence[str]]) -> list[Reference]:
        """Every reference to a notebook-level name in `names`, and for calls whether the
        parameters `names[name]` can be passed there as they are read at notebook level."""
        found = []
        for scope in {s for s in self.scopes.values() if s is not None}:
            for access in scope.accesses:
                node = access.node
                if not isinstance(node, cst.Name) or node.value not in names:
                    continue
                if not _is_global(scope, node.value):
                    continue
                line = self.positions[node].start.line
                call = self._calls.get(id(node))
                problem = ""
                if call is not None:
                    problem = self._call_problem(scope, call, node.value, names[node.value], line)
                found.append(Reference(node.value, line, call is not None, problem))
        return sorted(found, key=lambda r: (r.line, r.name))

    @property
    def _calls(self) -> dict[int, cst.Call]:
        if not hasattr(self, "_call_index"):
            index: dict[int, cst.Call] = {}

            class Calls(cst.CSTVisitor):
                def visit_Call(self, node: cst.Call) -> None:  # noqa: N802 (libcst names visitors after nodes)
                    if isinstance(node.func, cst.Name):
                        index[id(node.func)] = node

            self.wrapper.module.visit(Calls())
            self._call_index = index
        return self._call_index

    def _call_problem(
        self, scope: Scope, call: cst.Call, name: str, parameters: Sequence[str], line: int
    ) -> str:
        for parameter in parameters:
            if not _is_global(scope, parameter):
                return (
                    f"the call of `{name}` at line {line} sits where `{parameter}` is a local "
                    "name, not the notebook's"
                )
            if any(arg.keyword is not None and arg.keyword.value == parameter for arg in call.args):
                return f"the call of `{name}` at line {line} already passes `{parameter}=`"
        masked = self.masked.get(line)
        if masked is not None:
            statement = _strip_sentinel(self._line(line)).strip()
            if statement == "..." or statement not in masked.original:
                return f"the call of `{name}` at line {line} is inside an IPython magic"
        end = self.positions[call].end.line
        for inner in range(line + 1, end + 1):
            if inner in self.masked:
                return f"the call of `{name}` at line {line} spans an IPython magic"
        return ""

    def _line(self, number: int) -> str:
        return self.wrapper.module.code.split("\n")[number - 1]

    def rewrite(
        self,
        remove: Sequence[tuple[str, int]],
        import_at: tuple[str, int] | None,
        import_statement: str,
        calls: Mapping[str, Sequence[str]],
        parameters: Mapping[str, Sequence[str]],
    ) -> Rewritten:
        """Remove the definitions at (name, def line), put the import in place of `import_at`,
        and pass `calls[f]` by keyword at every call of `f`."""
        transformer = _Transformer(
            self, set(remove), import_at, import_statement, calls, parameters
        )
        module = self.wrapper.visit(transformer)
        source = _restore(module.code, self.masked, self.cell.source)
        return Rewritten(
            _tidy(source, self.cell.masked.source), transformer.moved, transformer.call_sites
        )


def _is_global(scope: Scope, name: str) -> bool:
    """Whether `name`, read in `scope`, is the notebook-level name (not a local, a parameter,
    a comprehension variable or a class attribute)."""
    try:
        assignments = scope[name]
    except Exception:  # libcst raises for names it cannot resolve in odd scopes
        return True
    return all(isinstance(assignment.scope, GlobalScope) for assignment in assignments)


class _Transformer(cst.CSTTransformer):
    def __init__(
        self,
        syntax: CellSyntax,
        remove: set[tuple[str, int]],
        import_at: tuple[str, int] | None,
        import_statement: str,
        calls: Mapping[str, Sequence[str]],
        parameters: Mapping[str, Sequence[str]],
    ) -> None:
        super().__init__()
        self.syntax = syntax
        self.remove = remove
        self.import_at = import_at
        self.import_statement = import_statement
        self.calls = calls
        self.parameters = parameters
        self.moved: dict[tuple[str, int], str] = {}
        self.call_sites: list[tuple[str, int]] = []

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:  # noqa: N802
        func = original_node.func
        if not isinstance(func, cst.Name) or func.value not in self.calls:
            return updated_node
        scope = self.syntax.scopes.get(func)
        if scope is None or not _is_global(scope, func.value):
            return updated_node
        self.call_sites.append((func.value, self.syntax.positions[func].start.line))
        return _append_keywords(updated_node, self.calls[func.value])

    def leave_Module(  # noqa: N802
        self, original_node: cst.Module, updated_node: cst.Module
    ) -> cst.Module:
        body: list[cst.BaseStatement] = []
        header = list(updated_node.header)
        carried: list[cst.EmptyLine] = []
        for index, (original, updated) in enumerate(
            zip(original_node.body, updated_node.body, strict=True)
        ):
            key = self._key(original)
            leading = header if index == 0 else list(updated.leading_lines)
            if key is None or key not in self.remove:
                if carried:
                    updated = updated.with_changes(leading_lines=[*carried, *updated.leading_lines])
                    carried = []
                body.append(updated)
                continue
            kept, attached = _split_comments(leading)
            if index == 0:
                header = []
            assert isinstance(updated, (cst.FunctionDef, cst.ClassDef))
            definition = self._with_parameters(updated, key[0])
            code = cst.Module([]).code_for_node(definition.with_changes(leading_lines=[]))
            self.moved[key] = "".join(_line_code(line) for line in attached) + code
            if key == self.import_at:
                newline = original_node.default_newline  # a CRLF cell gets a CRLF import
                statement = cst.parse_statement(
                    self.import_statement.replace("\n", newline),
                    config=original_node.config_for_parsing,
                )
                body.append(statement.with_changes(leading_lines=kept if index else []))
                if index == 0:
                    header = kept
            elif any(line.comment for line in kept):
                carried += kept
        footer = [*carried, *updated_node.footer] if carried else list(updated_node.footer)
        return updated_node.with_changes(body=body, header=header, footer=footer)

    def _key(self, statement: cst.BaseStatement) -> tuple[str, int] | None:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return statement.name.value, self.syntax.positions[statement].start.line
        return None

    def _with_parameters(
        self, definition: cst.FunctionDef | cst.ClassDef, name: str
    ) -> cst.FunctionDef | cst.ClassDef:
        added = self.parameters.get(name, ())
        if not added or not isinstance(definition, cst.FunctionDef):
            return definition
        params = definition.params
        new = [cst.Param(name=cst.Name(parameter)) for parameter in added]
        star = params.star_arg
        if isinstance(star, cst.MaybeSentinel):
            star = cst.ParamStar()
        return definition.with_changes(
            params=params.with_changes(star_arg=star, kwonly_params=[*params.kwonly_params, *new])
        )


def _append_keywords(call: cst.Call, parameters: Sequence[str]) -> cst.Call:
    """`f(x)` -> `f(x, df=df)`, keeping a trailing comma (and its line break) last."""
    no_space = cst.SimpleWhitespace("")
    new = [
        cst.Arg(
            value=cst.Name(p),
            keyword=cst.Name(p),
            equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
        )
        for p in parameters
    ]
    args = list(call.args)
    if args and isinstance(args[-1].comma, cst.Comma):
        trailing = args[-1].comma
        args[-1] = args[-1].with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        new[-1] = new[-1].with_changes(comma=trailing)
    return call.with_changes(args=[*args, *new])


def _split_comments(
    lines: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """(lines that stay, comment lines directly above a definition that move with it)."""
    index = len(lines)
    while index > 0 and lines[index - 1].comment is not None:
        index -= 1
    return list(lines[:index]), list(lines[index:])


def _line_code(line: cst.EmptyLine) -> str:
    return (line.comment.value if line.comment else "") + "\n"


def _strip_sentinel(line: str) -> str:
    return _SENTINEL_AT_END.sub("", line)


def _restore(code: str, masked: Mapping[int, MaskedLine], masked_source: str) -> str:
    """Put each masked magic line back: verbatim, or with its statement as rewritten."""
    stood = masked_source.split("\n")
    lines = code.split("\n")
    for index, line in enumerate(lines):
        match = _SENTINEL_AT_END.search(line)
        if match is None:
            continue
        number = int(match.group(1))
        item = masked.get(number)
        if item is None:
            continue
        rewritten = line[: match.start()].strip()
        before = stood[number - 1].strip()
        if rewritten == before:
            lines[index] = item.original
        else:
            lines[index] = item.original.replace(before, rewritten, 1)
        if line.endswith("\r") and not lines[index].endswith("\r"):
            lines[index] += "\r"
    return "\n".join(lines)


def _tidy(source: str, before: str) -> str:
    """No blank lines left at the start or end of a cell; the final newline as it was."""
    lines = source.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    text = "\n".join(lines)
    return text + "\n" if text and before.endswith("\n") else text
