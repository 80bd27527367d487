"""`nbcoach history`: grade every notebook version on the first-parent line, into the store."""

from __future__ import annotations

from pathlib import Path

import typer


def history(
    repo: Path = typer.Option(Path("."), "--repo", help="The git repository (default: here)."),
    since: str | None = typer.Option(
        None, "--since", help="Start at this commit or date (YYYY-MM-DD) instead of the first."
    ),
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Forget the store and grade every version again."
    ),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes (0: one per core)."),
    export: Path | None = typer.Option(
        None,
        "--export",
        help="Also write one row per notebook version to FILE.csv or FILE.parquet (for BI tools).",
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
) -> None:
    """Walk the git history once, grading each notebook version by its blob; later runs only
    read new commits. Never runs notebook code."""
    from nbcoach.cli.console import console
    from nbcoach.cli.progress import progress_bar
    from nbcoach.history import HistoryOptions, update_history
    from nbcoach.render.trend import history_summary

    err = console(no_color, stderr=True)
    with progress_bar(err, "Grading notebook versions") as advance:
        result = update_history(
            repo, HistoryOptions(since=since, rebuild=rebuild, jobs=jobs, progress=advance)
        )
    console(no_color).print(history_summary(result), soft_wrap=True)
    if export is not None:
        from nbcoach.cli.console import check_output
        from nbcoach.history import load_history
        from nbcoach.history.export import export as write_rows

        check_output(export)
        count = write_rows(load_history(repo), export)
        from nbcoach.core.words import counted

        console(no_color).print(f"Wrote {export} ({counted(count, 'row')}, one per version)")
