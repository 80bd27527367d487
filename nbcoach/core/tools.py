"""The external tools nbcoach calls, found in one place."""

from __future__ import annotations

import shutil


def ruff_binary() -> str:
    """Which ruff runs: the one installed with nbcoach's Python (the `ruff` package), else the
    first `ruff` on PATH. The one lookup: every ruff call and `ruff_identity` go through it."""
    try:
        from ruff import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff") or "ruff"
