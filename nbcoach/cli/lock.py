"""`nbcoach lock`: pin what notebooks and their modules import, as installed now."""

from __future__ import annotations

from pathlib import Path

import typer


def lock(
    paths: list[str] = typer.Argument(
        None, help="Notebooks, .py modules or folders (default: the current folder)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the lock to this file (default: print it)."
    ),
    python: str | None = typer.Option(
        None,
        "--python",
        help="Pin what this interpreter has installed (default: nbcoach's own).",
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
) -> None:
    """Write exact pins (requirements format, or PEP 751 with `-o pylock.toml`) for the
    third-party packages notebooks import.

    Imports are read from every code cell and module (magics understood; `%pip install x`
    counts); the standard library and the project's own modules are left out; each import is
    mapped to the distribution installed for it, and what that needs is pinned too. Imports no
    installed distribution provides are named on stderr and in the file, and the exit code is 1.
    """
    import sys

    from nbcoach.cli.console import check_output, console, write_output
    from nbcoach.execution.environment import describe
    from nbcoach.execution.lock import (
        infer_lock,
        is_pylock,
        regenerate_command,
        render_lock,
        write_pylock,
    )
    from nbcoach.render.run import lock_lines

    targets = paths or ["."]
    if output is not None:
        check_output(output, targets)
    err = console(no_color, stderr=True)
    found = infer_lock(targets, describe(python or sys.executable))
    command = regenerate_command(targets, python, str(output) if output is not None else None)
    if output is not None and is_pylock(output):  # PEP 751, by pip's own writer
        text = write_pylock(found, python or sys.executable, command)
    else:
        text = render_lock(found, command)
    if output is not None:
        write_output(output, text, targets)
    else:
        typer.echo(text, nl=False)
    for problem in found.errors:
        err.print(f"nbcoach: error: {problem}", markup=False)
    for line in lock_lines(found, str(output) if output is not None else None):
        err.print(line, soft_wrap=True)
    if found.errors:
        raise typer.Exit(2)
    raise typer.Exit(1 if any(not item.optional for item in found.unmapped) else 0)
