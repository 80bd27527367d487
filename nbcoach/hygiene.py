"""Notebook hygiene: the checks of pynblint and Julynter worth keeping.

They judge how the notebook was run and saved, not the code's design: execution order, saved
errors, outputs, narrative, names. A notebook saved without outputs (nbstripout) is clean here,
not "never executed".
"""

from __future__ import annotations

import re
from pathlib import Path

from nbcoach.config import Thresholds
from nbcoach.facts import CellFacts
from nbcoach.model import Finding, Notebook

_UNTITLED = re.compile(r"^Untitled\d*$|[-_ ]Copy\d*$|^Copy of |\(\d+\)$", re.I)
_ABSOLUTE = re.compile(
    r"^(?:/(?:home|Users|mnt|media|Volumes|root|content/drive)/[^\s]+|[A-Za-z]:[\\/](?:Users|Documents and Settings|Data|Projects|Work)[\\/][^\n]+|~/[^\s]+)",
)
DEFICIT = {
    "execution-order": 10.0,
    "execution-gap": 4.0,
    "never-executed": 6.0,
    "late-import": 3.0,
    "star-import": 6.0,
    "absolute-path": 6.0,
    "error-output": 6.0,
    "large-output": 5.0,
    "empty-cell": 1.0,
    "little-markdown": 8.0,
    "untitled-name": 5.0,
}


def hygiene_findings(
    notebook: Notebook, facts: list[CellFacts], limits: Thresholds
) -> list[Finding]:
    findings: list[Finding] = []
    if notebook.format != "script":
        findings += _execution(notebook)
        findings += _outputs(notebook, limits)
        findings += _empty_cells(notebook)
        findings += _narrative(notebook, limits)
        findings += _late_imports(notebook, facts, limits)
    findings += _star_imports(notebook, facts)
    findings += _absolute_paths(notebook, facts)
    findings += _name(notebook)
    return findings


def _finding(
    rule: str,
    message: str,
    notebook: Notebook,
    cell: int | None,
    line: int | None = None,
    subject: str = "",
) -> Finding:
    return Finding(
        rule,
        message,
        notebook.location(cell, line),
        "hygiene",
        "warning",
        DEFICIT[rule],
        subject or f"hygiene:{rule}",
    )


def _execution(notebook: Notebook) -> list[Finding]:
    code = [cell for cell in notebook.code_cells if cell.source.strip()]
    counts = [
        (cell.number, cell.execution_count) for cell in code if cell.execution_count is not None
    ]
    if not counts:
        return []  # saved without outputs: nothing to judge
    findings = []
    previous = 0
    for number, count in counts:
        if count is not None and count < previous:
            findings.append(
                _finding(
                    "execution-order",
                    f"cell {number} ran (as [{count}]) before the cell above it ([{previous}]): the saved results come from an out-of-order run",
                    notebook,
                    number,
                )
            )
            break
        previous = max(previous, count or 0)
    ordered = sorted(count for _, count in counts if count is not None)
    missing = (
        [n for n in range(ordered[0], ordered[-1] + 1) if n not in set(ordered)] if ordered else []
    )
    if ordered and (ordered[0] != 1 or missing):
        first = ordered[0]
        detail = (
            f"numbers {first}-{ordered[-1]} with {len(missing)} missing"
            if missing
            else f"the first is [{first}]"
        )
        findings.append(
            _finding(
                "execution-gap",
                f"execution counts skip ({detail}): cells were re-run or deleted",
                notebook,
                counts[0][0],
            )
        )
    never = [cell.number for cell in code if cell.execution_count is None]
    if never:
        findings.append(
            _finding(
                "never-executed",
                f"cell{'s' if len(never) > 1 else ''} {_cells(never)} never ran while the others did",
                notebook,
                never[0],
            )
        )
    return findings


def _outputs(notebook: Notebook, limits: Thresholds) -> list[Finding]:
    findings = []
    for cell in notebook.code_cells:
        if cell.outputs.error_names:
            findings.append(
                _finding(
                    "error-output",
                    f"cell {cell.number} saved an error: {', '.join(sorted(set(cell.outputs.error_names)))}",
                    notebook,
                    cell.number,
                    subject=f"hygiene:error-output:{cell.number}",
                )
            )
        if cell.outputs.size_bytes > limits.output_kb * 1024:
            findings.append(
                _finding(
                    "large-output",
                    f"cell {cell.number} saves {cell.outputs.size_bytes // 1024} KB of output (limit {limits.output_kb} KB)",
                    notebook,
                    cell.number,
                    subject=f"hygiene:large-output:{cell.number}",
                )
            )
    return findings


def _empty_cells(notebook: Notebook) -> list[Finding]:
    code = notebook.code_cells
    # Jupyter always keeps an empty cell at the end; that one is not the author's doing.
    empty = [cell.number for cell in code[:-1] if not cell.source.strip()]
    if not empty:
        return []
    return [
        _finding(
            "empty-cell",
            f"cell{'s' if len(empty) > 1 else ''} {_cells(empty)} {'are' if len(empty) > 1 else 'is'} empty",
            notebook,
            empty[0],
        )
    ]


def _narrative(notebook: Notebook, limits: Thresholds) -> list[Finding]:
    code = [cell for cell in notebook.code_cells if cell.source.strip()]
    markdown = [cell for cell in notebook.cells if cell.kind == "markdown" and cell.source.strip()]
    if len(code) < 5 or len(markdown) >= max(1, limits.min_markdown_ratio * len(code)):
        return []
    return [
        _finding(
            "little-markdown",
            f"{len(markdown)} markdown cell{'s' if len(markdown) != 1 else ''} for {len(code)} code cells",
            notebook,
            None,
        )
    ]


def _late_imports(notebook: Notebook, facts: list[CellFacts], limits: Thresholds) -> list[Finding]:
    code_numbers = [cell.number for cell in notebook.code_cells if cell.source.strip()]
    early = set(code_numbers[: limits.late_import_cells])
    findings = []
    for cell in facts:
        if cell.number in early or not cell.imports:
            continue
        modules = sorted({module for item in cell.imports for module in item.modules})
        findings.append(
            _finding(
                "late-import",
                f"cell {cell.number} imports {', '.join(modules[:4])}{' ...' if len(modules) > 4 else ''} after the first code cells",
                notebook,
                cell.number,
                cell.imports[0].line,
                subject="hygiene:late-import",
            )
        )
    return findings


def _star_imports(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    return [
        _finding(
            "star-import",
            f"`from {item.modules[0]} import *` hides where names come from",
            notebook,
            cell.number,
            item.line,
            subject=f"hygiene:star-import:{item.modules[0]}",
        )
        for cell in facts
        for item in cell.imports
        if item.star
    ]


def _absolute_paths(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    findings = []
    for cell in facts:
        for line, value in cell.path_strings:
            if _ABSOLUTE.match(value):
                shown = value if len(value) <= 60 else value[:57] + "..."
                findings.append(
                    _finding(
                        "absolute-path",
                        f"hard-coded absolute path {shown!r}",
                        notebook,
                        cell.number,
                        line,
                        subject="hygiene:absolute-path",
                    )
                )
    return findings


def _name(notebook: Notebook) -> list[Finding]:
    stem = Path(notebook.path).stem
    if _UNTITLED.search(stem):
        return [
            _finding(
                "untitled-name",
                f"the file name {Path(notebook.path).name!r} says nothing about what it does",
                notebook,
                None,
            )
        ]
    return []


def _cells(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:6])
    return shown + (f" and {len(numbers) - 6} more" if len(numbers) > 6 else "")
