"""Consoles and output files for the commands: colour rules in one place, `--output` files written
atomically with one-line errors."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:  # rich is imported where a console is made: JSON to a pipe needs none
    from rich.console import Console


def colour_wanted(no_color: bool, stream: Any) -> bool:
    """Colour or not, in the order tools agree on: `--no-color`, then NO_COLOR (no-color.org:
    set and not empty), then FORCE_COLOR (force-color.org: set and not empty, even in a pipe or a
    CI log), then whether the stream is a terminal."""
    if no_color or os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", ""):
        return True
    return bool(stream.isatty())


def console(no_color: bool = False, stderr: bool = False, width: int | None = None) -> Console:
    """A console that honours NO_COLOR, FORCE_COLOR and pipes: no colour and no cursor tricks
    when not a TTY, unless colour is forced."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    colour = colour_wanted(no_color, stream)
    tty = stream.isatty()
    return Console(
        file=stream,
        no_color=not colour,
        color_system="auto" if colour else None,
        force_terminal=True if colour and not tty else None,
        highlight=False,
        emoji=False,
        width=width or (None if tty else 100),
        soft_wrap=False,
    )


def capture(renderable: Any, width: int = 100) -> str:
    """Plain text of a renderable, for `--output` files."""
    from rich.console import Console

    buffer = Console(
        width=width,
        no_color=True,
        color_system=None,
        highlight=False,
        emoji=False,
        file=io.StringIO(),
    )
    buffer.print(renderable, soft_wrap=True)
    assert isinstance(buffer.file, io.StringIO)
    return "\n".join(line.rstrip() for line in buffer.file.getvalue().split("\n"))


def check_output(path: Path, inputs: Sequence[str] = ()) -> None:
    """Refuse, before any work, an `--output` that would replace something the user wrote: an
    input of the run, a notebook, or an existing Python file (a report, lock or page is never
    one of those; `report x.ipynb -o x.ipynb` would put the card in place of the notebook)."""
    from nbcoach.core.errors import UsageError

    real = path.resolve()
    named = next((given for given in inputs if Path(given).resolve() == real), None)
    if named is not None and not real.is_dir():
        raise UsageError(
            f"{path}: is an input of this run; --output would replace it. "
            "Nothing written; name another file"
        )
    if real.suffix == ".ipynb" or (real.suffix == ".py" and real.exists()):
        raise UsageError(
            f"{path}: is {'a notebook name' if real.suffix == '.ipynb' else 'a Python file'}; "
            "--output would replace it. Nothing written; name another file"
        )


def write_output(path: Path, text: str | Iterable[str], inputs: Sequence[str] = ()) -> None:
    """Write an `--output` file atomically (a reader never sees half a report); a path that
    cannot be written is the user's to fix, said on one line, not a traceback."""
    from nbcoach.core.errors import NbcoachError, UsageError
    from nbcoach.core.files import write_atomic as write

    check_output(path, inputs)
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name to write to")
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise UsageError(f"{path}: cannot write it: {blocking} is a file, not a folder")
    try:
        write(path, text)
    except NbcoachError as error:
        raise UsageError(str(error)) from None


def say_what_was_skipped(
    paths: Sequence[str],
    found: int,
    excluded: Sequence[tuple[str, str]],
    ignored: int,
    errors: Sequence[str] = (),
    covered: Sequence[str] = (),
) -> None:
    """On stderr: which named or found files `exclude` left out, and why a run that covers
    nothing (`found` inputs) covers nothing: a silent empty run looks like a pass. `covered`:
    the files the run did cover, so that a folder named beside them that held none is said
    too (`report notebooks/ typo/ one.ipynb`)."""
    from nbcoach.analysis.discover import excluded_note, nothing_found

    if excluded:
        typer.echo(f"nbcoach: {excluded_note(excluded)}", err=True)
    if not found and not errors:
        typer.echo(f"nbcoach: {nothing_found(paths, excluded, ignored)}", err=True)
        return
    if ignored or not covered:
        return
    left_out = [Path(path) for path, _ in excluded]
    for given in paths:
        folder = Path(given)
        if not folder.is_dir():
            continue
        if any(_under(Path(file), folder) for file in covered) or any(
            _under(file, folder) for file in left_out
        ):
            continue
        typer.echo(f"nbcoach: {nothing_found([given], (), 0)}", err=True)


def _under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
