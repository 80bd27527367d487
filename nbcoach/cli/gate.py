"""`nbcoach gate` (the commit hook's check) and `nbcoach baseline` (the ratchet's starting point)."""

from __future__ import annotations

import typer


def gate(
    paths: list[str] = typer.Argument(
        None, help="Notebooks and .py files to check (default with --staged: all staged)."
    ),
    staged: bool = typer.Option(
        False, "--staged", help="Check what the git index holds (what the commit will contain)."
    ),
    tighten: bool = typer.Option(
        True, "--tighten/--no-tighten", help="Record improvements in the baseline (default)."
    ),
    fail_under: float | None = typer.Option(
        None, "--fail-under", help="Bar for notebooks the baseline does not know yet."
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain text even on a terminal."),
) -> None:
    """Fail when a notebook or function got worse than its baseline, or a new one is below the
    bar; record improvements. Exit 1 when the gate fails."""
    from nbcoach.cli.console import console, say_what_was_skipped
    from nbcoach.render.gate import gate_renderable
    from nbcoach.workflow.gate import GateOptions
    from nbcoach.workflow.gate import gate as run_gate

    overrides: dict[str, object] | None = (
        {"fail_under": fail_under} if fail_under is not None else None
    )
    result = run_gate(
        paths or [], GateOptions(staged=staged, tighten=tighten, config_overrides=overrides)
    )
    err = console(no_color, stderr=True)
    for line in result.input_errors:
        err.print(f"nbcoach: error: {line}", markup=False, soft_wrap=True)
    for note in result.notes:
        err.print(f"nbcoach: {note}", markup=False, soft_wrap=True)
    if staged:  # a commit without notebooks is no news; what was left out of one is
        say_what_was_skipped(paths or [], 1, result.excluded, result.ignored)
    else:
        say_what_was_skipped(
            paths or ["."],
            result.found,
            result.excluded,
            result.ignored,
            result.input_errors,
        )
    out = console(no_color)
    if result.verdicts:
        # named files or a commit: every verdict; the whole project: what failed or changed
        out.print(gate_renderable(result, everything=bool(paths) or staged), soft_wrap=True)
    if result.input_errors:
        raise typer.Exit(2)
    raise typer.Exit(0 if result.passed else 1)


def baseline(
    paths: list[str] = typer.Argument(
        None, help="Record only these (default: the whole project, afresh)."
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain text even on a terminal."),
) -> None:
    """Write .nbcoach/baseline.json: every notebook and function as it is now. Commit it: from
    then on the gate lets legacy code in but never lets it get worse."""
    from nbcoach.cli.console import console
    from nbcoach.core.files import shown
    from nbcoach.core.words import counted
    from nbcoach.workflow.gate import record_baseline

    recorded = record_baseline(paths or [])
    err = console(no_color, stderr=True)
    for line in recorded.input_errors:
        err.print(f"nbcoach: error: {line}", markup=False, soft_wrap=True)
    if recorded.written:
        notebooks = counted(recorded.count, "notebook")
        their = "its" if recorded.count == 1 else "their"
        console(no_color).print(
            f"recorded {notebooks} and {their} functions in {shown(recorded.file)}; commit it",
            markup=False,
            soft_wrap=True,
        )
    if recorded.input_errors:
        raise typer.Exit(2)
