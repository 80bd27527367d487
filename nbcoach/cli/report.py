"""`nbcoach report`: the report card of notebooks, scripts and folders."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

if TYPE_CHECKING:
    from nbcoach.core.model import Report


class Format(str, Enum):
    text = "text"
    concise = "concise"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"
    junit = "junit"
    html = "html"


def rule_list(values: list[str] | None) -> tuple[str, ...] | None:
    """`--select F,long-function --select E7`: ruff's comma-separated, repeatable lists."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def report(
    paths: list[str] = typer.Argument(
        None, help="Notebooks, .py files or folders (default: the current folder)."
    ),
    output_format: Format = typer.Option(
        Format.text,
        "--output-format",
        "--format",
        "-f",
        envvar="NBCOACH_OUTPUT_FORMAT",
        help="text, concise (one line per finding, file:cell N:L:C as ruff), json, markdown, "
        "sarif (code scanning), github (annotations), gitlab (Code Quality), junit or html.",
    ),
    output: Path | None = typer.Option(
        None, "--output-file", "--output", "-o", help="Write the report to this file."
    ),
    fail_under: float | None = typer.Option(
        None, "--fail-under", min=0, max=100, help="Exit 1 when a notebook scores below this."
    ),
    exit_zero: bool = typer.Option(
        False, "--exit-zero", help="Exit 0 even when a notebook is under --fail-under."
    ),
    statistics: bool = typer.Option(
        False, "--statistics", help="Count the findings per rule instead of the cards."
    ),
    select: list[str] | None = typer.Option(
        None, "--select", help="Only these rules (ids, ruff codes or prefixes, ALL); comma lists."
    ),
    ignore: list[str] | None = typer.Option(
        None, "--ignore", help="Also leave out these rules (ids, ruff codes or prefixes)."
    ),
    extend_select: list[str] | None = typer.Option(
        None, "--extend-select", help="Also lint with these ruff rules (codes or prefixes)."
    ),
    config_file: Path | None = typer.Option(
        None,
        "--config",
        help="Use this configuration file (nbcoach.toml, or a pyproject.toml with "
        "[tool.nbcoach]) for every input instead of searching.",
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
    from dataclasses import replace

    from nbcoach.analysis.review import ReviewOptions, complete, prepare
    from nbcoach.cli.console import check_output, console
    from nbcoach.cli.progress import progress_bar

    targets = paths or ["."]
    if output is not None:
        check_output(output, targets)
    # rich only where a bar can be drawn: a pipe or a CI log gets none, and skips the import
    err = console(no_color, stderr=True) if sys.stderr.isatty() else None
    overrides: dict[str, object] = {
        "fail_under": fail_under,
        "select": rule_list(select),
        "ignore": rule_list(ignore),
        "extend_select": rule_list(extend_select),
    }
    options = ReviewOptions(
        jobs=jobs,
        use_cache=not no_cache,
        config_overrides=overrides,
        respect_gitignore=respect_gitignore,
        config_file=config_file,
    )
    prepared = prepare(targets, options)
    if prepared.cache is not None:
        from nbcoach.core.rules import keep_ruff_help_in

        keep_ruff_help_in(prepared.cache.directory)
    elif output_format != "concise":  # no cache to keep ruff's explanations: asked now, in
        # the background, they are ready to render (every format but concise shows them)
        from nbcoach.core.tools import ask_ruff_rules_early

        ask_ruff_rules_early()
    # A run whose inputs, configuration and options are all as in a run before prints what
    # that run printed (to a pipe or a file; sarif and the CI formats read sources besides)
    key = None
    if output is None and not sys.stdout.isatty() and output_format not in _READS_SOURCES:
        key = prepared.run_key(
            repr((targets, output_format.value, exit_zero, statistics, show_all, full, no_color))
            + repr((str(config_file), respect_gitignore, os.getcwd(), overrides))
            + repr([os.environ.get(name) for name in _RENDERING_ENVIRONMENT])
        )
    if key is not None and prepared.cache is not None:
        replay = prepared.cache.load_run(key)
        if replay is not None:
            for stream, text in replay.chunks:
                out = sys.stdout if stream == 1 else sys.stderr
                out.write(text)
                out.flush()  # in order, as the run printed them (`2>&1` keeps its order)
            raise typer.Exit(replay.exit_code)
    with progress_bar(err, "Analysing notebooks") as advance:
        result = complete(prepared, replace(options, progress=advance))
    # The report lives until the process ends, and holds no garbage to collect: frozen, it is
    # never scanned again, by a collection while rendering nor by the one at exit (15 ms of a
    # cold run over 273 notebooks). Only the CLI, which exits next, may freeze its heap.
    import gc

    gc.freeze()
    with _recorded(key is not None) as recorded:
        _emit(result, targets, output_format, output, statistics, show_all, full, no_color)
        code = _exit_code(result, exit_zero)
    complete_run = not result.stats.get("lint_error")  # a failed ruff run is never replayed
    if recorded is not None and prepared.cache is not None and key is not None and complete_run:
        from nbcoach.analysis.cache import Replay

        prepared.cache.store_run(key, Replay(tuple(recorded), code))
    raise typer.Exit(code)


# Formats that read the notebooks' sources while rendering (not only the cards).
_READS_SOURCES = frozenset({"sarif", "github", "gitlab"})
# What the rendered text may depend on besides the options.
_RENDERING_ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "TTY_COMPACT")


class _Recorder:
    """A stream that writes through and notes what was written, in order with the other."""

    def __init__(self, stream: TextIO, number: int, chunks: list[tuple[int, str]]) -> None:
        self.stream, self.number, self.chunks = stream, number, chunks

    def write(self, text: str | bytes) -> int:
        if isinstance(text, bytes):  # click may hand over what it already encoded
            self.chunks.append((self.number, text.decode("utf-8", "replace")))
            self.stream.flush()
            return self.stream.buffer.write(text)
        self.chunks.append((self.number, text))
        return self.stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


@contextmanager
def _recorded(enabled: bool) -> Iterator[list[tuple[int, str]] | None]:
    """What the report prints on stdout (1) and stderr (2), in order, copied as it goes."""
    if not enabled:
        yield None
        return
    chunks: list[tuple[int, str]] = []
    out, err = _Recorder(sys.stdout, 1, chunks), _Recorder(sys.stderr, 2, chunks)
    sys.stdout, sys.stderr = out, err
    try:
        yield chunks
    finally:
        sys.stdout, sys.stderr = out.stream, err.stream


def _emit(
    result: Report,
    targets: list[str],
    output_format: Format,
    output: Path | None,
    statistics: bool,
    show_all: bool,
    full: bool | None,
    no_color: bool,
) -> None:
    """Print the report, and on stderr what could not be read or was left out."""
    from nbcoach.cli.console import capture, console, say_what_was_skipped, write_output

    for line in result.input_errors:
        typer.echo(f"nbcoach: error: {line}", err=True)
    say_what_was_skipped(
        targets,
        len(result.cards),
        result.excluded,
        result.ignored,
        result.input_errors,
        [card.path for card in result.cards],
    )
    for card in result.cards:
        if card.status == "error":
            typer.echo(f"nbcoach: error: {card.path}: {card.reason}", err=True)
    if statistics:
        from nbcoach.render.statistics import render_statistics

        text_out = render_statistics(result, output_format is Format.json)
        if output is not None:
            write_output(output, text_out, targets)
        else:
            sys.stdout.write(text_out)
        return
    if output_format in (Format.sarif, Format.github, Format.gitlab):
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
    elif output_format is Format.gitlab:
        from nbcoach.render.gitlab import render_gitlab

        text = render_gitlab(result)
    elif output_format is Format.junit:
        from nbcoach.render.junit import render_junit

        text = render_junit(result)
    elif output_format is Format.concise:
        from nbcoach.render.concise import render_concise

        text = render_concise(result)
    elif output_format is Format.html:
        from nbcoach.render.html import render_html

        text = render_html(result, full, max_findings=0 if show_all else 15)
    else:
        from nbcoach.render.text import report_renderable

        renderable = report_renderable(result, full, max_findings=0 if show_all else 15)
        if output is None:
            out = console(no_color)
            if out.is_terminal and sys.stdout.isatty():
                out.print(renderable)
            elif out.is_terminal:  # colour forced into a pipe (CI logs): as wide as the text
                out = console(no_color, width=_text_width(result))
                out.print(renderable, soft_wrap=True)
            else:  # a pipe or a file: the same text without the padding rich adds to lines
                sys.stdout.write(capture(renderable, _text_width(result)))
                sys.stdout.flush()
            return
        text = capture(renderable, _text_width(result))
    if output is not None:
        write_output(output, text, targets)
    else:
        for piece in (text,) if isinstance(text, str) else text:
            sys.stdout.write(piece)
        sys.stdout.flush()


def _text_width(result: Report) -> int:
    """A file has no width: wide enough that each summary row (path, grade, score, status)
    stays on one line, where grep finds it; at least the 100 columns of a wide terminal."""
    from rich.cells import cell_len  # display columns: a CJK character takes two

    path = max((cell_len(card.path) for card in result.cards), default=0)
    status = max((cell_len(card.reason) + 10 for card in result.cards if card.reason), default=6)
    return max(100, path + status + 30)  # grade, score and the padding between columns


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


def _exit_code(result: object, exit_zero: bool = False) -> int:
    """2 for an input that could not be read, 1 for a notebook under the bar (0 with
    `--exit-zero`, as ruff: the run still says which), else 0."""
    from nbcoach.core.model import Report

    assert isinstance(result, Report)
    _say_below(result)
    if result.input_errors or any(card.status == "error" for card in result.cards):
        return 2
    if (
        not exit_zero
        and result.fail_under is not None
        and any(card.score is not None and card.score < result.fail_under for card in result.cards)
    ):
        return 1
    return 0
