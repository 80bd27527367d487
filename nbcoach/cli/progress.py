"""A progress bar on a terminal for long work; silence in pipes, CI logs and short runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

SHOW_AFTER = 5  # fewer items than this finish before a bar is worth drawing


@contextmanager
def progress_bar(console: Console | None, label: str) -> Iterator[Callable[[int, int], None]]:
    """Yields `advance(done, total)`; the bar only appears (and only touches the terminal) once
    there is enough work to show; never without a console."""
    if console is None or not console.is_terminal:
        yield lambda done, total: None
        return
    state: dict[str, Any] = {}

    def advance(done: int, total: int) -> None:
        if total < SHOW_AFTER:
            return
        if "bar" not in state:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            state["bar"] = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            state["bar"].start()
            state["task"] = state["bar"].add_task(label, total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield advance
    finally:
        if "bar" in state:
            state["bar"].stop()
