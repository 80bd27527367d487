"""Runs, locks and upgrade checks as terminal lines (rich Text; plain when colour is off).

A failure starts with its place in the one scheme used everywhere, `notebook.ipynb:cell N`, then
the exception and the last traceback lines, so the line to open is the first thing read.
"""

from __future__ import annotations

from rich.text import Text

from nbcoach.core.files import shown
from nbcoach.core.model import Location, Lock, OutputDifference, RunResult, UpgradeReport
from nbcoach.core.words import counted
from nbcoach.execution.outputs import describe_difference

STATUS_STYLE = {"ok": "bold green", "failed": "bold red", "timeout": "bold red"}


def run_lines(
    result: RunResult, display: str, environment: str, python: str, importable: tuple[str, ...]
) -> list[Text]:
    """What one run did, and where to look when it failed."""
    where = f"{environment} environment, Python {python}"
    lines: list[Text] = []
    if result.status == "ok":
        head = Text.assemble(
            (display, "bold"),
            ": ",
            ("ok", STATUS_STYLE["ok"]),
            f" in {result.duration:.1f} s ({counted(result.cells, 'cell')}; {where})",
        )
        lines.append(head)
    else:
        place = str(Location(display, result.failing_cell))
        verb = "timed out" if result.status == "timeout" else "failed"
        lines.append(
            Text.assemble(
                (place, "bold"),
                ": ",
                (verb, STATUS_STYLE[result.status]),
                f": {result.error}",
            )
        )
        lines.extend(Text("  " + line, style="dim") for line in result.traceback)
        lines.append(Text(f"  ran {result.duration:.1f} s in the {where}"))
    label = "executed notebook" if result.status == "ok" else "executed notebook, for inspection"
    lines.append(Text(f"  {label}: {shown(result.output)}"))
    if importable:
        lines.append(Text(f"  importable: {', '.join(importable)}"))
    lines.extend(Text(f"  note: {note}", style="yellow") for note in result.notes)
    return lines


def drift_lines(drift: list[str]) -> list[Text]:
    if not drift:
        return []
    lines = [
        Text(f"  ran despite {counted(len(drift), 'mismatch')} with the lock:", style="yellow")
    ]
    lines.extend(Text(f"    {item}", style="yellow") for item in drift)
    return lines


def upgrade_lines(report: UpgradeReport, display: str, max_cells: int = 10) -> list[Text]:
    """The verdict first, then what changed: packages, failing runs, cells."""
    changed = [u for u in report.upgrades if u.changed]
    if report.locked.status != "ok":
        verdict = Text.assemble(
            ("cannot tell", "bold yellow"),
            f": {display} already fails against the lock "
            f"(cell {report.locked.failing_cell}: {report.locked.error})",
        )
    elif report.safe:
        verdict = Text.assemble(
            ("safe to upgrade", "bold green"),
            ": both runs pass and every cell's output is the same",
        )
    else:
        reasons = []
        if report.newest.status != "ok":
            reasons.append(
                f"the newest releases fail at cell {report.newest.failing_cell} "
                f"({report.newest.error})"
            )
        if report.differences:
            count = len(report.differences)
            reasons.append(f"{count} cell{'s give' if count != 1 else ' gives'} different output")
        verdict = Text.assemble(("not safe to upgrade", "bold red"), ": " + "; ".join(reasons))
    lines = [Text.assemble((f"Upgrade check for {display}", "bold"), ": ", verdict)]
    if changed:
        lines.append(
            Text(
                f"  {len(changed)} of {counted(len(report.upgrades), 'package')} "
                f"{'has a newer release' if len(changed) == 1 else 'have newer releases'}:"
            )
        )
        lines.extend(
            Text(f"    {u.name} {u.locked} -> {u.newest or 'not installed'}") for u in changed
        )
    else:
        every = (
            "the one locked package is"
            if len(report.upgrades) == 1
            else f"all {len(report.upgrades)} locked packages are"
        )
        lines.append(Text(f"  {every} already the newest"))
    for difference in report.differences[:max_cells]:
        lines.extend(_difference_lines(difference, display))
    if len(report.differences) > max_cells:
        lines.append(Text(f"  ... and {counted(len(report.differences) - max_cells, 'more cell')}"))
    lines.append(
        Text(
            f"  executed notebooks: {shown(report.locked.output)} (locked), "
            f"{shown(report.newest.output)} (newest)"
        )
    )
    return lines


def _difference_lines(difference: OutputDifference, display: str) -> list[Text]:
    head = str(difference).split(": ", 1)[1]
    lines = [Text.assemble("  ", (str(Location(display, difference.cell)), "bold"), f": {head}")]
    for line in describe_difference(difference, max_lines=8):
        style = "red" if line.startswith("-") else "green" if line.startswith("+") else "dim"
        lines.append(Text(f"      {line[:1]} {line[1:]}", style=style))
    return lines


def lock_lines(lock: Lock, written: str | None) -> list[Text]:
    """The summary `nbcoach lock` prints on stderr: counts, skips and unmapped imports."""
    direct = sum(1 for pin in lock.pins if pin.direct)
    summary = (
        f"{counted(len(lock.pins), 'pin')} ({direct} imported directly, {len(lock.pins) - direct} needed by "
        f"them) from {counted(len(lock.sources), 'file')}, Python {lock.python}"
    )
    lines = [Text(f"wrote {written}: {summary}" if written else summary)]
    lines.extend(Text(f"  skipped {item}", style="dim") for item in lock.skipped)
    for item in lock.unmapped:
        where = ", ".join(str(location) for location in item.locations[:3])
        kind = "optional import" if item.optional else "unmapped import"
        style = "dim" if item.optional else "yellow"
        lines.append(Text(f"  {kind} {item.module}: {item.reason} ({where})", style=style))
    return lines
