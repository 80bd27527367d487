"""A user whose ruff is the one found on PATH (the `ruff` package is not importable), and who
upgrades it: real ruff behind a wrapper script, for tests run through the real command line."""

from __future__ import annotations

import os
from pathlib import Path

from nbcoach.analysis import lint

ORIGINAL = '#!/bin/sh\nexec "{real}" "$@"\n'
# the "upgraded" release no longer reports unused imports
UPGRADED = '#!/bin/sh\ncommand=$1\nshift\nexec "{real}" "$command" --extend-ignore F401 "$@"\n'


class RuffOnPath:
    def __init__(self, folder: Path) -> None:
        self.real = lint.ruff_binary()  # this environment's ruff, found before it is hidden
        self.bin = folder / "bin"
        self.bin.mkdir(parents=True)
        hidden = folder / "hide-ruff-package" / "ruff"
        hidden.mkdir(parents=True)
        (hidden / "__init__.py").write_text("raise ImportError('ruff is only on PATH here')\n")
        self.env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(hidden.parent), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        self._install(ORIGINAL)

    def upgrade(self) -> None:
        self._install(UPGRADED)

    def _install(self, script: str) -> None:
        """Replace the binary as a package manager does: a new file moved into place."""
        fresh = self.bin / "ruff.new"
        fresh.write_text(script.format(real=self.real))
        fresh.chmod(0o755)
        os.replace(fresh, self.bin / "ruff")
