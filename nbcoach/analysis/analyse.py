"""One input file -> one `Analysis`: read, mask, parse, measure, check.

Everything here depends only on the file and its config, never on the other inputs of the run,
so an analysis can be computed in any worker process and cached by the file's content hash.
Lint (one ruff call per run) and scoring happen later, in `review`.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

from nbcoach.analysis import (
    duplication,
    hygiene,
    metrics,
    namespace,
    redefinitions,
    removed_api,
    structure,
    suppress,
)
from nbcoach.analysis.facts import CellFacts, code_line_count, collect
from nbcoach.analysis.memo import CellMemo, remembered
from nbcoach.analysis.names import free_names_of, hidden_inputs, notebook_bindings
from nbcoach.analysis.notebook import parse_bytes
from nbcoach.analysis.parse import ParsedCell, parse_cells
from nbcoach.analysis.scoring import (
    PYTHON2_SUBJECT,
    duplication_priced,
    duplication_scale,
    syntax_subject,
)
from nbcoach.core.config import Config, Thresholds
from nbcoach.core.errors import InputError
from nbcoach.core.files import read_user_file
from nbcoach.core.language import infer_language, is_python
from nbcoach.core.model import Analysis, Finding, Function, Metrics, Notebook, SourceFormat
from nbcoach.core.words import counted

SYNTAX_ERROR_DEFICIT = 20.0
LARGE_NOTEBOOK_NODES = 50_000  # about 5,000 lines of ordinary code, or one big pasted data literal
RECURSION_LIMIT = 20_000


def analyse_file(path: Path, config: Config) -> Analysis:
    try:
        data = read_user_file(path)
    except InputError as error:
        return Analysis(path=str(path), status="error", reason=error.reason)
    return analyse_bytes(data, str(path), config)


def analyse_bytes(data: bytes, path: str, config: Config) -> Analysis:
    try:
        notebook = parse_bytes(data, path)
    except InputError as error:
        return Analysis(path=path, status="error", reason=error.reason, format=_format_of(path))
    return analyse_notebook(notebook, config)


def _format_of(path: str) -> SourceFormat:
    return "script" if path.endswith(".py") else "ipynb"


def analyse_notebook(notebook: Notebook, config: Config, memo: CellMemo | None = None) -> Analysis:
    """With a memo (the language server's, one per open notebook), the work of cells unchanged
    since the last call is reused; the result is the same."""
    base = Analysis(path=notebook.path, status="ok", format=notebook.format, notes=notebook.notes)
    if notebook.language and not is_python(notebook.language):
        return replace(
            base,
            status="skipped",
            language=notebook.language,
            reason=f"kernel language is {notebook.language}; nbcoach grades Python notebooks",
        )
    parsed = parse_cells(notebook, memo.parse if memo is not None else None)
    python_cells = [cell for cell in parsed if not cell.masked.foreign]
    language = notebook.language or infer_language(
        [cell.masked.source for cell in python_cells],
        sum(cell.tree is not None for cell in python_cells),
    )
    if not is_python(language):
        return replace(
            base,
            status="skipped",
            language=language,
            reason=f"no language in the metadata and the code reads as {language}, not Python",
        )
    notes = notebook.notes + (
        ("language not declared; inferred Python from the code",) if not notebook.language else ()
    )
    if not python_cells and not any(
        cell.kind == "code" and cell.source.strip() for cell in notebook.cells
    ):
        return replace(
            base,
            notes=notes,
            status="skipped",
            reason="no code to analyse (the notebook has no code cells)",
        )

    with _deep_recursion():
        analysed, facts = _collect_facts(python_cells, memo)
        nodes = sum(item.nodes for item in facts)
        large = nodes > LARGE_NOTEBOOK_NODES
        functions, total_complexity = _functions(analysed, facts, large, memo)
        maintainability = None
        if large:
            notes += (
                f"maintainability index not computed: {nodes:,} syntax nodes is over {LARGE_NOTEBOOK_NODES:,}",
            )
        elif analysed:
            code = sum(item.code_lines for item in facts)
            maintainability = metrics.maintainability(
                facts, total_complexity, code, metrics.comment_lines(analysed)
            )
    limits = config.thresholds
    code_lines = sum(item.code_lines for item in facts)
    prints = duplication.fingerprints(python_cells)  # text: a cell that does not parse too
    findings: list[Finding] = []
    findings += _syntax_errors(notebook, python_cells, limits)
    findings += structure.function_findings(notebook, functions, limits)
    findings += structure.cell_findings(notebook, facts, limits)
    findings += structure.script_findings(notebook, facts, limits)
    findings += structure.checks_findings(notebook, facts)
    redefined = redefinitions.redefined(facts)
    findings += redefinitions.redefinition_findings(notebook, redefined)
    findings += redefinitions.reassignment_findings(notebook, facts, config.reassign_allowed)
    findings += duplication.copy_paste_findings(
        notebook, prints, copy_size(limits), _redefined_spans(facts)
    )
    # copies, redefinitions and rebindings cost the share of the notebook they hold
    findings = duplication_priced(findings, duplication_scale(code_lines))
    suppressions = suppress.collect(notebook.cells)
    findings += hygiene.hygiene_findings(
        notebook, facts, limits, frozenset(config.first_party), suppressions
    )
    findings += namespace.namespace_findings(notebook, facts, functions)
    bindings = [(a.name, a.value) for f in facts for a in f.assignments]
    uses = (u for f in facts for u in f.api_uses)
    findings += removed_api.removed_api_findings(notebook, uses, bindings)
    findings += removed_api.duplicate_item_findings(
        notebook, ((f.number, node, parent) for f in facts for node, parent in f.string_lists)
    )
    findings = suppress.apply(
        findings,
        suppressions,
        config.ignored_for(notebook.path),
        notebook.format == "script",
        config.select,
    )

    measured = Metrics(
        code_cells=sum(1 for cell in notebook.cells if cell.kind == "code" and cell.source.strip()),
        executed_cells=sum(
            1 for cell in notebook.cells if cell.kind == "code" and cell.execution_count is not None
        ),
        python_cells=len(python_cells),
        analysed_cells=len(analysed),
        markdown_cells=sum(1 for cell in notebook.cells if cell.kind == "markdown"),
        code_lines=code_lines,
        top_level_lines=sum(item.top_level_lines for item in facts),
        functions=len(functions),
        maintainability=maintainability,
    )
    return replace(
        base,
        notes=notes,
        status="ok",
        language="python",
        metrics=measured,
        functions=tuple(functions),
        findings=tuple(sorted(findings, key=_finding_order)),
        fingerprints=prints,
        candidates=_candidates(functions, facts, redefined),
        checks=tuple((cell.number, line) for cell in facts for line in sorted(cell.checks)),
        suppressions=suppressions,
        cell_lines=notebook.cell_lines,
        magic_bound=_magic_bound(analysed),
        unanalysed_cells=tuple(
            (cell.number, code_line_count(cell.masked.source))
            for cell in python_cells
            if cell.error is not None
        ),
    )


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """radon's visitors recurse once per level of the syntax tree; code Python could parse must
    not fail here just because the default limit (1,000) is lower than its depth."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _magic_bound(cells: list[ParsedCell]) -> tuple[str, ...]:
    """Names bound on lines that were magics (`%time total = f()` is masked as `total = f()`):
    ruff reads such a line as a magic and would call every later use an undefined name."""
    bound: set[str] = set()
    for cell in cells:
        lines = {item.line for item in cell.masked.masked}
        if not lines or cell.tree is None:
            continue
        for node in ast.walk(cell.tree):
            if getattr(node, "lineno", None) not in lines:
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif isinstance(node, ast.alias):
                bound.add((node.asname or node.name).split(".")[0])
    return tuple(sorted(bound))


def _collect_facts(
    cells: list[ParsedCell], memo: CellMemo | None
) -> tuple[list[ParsedCell], list[CellFacts]]:
    """Facts of every parsed cell; a cell too deep even for the raised limit becomes an error."""
    analysed, facts = [], []
    for cell in cells:
        if cell.tree is None:
            continue
        work = memo.of(cell) if memo is not None else None
        try:
            facts.append(remembered(work, "facts", partial(collect, cell)))
        except RecursionError:
            cell.tree, cell.error = (
                None,
                SyntaxError("nested too deeply to analyse (recursion limit)"),
            )
            cell.error.lineno = 1
            continue
        analysed.append(cell)
    return analysed, facts


def _functions(
    analysed: list[ParsedCell], facts: list[CellFacts], large: bool, memo: CellMemo | None
) -> tuple[list[Function], int]:
    """Every function measured. In a very large notebook radon sees only the definitions: the
    per-function complexity is the same, and the module-level total (only needed for the
    maintainability index, skipped there) is not computed over, say, a 100,000-element literal."""
    bindings = notebook_bindings(facts)
    star = any(item.star for cell in facts for item in cell.imports)
    functions: list[Function] = []
    total_complexity = 0
    for cell, cell_facts in zip(analysed, facts, strict=True):
        assert cell.tree is not None
        tree = cell.tree
        if large:
            defs: list[ast.stmt] = [d.node for d in cell_facts.definitions]
            defs += [f.node for f in cell_facts.functions if f.top_level and f.node not in defs]
            tree = ast.Module(body=defs, type_ignores=[])
        work = memo.of(cell) if memo is not None else None
        if large:
            complexity, cell_total = metrics.cell_complexity(tree)
        else:
            complexity, cell_total = remembered(
                work,
                "complexity",
                partial(metrics.cell_complexity, tree, cell_facts.decision_lines),
            )
        total_complexity += cell_total
        for item in cell_facts.functions:
            function = metrics.measure_function(item, complexity)
            if item.top_level:
                assert item.uses is not None  # the facts walk gathers them for every one
                names = free_names_of(item.uses)
                hidden = hidden_inputs(names.reads, bindings, star) + tuple(
                    sorted(names.writes_global)
                )
                function = _with_hidden(function, hidden)
            functions.append(function)
    functions.sort(key=lambda f: (f.cell, f.line))
    return functions, total_complexity


def copy_size(limits: Thresholds) -> duplication.Size:
    """The least a copied block must hold to count, from the thresholds."""
    return duplication.Size(limits.duplicate_tokens, limits.duplicate_lines)


def _redefined_spans(facts: list[CellFacts]) -> dict[str, list[tuple[int, int, int]]]:
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for cell in facts:
        for definition in cell.definitions:
            spans.setdefault(definition.name, []).append(
                (definition.cell, definition.line, definition.end_line)
            )
    return {name: places for name, places in spans.items() if len(places) > 1}


def _with_hidden(function: Function, hidden: tuple[str, ...]) -> Function:
    return replace(function, hidden_globals=hidden)


def _syntax_errors(
    notebook: Notebook, cells: list[ParsedCell], limits: Thresholds
) -> list[Finding]:
    """A cell that does not parse hides what it holds, so it costs at least SYNTAX_ERROR_DEFICIT
    and, when it is long, as much as a function of its length would: breaking a cell must never
    lift a score by hiding a giant function or a pasted block. Cells written for Python 2 are
    one finding for the notebook (one port fixes them all), priced as its worst cell."""
    findings = []
    python2: list[tuple[ParsedCell, float]] = []
    for cell in cells:
        if cell.error is None:
            continue
        hidden = structure.size_deficit(code_line_count(cell.masked.source), limits)
        if python2_line(cell) is not None:
            python2.append((cell, max(SYNTAX_ERROR_DEFICIT, hidden)))
            continue
        line = cell.error.lineno or 1
        what = "the file" if notebook.format == "script" else f"cell {cell.number}"
        findings.append(
            Finding(
                "syntax-error",
                f"{what} does not parse: {cell.error.msg}; it was not analysed",
                notebook.location(cell.number, line),
                "lint",
                "error",
                max(SYNTAX_ERROR_DEFICIT, hidden),
                syntax_subject(cell.number),
            )
        )
    if python2:
        first, _ = python2[0]
        line, text = python2_line(first) or (1, "")
        where = (
            f"line {line}" if notebook.format == "script" else f"cell {first.number} line {line}"
        )
        cells_phrase = "" if notebook.format == "script" else f"{counted(len(python2), 'cell')}; "
        findings.append(
            Finding(
                "python2",
                f"written for Python 2 ({cells_phrase}e.g. {where}: `{text.strip()[:60]}`); "
                "this code does not parse on Python 3 and was not analysed",
                notebook.location(first.number, line),
                "lint",
                "error",
                max(deficit for _, deficit in python2),
                PYTHON2_SUBJECT,
                related=tuple(notebook.location(cell.number) for cell, _ in python2[1:]),
            )
        )
    return findings


_PYTHON2 = re.compile(
    r"^\s*(?:print\s+(?![\s(=]|$)|exec\s+[\"'\w]|raise\s+[\w.]+\s*,)"
    r"|^\s*except\s+[\w.]+\s*,\s*\w+\s*:|`[^`\n]+`|<>|\b0[0-7]+\b|\bur['\"]"
)


def python2_line(cell: ParsedCell) -> tuple[int, str] | None:
    """(line, text) of the Python 2 statement that keeps a cell from parsing, if that is why."""
    error = cell.error
    if error is None:
        return None
    lines = cell.masked.source.split("\n")
    at = (error.lineno or 1) - 1
    message = error.msg or ""
    if not 0 <= at < len(lines):
        return None
    if "Missing parentheses in call to" in message or _PYTHON2.search(lines[at]):
        return at + 1, lines[at]
    return None


def _candidates(
    functions: list[Function], facts: list[CellFacts], redefined: list[redefinitions.Redefinition]
) -> tuple[str, ...]:
    """Top-level functions ready to move into a module as they are, longest first: they read no
    notebook data, and their name means one thing -- not redefined with another body after
    cells used the old one, not also assigned at the top level (`nbcoach extract` refuses
    those until the notebook decides which it means)."""
    live: dict[str, Function] = {}
    for function in functions:
        if "." not in function.name:
            live[function.name] = function  # the last definition is the live one
    ambiguous = {r.name for r in redefined if r.stale} | {
        name for cell in facts for name in (*(a.name for a in cell.assignments), *cell.loop_names)
    }
    ready = [f for f in live.values() if not f.hidden_globals and f.name not in ambiguous]
    ready.sort(key=lambda f: (-f.length, f.name))
    return tuple(f.name for f in ready)


def _finding_order(finding: Finding) -> tuple[int, int, str, str]:
    return (finding.location.cell or 0, finding.location.line or 0, finding.rule, finding.message)
