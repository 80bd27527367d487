"""Grade a notebook as an editor holds it, unsaved: cells given as text, not a file.

The language server (`nbcoach server`) calls this on every change. It is the report's own
engine on an in-memory Notebook: the same findings, suppressions, scores and next steps as
`nbcoach report` on the saved file, with ruff reading the cells from stdin (its configuration
found from the notebook's path). Each cell's parse is kept between calls, keyed by its text, so
a change to one cell re-parses only that cell; the notebook-wide checks (redefinitions across
cells, execution order, copy-paste) run on every call, because any cell can change them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbcoach.analysis import lint
from nbcoach.analysis.analyse import analyse_notebook
from nbcoach.analysis.card import build_card
from nbcoach.analysis.notebook import parse_py
from nbcoach.core.config import Config, load_config
from nbcoach.core.model import Cell, CellKind, Finding, Notebook, ReportCard, SourceFormat


@dataclass(frozen=True, slots=True)
class LiveCell:
    """A cell as the editor has it."""

    kind: CellKind
    source: str


def notebook_of(path: str, cells: Sequence[LiveCell], source_format: SourceFormat) -> Notebook:
    """The Notebook model of cells held in memory, numbered as the notebook UI numbers them."""
    return Notebook(
        path=path,
        format=source_format,
        cells=tuple(
            Cell(number=number, kind=cell.kind, source=cell.source)
            for number, cell in enumerate(cells, start=1)
        ),
    )


_CONFIGS: dict[Path, Config] = {}
_LOCK = threading.Lock()


def config_for(path: str) -> Config:
    """The configuration of a file's folder, read once per folder for the server's life (a
    changed pyproject is read again when the server restarts; `reload_configs` forgets them)."""
    folder = Path(path).resolve().parent
    with _LOCK:
        found = _CONFIGS.get(folder)
        if found is None:
            found = _CONFIGS[folder] = load_config(folder)
        return found


def reload_configs() -> None:
    with _LOCK:
        _CONFIGS.clear()


def grade_cells(path: str, cells: Sequence[LiveCell], lint_too: bool = True) -> ReportCard:
    """The report card of a notebook's cells as an editor holds them."""
    return _grade(notebook_of(path, cells, "ipynb"), None, lint_too)


def grade_text(path: str, text: str, lint_too: bool = True) -> ReportCard:
    """The report card of a `.py` file's text (a py:percent notebook, or a plain script)."""
    return _grade(parse_py(text, path), text, lint_too)


def _grade(notebook: Notebook, text: str | None, lint_too: bool) -> ReportCard:
    config = config_for(notebook.path)
    analysis = analyse_notebook(notebook, config)
    found: tuple[Finding, ...] = ()
    if lint_too and config.lint and analysis.status == "ok":
        directories = [str(Path(notebook.path).resolve().parent)]
        options = lint.ruff_options(config.ruff_extend_select, directories)
        raw = (
            lint.lint_stdin(notebook, options)
            if text is None
            else lint.check_text(text, notebook.path, options)
        )
        found = tuple(lint.to_findings(analysis.path, analysis.format, analysis.cell_lines, raw))
    return build_card(analysis, found, config)
