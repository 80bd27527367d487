"""`nbcoach trend [PATHS]`: score sparklines, the biggest moves, and who moved the score."""

from __future__ import annotations

from pathlib import Path

import typer


def trend(
    paths: list[str] = typer.Argument(
        None, help="Notebooks or folders to show (default: every file in the history)."
    ),
    repo: Path = typer.Option(Path("."), "--repo", help="The git repository (default: here)."),
    limit: int = typer.Option(20, "--limit", help="Notebooks listed (0: all)."),
    output_format: str = typer.Option(
        "text",
        "--output-format",
        "--format",
        "-f",
        help="text, json (every version of the files shown, and the authors) or csv (the versions).",
    ),
    no_update: bool = typer.Option(
        False, "--no-update", help="Show the store as it is; do not read new commits first."
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
) -> None:
    """Show each notebook's score over its versions, the biggest improvements and regressions
    (every change, with its commit and date, for the files named), and each author's
    contribution. Reads new commits into the history first."""
    from nbcoach.cli.console import console
    from nbcoach.cli.history_paths import select_files, update_quietly
    from nbcoach.history import load_history
    from nbcoach.render.trend import trend_renderable

    err = console(no_color, stderr=True)
    if not no_update:
        update_quietly(repo, err)
    history = load_history(repo)
    history, missing = select_files(history, paths or [], Path.cwd())
    for given in missing:
        err.print(
            f"nbcoach: error: {given}: no notebook or .py file of the history there", markup=False
        )
    if output_format in ("json", "csv"):
        import sys

        from nbcoach.render.trend import trend_data

        sys.stdout.write(trend_data(history, output_format))
    elif output_format != "text":
        from nbcoach.core.errors import UsageError

        raise UsageError(f"--output-format {output_format}: use text, json or csv")
    else:
        out = console(no_color)
        out.print(
            trend_renderable(history, limit, every_change=bool(paths)),
            soft_wrap=not out.is_terminal,
        )
    if missing:
        # sys.exit, not typer.Exit: main() runs click with standalone_mode=False, which returns
        # typer.Exit's code instead of exiting with it (so it would be lost).
        import sys

        sys.exit(2)
