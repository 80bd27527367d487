"""`nbcoach dashboard` in real headless Chromium, opened from a file URL, offline."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from browser import is_blank, visit
from history_helpers import ADA, BOB, CAROL, CLEAN, MESSY, GitRepo, paired_repo
from nbcoach.history import load_history, update_history
from nbcoach.history.runs import Runs
from nbcoach.render.dashboard import dashboard_data
from support import ROOT, run_cli

# For every canvas: its chart, its datasets, and whether the pixel under the first data point of
# each dataset is painted (the data is drawn, not only the axes).
INSPECT = """() => {
  const out = {ready: document.body.dataset.ready, canvases: {}};
  for (const canvas of document.querySelectorAll('canvas')) {
    const chart = Chart.getChart(canvas);
    const ctx = canvas.getContext('2d');
    const ratio = canvas.width / canvas.clientWidth;
    const info = {datasets: 0, points: 0, drawn: 0, inside: 0};
    if (chart) {
      chart.data.datasets.forEach((dataset, i) => {
        const meta = chart.getDatasetMeta(i);
        info.datasets += 1;
        info.points += dataset.data.length;
        const area = chart.chartArea;
        const element = meta.data.find(e => Number.isFinite(e.x) && Number.isFinite(e.y));
        if (!element) return;
        if (element.x >= area.left - 1 && element.x <= area.right + 1) info.inside += 1;
        const px = ctx.getImageData(Math.round(element.x * ratio), Math.round(element.y * ratio), 1, 1).data;
        if (px[3] > 0) info.drawn += 1;
      });
    }
    out.canvases[canvas.id] = info;
  }
  out.runs = [...document.querySelectorAll('#runs tr')].slice(1).map(tr => tr.textContent);
  out.files = [...document.querySelectorAll('#files tr')].length - 1;
  out.notCompared = [...document.querySelectorAll('#not-compared tr')].slice(1).map(tr => tr.textContent);
  out.empty = !document.getElementById('empty').hidden;
  return out;
}"""

CHARTS = {
    "chart-team",
    "chart-files",
    "chart-authors",
    "chart-commits",
    "chart-length",
    "chart-complexity",
    "chart-redefinitions",
}


def team_repo(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.notebook("analysis/churn.ipynb", MESSY)
    repo.commit("churn analysis", ADA)
    repo.notebook("analysis/forecast.ipynb", CLEAN)
    repo.commit("forecast", BOB)
    repo.notebook(
        "analysis/churn.ipynb", [c.replace("    for row", "    %time for row") for c in MESSY]
    )
    repo.commit("time the loop", CAROL)
    repo.notebook("analysis/churn.ipynb", CLEAN)
    repo.commit("split analyse into helpers", BOB)
    repo.notebook(
        "analysis/forecast.ipynb", [*MESSY, "def f():\n    return 1", "def f():\n    return 2"]
    )
    repo.commit("inline the forecast", CAROL)
    return repo


LOCK_HASH = "6692e40e278822e9029df61cb8ec4bb43ae12a876080245f78778f35447f7ea1"
RUN_RECORD_SCHEMA = json.loads((ROOT / "docs" / "run-record.schema.json").read_text("utf-8"))


def write_runs(repo: GitRepo) -> None:
    records = [
        {"notebook": "analysis/churn.ipynb", "status": "failed", "started": "2024-02-01T10:00:00Z",
         "duration_s": 3.2, "failing_cell": 4, "error": "KeyError: 'k1'", "lock": "requirements.lock",
         "lock_hash": LOCK_HASH, "python": "3.11.7", "packages": {}, "nbcoach_version": "0.1.0"},
        {"notebook": "analysis/churn.ipynb", "status": "ok", "started": "2024-02-02T10:00:00Z",
         "duration_s": 2.5, "failing_cell": None, "error": None, "lock": "requirements.lock",
         "lock_hash": LOCK_HASH, "python": "3.11.7", "packages": {}, "nbcoach_version": "0.1.0"},
        {"notebook": "analysis/forecast.ipynb", "status": "timeout", "started": "2024-02-02T11:00:00Z",
         "duration_s": 600.0, "failing_cell": 2, "error": "cell timed out after 600 s", "lock": None,
         "lock_hash": None, "python": "3.11.7", "packages": {}, "nbcoach_version": "0.1.0"},
        {"notebook": "analysis/churn.ipynb", "status": "failed", "started": "2024-02-03T10:00:00Z",
         "duration_s": 2.0, "failing_cell": 4, "error": "ImportError: newest pandas", "lock": None,
         "lock_hash": None, "python": "3.11.7", "packages": {}, "nbcoach_version": "0.1.0",
         "environment": "newest"},
    ]  # fmt: skip
    state = repo.path / ".nbcoach"
    state.mkdir(exist_ok=True)
    # as docs/run-records.md describes them (schema 1), and a line cut short at the end
    full = [
        {
            "schema_version": 1,
            "environment": "current",
            "output": f".nbcoach/runs/{r['notebook']}",
            "parameters": {},
            "drift": [],
            **r,
        }
        for r in records
    ]
    for record in full:
        jsonschema.validate(record, RUN_RECORD_SCHEMA)  # what `nbcoach run` writes, no less
    lines = [json.dumps(r) for r in full] + ['{"half a line']
    (state / "runs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_dashboard_in_a_real_browser(tmp_path: Path) -> None:
    repo = team_repo(tmp_path / "repo")
    write_runs(repo)
    page = tmp_path / "dashboard.html"
    done = run_cli("dashboard", "-o", str(page), cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert "1 line of runs.jsonl is not a run record; skipped" in done.stderr
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing to fetch

    screenshot = tmp_path / "dashboard.png"
    seen = visit(page, screenshot, script=INSPECT)
    print(f"\ndashboard screenshot: {screenshot}")
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed_requests == []
    result = seen.evaluated
    assert result["ready"] == "1" and not result["empty"]
    assert set(result["canvases"]) == CHARTS
    for name, info in result["canvases"].items():
        assert info["datasets"] >= 1 and info["points"] >= 1, name
        assert info["drawn"] >= 1 and info["inside"] >= 1, (name, info)
    assert result["files"] == 2
    assert result["runs"][0].startswith("analysis/churn.ipynbok")  # the latest run wins
    assert "timeout" in result["runs"][1] and "cell timed out" in result["runs"][1]
    assert any(
        "coverage-drop" in row and "analysis/churn.ipynb" in row for row in result["notCompared"]
    )
    assert not is_blank(screenshot)


@pytest.mark.slow
def test_dashboard_of_a_repository_without_notebooks(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "nothing yet\n")
    repo.commit("readme")
    page = tmp_path / "empty.html"
    done = run_cli("dashboard", "-o", str(page), cwd=repo.path)
    assert done.returncode == 0, done.stderr
    screenshot = tmp_path / "empty.png"
    seen = visit(page, screenshot, script=INSPECT)
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed_requests == []
    assert seen.evaluated["empty"] and seen.evaluated["ready"] == "1"
    assert not is_blank(screenshot)


@pytest.mark.slow
def test_dashboard_of_a_repository_with_one_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.notebook("only.ipynb", MESSY)
    repo.commit("the one commit")
    page = tmp_path / "one.html"
    assert run_cli("dashboard", "-o", str(page), cwd=repo.path).returncode == 0
    seen = visit(page, tmp_path / "one.png", script=INSPECT)
    assert seen.console_errors == [] and seen.page_errors == []
    team = seen.evaluated["canvases"]["chart-team"]
    assert team["points"] == 1 and team["drawn"] == 1


PAIRED_FILES = {
    # path: its legend label, the shortest path suffix no other charted file ends with
    "notebooks/clean.ipynb": "clean.ipynb",
    "notebooks/newcomer.ipynb": "newcomer.ipynb",
    "src/churn/newcomer.py": "newcomer.py",
    "src/churn/report.py": "src/churn/report.py",
    "archive/churn/report.py": "archive/churn/report.py",
}


def test_dashboard_counts_twins_with_their_notebooks(tmp_path: Path) -> None:
    """A twin is not a coverage drop: no not-compared mark on the team score (the page draws
    a marked point as a red triangle), not counted or listed as not compared, no trend of its
    own; the page names the twins once."""
    repo = paired_repo(tmp_path / "repo")
    update_history(repo.path)
    data = dashboard_data(load_history(repo.path), Runs({}))
    assert [p["marks"] for p in data["team"]] == [[]] * 5
    assert (data["summary"]["files"], data["summary"]["not_compared"]) == (5, 0)
    assert data["not_compared"] == []
    assert sorted(f["path"] for f in data["files"]) == sorted(PAIRED_FILES)
    assert data["twins"] == ["notebooks/clean.py", "notebooks/newcomer.py"]


def test_dashboard_legend_labels_tell_notebooks_apart(tmp_path: Path) -> None:
    repo = paired_repo(tmp_path / "repo")
    update_history(repo.path)
    data = dashboard_data(load_history(repo.path), Runs({}))
    assert {f["path"]: f["label"] for f in data["files"]} == PAIRED_FILES


def test_legend_labels_are_the_shortest_distinguishing_suffixes() -> None:
    from nbcoach.render.dashboard import legend_labels

    paths = ["a/b.py", "x/a/b.py", "y/b.py", "c.ipynb", "d/c.py", "e/c.py"]
    assert legend_labels(paths) == ["a/b.py", "x/a/b.py", "y/b.py", "c.ipynb", "d/c.py", "e/c.py"]
    assert legend_labels(["only/one.ipynb"]) == ["one.ipynb"]


# The team chart's point styles, the per-notebook legend, the summary cards and the notes.
INSPECT_PAIRED = """() => {
  const team = Chart.getChart(document.getElementById('chart-team'));
  const files = Chart.getChart(document.getElementById('chart-files'));
  const styles = team.getDatasetMeta(0).data.map(e => e.options.pointStyle);
  const cards = {};
  for (const card of document.querySelectorAll('#summary .card')) {
    cards[card.querySelector('.label').textContent] = card.querySelector('.value').textContent;
  }
  return {
    ready: document.body.dataset.ready,
    teamStyles: styles,
    legend: files.legend.legendItems.map(item => item.text),
    cards: cards,
    notCompared: document.getElementById('not-compared').textContent,
    files: document.getElementById('files').textContent,
  };
}"""


@pytest.mark.slow
def test_dashboard_of_a_paired_repository_in_a_real_browser(tmp_path: Path) -> None:
    repo = paired_repo(tmp_path / "repo")
    page = tmp_path / "paired.html"
    done = run_cli("dashboard", "-o", str(page), cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("(5 commits, 5 files)")
    screenshot = tmp_path / "paired.png"
    seen = visit(page, screenshot, script=INSPECT_PAIRED)
    print(f"\npaired dashboard screenshot: {screenshot}")
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed_requests == []
    result = seen.evaluated
    assert result["ready"] == "1"
    assert result["teamStyles"] == ["circle"] * 5  # no commit marked as not compared
    assert sorted(result["legend"]) == sorted(PAIRED_FILES.values())
    assert result["cards"]["Versions not compared"] == "0"
    assert result["cards"]["Notebooks and .py files"] == "5"
    assert result["notCompared"] == "None."
    assert (
        "2 py:percent twins counted with their notebooks: notebooks/clean.py, notebooks/newcomer.py"
        in result["files"]
    )
    assert not is_blank(screenshot)


def _page_data(page: Path) -> dict[str, object]:
    """The JSON the page draws from, as embedded in it."""
    html = page.read_text(encoding="utf-8")
    found = re.search(
        r'<script type="application/json" id="nbcoach-data">(.*?)</script>', html, re.S
    )
    assert found is not None, "no data block in the page"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _bucket(value: int, upper_bounds: tuple[int, ...]) -> int:
    """Which histogram bar a value falls in: bars end at each upper bound, the last is open."""
    return next((i for i, bound in enumerate(upper_bounds) if value <= bound), len(upper_bounds))


def _buckets_from_store(store: Path, shas: list[str]) -> tuple[list[list[int]], list[list[int]]]:
    """Every length and complexity bar of every charted commit, recounted with plain SQL from
    the history store: per file, the version standing after the commit (its `effective` blob,
    when that blob was graded), and every function of that blob."""
    lengths = [[0] * len(shas) for _ in range(4)]
    complexities = [[0] * len(shas) for _ in range(4)]
    with sqlite3.connect(store) as db:
        for column, sha in enumerate(shas):
            [(seq,)] = db.execute("SELECT seq FROM commits WHERE sha LIKE ?", (sha + "%",))
            standing = db.execute(
                "SELECT v.effective FROM versions v WHERE v.seq = (SELECT MAX(seq) FROM versions"
                " WHERE lineage = v.lineage AND seq <= ?)",
                (seq,),
            ).fetchall()
            for (key,) in standing:
                row = db.execute(
                    "SELECT functions FROM blobs WHERE key = ? AND score IS NOT NULL", (key,)
                ).fetchone()
                for function in json.loads(row[0]) if row else []:
                    length, complexity = function[3], function[5]  # the stored field order
                    lengths[_bucket(length, (20, 50, 100))][column] += 1
                    complexities[_bucket(complexity, (5, 10, 20))][column] += 1
    return lengths, complexities


def test_the_function_histograms_are_the_stores_functions_recounted(tmp_path: Path) -> None:
    repo = team_repo(tmp_path / "repo")
    page = tmp_path / "dashboard.html"
    done = run_cli("dashboard", "-o", str(page), cwd=repo.path)
    assert done.returncode == 0, done.stderr
    data = _page_data(page)
    team = data["team"]
    distributions = data["distributions"]
    assert isinstance(team, list) and isinstance(distributions, dict)
    assert [point["subject"] for point in team] == [
        "churn analysis",
        "forecast",
        "time the loop",
        "split analyse into helpers",
        "inline the forecast",
    ]
    assert distributions["length_labels"] == [
        "1-20 lines",
        "21-50 lines",
        "51-100 lines",
        "over 100 lines",
    ]
    assert distributions["complexity_labels"] == ["1-5", "6-10", "11-20", "over 20"]
    lengths, complexities = _buckets_from_store(
        repo.path / ".nbcoach" / "history.sqlite", [point["sha"] for point in team]
    )
    assert distributions["length"] == lengths
    assert distributions["complexity"] == complexities
    # the history gives the bars something to tell: long and short, complex and simple
    assert lengths[0][-2] > 0 and lengths[2][0] > 0 and complexities[0][-2] > 0
    assert complexities[3][0] > 0


AUTHOR_BARS = """() => {
  const chart = Chart.getChart(document.getElementById('chart-authors'));
  const ticks = chart.scales.y.ticks.map(t => chart.scales.y.getLabelForValue(t.value));
  return {labels: chart.data.labels, ticks: ticks, values: chart.data.datasets[0].data,
          note: document.getElementById('chart-authors').parentNode.nextSibling.textContent};
}"""


@pytest.mark.slow
def test_every_author_bar_drawn_is_labelled_and_silent_authors_are_not_drawn(
    tmp_path: Path,
) -> None:
    """138 authors once left 11 bars of 12 unlabelled (a bar read as someone else's)."""
    repo = GitRepo(tmp_path / "repo")
    repo.notebook("a.ipynb", MESSY)
    repo.commit("start", ADA)
    for index in range(45):  # 45 people who reword a heading: no score change of theirs
        repo.notebook("a.ipynb", [("markdown", f"# Take {index}"), *MESSY])
        reader = (f"Reader {index}", f"reader{index}@example.com")
        repo.commit(f"docs {index}", reader, f"2024-02-01T09:{index:02d}:00+00:00")
    repo.notebook("a.ipynb", CLEAN)
    repo.commit("split", BOB, "2024-02-02T09:00:00+00:00")
    repo.notebook("a.ipynb", MESSY)
    repo.commit("inline again", CAROL, "2024-02-03T09:00:00+00:00")
    page = tmp_path / "authors.html"
    assert run_cli("dashboard", "-o", str(page), cwd=repo.path).returncode == 0
    seen = visit(page, tmp_path / "authors.png", script=AUTHOR_BARS)
    assert seen.page_errors == []
    bars = seen.evaluated
    assert set(bars["labels"]) == {BOB[0], CAROL[0]}  # only authors who moved a score
    assert bars["ticks"] == bars["labels"]  # every bar drawn has its own label
    assert all(value != 0 for value in bars["values"])
    silent = len(dashboard_data(load_history(repo.path), Runs({}))["authors"]) - 2
    assert silent >= 45
    assert f"{silent} more authors not drawn (no score change)" in bars["note"]
