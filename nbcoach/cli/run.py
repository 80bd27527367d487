"""`nbcoach run`: run a notebook headless against the intended environment, and record it.

`-p NAME VALUE` takes two values per use, which typer cannot declare, so the command reads its
notebook and parameters from the arguments click leaves over (`CONTEXT`), in order.
"""

from __future__ import annotations

from pathlib import Path

import typer

CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
USAGE = "NOTEBOOK [-p NAME VALUE]... [OPTIONS]"
_PARAMETER_FLAGS = ("-p", "--parameter")


def run(
    ctx: typer.Context,
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Where to write the executed notebook (default: .nbcoach/runs/<notebook path>).",
    ),
    inplace: bool = typer.Option(
        False, "--inplace", help="Write the executed notebook over the source notebook."
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds one cell may run before the run stops (default: no limit)."
    ),
    cwd: Path | None = typer.Option(
        None, "--cwd", help="The kernel's working folder (default: the notebook's folder)."
    ),
    pythonpath: list[Path] = typer.Option(
        [],
        "--pythonpath",
        metavar="DIR",
        help="A folder to make importable (repeatable). The project's src/ always is.",
    ),
    lock: Path | None = typer.Option(
        None, "--lock", help="Check the environment against this lock (from `nbcoach lock`)."
    ),
    allow_drift: bool = typer.Option(
        False, "--allow-drift", help="Run even when the environment does not match the lock."
    ),
    isolated: bool = typer.Option(
        False,
        "--isolated",
        help="Run in a virtual environment built from the lock (cached by the lock's hash).",
    ),
    upgrade_check: bool = typer.Option(
        False,
        "--upgrade-check",
        help="Run again with the newest releases of the locked packages and compare every cell.",
    ),
    python: str | None = typer.Option(
        None, "--python", help="The interpreter the kernel runs (default: nbcoach's own)."
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
) -> None:
    """Run a notebook headless through papermill, with a kernel bound to the intended Python.

    -p NAME VALUE sets a parameter in the cell tagged `parameters` (repeatable). VALUE is read as a Python literal when it is one (3, 0.5, True, None, [1, 2]), otherwise as text.

    On failure: the failing cell, the exception and the last traceback lines, exit code 1, and the executed notebook written anyway. Every run is appended to .nbcoach/runs.jsonl.
    """
    from nbcoach.cli.console import console
    from nbcoach.cli.progress import progress_bar
    from nbcoach.core.errors import UsageError
    from nbcoach.execution.runner import RunOptions, run_notebook
    from nbcoach.render.run import drift_lines, run_lines, upgrade_lines

    notebook, parameters = parse_arguments(ctx.args)
    if isolated and python is not None:
        raise UsageError("--isolated builds its own interpreter; leave out --python")
    out = console(no_color)
    err = console(no_color, stderr=True)

    def notify(message: str) -> None:
        err.print(f"nbcoach: {message}", style="dim", markup=False, soft_wrap=True)

    with progress_bar(err, f"Running {notebook.name}") as advance:
        options = RunOptions(
            output=output,
            inplace=inplace,
            parameters=parameters,
            timeout=timeout,
            cwd=cwd,
            pythonpath=tuple(pythonpath),
            lock=lock,
            allow_drift=allow_drift,
            isolated=isolated,
            python=python,
            progress=advance,
            notify=notify,
        )
        if upgrade_check:
            from nbcoach.execution.upgrade import upgrade_check as check

            outcome = check(notebook, options)
            for line in upgrade_lines(outcome.report, str(notebook)):
                out.print(line, soft_wrap=True)
            raise typer.Exit(0 if outcome.report.safe else 1)
        done = run_notebook(notebook, options)
    lines = run_lines(
        done.result,
        str(notebook),
        done.prepared.label,
        done.prepared.environment.python,
        done.importable,
    )
    lines.extend(drift_lines(done.record["drift"]))
    for line in lines:
        out.print(line, soft_wrap=True)
    raise typer.Exit(0 if done.result.status == "ok" else 1)


def parse_arguments(arguments: list[str]) -> tuple[Path, dict[str, object]]:
    """NOTEBOOK and `-p NAME VALUE` pairs, in any order; anything else is a usage error."""
    from nbcoach.core.errors import UsageError

    notebooks: list[str] = []
    parameters: dict[str, object] = {}
    index = 0
    while index < len(arguments):
        word = arguments[index]
        if word in _PARAMETER_FLAGS:
            if index + 2 >= len(arguments):
                raise UsageError(f"{word} needs a NAME and a VALUE: {word} alpha 0.5")
            name, value = arguments[index + 1], arguments[index + 2]
            if not name.isidentifier():
                raise UsageError(f"{word} {name}: a parameter name must be a Python identifier")
            parameters[name] = parameter_value(value)
            index += 3
            continue
        if word.startswith("-") and len(word) > 1:
            raise UsageError(f"no such option: {word} (see nbcoach run --help)")
        notebooks.append(word)
        index += 1
    if len(notebooks) != 1:
        given = "no notebook" if not notebooks else f"{len(notebooks)} notebooks"
        raise UsageError(f"nbcoach run takes one NOTEBOOK; got {given}")
    return Path(notebooks[0]), parameters


def parameter_value(text: str) -> object:
    """A Python literal when the text is one (`3`, `0.5`, `True`, `[1, 2]`), else the text.

    Only values JSON can hold (papermill stores them in the notebook): `{1, 2}` stays text.
    """
    import ast
    import json

    try:
        value = ast.literal_eval(text)
        json.dumps(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text
    return value
