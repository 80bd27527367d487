"""The command line: parse options, call one core function, render, choose the exit code.

Command modules import only typer at module level; the engine is imported inside each command,
so `nbcoach --help` and `nbcoach --version` start quickly.
"""

from __future__ import annotations

import sys

import typer

from nbcoach import __version__

app = typer.Typer(
    name="nbcoach",
    help="A code-quality coach for notebooks: report cards, ratchets, extraction, headless runs.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts name TOML tables like [tool.nbcoach]: not markup
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nbcoach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """nbcoach grades notebooks fairly, per function and per cell, and says what to do next."""


def _register() -> None:
    from nbcoach.cli import (
        commitsize,
        dashboard,
        extract,
        gate,
        history,
        init,
        lock,
        pairs,
        report,
        rules,
        run,
        server,
        split,
        trend,
    )

    app.command("report")(report.report)
    app.command("rules")(rules.rules)
    app.command("run", context_settings=run.CONTEXT, options_metavar=run.USAGE)(run.run)
    app.command("lock")(lock.lock)
    app.command("pair")(pairs.pair)
    app.command("sync")(pairs.sync)
    app.command("gate")(gate.gate)
    app.command("baseline")(gate.baseline)
    app.command("commit-size")(commitsize.commit_size)
    app.command("init")(init.init)
    app.command("install-hooks")(init.install_hooks)
    app.command("history")(history.history)
    app.command("trend")(trend.trend)
    app.command("dashboard")(dashboard.dashboard)
    app.command("extract")(extract.extract)
    app.command("split")(split.split)
    app.command("server")(server.server)


_register()


def _leave_out_the_slow_iri_checker() -> None:
    """jsonschema, which nbformat and jupytext import, also imports `rfc3987_syntax` when it is
    installed (JupyterLab brings it through jupyter-events) to check the `iri` formats, and that
    import compiles some 35 Earley parsers: 2-3 s here on every command that reads a notebook
    through nbformat or jupytext, pre-commit hooks included (jsonschema#1428). No notebook schema
    uses those formats, and jsonschema goes without the checker when the import fails, so the
    CLI's own process makes it fail. Library users (`%nbcoach` in a kernel) are left alone."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def main() -> None:
    """Entry point: every NbcoachError becomes one stderr line and its exit code."""
    from nbcoach.core.errors import NbcoachError

    _leave_out_the_slow_iri_checker()

    try:
        # without standalone mode, click returns (not raises) the code of a typer.Exit
        code = app(standalone_mode=False)
    except NbcoachError as error:
        typer.echo(f"nbcoach: error: {error}", err=True)
        sys.exit(error.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("nbcoach: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as error:  # the file system said no (read-only, full, gone): one line
        where = f"{error.filename}: " if error.filename else ""
        reason = (error.strerror or str(error)).lower()
        typer.echo(f"nbcoach: error: {where}{reason}", err=True)
        sys.exit(2)
    except Exception as error:  # click's usage errors (typer >= 0.22 vendors its own click)
        show = getattr(error, "show", None)
        if callable(show) and callable(getattr(error, "format_message", None)):
            show()
            sys.exit(2)
        sqlite = sys.modules.get("sqlite3")
        if sqlite is not None and isinstance(error, sqlite.Error):  # the history store
            typer.echo(f"nbcoach: error: the history store: {error}", err=True)
            sys.exit(2)
        raise
    sys.exit(code if isinstance(code, int) else 0)
