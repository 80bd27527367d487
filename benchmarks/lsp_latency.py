"""How long after a one-cell change `nbcoach server` has new diagnostics (issue 18's goal: a
100-cell notebook, 95th percentile within 100 ms).

A real client (pygls' LanguageClient) starts `python -m nbcoach server` over stdio, opens a
100-cell notebook as a notebook document (cells as text documents, the LSP 3.17 way, as VS Code
sends them) and then changes one code cell at a time, the way typing does: an incremental edit
that appends a line to a cell. The clock runs from the moment the change is sent to the moment
the server's `nbcoach/grade` notification arrives, which it sends after it has published the
diagnostics of every cell: the full round trip, debounce included.

The notebooks: the corpus notebooks of 100 cells or more, cut to their first 100 cells (the
largest ones: the more code, the slower). Side by side in the same run, the anchors: the
engine's own time to grade the whole notebook from scratch in-process (`grade_cells` without a
memo, ruff included), and `ruff check --stdin-filename` of the notebook as a separate process;
the last lines give the round trip's median as a share of the from-scratch engine's. Each
notebook is driven twice: as VS Code sends it (a notebook document, incremental cell edits) and
as jupyterlab-lsp does (one `.virtual_documents/` text, the whole text on every change, lined up
with the saved notebook by the server).

    python benchmarks/lsp_latency.py                # ../shared/corpus, 5 notebooks x 40 edits
    python benchmarks/lsp_latency.py --edits 100 --notebooks 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
CELLS = 100


def source_of(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def pick(corpus: Path, count: int) -> list[tuple[str, list[dict[str, Any]]]]:
    """The `count` corpus notebooks with the most code among those of 100 cells or more."""
    found = []
    for path in sorted(corpus.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells") or []
        except (ValueError, UnicodeDecodeError):
            continue
        if len(cells) < CELLS:
            continue
        cells = cells[:CELLS]
        code = sum(len(source_of(c)) for c in cells if c.get("cell_type") == "code")
        found.append((code, path.name, cells))
    found.sort(reverse=True)
    return [(name, cells) for _, name, cells in found[:count]]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Timed(LanguageClient):
    def __init__(self) -> None:
        super().__init__("nbcoach-bench", "1")
        self.graded: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()

        @self.feature("nbcoach/grade")
        def _grade(params: Any) -> None:
            self.graded.put_nowait((time.perf_counter(), params))

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(params: types.PublishDiagnosticsParams) -> None:
            pass


async def started() -> Timed:
    """`python -m nbcoach server` over stdio, initialized."""
    client = Timed()
    await client.start_io(sys.executable, "-m", "nbcoach", "server")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    return client


async def stopped(client: Timed) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


async def next_grade(client: Timed, uri: str) -> tuple[float, Any]:
    while True:
        at, params = await asyncio.wait_for(client.graded.get(), timeout=30)
        if getattr(params, "uri", None) == uri or (
            isinstance(params, dict) and params.get("uri") == uri
        ):
            return at, params


async def drive(folder: Path, name: str, cells: list[dict[str, Any]], edits: int) -> list[float]:
    client = await started()
    path = folder / name
    uri = path.as_uri()
    items, notebook_cells, texts = [], [], []
    for number, cell in enumerate(cells, start=1):
        code = cell.get("cell_type") == "code"
        cell_uri = f"vscode-notebook-cell:{path}#cell{number}"
        text = source_of(cell)
        texts.append(text)
        notebook_cells.append(
            types.NotebookCell(
                kind=types.NotebookCellKind.Code if code else types.NotebookCellKind.Markup,
                document=cell_uri,
            )
        )
        items.append(
            types.TextDocumentItem(
                uri=cell_uri, language_id="python" if code else "markdown", version=1, text=text
            )
        )
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=uri, notebook_type="jupyter-notebook", version=1, cells=notebook_cells
            ),
            cell_text_documents=items,
        )
    )
    await next_grade(client, uri)
    code_cells = [i for i, cell in enumerate(cells) if cell.get("cell_type") == "code"]
    chooser = random.Random(name)
    latencies = []
    versions = [1] * len(cells)
    for edit in range(edits):
        index = chooser.choice(code_cells)
        lines = texts[index].split("\n")
        end = types.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)
        added = f"\nvalue_{edit} = {edit}"
        texts[index] += added
        versions[index] += 1
        await asyncio.sleep(0.05)  # a pause between edits, as between typed lines
        sent = time.perf_counter()
        client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(
                    version=edit + 2, uri=uri
                ),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        text_content=[
                            types.NotebookDocumentCellContentChanges(
                                document=types.VersionedTextDocumentIdentifier(
                                    uri=items[index].uri, version=versions[index]
                                ),
                                changes=[
                                    types.TextDocumentContentChangePartial(
                                        range=types.Range(end, end), text=added
                                    )
                                ],
                            )
                        ]
                    )
                ),
            )
        )
        at, _ = await next_grade(client, uri)
        latencies.append((at - sent) * 1000)
    await stopped(client)
    return latencies


async def drive_virtual(
    folder: Path, name: str, cells: list[dict[str, Any]], edits: int
) -> list[float]:
    """The same edits as jupyterlab-lsp sends them: the notebook saved on disk, one text
    document `.virtual_documents/<name>` of every cell joined by two blank lines (markdown
    cells as empty lines), and each change as the whole new text."""
    client = await started()
    document = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    (folder / name).write_text(json.dumps(document), encoding="utf-8")
    uri = (folder / ".virtual_documents" / name).as_uri()
    texts = [source_of(c) if c.get("cell_type") == "code" else "" for c in cells]
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, "python", 0, "\n\n\n".join(texts))
        )
    )
    await next_grade(client, uri)
    code_cells = [i for i, cell in enumerate(cells) if cell.get("cell_type") == "code"]
    chooser = random.Random(name)
    latencies = []
    for edit in range(edits):
        index = chooser.choice(code_cells)
        texts[index] += f"\nvalue_{edit} = {edit}"
        await asyncio.sleep(0.05)
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=edit + 1),
                [types.TextDocumentContentChangeWholeDocument(text="\n\n\n".join(texts))],
            )
        )
        at, _ = await next_grade(client, uri)
        latencies.append((at - sent) * 1000)
    await stopped(client)
    return latencies


def anchors(folder: Path, name: str, cells: list[dict[str, Any]]) -> tuple[float, float]:
    """(engine in-process, ruff on stdin as a process), medians in ms of 5."""
    from nbcoach.analysis.live import LiveCell, grade_cells

    live = [
        LiveCell("code" if c.get("cell_type") == "code" else "markdown", source_of(c))
        for c in cells
    ]
    path = str(folder / name)
    grade_cells(path, live)  # the configuration read once, as the server does
    engine = []
    for _ in range(5):
        start = time.perf_counter()
        grade_cells(path, live)
        engine.append((time.perf_counter() - start) * 1000)
    document = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})
    ruff = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--stdin-filename", path, "-"],
            input=document.encode(),
            capture_output=True,
            check=False,
        )
        ruff.append((time.perf_counter() - start) * 1000)
    return statistics.median(engine), statistics.median(ruff)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--notebooks", type=int, default=5)
    parser.add_argument("--edits", type=int, default=40)
    options = parser.parse_args()
    if not options.corpus.is_dir():
        sys.exit(f"no corpus at {options.corpus}: pass a folder of notebooks")
    chosen = pick(options.corpus, options.notebooks)
    engines: list[float] = []
    print(
        f"{'notebook (first 100 cells)':58} {'p50':>7} {'p95':>7} {'max':>7}"
        f" {'scratch':>7} {'ruff':>6}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "pyproject.toml").write_text('[project]\nname = "bench"\n', encoding="utf-8")
        by_client: dict[str, list[float]] = {"vscode": [], "jupyterlab": []}
        for name, cells in chosen:
            engine, ruff = anchors(folder, name, cells)
            engines.append(engine)
            for client, run in (("vscode", drive), ("jupyterlab", drive_virtual)):
                latencies = asyncio.run(run(folder, name, cells, options.edits))
                by_client[client] += latencies
                label = f"{name[:46]} ({client})"
                print(
                    f"{label:58} {percentile(latencies, 0.5):6.0f}ms"
                    f" {percentile(latencies, 0.95):6.0f}ms {max(latencies):6.0f}ms"
                    f" {engine:6.0f}ms {ruff:5.0f}ms"
                )
    for client, every in by_client.items():
        p95 = percentile(every, 0.95)
        print(
            f"{client}, all {len(every)} edits: p50 {percentile(every, 0.5):.0f} ms,"
            f" p95 {p95:.0f} ms (goal <= 100 ms: {'met' if p95 <= 100 else 'NOT met'});"
            f" round trip / from-scratch grade, medians: "
            f"{percentile(every, 0.5) / statistics.median(engines):.2f}"
        )


if __name__ == "__main__":
    main()
