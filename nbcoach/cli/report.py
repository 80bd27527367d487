"""`nbcoach report`: the report card of notebooks, scripts and folders."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import typer


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    github = "github"
    html = "html"


def report(
    paths: list[str] = typer.Argument(
        None, help="Notebooks, .py files or folders (default: the current folder)."
    ),
    output_format: Format = typer.Option(
        Format.text,
        "--format",
        "-f",
        help="text, json, markdown, sarif (code scanning), github (annotations) or html.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file."
    ),
    fail_under: float | None = typer.Option(
        None, "--fail-under", min=0, max=100, help="Exit 1 when a notebook scores below this."
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Analyse everything afresh; read and write no cache."
    ),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes (0: one per core)."),
    show_all: bool = typer.Option(
        False, "--all", help="List every finding, not only the costliest."
    ),
    full: bool | None = typer.Option(
        None, "--full/--compact", help="Full cards (default for up to 3 notebooks)."
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="Plain text even on a terminal (NO_COLOR works too)."
    ),
    respect_gitignore: bool = typer.Option(
        True,
        "--respect-gitignore/--no-respect-gitignore",
        help="Skip what git ignores in the folders searched (a folder named is always searched).",
    ),
) -> None:
    """Grade notebooks and say the three next steps worth the most points. Never runs their code."""
    from nbcoach.analysis.review import ReviewOptions, review
    from nbcoach.cli.console import (
        capture,
        check_output,
        console,
        say_what_was_skipped,
        write_output,
    )
    from nbcoach.cli.progress import progress_bar

    targets = paths or ["."]
    if output is not None:
        check_output(output, targets)
    # rich only where a bar can be drawn: a pipe or a CI log gets none, and skips the import
    err = console(no_color, stderr=True) if sys.stderr.isatty() else None
    overrides: dict[str, object] | None = (
        {"fail_under": fail_under} if fail_under is not None else None
    )
    with progress_bar(err, "Analysing notebooks") as advance:
        result = review(
            targets,
            ReviewOptions(
                jobs=jobs,
                use_cache=not no_cache,
                config_overrides=overrides,
                progress=advance,
                respect_gitignore=respect_gitignore,
            ),
        )
    for line in result.input_errors:
        typer.echo(f"nbcoach: error: {line}", err=True)
    say_what_was_skipped(
        targets, len(result.cards), result.excluded, result.ignored, result.input_errors
    )
    for card in result.cards:
        if card.status == "error":
            typer.echo(f"nbcoach: error: {card.path}: {card.reason}", err=True)

    if output_format in (Format.sarif, Format.github):
        from nbcoach.analysis.sourcemap import attach_sources

        result, notes = attach_sources(result)
        for note in notes:
            typer.echo(f"nbcoach: note: {note}", err=True)

    text: str | Iterator[str]
    if output_format is Format.json:
        from nbcoach.render.data import iter_json

        text = iter_json(result)
    elif output_format is Format.markdown:
        from nbcoach.render.markdown import render_markdown

        text = render_markdown(result, max_findings=0 if show_all else 20)
    elif output_format is Format.sarif:
        from nbcoach.render.sarif import render_sarif

        text = render_sarif(result)
    elif output_format is Format.github:
        from nbcoach.render.github import render_github

        text = render_github(result)
    elif output_format is Format.html:
        from nbcoach.render.html import render_html

        text = render_html(result, full, max_findings=0 if show_all else 15)
    else:
        from nbcoach.render.text import report_renderable

        renderable = report_renderable(result, full, max_findings=0 if show_all else 15)
        if output is None:
            out = console(no_color)
            if out.is_terminal:
                out.print(renderable)
            else:  # a pipe or a file: the same text without the padding rich adds to lines
                sys.stdout.write(capture(renderable))
                sys.stdout.flush()
            raise typer.Exit(_exit_code(result))
        text = capture(renderable)
    if output is not None:
        write_output(output, text, targets)
    else:
        for piece in (text,) if isinstance(text, str) else text:
            sys.stdout.write(piece)
        sys.stdout.flush()
    raise typer.Exit(_exit_code(result))


def _say_below(result: object) -> None:
    """Exit 1 is never silent: name each notebook under the bar, and the bar."""
    from nbcoach.core.model import Report
    from nbcoach.core.words import counted

    assert isinstance(result, Report)
    bar = result.fail_under
    if bar is None:
        return
    below = [c for c in result.cards if c.score is not None and c.score < bar]
    if not below:
        return
    shown = ", ".join(f"{c.path} ({c.score:.1f})" for c in below[:5])
    more = f" and {len(below) - 5} more" if len(below) > 5 else ""
    typer.echo(
        f"nbcoach: {counted(len(below), 'notebook')} below fail-under {bar:g}: {shown}{more}",
        err=True,
    )


def _exit_code(result: object) -> int:
    from nbcoach.core.model import Report

    assert isinstance(result, Report)
    _say_below(result)
    if result.input_errors or any(card.status == "error" for card in result.cards):
        return 2
    if result.fail_under is not None and any(
        card.score is not None and card.score < result.fail_under for card in result.cards
    ):
        return 1
    return 0
