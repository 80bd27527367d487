"""The dashboard: one static HTML file, data and Chart.js inlined, that works offline.

This module only shapes the history's series into JSON and fills the page template; the
drawing is `assets/dashboard.js` with Chart.js 4 (MIT, vendored from its npm package as
`assets/chart.umd.min.js`; why Chart.js: docs/history.md).
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from nbcoach import __version__
from nbcoach.core.config import load_config
from nbcoach.history.records import CommitRecord, History
from nbcoach.history.runs import Runs
from nbcoach.history.series import (
    COMPLEXITY_BUCKETS,
    LENGTH_BUCKETS,
    AuthorStats,
    Change,
    FileTrend,
    TeamPoint,
    author_stats,
    biggest_changes,
    file_trends,
    marked_versions,
    team_series,
)

CHARTED_FILES = 12  # notebooks drawn in the per-notebook chart; the table lists every one
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)


def _ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def dashboard_data(history: History, runs: Runs) -> dict[str, Any]:
    """Everything the page draws, as plain JSON-able data."""
    limits = load_config(Path(history.root)).commit_size
    paths = history.latest_paths()
    twins = history.live_lineages() & history.twin_lineages()
    team = team_series(history)
    # Commits that touched no graded file repeat the previous point: keep the first, the last
    # and every point where something changed, so thousands of commits stay a light page.
    changed = {v.seq for v in history.versions}
    kept = [p for i, p in enumerate(team) if p.seq in changed or i in (0, len(team) - 1)]
    trends = file_trends(history)
    labels = legend_labels([t.path for t in trends[:CHARTED_FILES]])
    ups, downs = biggest_changes(history, 8)
    authors = author_stats(history)
    marked = marked_versions(history)
    return {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "nbcoach_version": __version__,
        "repository": Path(history.root).name,
        "big_bang_lines": limits.max_lines,
        "big_bang_functions": limits.max_functions,
        "big_bang_files": limits.max_notebooks,
        "summary": _summary(history, team, len(authors), len(marked)),
        "team": _team(history, kept),
        "distributions": _distributions(kept),
        "files": [_file(t, labels[i] if i < len(labels) else None) for i, t in enumerate(trends)],
        "twins": sorted(paths[lineage] for lineage in twins),
        "authors": [_author(a) for a in authors],
        "commits": [_commit(c) for c in history.commits if c.touched and not c.base],
        "improvements": [_change(c) for c in ups],
        "regressions": [_change(c) for c in downs],
        "not_compared": [_change(c) for c in marked[-50:]],
        "runs": _runs(runs, {t.path for t in trends if t.alive}),
    }


def _summary(
    history: History, team: list[TeamPoint], authors: int, not_compared: int
) -> dict[str, Any]:
    scores = [p.score for p in team if p.score is not None]
    return {
        "commits": len(history.commits),
        "files": len(history.file_lineages()),  # py:percent twins count with their notebooks
        "first": history.commits[0].committed if history.commits else None,
        "last": history.commits[-1].committed if history.commits else None,
        "team_first": scores[0] if scores else None,
        "team_last": scores[-1] if scores else None,
        "authors": authors,
        "big_bang": sum(c.big_bang for c in history.commits),
        "not_compared": not_compared,  # as listed: never-graded files are no lost comparison
    }


def _team(history: History, kept: list[TeamPoint]) -> list[dict[str, Any]]:
    subjects = {c.seq: c.subject for c in history.commits}
    return [
        {
            "x": _ms(p.date),
            "y": p.score,
            "sha": p.sha[:10],
            "subject": subjects[p.seq],
            "files": p.files,
            "marks": list(p.marks),
        }
        for p in kept
    ]


def _distributions(kept: list[TeamPoint]) -> dict[str, Any]:
    return {
        "x": [_ms(p.date) for p in kept],
        "length_labels": [_label(b, "lines") for b in LENGTH_BUCKETS],
        "length": [[p.length_buckets[i] for p in kept] for i in range(len(LENGTH_BUCKETS))],
        "complexity_labels": [_label(b, "") for b in COMPLEXITY_BUCKETS],
        "complexity": [
            [p.complexity_buckets[i] for p in kept] for i in range(len(COMPLEXITY_BUCKETS))
        ],
        "redefinitions": [p.redefinitions for p in kept],
        "reassignments": [p.reassignments for p in kept],
    }


def legend_labels(paths: list[str]) -> list[str]:
    """Each path's shortest suffix of whole names that no other path ends with: the legend
    tells `notebooks/newcomer.py` from `src/churn/newcomer.py`, and stays short."""
    split = [path.split("/") for path in paths]
    labels = []
    for index, own in enumerate(split):
        others = [parts for i, parts in enumerate(split) if i != index]
        size = 1
        while size < len(own) and any(parts[-size:] == own[-size:] for parts in others):
            size += 1
        labels.append("/".join(own[-size:]))
    return labels


def _file(trend: FileTrend, label: str | None) -> dict[str, Any]:
    """A notebook's trend; `label` (its legend entry) only for the ones charted."""
    return {
        "path": trend.path,
        "label": None if label is None else label + ("" if trend.alive else " (deleted)"),
        "alive": trend.alive,
        "versions": len(trend.points),
        "first": trend.first,
        "latest": trend.latest,
        "change": trend.change,
        "coverage": trend.points[-1].coverage,
        "charted": label is not None,
        "points": [
            {"x": _ms(p.date), "y": p.score, "raw": p.raw, "mark": p.mark, "sha": p.sha[:10]}
            for p in trend.points
            if p.mark != "deleted"
        ],
    }


def _author(author: AuthorStats) -> dict[str, Any]:
    return {
        "name": author.name,
        "commits": author.commits,
        "score_change": author.score_change,
        "improvements": author.improvements,
        "regressions": author.regressions,
        "added": author.added,
        "coverage_drops": author.coverage_drops,
        "big_bang": author.big_bang,
        "median_lines": author.median_lines,
        "lines": author.lines_changed,
    }


def _commit(commit: CommitRecord) -> dict[str, Any]:
    return {
        "x": _ms(commit.committed),
        "lines": commit.lines_changed,
        "sha": commit.sha[:10],
        "author": commit.author,
        "subject": commit.subject,
        "touched": commit.touched,
        "big_bang": commit.big_bang,
        "merge": commit.is_merge,
    }


def _runs(runs: Runs, live_paths: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "notebook": r.notebook,
            "status": r.status,
            "started": r.started,
            "duration_s": r.duration_s,
            "failing_cell": r.failing_cell,
            "error": r.error[:300],
            "python": r.python,
            "lock_hash": r.lock_hash[:12],
            "environment": r.environment,
            "in_history": r.notebook in live_paths,
        }
        for r in sorted(runs.latest.values(), key=lambda r: r.notebook)
    ]


def _label(bucket: tuple[int, int | None], unit: str) -> str:
    low, high = bucket
    text = f"{low}-{high}" if high is not None else f"over {low - 1}"
    return f"{text} {unit}".strip()


def _change(change: Change) -> dict[str, Any]:
    return {
        "path": change.path,
        "delta": change.version.delta,
        "before": change.before,
        "after": change.after,
        "mark": change.version.mark,
        "sha": change.commit.sha[:10],
        "date": change.commit.committed[:10],
        "author": change.version.author,
        "subject": change.commit.subject,
    }


def _asset(name: str) -> str:
    return (
        resources.files("nbcoach.render")
        .joinpath("assets")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


def _script_json(data: Any) -> str:
    """JSON that cannot end its <script> element early, whatever a commit subject says."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_dashboard(history: History, runs: Runs) -> str:
    data = dashboard_data(history, runs)
    fills = {
        "title": html.escape(f"nbcoach dashboard: {data['repository']}"),
        "style": _asset("dashboard.css"),
        "chartjs": _SOURCE_MAP.sub("", _asset("chart.umd.min.js")),
        "data": _script_json(data),
        "script": _asset("dashboard.js"),
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fills[m.group(1)], _asset("dashboard.html"))
