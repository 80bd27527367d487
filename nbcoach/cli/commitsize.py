"""`nbcoach commit-size`: warn (or fail) on a big-bang commit and say how to split it."""

from __future__ import annotations

import typer


def commit_size(
    fail: bool | None = typer.Option(
        None,
        "--fail/--warn",
        help="Exit 1 on a big-bang commit (default: [tool.nbcoach.commit-size] fail, else warn).",
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain text even on a terminal."),
) -> None:
    """Measure the staged commit: changed source lines (never notebook JSON), functions and
    notebooks. Over a limit, say so and suggest how to split it."""
    from pathlib import Path

    from nbcoach.cli.console import console
    from nbcoach.core import gitindex
    from nbcoach.core.errors import UsageError
    from nbcoach.workflow.commitsize import measure_staged, split_suggestions

    root = gitindex.top_level(Path.cwd())
    if root is None:
        raise UsageError("commit-size measures the staged commit: run it inside a git repository")
    report = measure_staged(root)
    out = console(no_color)
    err = console(no_color, stderr=True)
    for note in report.notes:
        err.print(f"nbcoach: note: {note}", markup=False, soft_wrap=True)
    over = report.over
    summary = report.summary
    if not over:
        out.print(f"nbcoach: commit size fine: {summary}", markup=False, soft_wrap=True)
        raise typer.Exit(0)
    blocking = report.limits.fail if fail is None else fail
    style = "bold red" if blocking else "bold yellow"
    out.print(
        f"nbcoach: big-bang commit: {'; '.join(over)}", style=style, markup=False, soft_wrap=True
    )
    out.print(
        f"  ({summary}; notebook outputs and metadata not counted)", markup=False, soft_wrap=True
    )
    for line in split_suggestions(report):
        out.print(line, markup=False, soft_wrap=True)
    if blocking:
        out.print(
            "Commit blocked (--fail). Split it, or commit anyway with `git commit --no-verify`.",
            markup=False,
            soft_wrap=True,
        )
    raise typer.Exit(1 if blocking else 0)
