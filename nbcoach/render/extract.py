"""Extraction plans, results and candidate lists as terminal lines (plain when colour is off).

Every place is printed as `notebook.ipynb:cell N:line M`; a definition that stays says why in
one line, with the rule-like code that docs/extract.md explains.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from nbcoach.core.files import shown
from nbcoach.core.model import CandidateStatus, ExtractionPlan, ExtractionResult, Location
from nbcoach.core.words import counted
from nbcoach.execution.outputs import describe_difference

DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}
# What to do about each refusal whose reason does not say it (docs/extract.md: the table).
FIXES = {
    "not-found": "check the name; a cell that does not parse hides its definitions",
    "nested": "extract the class or the outer function",
    "not-a-definition": "write it as a def",
    "conditional": "define it at the top level of a cell",
    "magic-in-body": "replace the magic with Python (time it from outside the function)",
    "global-write": "return the value instead of assigning the global",
    "notebook-only-name": "pass what it needs as an argument",
    "unknown-name": "bind the name in a cell (or fix the typo)",
    "relative-import": "import it absolutely",
    "definition-time-data": "pass the value when calling instead",
    "class-reads-data": "pass the data to the constructor",
    "indirect-use": "make the data a parameter yourself (functools.partial at the call)",
    "unrewritable-call": "rename the local, or fix the cell",
    "hoist-conflict": "give one of the two a different name",
    "helper-refused": "fix the helper first",
    "too-big": "split it first (nbcoach split), or name it with --function",
    "dynamic-namespace": "pass what it reads as arguments and return what it writes",
}


def _place(location: Location) -> str:
    return str(Location(shown(location.path), location.cell, location.line))


def plan_lines(plan: ExtractionPlan, diffs: bool = True) -> list[Text]:
    """What would move where, what stays and why, then the diffs."""
    lines = [
        Text.assemble(
            (shown(plan.notebook), "bold"),
            " -> ",
            (shown(plan.module), "bold"),
            f" (imported as {plan.module_name})",
        )
    ]
    if plan.moved:
        lines.append(Text("Moves into the module", style="bold"))
        width = max(len(m.name) for m in plan.moved)
        for moved in plan.moved:
            detail = []
            if not moved.requested:
                detail.append("a helper the others call")
            if moved.parameters:
                names = ", ".join(moved.parameters)
                sites = len(moved.call_sites)
                detail.append(
                    f"takes notebook data as parameters: {names}; "
                    f"{counted(sites, 'call')} rewritten"
                )
            if moved.earlier:
                cells = ", ".join(str(e.cell) for e in moved.earlier)
                same = "identical" if moved.earlier_identical else "earlier, unused"
                detail.append(f"also removes the {same} definition in cell {cells}")
            if not moved.imported:
                detail.append("not imported back: the notebook no longer uses it")
            suffix = f"  ({'; '.join(detail)})" if detail else ""
            lines.append(
                Text.assemble(
                    "  ",
                    (moved.name.ljust(width), "bold green"),
                    "  ",
                    _place(moved.location),
                    suffix,
                )
            )
    if plan.constants:
        names = ", ".join(c.split(" =", 1)[0] for c in plan.constants)
        lines.append(
            Text(
                f"Copies into the module: {names} (constants by their CONSTANT_CASE name; a "
                "lower-case setting is passed as a parameter instead)"
            )
        )
    lines += refusal_lines(plan)
    lines += [Text(f"note: {note}", style="yellow") for note in plan.notes]
    if plan.created:
        lines.append(Text(f"creates {', '.join(shown(p) for p in plan.created)}"))
    if diffs and plan.moved:
        lines += diff_lines(plan.notebook_diff) + diff_lines(plan.module_diff)
    return lines


def refusal_lines(plan: ExtractionPlan) -> list[Text]:
    if not plan.refusals:
        return []
    lines = [Text("Stays in the notebook", style="bold")]
    for refusal in plan.refusals:
        where = f"  {_place(refusal.location)}" if refusal.location else ""
        lines.append(
            Text.assemble("  ", (refusal.name, "bold yellow"), f"  [{refusal.code}]{where}")
        )
        lines.append(Text(f"      {refusal.reason}"))
        fix = FIXES.get(refusal.cause or refusal.code)
        if fix:
            lines.append(Text(f"      -> {fix}", style="dim"))
    return lines


def diff_lines(diff: str) -> list[Text]:
    return [Text(line, style=DIFF_STYLE.get(line[:1], "")) for line in diff.splitlines()]


def result_lines(result: ExtractionResult) -> list[Text]:
    """What the apply did: written files, the verification verdict, what to do next."""
    plan = result.plan
    lines: list[Text] = []
    if result.rolled_back:
        lines.append(
            Text.assemble(
                ("rolled back", "bold red"),
                f": the notebook's outputs changed in {counted(len(result.differences), 'cell')}"
                "; every file is as it was",
            )
        )
        for difference in result.differences:
            place = str(Location(shown(plan.notebook), difference.cell))
            lines.append(Text(f"  {place}: {str(difference).split(': ', 1)[1]}", style="bold"))
            lines += [Text(f"    {line}", style="dim") for line in describe_difference(difference)]
        lines += _runs(result)
        return lines
    if not result.applied:
        return [Text(f"nothing written: {'; '.join(result.notes)}")]
    lines.append(
        Text.assemble(
            ("written", "bold green"),
            f": {', '.join(shown(p) for p in result.written)}",
        )
    )
    lines.append(Text(f"  originals saved in {shown(result.backup)}"))
    if result.verified:
        cells = counted(result.compared_cells, "code cell")
        verb = "prints" if result.compared_cells == 1 else "print"
        whole = "the" if result.unstable_cells or result.compared_cells == 1 else "all"
        compared = f"{whole} {cells}{' compared' if result.unstable_cells else ''} {verb}"
        lines.append(
            Text.assemble(("verified", "bold green"), f": {compared} the same before and after")
        )
        lines += _runs(result)
    if result.tests:
        lines.append(Text(f"  tests: {shown(result.tests)}"))
    lines += [Text(f"  note: {note}", style="yellow") for note in result.notes]
    if result.importable:
        lines.append(Text(f"  to do: {result.importable}", style="yellow"))
    return lines


def _runs(result: ExtractionResult) -> list[Text]:
    runs = [("before", result.before), ("after", result.after)]
    parts = [
        f"{label} {run.status} in {run.duration:.1f} s"
        + (f" (fails at cell {run.failing_cell}: {run.error})" if run.status != "ok" else "")
        for label, run in runs
        if run is not None
    ]
    return [Text(f"  papermill runs: {'; '.join(parts)}", style="dim")] if parts else []


def candidate_lines(statuses: Sequence[CandidateStatus], notebook: str, module: str) -> list[Text]:
    ready = sum(s.ready and not s.split_first for s in statuses)
    split = sum(bool(s.ready and s.split_first) for s in statuses)
    lines = [
        Text.assemble(
            (shown(notebook), "bold"),
            f": {ready} of {counted(len(statuses), 'top-level definition')} can move into "
            f"{shown(module)}" + (f"; {split} should be split first" if split else ""),
        )
    ]
    if not statuses:
        return lines
    width = max(len(s.name) for s in statuses)
    for status in statuses:
        if status.ready:
            detail = []
            if status.parameters:
                detail.append(f"takes {', '.join(status.parameters)} as parameters")
            if status.helpers:
                detail.append(f"brings {', '.join(status.helpers)}")
            label = ("ready ", "bold green")
            if status.split_first:
                label = ("split ", "bold yellow")
                detail.insert(
                    0,
                    f"{status.split_first}: split it first; it moves only when named with"
                    f" --function {status.name}",
                )
            suffix = f"  ({'; '.join(detail)})" if detail else ""
        else:
            assert status.refusal is not None
            label = ("stays ", "bold yellow")
            fix = FIXES.get(status.refusal.cause or status.refusal.code)
            suffix = f"  [{status.refusal.code}] {status.refusal.reason}" + (
                f" -> {fix}" if fix else ""
            )
        lines.append(
            Text.assemble(
                "  ",
                label,
                (status.name.ljust(width), "bold"),
                "  ",
                _place(status.location),
                suffix,
            )
        )
    return lines
