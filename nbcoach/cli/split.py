"""`nbcoach split`: cut a long function into named helpers, as a diff first."""

from __future__ import annotations

from pathlib import Path

import typer

from nbcoach.cli import edit_options


def split(
    path: Path = typer.Argument(..., help="The notebook (.ipynb, or its paired .py) or module."),
    function: str = typer.Option(..., "--function", "-f", metavar="NAME", help="The function."),
    names: list[str] = typer.Option(
        [],
        "--name",
        metavar="PROPOSED=CHOSEN",
        help="Rename a proposed helper (repeatable), e.g. --name compute_thin=rule_lines.",
    ),
    plan_file: Path | None = typer.Option(
        None, "--plan", help="Read helper names from a plan file (written with --save-plan)."
    ),
    save_plan: Path | None = typer.Option(
        None, "--save-plan", help="Write the proposed names to this file, to edit and pass back."
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Write the change (default: only show the diff)."
    ),
    group: bool = typer.Option(
        True,
        "--group/--no-group",
        help="Group parameters over the limit into a dataclass and update every call.",
    ),
    verify: bool = edit_options.VERIFY,
    timeout: float | None = edit_options.TIMEOUT,
    python: str | None = edit_options.PYTHON,
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
) -> None:
    """Cut a long function into helpers named after its steps, and show the diff.

    Blocks come from the function's structure (steps separated by blank lines or comments,
    loops, branches); each helper takes what its block reads and returns what the function
    needs afterwards. Blocks whose control flow cannot leave cleanly are left, with the
    reason. Parameters over the limit become a dataclass that every call builds (--no-group
    keeps them). Without --apply nothing is written."""
    import sys

    from nbcoach.cli.console import console
    from nbcoach.core.errors import UsageError
    from nbcoach.extract.split import load_names, plan_split, save_names
    from nbcoach.render.split import split_lines

    renames = load_names(plan_file, function) if plan_file is not None else {}
    for item in names:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise UsageError(f"--name {item}: write it as PROPOSED=CHOSEN")
        renames[old] = new
    out = console(no_color)
    plan = plan_split(path, function, renames, group)
    for line in split_lines(plan, diffs=not (apply or verify)):
        out.print(line, soft_wrap=True)
    if save_plan is not None:
        save_names(plan, save_plan)
        out.print(f"Wrote the proposed names to {save_plan}; edit them, then pass --plan.")
    if plan.empty:
        out.print("Nothing to cut; nothing was written.", soft_wrap=True)
        raise typer.Exit(1 if plan.problems else 0)
    if not (apply or verify):
        out.print(
            "Dry run: nothing was written. Add --apply to write it, or --verify to also run the "
            "notebook before and after and roll back on any difference.",
            soft_wrap=True,
        )
        raise typer.Exit(0)
    if verify and not plan.notebook.endswith(".ipynb"):
        raise UsageError(f"{path}: --verify runs notebooks; for a module, run its tests")
    from nbcoach.cli.extract import _apply
    from nbcoach.render.extract import result_lines

    result = _apply(plan, verify, timeout, python or sys.executable, False, no_color)
    for line in result_lines(result):
        out.print(line, soft_wrap=True)
    raise typer.Exit(1 if result.rolled_back else 0)
