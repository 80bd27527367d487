"""Grade a notebook as an editor holds it, unsaved: cells given as text, not a file.

The language server (`nbcoach server`) calls this on every change. It is the report's own
engine on an in-memory Notebook: the same findings, suppressions, scores and next steps as
`nbcoach report` on the saved file, with ruff reading the cells from stdin (its configuration
found from the notebook's path; its process runs while the analysis does). Given a memo, each
cell's parse, facts and measures are kept between calls, keyed by its number and text, so a
change to one cell works out only that cell again; the notebook-wide checks (redefinitions
across cells, execution order, copy-paste) run on every call, because any cell can change them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from nbcoach.analysis import lint
from nbcoach.analysis.analyse import analyse_notebook
from nbcoach.analysis.card import build_card
from nbcoach.analysis.memo import CellMemo
from nbcoach.analysis.notebook import parse_py
from nbcoach.core.config import STANDALONE, Config, load_config
from nbcoach.core.model import Cell, CellKind, Finding, Notebook, ReportCard, SourceFormat


@dataclass(frozen=True, slots=True)
class LiveCell:
    """A cell as the editor has it."""

    kind: CellKind
    source: str
    execution_count: int | None = None  # the editor's run count, where it sends one


def notebook_of(path: str, cells: Sequence[LiveCell], source_format: SourceFormat) -> Notebook:
    """The Notebook model of cells held in memory, numbered as the notebook UI numbers them."""
    return Notebook(
        path=path,
        format=source_format,
        cells=tuple(
            Cell(number, cell.kind, cell.source, cell.execution_count)
            for number, cell in enumerate(cells, start=1)
        ),
    )


_CONFIGS: dict[Path, tuple[tuple[int, ...], Config]] = {}
_LOCK = threading.Lock()
_CONFIG_FILES = (*STANDALONE, "pyproject.toml")


def config_for(path: str) -> Config:
    """The configuration of a file's folder, kept while the files it could come from are
    unchanged: an edit to pyproject.toml or nbcoach.toml counts from the next change, with no
    restart (a few stat calls per grade)."""
    folder = Path(path).resolve().parent
    stamps = _stamps(folder)
    with _LOCK:
        kept = _CONFIGS.get(folder)
        if kept is not None and kept[0] == stamps:
            return kept[1]
    config = load_config(folder)
    with _LOCK:
        _CONFIGS[folder] = (stamps, config)
    return config


def _stamps(folder: Path) -> tuple[int, ...]:
    """Modification times of every file a configuration could be read from (0: absent)."""
    stamps = []
    for directory in (folder, *folder.parents):
        for name in _CONFIG_FILES:
            try:
                stamps.append((directory / name).stat().st_mtime_ns)
            except OSError:
                stamps.append(0)
    return tuple(stamps)


def grade_cells(
    path: str, cells: Sequence[LiveCell], lint_too: bool = True, memo: CellMemo | None = None
) -> ReportCard:
    """The report card of a notebook's cells as an editor holds them; with the memo of the last
    call on this notebook, only changed cells are worked out again."""
    return grade_notebook(notebook_of(path, cells, "ipynb"), lint_too, memo)


def grade_notebook(
    notebook: Notebook, lint_too: bool = True, memo: CellMemo | None = None
) -> ReportCard:
    """The report card of a Notebook model made from an editor's text."""
    return _grade(notebook, None, lint_too, memo)


def grade_text(
    path: str, text: str, lint_too: bool = True, memo: CellMemo | None = None
) -> ReportCard:
    """The report card of a `.py` file's text (a py:percent notebook, or a plain script)."""
    return _grade(parse_py(text, path), text, lint_too, memo)


def _grade(
    notebook: Notebook, text: str | None, lint_too: bool, memo: CellMemo | None
) -> ReportCard:
    config = config_for(notebook.path)
    linting: Future[list[lint.RuffFinding]] | None = None
    if lint_too and config.lint:  # ruff runs in its own process while the analysis runs here
        directories = [str(Path(notebook.path).resolve().parent)]
        options = lint.ruff_options(config.ruff_extend_select, directories)
        linting = _RUFF.submit(
            lint.lint_stdin, notebook, options
        ) if text is None else _RUFF.submit(lint.check_text, text, notebook.path, options)  # fmt: skip
    analysis = analyse_notebook(notebook, config, memo)
    if memo is not None:
        memo.sweep()
    found: tuple[Finding, ...] = ()
    if linting is not None:
        raw = linting.result()
        if analysis.status == "ok":
            found = tuple(
                lint.to_findings(analysis.path, analysis.format, analysis.cell_lines, raw)
            )
    return build_card(analysis, found, config)


_RUFF = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nbcoach-ruff")
