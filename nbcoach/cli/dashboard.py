"""`nbcoach dashboard`: one self-contained HTML page of the team's score trends."""

from __future__ import annotations

from pathlib import Path

import typer


def dashboard(
    output: Path = typer.Option(
        Path("dashboard.html"), "--output", "-o", help="Where to write the page."
    ),
    repo: Path = typer.Option(Path("."), "--repo", help="The git repository (default: here)."),
    no_update: bool = typer.Option(
        False, "--no-update", help="Use the store as it is; do not read new commits first."
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
) -> None:
    """Write a static page (works offline, from a file) with the team score over time, each
    notebook's trend, each author's contribution, function sizes, redefinitions, commit sizes
    and the latest `nbcoach run` per notebook."""
    from nbcoach.cli.console import check_output, console, write_output
    from nbcoach.cli.history_paths import update_quietly
    from nbcoach.core.project import state_dir
    from nbcoach.core.words import counted
    from nbcoach.history import load_history
    from nbcoach.history.runs import FILE_NAME, latest_runs
    from nbcoach.render.dashboard import render_dashboard

    check_output(output, [str(repo)])
    err = console(no_color, stderr=True)
    if not no_update:
        update_quietly(repo, err)
    history = load_history(repo)
    runs = latest_runs(state_dir(Path(history.root), create=False) / FILE_NAME)
    if runs.skipped_lines:
        skipped = runs.skipped_lines
        err.print(
            f"nbcoach: note: {counted(skipped, 'line')} of {FILE_NAME} "
            + ("is not a run record" if skipped == 1 else "are not run records")
            + "; skipped",
            markup=False,
        )
    write_output(output, render_dashboard(history, runs))
    console(no_color).print(
        f"Wrote {output} ({counted(len(history.commits), 'commit')}, "
        f"{counted(len(history.file_lineages()), 'file')})",
        markup=False,
        soft_wrap=True,  # a long path is not cut into two lines
    )
