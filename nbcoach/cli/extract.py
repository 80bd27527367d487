"""`nbcoach extract`: move notebook functions into a `src/` module, as a diff first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from nbcoach.cli import edit_options

if TYPE_CHECKING:  # the engine is imported inside the command, to keep `--help` fast
    from nbcoach.core.model import ExtractionPlan, ExtractionResult, SplitPlan


def extract(
    notebook: Path = typer.Argument(..., help="The notebook (.ipynb, or its paired .py)."),
    functions: list[str] = typer.Option(
        [],
        "--function",
        "-f",
        metavar="NAME",
        help="A function or class to move (repeatable; default: every ready candidate).",
    ),
    list_candidates: bool = typer.Option(
        False, "--candidates", help="List what can move, and why the rest cannot; write nothing."
    ),
    module: Path | None = typer.Option(
        None,
        "--module",
        "-m",
        help="The module to create or append to (default: src/<package>/<notebook>.py).",
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Write the change (default: only show the diffs)."
    ),
    verify: bool = edit_options.VERIFY,
    timeout: float | None = edit_options.TIMEOUT,
    python: str | None = edit_options.PYTHON,
    tests: bool = typer.Option(
        True,
        "--tests/--no-tests",
        help="With --verify, write characterization tests from the calls the run made.",
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
) -> None:
    """Move functions (and classes) out of a notebook into a module, safely.

    Without --apply nothing is written: the plan and the unified diffs (the notebook seen as
    py:percent, and the module) are shown. Definitions that read notebook data get it as
    keyword parameters and every call is rewritten; a definition that cannot move says why.
    """
    import sys

    from nbcoach.cli.console import console
    from nbcoach.extract.plan import candidate_statuses, open_notebook, plan_extraction
    from nbcoach.render.extract import candidate_lines, plan_lines, result_lines

    out = console(no_color)
    source = open_notebook(notebook)
    if list_candidates:
        from nbcoach.extract.module import module_target

        statuses = candidate_statuses(source, module)
        target = module_target(source.path, module)
        for line in candidate_lines(statuses, str(source.path), str(target.path)):
            out.print(line, soft_wrap=True)
        raise typer.Exit(0)
    plan = plan_extraction(source, functions, module)
    asked_refused = bool(functions) and any(r.name in functions for r in plan.refusals)
    for line in plan_lines(plan, diffs=not (apply or verify)):
        out.print(line, soft_wrap=True)
    if plan.empty:
        out.print("Nothing can move; nothing was written.", soft_wrap=True)
        raise typer.Exit(1 if functions else 0)
    if not (apply or verify):
        out.print(
            "Dry run: nothing was written. Add --apply to write it, or --verify to also run the "
            "notebook before and after and roll back on any difference.",
            soft_wrap=True,
        )
        raise typer.Exit(1 if asked_refused else 0)
    result = _apply(plan, verify, timeout, python or sys.executable, tests, no_color)
    for line in result_lines(result):
        out.print(line, soft_wrap=True)
    raise typer.Exit(1 if result.rolled_back or asked_refused else 0)


def _apply(
    plan: ExtractionPlan | SplitPlan,
    verify: bool,
    timeout: float | None,
    python: str,
    tests: bool,
    no_color: bool,
) -> ExtractionResult:
    from nbcoach.cli.console import console
    from nbcoach.cli.progress import progress_bar
    from nbcoach.extract.apply import ApplyOptions, apply_plan

    err = console(no_color, stderr=True)
    with progress_bar(err, "Running the notebook") as advance:

        def progress(stage: str, done: int, total: int) -> None:
            # one bar for both runs: the second run continues where the first ended
            advance(done + (total if stage == "after" else 0), 2 * total)

        options = ApplyOptions(
            verify=verify, python=python, timeout=timeout, record_tests=tests, progress=progress
        )
        return apply_plan(plan, options)
