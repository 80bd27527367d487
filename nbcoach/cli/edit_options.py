"""Options that `extract` and `split` share: both show a diff first, write with --apply, and
re-run the notebook around the change with --verify."""

from __future__ import annotations

import typer

VERIFY = typer.Option(
    False,
    "--verify",
    help="Apply, run the notebook before and after with papermill, and roll back if any "
    "cell's output changes.",
)
TIMEOUT = typer.Option(
    None, "--timeout", help="Seconds one cell may run during --verify (default: no limit)."
)
PYTHON = typer.Option(
    None, "--python", help="The interpreter the notebook's kernel runs (default: nbcoach's)."
)
