"""Notebook hygiene: the checks of pynblint and Julynter worth keeping.

They judge how the notebook was run and saved, not the code's design: execution order, saved
errors, outputs, narrative, names. A notebook saved without outputs (nbstripout) is clean here,
not "never executed".
"""

from __future__ import annotations

import re
from pathlib import Path

from nbcoach.analysis.facts import CellFacts, Import
from nbcoach.analysis.suppress import silenced
from nbcoach.core.config import Thresholds
from nbcoach.core.model import Finding, Notebook, Suppression

_UNTITLED = re.compile(r"^Untitled\d*$|[-_ ]Copy\d*$|^Copy of |\(\d+\)$", re.I)
_ABSOLUTE = re.compile(
    r"^(?:/(?:home|Users|mnt|media|Volumes|root|content/drive)/[^\s]+|[A-Za-z]:[\\/](?:Users|Documents and Settings|Data|Projects|Work)[\\/][^\n]+|~/[^\s]+)",
)
# One finding per habit, whose cost grows by STEP for each further occurrence up to CAP: ten
# saved errors are one habit (restart and run all), not ten.
STEP = {
    "late-import": 1.0,
    "star-import": 4.0,
    "absolute-path": 1.0,
    "hard-coded-path": 2.0,
    "error-output": 1.0,
    "large-output": 1.0,
}
CAP = {
    "late-import": 14.0,
    "star-import": 25.0,
    "absolute-path": 12.0,
    "hard-coded-path": 20.0,
    "error-output": 12.0,
    "large-output": 10.0,
}
DEFICIT = {
    "execution-order": 10.0,
    "execution-gap": 4.0,
    "never-executed": 6.0,
    "late-import": 5.0,
    "star-import": 15.0,
    "absolute-path": 6.0,
    "hard-coded-path": 6.0,
    "error-output": 6.0,
    "large-output": 5.0,
    "empty-cell": 1.0,
    "little-markdown": 8.0,
    "untitled-name": 5.0,
}


def hygiene_findings(
    notebook: Notebook,
    facts: list[CellFacts],
    limits: Thresholds,
    first_party: frozenset[str] = frozenset(),
    suppressions: tuple[Suppression, ...] = (),
) -> list[Finding]:
    """`suppressions`: the notebook's `# nbcoach: ignore[...]` comments, applied here to each
    occurrence of a habit reported as one finding (each path), not only to where it is shown."""
    findings: list[Finding] = []
    if notebook.format != "script":
        findings += _execution(notebook)
        findings += _outputs(notebook, limits)
        findings += _empty_cells(notebook)
        findings += _narrative(notebook, limits)
        findings += _late_imports(notebook, facts, limits, first_party)
    findings += _star_imports(notebook, facts)
    script = notebook.format == "script"
    findings += _absolute_paths(notebook, facts, suppressions, script)
    findings += _inline_paths(notebook, facts, suppressions, script)
    findings += _name(notebook)
    return findings


def _finding(
    rule: str,
    message: str,
    notebook: Notebook,
    cell: int | None,
    line: int | None = None,
    *,
    count: int = 1,
    related: list[int] | None = None,
    related_lines: list[tuple[int, int]] | None = None,
) -> Finding:
    """One finding for a rule, or for a habit seen `count` times (its cost grows by STEP)."""
    deficit = DEFICIT[rule]
    if count > 1:
        deficit = min(CAP[rule], deficit + STEP[rule] * (count - 1))
    places = tuple(notebook.location(c) for c in related or []) + tuple(
        notebook.location(c, ln) for c, ln in related_lines or []
    )
    return Finding(
        rule,
        message,
        notebook.location(cell, line),
        "hygiene",
        "warning",
        deficit,
        f"hygiene:{rule}",
        related=places,
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
    errors = [cell for cell in notebook.code_cells if cell.outputs.error_names]
    large = [
        cell for cell in notebook.code_cells if cell.outputs.size_bytes > limits.output_kb * 1024
    ]
    findings = []
    if errors:
        names = sorted({name for cell in errors for name in cell.outputs.error_names})
        findings.append(
            _finding(
                "error-output",
                f"{_cells_phrase(errors)} saved an error ({', '.join(names)})",
                notebook,
                errors[0].number,
                count=len(errors),
                related=[cell.number for cell in errors[1:]],
            )
        )
    if large:
        biggest = max(large, key=lambda cell: cell.outputs.size_bytes)
        findings.append(
            _finding(
                "large-output",
                f"{_cells_phrase(large)} save{'s' if len(large) == 1 else ''} over {limits.output_kb} KB of output "
                f"(largest: cell {biggest.number}, {biggest.outputs.size_bytes // 1024} KB)",
                notebook,
                biggest.number,
                count=len(large),
                related=[c.number for c in large if c is not biggest],
            )
        )
    return findings


def _cells_phrase(cells: list) -> str:  # type: ignore[type-arg]
    numbers = [cell.number for cell in cells]
    return f"cell{'s' if len(numbers) > 1 else ''} {_cells(numbers)}"


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


def _late_imports(
    notebook: Notebook, facts: list[CellFacts], limits: Thresholds, first_party: frozenset[str]
) -> list[Finding]:
    """Imports after the first code cells hide what the notebook depends on. The project's own
    packages are no dependency to install, and `extract` leaves their import where the function
    it lifted stood: following the coach's advice must not cost points."""
    code_numbers = [cell.number for cell in notebook.code_cells if cell.source.strip()]
    early = set(code_numbers[: limits.late_import_cells])

    def dependency(item: Import) -> bool:
        return not all(module.split(".")[0] in first_party for module in item.modules)

    firsts = [
        next(item for item in cell.imports if dependency(item))
        for cell in facts
        if cell.number not in early and any(dependency(item) for item in cell.imports)
    ]
    if not firsts:
        return []
    late = [cell for cell in facts if cell.number in {item.cell for item in firsts}]
    imports = [item for cell in late for item in cell.imports if dependency(item)]
    modules = sorted({module for item in imports for module in item.modules})
    shown = ", ".join(modules[:4]) + (f" and {len(modules) - 4} more" if len(modules) > 4 else "")
    return [
        _finding(
            "late-import",
            f"{_cells_phrase(late)} import{'s' if len(late) == 1 else ''} {shown}"
            " after the first code cells",
            notebook,
            firsts[0].cell,
            firsts[0].line,
            count=len(late),
            related_lines=[(item.cell, item.line) for item in firsts[1:]],
        )
    ]


def _star_imports(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    stars = [(cell.number, item) for cell in facts for item in cell.imports if item.star]
    if not stars:
        return []
    modules = ", ".join(f"`from {item.modules[0]} import *`" for _, item in stars[:3])
    return [
        _finding(
            "star-import",
            f"{modules}{' ...' if len(stars) > 3 else ''} hide{'s' if len(stars) == 1 else ''} where names come from",
            notebook,
            stars[0][0],
            stars[0][1].line,
            count=len(stars),
            related_lines=[(c, i.line) for c, i in stars[1:]],
        )
    ]


def _absolute_paths(
    notebook: Notebook, facts: list[CellFacts], suppressions: tuple[Suppression, ...], script: bool
) -> list[Finding]:
    found = [
        (cell.number, line, value)
        for cell in facts
        for line, value in sorted(cell.path_strings)
        if _ABSOLUTE.match(value)
        and not silenced("absolute-path", cell.number, line, suppressions, script)
    ]
    return _paths_habit(notebook, "absolute-path", found, "hard-coded absolute path {path}{more}")


def _inline_paths(
    notebook: Notebook, facts: list[CellFacts], suppressions: tuple[Suppression, ...], script: bool
) -> list[Finding]:
    """Data files named where they are read or written (`datapaths`). Reviewers named
    "hard-coded relative paths repeated inline" in a tenth of their reasons. An absolute path
    to one person's machine is also `absolute-path`: naming it and making it relative are two
    fixes, and each one raises the score."""
    found = [
        (cell.number, line, value)
        for cell in facts
        for line, _, value, around in sorted(cell.data_paths)
        if not silenced("hard-coded-path", cell.number, line, suppressions, script)
        and not silenced("hard-coded-path", cell.number, around, suppressions, script)
    ]
    return _paths_habit(
        notebook, "hard-coded-path", found, "file path {path}{more} written where {used}"
    )


def _paths_habit(
    notebook: Notebook, rule: str, found: list[tuple[int, int, str]], message: str
) -> list[Finding]:
    """One finding for the paths (cell, line, path) of a habit, in the notebook's order: shown
    at the first, each other place listed once."""
    if not found:
        return []
    cell, line, value = found[0]
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    places = list(dict.fromkeys((c, ln) for c, ln, _ in found if (c, ln) != (cell, line)))
    text = message.format(
        path=repr(_shown(value)), more=more, used="they are used" if more else "it is used"
    )
    return [_finding(rule, text, notebook, cell, line, count=len(found), related_lines=places)]


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


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
