"""`nbcoach server`: a language server (LSP 3.17, over stdio, built on pygls) that grades
notebooks while they are edited.

It serves notebook documents (`notebookDocument/*`, each cell a text document: VS Code, and any
client that syncs notebooks the 3.17 way) and `.py` text documents (py:percent twins, modules,
and the virtual documents jupyterlab-lsp makes of a notebook by joining its cells). On every
change the document is graded by the report's engine (analysis/live.py; changes that arrive
while it is being graded are graded together right after, and unchanged cells reuse their last
parse and measures), and the findings are published as diagnostics on the cells and lines
they belong to (only those that changed), with the rule id as code, its one-line fix, and a
link to the rule's page. The notebook's grade and its top next
step are an information diagnostic on the first line of the first code cell, and a custom
notification, `nbcoach/grade` ({uri, grade, score, next_step}), for clients that show a status.

Hover on a function's name: its grade, length, complexity, nesting and parameters. Code
actions: "Ignore this rule here" (a `# nbcoach: ignore[rule]` comment, or `# noqa: CODE` for
ruff's rules), "Move `f` to a module" (extract's plan, as a workspace edit, or why not), and
"Split `f` into helpers" (split's cut, where it brings a change that means the same).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.uris import to_fs_path

from nbcoach import __version__
from nbcoach.analysis.live import LiveCell, grade_cells, grade_notebook, grade_text
from nbcoach.analysis.memo import CellMemo
from nbcoach.core.files import shell_word
from nbcoach.core.model import Finding, Location, ReportCard
from nbcoach.core.rules import RULES_BY_ID, docs_url, rule_help
from nbcoach.integrations.virtual import VirtualCells

SOURCE = "nbcoach"
MOVE = "move-to-module"  # the code of the note on a function that can move as it is
log = logging.getLogger(__name__)

try:
    from pygls.lsp.server import LanguageServer
except ImportError as error:  # pragma: no cover - the `server` extra is not installed
    raise ImportError("nbcoach server needs pygls: pip install 'nbcoach[server]'") from error


@dataclass(slots=True)
class Graded:
    """The last grade of one document: the card, and which text document each cell is."""

    card: ReportCard
    cell_uris: dict[int, str]  # cell number -> its text document (notebooks); {} for a .py
    cells: dict[int, str] = field(default_factory=dict)  # cell number -> its text (0: the .py)
    path: str = ""
    kinds: dict[int, str] = field(default_factory=dict)  # cell number -> code | markdown
    cell_lines: dict[int, int] = field(default_factory=dict)  # .py cells -> their first line
    cell_floors: dict[int, int] = field(default_factory=dict)  # cell -> lowest line it takes


class NbcoachServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "nbcoach",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                # every cell, markdown too: the grade counts them (cell numbers, markdown share),
                # and a client syncs only the cells a selector names
                notebook_selector=[types.NotebookDocumentFilterWithNotebook(notebook="*")],
                save=True,
            ),
        )
        self.graded: dict[str, Graded] = {}  # notebook or text document uri -> its grade
        self.pending: dict[str, asyncio.Task[None]] = {}  # uri -> its grading
        self.dirty: set[str] = set()  # changed while being graded: grade again
        self.memos: dict[str, CellMemo] = {}  # uri -> its cells' work, for the next change
        self.published: dict[str, list[types.Diagnostic]] = {}  # text document -> last sent
        self.virtual: dict[str, VirtualCells] = {}  # jupyterlab-lsp document -> its last cells


server = NbcoachServer()


def path_of(uri: str) -> str:
    """A file URI as a path; a jupyterlab-lsp virtual document as the notebook it stands for
    (`.virtual_documents/nb.ipynb` -> `nb.ipynb`, so configuration and rules are the
    notebook's)."""
    path = to_fs_path(uri) or unquote(urlparse(uri).path)  # to_fs_path knows Windows drives
    for separator in ("/", "\\"):
        virtual = f"{separator}.virtual_documents{separator}"
        if virtual in path:
            path = path.replace(virtual, separator, 1)
    return path


# --- documents ---------------------------------------------------------------------------------


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
async def notebook_opened(ls: NbcoachServer, params: types.DidOpenNotebookDocumentParams) -> None:
    for cell in params.cell_text_documents:  # a (re)opened document gets every list afresh
        ls.published.pop(cell.uri, None)
    schedule(ls, params.notebook_document.uri, notebook=True)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
async def notebook_changed(
    ls: NbcoachServer, params: types.DidChangeNotebookDocumentParams
) -> None:
    cells = params.change.cells
    gone = cells.structure.did_close if cells and cells.structure else None
    for cell in gone or ():  # a deleted cell's findings must go with it
        if ls.published.pop(cell.uri, None):
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(cell.uri, []))
    schedule(ls, params.notebook_document.uri, notebook=True)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
async def notebook_saved(ls: NbcoachServer, params: types.DidSaveNotebookDocumentParams) -> None:
    schedule(ls, params.notebook_document.uri, notebook=True)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
async def notebook_closed(ls: NbcoachServer, params: types.DidCloseNotebookDocumentParams) -> None:
    graded = forget(ls, params.notebook_document.uri)
    for uri in graded.cell_uris.values() if graded else ():
        ls.published.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def text_opened(ls: NbcoachServer, params: types.DidOpenTextDocumentParams) -> None:
    if _is_python_file(params.text_document.uri, params.text_document.language_id):
        ls.published.pop(params.text_document.uri, None)
        schedule(ls, params.text_document.uri, notebook=False)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def text_changed(ls: NbcoachServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    if uri in ls.graded or uri in ls.pending or _is_python_file(uri, ""):
        schedule(ls, uri, notebook=False)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def text_closed(ls: NbcoachServer, params: types.DidCloseTextDocumentParams) -> None:
    if forget(ls, params.text_document.uri) is not None:
        ls.published.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(params.text_document.uri, [])
        )


def _withdraw(ls: NbcoachServer, uri: str) -> None:
    """A document that could not be graded: its grade and every diagnostic of it withdrawn."""
    graded = ls.graded.pop(uri, None)
    ls.memos.pop(uri, None)
    targets = set(graded.cell_uris.values()) if graded and graded.cell_uris else {uri}
    for target in targets:
        if ls.published.pop(target, None):
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(target, []))


def forget(ls: NbcoachServer, uri: str) -> Graded | None:
    """A closed document: its grade, its memo and any grading of it are dropped."""
    ls.memos.pop(uri, None)
    ls.virtual.pop(uri, None)
    ls.dirty.discard(uri)
    running = ls.pending.pop(uri, None)
    if running is not None:
        running.cancel()
    return ls.graded.pop(uri, None)


def _is_python_file(uri: str, language: str) -> bool:
    if server.workspace.get_notebook_document(cell_uri=uri) is not None:
        return False  # a notebook's cell: graded with its notebook
    return language == "python" or path_of(uri).endswith((".py", ".ipynb"))


def schedule(ls: NbcoachServer, uri: str, notebook: bool) -> None:
    """Grade `uri` at once, off the event loop; changes that come while it is being graded are
    graded together right after (a burst of keystrokes costs two grades, not one per key, and
    the first change of a pause is answered without waiting)."""
    running = ls.pending.get(uri)
    if running is not None and not running.done():
        ls.dirty.add(uri)
        return
    ls.pending[uri] = asyncio.ensure_future(_grade_until_clean(ls, uri, notebook))


async def _grade_until_clean(ls: NbcoachServer, uri: str, notebook: bool) -> None:
    await asyncio.sleep(0)  # changes already queued in the same read are graded together
    while True:
        ls.dirty.discard(uri)
        memo = ls.memos.setdefault(uri, CellMemo())
        try:
            graded = await asyncio.get_running_loop().run_in_executor(
                None, _grade_notebook if notebook else _grade_text, ls, uri, memo
            )
        except Exception:  # one bad document must never stop the server
            log.exception("nbcoach could not grade %s", uri)
            _withdraw(ls, uri)  # old findings on new text would point at the wrong lines
            graded = None
        if graded is not None and uri in ls.memos:  # not closed meanwhile
            ls.graded[uri] = graded
            publish(ls, uri, graded)
        if uri not in ls.dirty:
            return


def _grade_notebook(ls: NbcoachServer, uri: str, memo: CellMemo) -> Graded | None:
    document = ls.workspace.get_notebook_document(notebook_uri=uri)
    if document is None:
        return None
    cells: list[LiveCell] = []
    uris: dict[int, str] = {}
    texts: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for number, cell in enumerate(document.cells, start=1):
        text = ls.workspace.get_text_document(cell.document).source
        kind: Literal["code", "markdown"] = (
            "code" if cell.kind == types.NotebookCellKind.Code else "markdown"
        )
        summary = cell.execution_summary  # VS Code sends the run count of a cell it ran
        cells.append(LiveCell(kind, text, summary.execution_order if summary else None))
        uris[number], texts[number], kinds[number] = cell.document, text, kind
    path = path_of(uri)
    return Graded(grade_cells(path, cells, memo=memo), uris, texts, path, kinds)


def _grade_text(ls: NbcoachServer, uri: str, memo: CellMemo) -> Graded:
    from nbcoach.analysis.notebook import parse_py

    text = ls.workspace.get_text_document(uri).source
    path = path_of(uri)
    if path.endswith(".ipynb"):  # a virtual document of a notebook (jupyterlab-lsp)
        graded = _grade_virtual(ls, uri, text, path, memo)
        if graded is not None:
            return graded
        path = path + ".py"  # no saved notebook to line it up with: its code, as a script
    starts = dict(parse_py(text, path).cell_lines)
    return Graded(grade_text(path, text, memo=memo), {}, {0: text}, path, cell_lines=starts)


def _grade_virtual(
    ls: NbcoachServer, uri: str, text: str, path: str, memo: CellMemo
) -> Graded | None:
    """A jupyterlab-lsp virtual document graded as the notebook it stands for, cell by cell."""
    from nbcoach.analysis.notebook import parse_bytes
    from nbcoach.core.errors import InputError
    from nbcoach.core.files import read_user_file
    from nbcoach.integrations.virtual import cells_of

    try:
        saved = parse_bytes(read_user_file(Path(path)), path)
    except (InputError, OSError):
        return None
    found = cells_of(text, saved, ls.virtual.get(uri))
    if found is None:
        return None
    ls.virtual[uri] = found
    kinds: dict[int, str] = {cell.number: cell.kind for cell in found.notebook.cells}
    card = grade_notebook(found.notebook, memo=memo)
    return Graded(card, {}, {0: text}, path, kinds, found.starts, found.floors)


# --- diagnostics -------------------------------------------------------------------------------


def publish(ls: NbcoachServer, uri: str, graded: Graded) -> None:
    # every cell gets its list, empty ones too: a fixed finding must disappear
    by_uri: dict[str, list[types.Diagnostic]] = {u: [] for u in graded.cell_uris.values()}
    if not graded.cell_uris:
        by_uri[uri] = []
    for finding in graded.card.findings:
        target, line = _place(uri, graded, finding.location)
        by_uri.setdefault(target, []).append(_diagnostic(finding, line, graded, target))
    for cell, line, diagnostic in _ready_to_move(graded):
        location = Location(graded.path, cell, line)
        target, row = _place(uri, graded, location)
        diagnostic.range = _line_range(graded, target, row)
        by_uri.setdefault(target, []).append(diagnostic)
    summary = _summary(graded.card)
    if summary is not None:  # on the first line of the first code cell, the whole line
        first = _first_code_cell(graded)
        target, row = _place(uri, graded, Location(graded.path, first, 1))
        summary.range = _line_range(graded, target, row)
        by_uri.setdefault(target, []).append(summary)
    for target, diagnostics in by_uri.items():
        if ls.published.get(target) != diagnostics:  # only what changed goes over the wire
            ls.published[target] = diagnostics
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(target, diagnostics)
            )
    card = graded.card
    step = card.next_steps[0] if card.next_steps else None
    ls.protocol.notify(
        "nbcoach/grade",
        {
            "uri": uri,
            "grade": card.grade,
            "score": card.score,
            "next_step": f"{step.action} (+{step.gain:.1f} points)" if step else None,
        },
    )


def _place(uri: str, graded: Graded, location: Location) -> tuple[str, int]:
    """(text document, 0-based line) of a finding: its cell's document in a notebook, the
    file's own line in a .py (a py:percent file's or a virtual document's cells mapped back to
    its lines)."""
    line = location.line or 1
    if graded.cell_uris:
        if location.cell is None:
            return _first_code_uri(uri, graded), 0
        return graded.cell_uris.get(location.cell, _first_code_uri(uri, graded)), line - 1
    if location.cell is not None and location.cell in graded.cell_lines:  # a py:percent cell
        line = graded.cell_lines[location.cell] + line - 1
        line = max(line, graded.cell_floors.get(location.cell, line))
    return uri, max(0, line - 1)


def _first_code_cell(graded: Graded) -> int | None:
    """The number of the first code cell with code (None in a plain .py: its first line)."""
    texts = graded.cells if graded.cell_uris else {}
    for number in sorted(graded.kinds):
        if graded.kinds[number] == "code" and (not texts or texts.get(number, "").strip()):
            return number
    return None


def _first_code_uri(uri: str, graded: Graded) -> str:
    if not graded.cell_uris:
        return uri
    first = _first_code_cell(graded)
    return graded.cell_uris[first if first is not None else min(graded.cell_uris)]


def _ready_to_move(graded: Graded) -> list[tuple[int | None, int, types.Diagnostic]]:
    """A note on each function extract can move as it is: where the editor has no code actions
    (jupyterlab-lsp), this is how the newcomer learns that the move is one command away."""
    notes: list[tuple[int | None, int, types.Diagnostic]] = []
    name_of_notebook = Path(graded.path).name
    for scored in graded.card.functions:
        f = scored.function
        if f.name not in graded.card.candidates or "." in f.name:
            continue
        message = (
            f"Move to module: `{f.name}` can move to a module as it is (nothing of the "
            f'notebook\'s state inside). Code action "Move `{f.name}` to a module", or run: '
            f"nbcoach extract {shell_word(name_of_notebook)} -f {f.name}"
        )
        notes.append(
            (
                f.cell,
                f.line,
                types.Diagnostic(
                    range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                    message=message,
                    severity=types.DiagnosticSeverity.Information,
                    code=MOVE,
                    source=SOURCE,
                    data={"function": f.name},
                ),
            )
        )
    return notes


def _line_range(graded: Graded, uri: str, line: int) -> types.Range:
    """A whole line, its indentation left out."""
    text = _line_text(graded, uri, line)
    start = len(text) - len(text.lstrip())
    return types.Range(types.Position(line, start), types.Position(line, _utf16(text)))


def _diagnostic(finding: Finding, line: int, graded: Graded, uri: str) -> types.Diagnostic:
    severity = {
        "error": types.DiagnosticSeverity.Error,
        "warning": types.DiagnosticSeverity.Warning,
        "info": types.DiagnosticSeverity.Information,
    }[finding.severity]
    link = docs_url("rules.md", finding.rule) if finding.rule in RULES_BY_ID else (
        ""
    )  # fmt: skip
    return types.Diagnostic(
        range=_line_range(graded, uri, line),
        message=f"{finding.message}\n{rule_help(finding.rule)}",
        severity=severity,
        code=finding.rule,
        code_description=types.CodeDescription(href=link) if link else None,
        source=SOURCE,
        data={"rule": finding.rule, "subject": finding.subject},
    )


def _summary(card: ReportCard) -> types.Diagnostic | None:
    if card.score is None or card.grade is None:
        return None
    step = card.next_steps[0] if card.next_steps else None
    message = f"nbcoach: grade {card.grade} ({card.score:.1f}/100)"
    message += (
        f". Next step: {step.action} (+{step.gain:.1f} points)"
        if step
        else ". Nothing left that costs points."
    )
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=message,
        severity=types.DiagnosticSeverity.Information,
        code="grade",
        source=SOURCE,
    )


def _line_text(graded: Graded, uri: str, line: int) -> str:
    if graded.cell_uris:
        number = next((n for n, u in graded.cell_uris.items() if u == uri), None)
        text = graded.cells.get(number, "") if number is not None else ""
    else:
        text = graded.cells.get(0, "")
    lines = text.split("\n")
    return lines[line] if 0 <= line < len(lines) else ""


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- hover -------------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: NbcoachServer, params: types.HoverParams) -> types.Hover | None:
    found = _graded_for(ls, params.text_document.uri)
    if found is None:
        return None
    graded, _ = found
    word = _word_at(ls, params.text_document.uri, params.position)
    if not word:
        return None
    scored = next((s for s in graded.card.functions if s.function.name == word), None)
    if scored is None:
        return None
    f = scored.function
    text = (
        f"**`{f.name}`** grade **{scored.grade}** ({scored.score:.0f}/100): {f.length} lines, "
        f"{f.statements} statements, complexity {f.complexity}, nesting {f.nesting}, "
        f"{f.parameters} parameters"
    )
    problems = [
        finding.message
        for finding in graded.card.findings
        if finding.subject.startswith("function:") and finding.subject.endswith(f":{f.name}")
    ]
    if problems:
        text += "\n\n" + "\n".join(f"- {p}" for p in problems)
    return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text))


def _graded_for(ls: NbcoachServer, uri: str) -> tuple[Graded, int] | None:
    """The grade holding a text document (a notebook's cell, or a .py), and the cell number."""
    if uri in ls.graded:
        return ls.graded[uri], 0
    notebook = ls.workspace.get_notebook_document(cell_uri=uri)
    if notebook is None or notebook.uri not in ls.graded:
        return None
    graded = ls.graded[notebook.uri]
    number = next((n for n, u in graded.cell_uris.items() if u == uri), 0)
    return graded, number


def _word_at(ls: NbcoachServer, uri: str, position: types.Position) -> str:
    document = ls.workspace.get_text_document(uri)
    lines = document.source.split("\n")
    if position.line >= len(lines):
        return ""
    line = lines[position.line]
    column = document.position_codec.position_from_client_units(lines, position).character
    start = column
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] == "_"):
        start -= 1
    end = column
    while end < len(line) and (line[end].isalnum() or line[end] == "_"):
        end += 1
    return line[start:end]


# --- code actions ------------------------------------------------------------------------------


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorExtract]
    ),
)
def code_actions(
    ls: NbcoachServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    found = _graded_for(ls, params.text_document.uri)
    if found is None:
        return None
    graded, cell = found
    uri = params.text_document.uri
    actions = [
        _ignore_action(uri, graded, diagnostic)
        for diagnostic in params.context.diagnostics
        if diagnostic.source == SOURCE and diagnostic.code not in (None, "grade", MOVE)
    ]
    name = _function_at(ls, uri, params.range.start.line)
    if name is not None:
        actions += _function_actions(ls, uri, graded, cell, name)
    return actions


def _ignore_action(uri: str, graded: Graded, diagnostic: types.Diagnostic) -> types.CodeAction:
    rule = str(diagnostic.code)
    line = diagnostic.range.start.line
    text = _line_text(graded, uri, line)
    ours = rule in RULES_BY_ID
    existing = (_OUR_IGNORE if ours else _NOQA).search(text)
    if existing is not None:  # one comment per line is read: add the rule to it
        codes = [c.strip() for c in existing.group(2).split(",") if c.strip()]
        listed = ", ".join([*codes, rule])
        new = f"{existing.group(1)}{listed}{']' if ours else ''}"
        start = types.Position(line, _utf16(text[: existing.start()]))
        stop = types.Position(line, _utf16(text[: existing.end()]))
        edit = types.TextEdit(types.Range(start, stop), new)
    else:
        comment = f"  # nbcoach: ignore[{rule}]" if ours else f"  # noqa: {rule}"
        end = types.Position(line, _utf16(text))
        edit = types.TextEdit(types.Range(end, end), comment)
    return types.CodeAction(
        title=f"Ignore {rule} here",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )


_OUR_IGNORE = re.compile(r"(#\s*nbcoach:\s*ignore\[)([^\]]*)\]")
_NOQA = re.compile(r"(#\s*noqa:\s*)([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def _function_at(ls: NbcoachServer, uri: str, line: int) -> str | None:
    """The top-level function whose `def` is on `line` (or whose name the cursor is on)."""
    import ast

    source = ls.workspace.get_text_document(uri).source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.lineno - 1 <= line <= (node.end_lineno or node.lineno) - 1
        ):
            return node.name
    return None


def _function_actions(
    ls: NbcoachServer, uri: str, graded: Graded, cell: int, name: str
) -> list[types.CodeAction]:
    actions = []
    move = _move_action(graded, name)
    if move is not None:
        actions.append(move)
    split = _split_action(ls, uri, graded, name)
    if split is not None:
        actions.append(split)
    return actions


def _move_action(graded: Graded, name: str) -> types.CodeAction | None:
    """extract's plan for `name`, made from the cells as the editor holds them."""
    if not graded.cell_uris:
        return None
    from nbcoach.core.errors import NbcoachError
    from nbcoach.extract.plan import plan_extraction
    from nbcoach.extract.source import load_source

    try:
        source = load_source(Path(graded.path), _notebook_bytes(graded))
        plan = plan_extraction(source, [name], diffs=False)
    except (NbcoachError, OSError, ValueError) as error:
        return types.CodeAction(
            title=f"Move `{name}` to a module",
            kind=types.CodeActionKind.RefactorExtract,
            disabled=types.CodeActionDisabled(reason=str(error)),
        )
    refusal = next((r for r in plan.refusals if r.name == name), None)
    if plan.empty or refusal is not None:
        reason = refusal.reason if refusal is not None else "nothing can move"
        return types.CodeAction(
            title=f"Move `{name}` to a module",
            kind=types.CodeActionKind.RefactorExtract,
            disabled=types.CodeActionDisabled(reason=reason),
        )
    module_uri = Path(plan.module).resolve().as_uri()
    changes: list[Any] = [
        types.CreateFile(
            uri=Path(init).resolve().as_uri(),
            options=types.CreateFileOptions(ignore_if_exists=True),
        )
        for init in plan.created
    ]
    if plan.module_digest is None:
        changes.append(
            types.CreateFile(uri=module_uri, options=types.CreateFileOptions(ignore_if_exists=True))
        )
    changes.append(_replace_all(module_uri, _existing(plan.module), plan.module_text))
    for change in plan.changes:
        target = graded.cell_uris.get(change.cell)
        if target is not None:
            changes.append(
                _replace_all(target, graded.cells.get(change.cell, ""), change.source or "")
            )
    return types.CodeAction(
        title=f"Move `{name}` to {Path(plan.module).name} ({plan.module_name})",
        kind=types.CodeActionKind.RefactorExtract,
        edit=types.WorkspaceEdit(document_changes=changes),
    )


def _split_action(
    ls: NbcoachServer, uri: str, graded: Graded, name: str
) -> types.CodeAction | None:
    from nbcoach.analysis.live import LiveCell, config_for, notebook_of
    from nbcoach.extract.cut import measure, over_limits
    from nbcoach.extract.split import checked_cut, notebook_names

    source = ls.workspace.get_text_document(uri).source
    try:
        function = measure(source).get(name)
    except SyntaxError:
        return None
    limits = config_for(graded.path).thresholds
    if function is None or not over_limits(function, limits):
        return None
    cells = [  # the other cells' names are not to be shadowed by a helper's
        LiveCell("code" if graded.kinds.get(n, "code") == "code" else "markdown", text)
        for n, text in sorted(graded.cells.items())
    ]
    taken = notebook_names(notebook_of(graded.path, cells, "ipynb")) if graded.cell_uris else ()
    cut, problems = checked_cut(source, name, limits, taken=taken)
    if not (cut.helpers or cut.constants) or problems:
        return types.CodeAction(
            title=f"Split `{name}` into helpers",
            kind=types.CodeActionKind.RefactorExtract,
            disabled=types.CodeActionDisabled(
                reason="; ".join(cut.left) or "no block can be cut cleanly"
            ),
        )
    helpers = ", ".join(h.name for h in cut.helpers)
    return types.CodeAction(
        title=f"Split `{name}` into helpers ({helpers})",
        kind=types.CodeActionKind.RefactorExtract,
        edit=types.WorkspaceEdit(changes={uri: [_whole(source, cut.text)]}),
    )


def _replace_all(uri: str, old: str, new: str) -> types.TextDocumentEdit:
    return types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
        edits=[_whole(old, new)],
    )


def _whole(old: str, new: str) -> types.TextEdit:
    lines = old.split("\n")
    end = types.Position(len(lines) - 1, _utf16(lines[-1]))
    return types.TextEdit(types.Range(types.Position(0, 0), end), new)


def _existing(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _notebook_bytes(graded: Graded) -> bytes:
    import json

    cells = []
    for number in sorted(graded.cells):
        kind = graded.kinds.get(number, "code")
        cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": graded.cells[number]}
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        cells.append(cell)
    document = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    return json.dumps(document).encode("utf-8")


def main() -> None:
    server.start_io()
