"""`nbcoach split` plans as terminal lines: the helpers, what each takes and gives back, what
stays over the limits and why, then the diff."""

from __future__ import annotations

from rich.text import Text

from nbcoach.core.files import shown
from nbcoach.core.model import Function, SplitPlan
from nbcoach.core.words import counted
from nbcoach.render.extract import diff_lines

_NAMED_BY = {
    "comment": "named after the comment above the step",
    "result": "named after what it computes",
    "code": "named after what it does first",
    "position": "named after its line; rename it with --name",
    "--name": "named by you",
}


def split_lines(plan: SplitPlan, diffs: bool = True) -> list[Text]:
    where = shown(plan.notebook) + (f":cell {plan.cell}" if plan.cell is not None else "")
    lines = [Text.assemble((where, "bold"), f": `{plan.function}`", _measures(plan.before))]
    if plan.constants:
        for local, constant in plan.constants:
            lines.append(
                Text(f"  the table `{local}` becomes the constant {constant} above the function")
            )
    if plan.helpers:
        lines.append(Text(f"Cut into {counted(len(plan.helpers), 'helper')}", style="bold"))
        after = {f.name: f for f in plan.after}
        for helper in plan.helpers:
            gives = f" -> {', '.join(helper.returns)}" if helper.returns else ""
            measured = after.get(helper.name)
            lines.append(
                Text.assemble(
                    "  ",
                    (f"{helper.name}({', '.join(helper.parameters)}){gives}", "bold"),
                    f"  from `{helper.cut_from}`, {_NAMED_BY.get(helper.named_by, helper.named_by)}",
                    _measures(measured) if measured is not None else "",
                )
            )
    verdict = (
        Text("Every piece is within the limits.", style="bold green")
        if plan.within_limits
        else Text("Some pieces stay over the limits:", style="bold yellow")
    )
    if plan.helpers or plan.constants:
        lines.append(verdict)
    lines += [Text(f"  {left}", style="yellow") for left in plan.left]
    lines += [Text(f"  note: {note}", style="yellow") for note in plan.notes]
    if plan.problems:
        lines.append(
            Text("Not applied: the cut would change what the code means", style="bold red")
        )
        lines += [Text(f"  {problem}", style="red") for problem in plan.problems]
    if diffs and plan.notebook_diff:
        lines += diff_lines(plan.notebook_diff)
    return lines


def _measures(function: Function | None) -> str:
    if function is None:
        return ""
    return (
        f" ({function.length} lines, {function.statements} statements, complexity "
        f"{function.complexity}, nesting {function.nesting}, {function.parameters} parameters)"
    )
