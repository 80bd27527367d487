"""`nbcoach pair` and `nbcoach sync`: notebooks paired with py:percent files, kept in sync."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

import typer


class Side(str, Enum):
    notebook = "notebook"
    text = "text"


def pair(
    notebooks: list[str] = typer.Argument(
        ..., help="Notebooks (.ipynb) to pair, or folders (every notebook found in them)."
    ),
    text_format: str | None = typer.Option(
        None,
        "--format",
        help="jupytext format of the text side (py:percent, md, auto:percent, ...; default: "
        "as jupytext.toml or [tool.jupytext] declares it, else py:percent).",
    ),
    folder: str | None = typer.Option(
        None, "--folder", help="Put the text file in this folder, relative to the notebook's."
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Pair even if a cell would not round-trip or a .py is in the way; change the "
        "pairing of a notebook already paired (in sync) to --format/--folder.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would be written; write nothing."
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain text even on a terminal."),
) -> None:
    """Pair notebooks with text files through jupytext. A pairing declared in the notebook,
    jupytext.toml or [tool.jupytext] is respected. Notebooks in another language than Python
    are skipped unless paired with a script in their language (--format auto:percent)."""
    from nbcoach.workflow.sync import PairOptions, pair_notebooks

    results = pair_notebooks(
        notebooks, PairOptions(format=text_format, folder=folder, force=force, dry_run=dry_run)
    )
    raise typer.Exit(_print(results, no_color, show_diff=dry_run))


def sync(
    paths: list[str] = typer.Argument(
        None, help="Notebooks, text files or folders (default: the current folder)."
    ),
    prefer: Side | None = typer.Option(
        None, "--prefer", help="When BOTH sides changed: keep this side (notebook or text)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 when a pair is out of sync."
    ),
    diff: bool = typer.Option(
        False,
        "--diff",
        help="Write nothing; show what would change as a unified diff (exit 1, as --check).",
    ),
    staged: bool = typer.Option(
        False, "--staged", help="Sync what is staged in git and stage the result (the hook mode)."
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain text even on a terminal."),
) -> None:
    """Bring pairs in sync: the side edited since the last sync wins; if both were, refuse.
    --check and --diff write nothing and exit 1 when a pair is out of sync."""
    from nbcoach.workflow.sync import SyncOptions
    from nbcoach.workflow.sync import sync as run_sync

    dry_run = check or diff
    options = SyncOptions(
        prefer=prefer.value if prefer else None, dry_run=dry_run, staged=staged, show_diff=diff
    )
    targets = paths or ([] if staged else ["."])
    results = run_sync(targets, options)
    code = _print(results, no_color, show_diff=diff, quiet_in_sync=staged)
    if dry_run and code == 0 and any(r.outcome == "would-update" for r in results):
        code = 1
    raise typer.Exit(code)


def _print(
    results: Sequence[object], no_color: bool, show_diff: bool, quiet_in_sync: bool = False
) -> int:
    from nbcoach.cli.console import console
    from nbcoach.core.files import shown
    from nbcoach.workflow.sync import SyncResult

    out = console(no_color)
    err = console(no_color, stderr=True)
    code = 0
    for result in results:
        assert isinstance(result, SyncResult)
        if result.outcome == "error":
            err.print(f"nbcoach: error: {result.message}", markup=False, soft_wrap=True)
            code = 2
            continue
        if result.outcome == "refused":
            err.print(f"nbcoach: {result.message}", markup=False, soft_wrap=True)
            if show_diff and result.diff:
                out.print(result.diff, markup=False, end="", soft_wrap=True)
            code = max(code, 1)
            continue
        if quiet_in_sync and result.outcome == "in-sync":
            continue
        staged = f" (staged {', '.join(result.staged)})" if result.staged else ""
        line = f"{shown(result.path)}: {result.message}{staged}"
        out.print(line, markup=False, soft_wrap=True)
        if show_diff and result.diff:
            out.print(result.diff, markup=False, end="", soft_wrap=True)
    return code
