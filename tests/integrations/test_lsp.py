"""`nbcoach server` driven by a real LSP client over stdio (pytest-lsp): a notebook document
opened and edited cell by cell, and a .py text document; diagnostics on the right cells and
lines, the grade on the first cell, hover, and the three code actions."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from nbcoach.analysis.review import ReviewOptions, review
from support import EXAMPLES

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "nbcoach", "server"]),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    params = types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(EXAMPLES / "newcomer.ipynb", folder / "newcomer.ipynb")
    (folder / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    (folder / ".git").mkdir()
    return folder


def _open_notebook(client: LanguageClient, path: Path) -> tuple[str, list[str]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    uri = path.as_uri()
    cells, texts = [], []
    for number, cell in enumerate(document["cells"], start=1):
        cell_uri = f"vscode-notebook-cell:{path}#cell{number}"
        code = cell["cell_type"] == "code"
        cells.append(
            types.NotebookCell(
                kind=types.NotebookCellKind.Code if code else types.NotebookCellKind.Markup,
                document=cell_uri,
            )
        )
        texts.append(
            types.TextDocumentItem(
                uri=cell_uri,
                language_id="python" if code else "markdown",
                version=1,
                text="".join(cell["source"]),
            )
        )
    for item in texts:  # what the test waits for must come from this opening
        client.diagnostics.pop(item.uri, None)
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=uri, notebook_type="jupyter-notebook", version=1, cells=cells
            ),
            cell_text_documents=texts,
        )
    )
    return uri, [item.uri for item in texts]


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait until the diagnostics the client holds meet `condition`. Polled, not awaited per
    notification: a burst of notifications can all be handled before a waiter for "the next
    one" exists, and then it waits for one that never comes."""
    for _ in range(400):  # 20 s
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _diagnostics_for(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    await _until(lambda: uri in client.diagnostics, f"diagnostics for {uri}")
    return client.diagnostics[uri]


async def test_a_notebook_gets_its_findings_on_its_cells_and_the_grade_on_the_first(
    client: LanguageClient, project: Path
) -> None:
    _, cells = _open_notebook(client, project / "newcomer.ipynb")
    giant = await _diagnostics_for(client, cells[18])  # cell 19: analyse_customers
    long = next(d for d in giant if d.code == "long-function")
    assert long.range.start.line == 0 and "341 lines long" in long.message
    assert long.source == "nbcoach" and "Split it" in long.message
    assert long.code_description is not None and long.code_description.href.endswith(
        "rules.md#long-function"
    )
    first_code = await _diagnostics_for(client, cells[1])  # cell 1 is markdown
    grade = next(d for d in first_code if d.code == "grade")
    assert grade.message.startswith("nbcoach: grade F (")
    assert "Split `analyse_customers`" in grade.message
    assert grade.severity == types.DiagnosticSeverity.Information
    lint = [d for d in await _diagnostics_for(client, cells[3]) if d.code == "D103"]
    assert lint and lint[0].range.start.line == 0


async def test_a_change_to_one_cell_updates_the_notebook_wide_findings(
    client: LanguageClient, project: Path
) -> None:
    uri, cells = _open_notebook(client, project / "newcomer.ipynb")
    await _diagnostics_for(client, cells[16])
    before = [d for d in client.diagnostics[cells[16]] if d.code == "redefined-function"]
    assert before and before[0].range.start.line == 1  # clean_row: cells 5 and 17
    client.diagnostics.pop(cells[16], None)
    redefining = "".join(
        json.loads((project / "newcomer.ipynb").read_text())["cells"][16]["source"]
    )
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=2, uri=uri),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(
                                uri=cells[16], version=2
                            ),
                            changes=[
                                types.TextDocumentContentChangeWholeDocument(
                                    text=redefining.replace("def clean_row", "def clean_record")
                                )
                            ],
                        )
                    ]
                )
            ),
        )
    )
    after = await _diagnostics_for(client, cells[16])
    assert not [d for d in after if d.code == "redefined-function"]


async def test_hover_shows_a_functions_grade_and_measures(
    client: LanguageClient, project: Path
) -> None:
    _, cells = _open_notebook(client, project / "newcomer.ipynb")
    await _diagnostics_for(client, cells[18])
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=cells[18]),
            position=types.Position(line=0, character=6),  # in `analyse_customers`
        )
    )
    assert hover is not None
    text = hover.contents.value  # type: ignore[union-attr]
    assert "**`analyse_customers`** grade **F**" in text and "341 lines" in text


async def test_code_actions_ignore_move_and_split(client: LanguageClient, project: Path) -> None:
    _, cells = _open_notebook(client, project / "newcomer.ipynb")
    diagnostics = await _diagnostics_for(client, cells[3])  # cell 4: parse_date
    lint = next(d for d in diagnostics if d.code == "D103")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=cells[3]),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[lint]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert "Ignore D103 here" in titles
    ignore = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title == "Ignore D103 here"
    )
    assert ignore.edit is not None and ignore.edit.changes is not None
    assert ignore.edit.changes[cells[3]][0].new_text == "  # noqa: D103"
    move = next(
        a
        for a in actions
        if isinstance(a, types.CodeAction) and a.title.startswith("Move `parse_date`")
    )
    assert move.disabled is None and move.edit is not None
    edited = {
        change.text_document.uri: change.edits[0].new_text
        for change in move.edit.document_changes or []
        if isinstance(change, types.TextDocumentEdit)
    }
    module = next(text for uri, text in edited.items() if uri.endswith(".py"))
    assert "def parse_date(" in module
    assert "from demo.newcomer import parse_date" in edited[cells[3]]

    giant = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=cells[18]),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert giant is not None
    split = next(
        a
        for a in giant
        if isinstance(a, types.CodeAction) and a.title.startswith("Split `analyse_customers`")
    )
    assert split.disabled is None and split.edit is not None
    new_text = split.edit.changes[cells[18]][0].new_text  # type: ignore[index]
    assert "def read(" in new_text and "def clean(" in new_text


async def test_a_python_file_is_graded_as_a_text_document(
    client: LanguageClient, project: Path
) -> None:
    path = project / "steps.py"
    body = "\n".join(f"    total += {i}" for i in range(60))
    text = f"def long_one(total):\n{body}\n    return total\n"
    path.write_text(text, encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1, text=text)
        )
    )
    diagnostics = await _diagnostics_for(client, path.as_uri())
    assert any(d.code == "long-function" and d.range.start.line == 0 for d in diagnostics)
    assert any(d.code == "grade" for d in diagnostics)


async def test_a_jupyterlab_virtual_document_is_graded_as_its_notebook(
    client: LanguageClient, project: Path
) -> None:
    """jupyterlab-lsp sends the notebook as one text (tests/integrations/data): the findings
    come back on its lines, cell by cell, with the notebook's grade and a note on every
    function that can move to a module as it is."""
    text = (Path(__file__).parent / "data" / "newcomer.virtual.txt").read_text(encoding="utf-8")
    uri = (project / ".virtual_documents" / "newcomer.ipynb").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=0, text=text)
        )
    )
    diagnostics = await _diagnostics_for(client, uri)
    lines = text.split("\n")
    long = next(d for d in diagnostics if d.code == "long-function")
    assert lines[long.range.start.line].startswith("def analyse_customers(")
    assert "341 lines long" in long.message
    grade = next(d for d in diagnostics if d.code == "grade")
    card = review([str(EXAMPLES / "newcomer.ipynb")], ReviewOptions(use_cache=False)).cards[0]
    assert card.grade == "F"
    assert grade.message.startswith(f"nbcoach: grade F ({card.score:.1f}/100)")  # the report's
    move = next(
        d for d in diagnostics if d.code == "move-to-module" and "`parse_date`" in d.message
    )
    assert lines[move.range.start.line] == "def parse_date(text):"
    assert "nbcoach extract newcomer.ipynb -f parse_date" in move.message
    assert not any(
        d.code == "move-to-module" and "analyse_customers" in d.message for d in diagnostics
    )


async def test_a_deleted_cells_findings_go_with_it(client: LanguageClient, project: Path) -> None:
    """A cell deleted in the editor takes its diagnostics with it."""
    uri, cells = _open_notebook(client, project / "newcomer.ipynb")
    assert any(d.code == "D103" for d in await _diagnostics_for(client, cells[3]))
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=2, uri=uri),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    structure=types.NotebookDocumentCellChangeStructure(
                        array=types.NotebookCellArrayChange(start=3, delete_count=1, cells=[]),
                        did_close=[types.TextDocumentIdentifier(uri=cells[3])],
                    )
                )
            ),
        )
    )
    await _until(lambda: not client.diagnostics[cells[3]], "the deleted cell's diagnostics gone")


async def test_ignoring_a_second_rule_on_a_line_joins_the_first_comment(
    client: LanguageClient, project: Path
) -> None:
    """Only one `# nbcoach: ignore[...]` per line is read: a second rule goes into its list."""
    path = project / "ignored.py"
    text = "def f(a, b, c, d, e, g):  # nbcoach: ignore[too-many-parameters]\n    return 1\n"
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
    )
    await _diagnostics_for(client, uri)
    diagnostic = types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 10)),
        message="x",
        code="long-function",
        source="nbcoach",
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    ignore = next(
        a for a in actions or [] if isinstance(a, types.CodeAction) and a.title.startswith("Ignore")
    )
    assert ignore.edit is not None and ignore.edit.changes is not None
    (edit,) = ignore.edit.changes[uri]
    line = text.split("\n")[0]
    start, end = edit.range.start.character, edit.range.end.character
    joined = line[:start] + edit.new_text + line[end:]
    assert joined.endswith("# nbcoach: ignore[too-many-parameters, long-function]")


async def test_an_untitled_python_document_edited_while_first_graded_is_graded_again(
    client: LanguageClient,
) -> None:
    uri = "untitled:Untitled-7"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, "x = 1\n"))
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text="import os\nx = 1\n")],
        )
    )
    await _until(
        lambda: any(d.code == "F401" for d in client.diagnostics.get(uri, [])), "F401 on the edit"
    )
