"""History and trends as terminal text: rich renderables, never printed here."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nbcoach.core.words import counted
from nbcoach.history.records import NOT_COMPARABLE, History
from nbcoach.history.series import (
    AuthorStats,
    Change,
    FileTrend,
    TeamPoint,
    author_stats,
    biggest_changes,
    file_trends,
    marked_versions,
    score_changes,
    team_series,
)
from nbcoach.history.update import HistoryResult

SPARKS = "▁▂▃▄▅▆▇█"
NOT_GRADED = "·"
TEAM_WIDTH = 40
FILE_WIDTH = 24  # versions drawn per notebook: the latest ones


def history_summary(result: HistoryResult) -> RenderableType:
    root = result.root
    store = os.path.relpath(result.store, root) if result.store.startswith(root) else result.store
    per_commit = result.store_bytes / result.commits if result.commits else 0
    files = counted(result.files, "notebook or .py file", "notebooks and .py files")
    lines = [
        Text(
            f"History of {root}: {counted(result.commits, 'commit')} on the first-parent line, "
            f"{result.new_commits} new; {files} at HEAD"
        ),
        Text(
            f"  graded {counted(result.analysed, 'version')}, {result.reused} already in the store"
            f", in {result.seconds:.1f} s; store {store}: {_size(result.store_bytes)} "
            f"({_size(per_commit)} per commit)"
        ),
    ]
    if result.twin_versions:
        # one line for all of them, never one per version: a paired repository changes its
        # twins in most commits (those changed with their notebooks need no grade at all)
        twins = _twins_counted(result.twin_versions, "py:percent twin version")
        ungraded = f", {result.paired} of them not graded" if result.paired else ""
        lines.append(Text(f"  {twins}{ungraded}"))
    lines += [Text(f"  note: {note}") for note in result.notes]
    for version, sha in result.marked[:10]:
        lines.append(Text(f"  not compared ({version.mark}): {version.path} at {sha[:10]}"))
    if len(result.marked) > 10:
        more = counted(len(result.marked) - 10, "more version")
        lines.append(Text(f"  ... and {more} not compared"))
    return Group(*lines)


def _twins_counted(number: int, noun: str = "py:percent twin") -> str:
    notebooks = "its notebook" if number == 1 else "their notebooks"
    return f"{counted(number, noun)} counted with {notebooks}"


def _size(count: float) -> str:
    if count < 1024:
        return f"{count:.0f} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


MIN_SPAN = 10.0  # points: one letter grade


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value, scaled to the series' own range but never to less than a
    letter's band ("·": not graded/compared): 87.5 -> 87.4 scaled to its own 0.1 points drew
    the full height of the chart, as if the team's score had swung."""
    known = [v for v in values if v is not None]
    if not known:
        return NOT_GRADED * len(values)
    low, high = min(known), max(known)
    span = high - low
    if 0.05 <= span < MIN_SPAN:  # widened around the middle of what moved
        low, span = (low + high - MIN_SPAN) / 2, MIN_SPAN
    out = []
    for value in values:
        if value is None:
            out.append(NOT_GRADED)
        elif span < 0.05:
            out.append(SPARKS[3])
        else:
            out.append(SPARKS[min(len(SPARKS) - 1, int((value - low) / span * len(SPARKS)))])
    return "".join(out)


def _sample(points: Sequence[TeamPoint], width: int) -> list[float | None]:
    if len(points) <= width:
        return [p.score for p in points]
    step = (len(points) - 1) / (width - 1)
    return [points[round(i * step)].score for i in range(width)]


def trend_renderable(
    history: History, limit: int = 20, top: int = 5, every_change: bool = False
) -> RenderableType:
    commits = [c for c in history.commits]
    if not commits:
        return Text("No history yet: the repository has no commits.")
    trends = [t for t in file_trends(history) if t.points]
    if not trends:
        return Text(
            f"No notebooks or .py files in {counted(len(commits), 'commit')} of history; "
            "nothing to trend."
        )
    team = [p for p in team_series(history)]
    scored = [p for p in team if p.score is not None]
    parts: list[RenderableType] = [_headline(history, team, scored)]
    parts.append(_files_table(trends, limit))
    if every_change:  # a few files asked for by name: each change, with its commit and date
        parts.append(
            _changes(
                "Every score change (points, file, commit, date, author)", score_changes(history)
            )
        )
    else:
        ups, downs = biggest_changes(history, top)
        parts.append(_changes("Biggest improvements", ups))
        parts.append(_changes("Biggest regressions", downs))
    parts.append(_not_compared(history))
    parts.append(_authors(author_stats(history)))
    return Group(*parts)


def _headline(history: History, team: list[TeamPoint], scored: list[TeamPoint]) -> Text:
    first, last = history.commits[0], history.commits[-1]
    twins = len(history.live_lineages() & history.twin_lineages())
    text = Text(
        f"Score trends: {counted(len(history.file_lineages()), 'file')} at HEAD"
        + (f" ({_twins_counted(twins)})" if twins else "")
        + f", {counted(len(history.commits), 'commit')}, "
        f"{first.committed[:10]} to {last.committed[:10]}\n"
    )
    if scored:
        change = (scored[-1].score or 0) - (scored[0].score or 0)
        text.append(
            f"Team score {scored[0].score:.1f} -> {scored[-1].score:.1f} ({change:+.1f})  "
            f"{sparkline(_sample(team, TEAM_WIDTH))}"
        )
    else:
        text.append("Team score: no graded notebook yet")
    return text


def _files_table(trends: list[FileTrend], limit: int) -> RenderableType:
    table = Table(title="Per notebook (busiest first)", title_justify="left", box=None)
    table.add_column("notebook", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("versions", justify="right", no_wrap=True, min_width=8)
    table.add_column(f"trend (last {FILE_WIDTH})", no_wrap=True, min_width=FILE_WIDTH + 1)
    for name in ("first", "latest", "change"):
        table.add_column(name, justify="right", no_wrap=True, min_width=6)
    for trend in trends[: limit or None]:
        values = [
            None if p.mark in NOT_COMPARABLE else p.score
            for p in trend.points
            if p.mark != "deleted"
        ]
        line = sparkline(values[-FILE_WIDTH:])
        table.add_row(
            trend.path + ("" if trend.alive else " (deleted)"),
            str(len(trend.points)),
            ("…" if len(values) > FILE_WIDTH else "") + line,
            _score(trend.first),
            _score(trend.latest),
            f"{trend.change:+.1f}",
        )
    if limit and len(trends) > limit:
        table.caption = f"... and {len(trends) - limit} more (--limit 0 shows all)"
        table.caption_justify = "left"
    return table


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _changes(title: str, changes: list[Change]) -> RenderableType:
    if not changes:
        return Text(f"{title}: none")
    table = Table(title=title, title_justify="left", box=None, show_header=False)
    table.add_column(justify="right", no_wrap=True, min_width=6)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=3)
    table.add_column(no_wrap=True, min_width=10)
    table.add_column(no_wrap=True, min_width=10)
    table.add_column(no_wrap=True, overflow="ellipsis", min_width=12, max_width=16)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=2)
    for change in changes:
        table.add_row(
            f"{change.version.delta:+.1f}",
            change.path,
            change.commit.sha[:10],
            change.commit.committed[:10],
            change.version.author,
            change.commit.subject[:50],
        )
    return table


def _not_compared(history: History) -> RenderableType:
    found = marked_versions(history)
    if not found:
        return Text("Not compared: none (every graded version was comparable)")
    table = Table(
        title="Not compared (never counted as an improvement or regression)",
        title_justify="left",
        box=None,
        show_header=False,
    )
    table.add_column(no_wrap=True, min_width=13)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=2)
    table.add_column(no_wrap=True, min_width=10)
    table.add_column(no_wrap=True, overflow="ellipsis", min_width=12, max_width=16)
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=3)
    for change in found[-10:]:
        own = history.blobs.get(change.version.key)
        detail = {
            "coverage-drop": f"{own.coverage if own else '?'} cells parsed; "
            f"{_score(change.after)} not counted",
            # crediting it would pay twice for a cell broken (never debited) and then fixed
            "coverage-rise": f"{own.coverage if own else '?'} cells parsed, more than before; "
            f"{_score(change.after)} is the new reference, not counted as a change",
            "unreadable": f"unreadable: {own.reason if own else ''}",
            "skipped": f"not graded: {own.reason if own else ''}",
        }.get(change.version.mark, change.version.mark)
        table.add_row(
            change.version.mark,
            change.path,
            change.commit.sha[:10],
            change.version.author,
            detail,
        )
    if len(found) > 10:
        table.caption = f"... {counted(len(found) - 10, 'earlier one')} not shown"
        table.caption_justify = "left"
    return table


def _authors(stats: list[AuthorStats]) -> RenderableType:
    table = Table(title="Per author", title_justify="left", box=None)
    table.add_column("author", no_wrap=True, overflow="ellipsis", ratio=1)
    for name in (
        "commits",
        "change",
        "improved",
        "regressed",
        "added",
        "cov.drops",
        "big-bang",
        "med.lines",
    ):
        table.add_column(name, justify="right", no_wrap=True, min_width=len(name))
    # authors of merged branches whose versions moved no score: a row of zeros says nothing
    shown = [
        a
        for a in stats
        if a.commits or a.improvements or a.regressions or a.added or a.coverage_drops
    ]
    hidden = len(stats) - len(shown)
    table.caption = (
        "change: sum of comparable score changes; cov.drops: versions that hid cells from "
        "analysis; med.lines: median code lines per commit"
        + (
            f"; {counted(hidden, 'more author')} of merged changes that moved no score"
            if hidden
            else ""
        )
    )
    table.caption_justify = "left"
    for author in shown:
        table.add_row(
            author.name,
            str(author.commits),
            f"{author.score_change:+.1f}",
            str(author.improvements),
            str(author.regressions),
            str(author.added),
            str(author.coverage_drops),
            str(author.big_bang),
            f"{author.median_lines:.0f}",
        )
    return table


def trend_data(history: History, kind: str) -> str:
    """The trend for other tools: `csv`, one row per version (history/export.py's columns), or
    `json`, those rows and each author's contribution."""
    import json
    from dataclasses import asdict

    from nbcoach.history.export import SCHEMA_VERSION, rows_csv, version_rows

    rows = version_rows(history)
    if kind == "csv":
        return rows_csv(rows)
    authors = [
        {**asdict(stats), "median_lines": stats.median_lines} for stats in author_stats(history)
    ]
    document = {"schema_version": SCHEMA_VERSION, "versions": rows, "authors": authors}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
