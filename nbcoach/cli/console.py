"""Consoles for the commands: colour rules in one place, and plain text for `--output` files."""

from __future__ import annotations

import io
import os
import sys
from typing import Any

from rich.console import Console


def console(no_color: bool = False, stderr: bool = False, width: int | None = None) -> Console:
    """A console that honours NO_COLOR and pipes: no colour and no cursor tricks when not a TTY."""
    stream = sys.stderr if stderr else sys.stdout
    plain = no_color or "NO_COLOR" in os.environ or not stream.isatty()
    return Console(
        file=stream,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        emoji=False,
        width=width or (None if stream.isatty() else 100),
        soft_wrap=False,
    )


def capture(renderable: Any, width: int = 100) -> str:
    """Plain text of a renderable, for `--output` files."""
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
