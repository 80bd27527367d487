"""`nbcoach server`: the language server, for editors (JupyterLab with jupyterlab-lsp, VS Code)."""

from __future__ import annotations

import typer


def server(
    stdio: bool = typer.Option(
        True,
        "--stdio",
        help="Talk LSP over stdin and stdout (the only transport; editors start it).",
    ),
) -> None:
    """Grade notebooks while they are edited: findings as diagnostics on their cells, the grade
    and top next step on the first cell, hover on functions, and code actions (ignore a rule
    here, move a function to a module, split a long function). Needs the `server` extra."""
    del stdio
    try:
        from nbcoach.integrations.lsp import main
    except ImportError as error:
        from nbcoach.core.errors import UsageError

        raise UsageError(str(error)) from None
    main()
