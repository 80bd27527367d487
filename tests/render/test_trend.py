"""`nbcoach history` and `nbcoach trend` as a user runs them (real CLI, real git)."""

from __future__ import annotations

import re
from pathlib import Path

from history_helpers import ADA, BOB, CAROL, CLEAN, MESSY, GitRepo, paired_repo
from nbcoach.render.trend import sparkline
from support import run_cli


def make_repo(path: Path) -> GitRepo:
    repo = GitRepo(path)
    repo.notebook("nb/churn.ipynb", MESSY)
    repo.notebook("nb/plots.ipynb", ["x = 1", "print(x)"])
    repo.commit("start", ADA)
    repo.notebook("nb/churn.ipynb", [c.replace("    for row", "    %time for row") for c in MESSY])
    repo.commit("time the loop", CAROL)
    repo.notebook("nb/churn.ipynb", CLEAN)
    repo.commit("split analyse", BOB)
    return repo


def test_history_then_trend(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    first = run_cli("history", cwd=repo.path)
    assert first.returncode == 0, first.stderr
    assert "3 commits on the first-parent line, 3 new" in first.stdout
    assert "not compared (coverage-drop): nb/churn.ipynb" in first.stdout
    again = run_cli("history", cwd=repo.path)
    assert again.returncode == 0, again.stderr
    assert "3 new" not in again.stdout and "0 new" in again.stdout

    shown = run_cli("trend", cwd=repo.path)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "Team score" in out and "Per notebook" in out and "Per author" in out
    churn = next(line for line in out.splitlines() if line.strip().startswith("nb/churn.ipynb"))
    assert "·" in churn  # the coverage drop is not drawn as a score
    improvements = out.split("Biggest improvements")[1].split("Biggest regressions")[0]
    assert "split analyse" in improvements and "time the loop" not in improvements
    bob = next(line for line in out.splitlines() if line.strip().startswith("Bob Builder"))
    carol = next(line for line in out.splitlines() if line.strip().startswith("Carol Shaw"))
    assert "+0.0" not in bob and "+0.0" in carol  # Carol's magic is not a win


def test_trend_selects_paths_and_reports_unknown_ones(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    only = run_cli("trend", "nb/plots.ipynb", cwd=repo.path)
    assert only.returncode == 0, only.stderr
    assert "nb/plots.ipynb" in only.stdout and "nb/churn.ipynb" not in only.stdout
    folder = run_cli("trend", "plots.ipynb", "missing.ipynb", cwd=repo.path / "nb")
    assert folder.returncode == 2
    assert "missing.ipynb: no notebook or .py file of the history there" in folder.stderr
    assert "nb/plots.ipynb" in folder.stdout


def test_trend_outside_a_repository_and_with_a_bad_since(tmp_path: Path) -> None:
    outside = run_cli("trend", cwd=tmp_path)
    assert outside.returncode == 2 and "not inside a git repository" in outside.stderr
    repo = make_repo(tmp_path / "repo")
    bad = run_cli("history", "--since", "not-a-rev", cwd=repo.path)
    assert bad.returncode == 2 and "--since 'not-a-rev'" in bad.stderr


def test_trend_without_notebooks(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "x\n")
    repo.commit("readme")
    shown = run_cli("trend", cwd=repo.path)
    assert shown.returncode == 0
    assert "No notebooks or .py files in 1 commit of history" in shown.stdout


def _notebook_column(trend_output: str) -> list[str]:
    table = trend_output.split("Per notebook (busiest first)")[1]
    table = re.split(r"Biggest improvements|Every score change", table)[0]
    return [line.split()[0] for line in table.splitlines()[2:] if line.strip()]


def test_trend_shows_a_py_percent_twin_as_its_notebook(tmp_path: Path) -> None:
    """A repository paired by `nbcoach init` + `nbcoach sync`: a twin is no notebook of its
    own (its notebook stands for both) and is not counted as a file."""
    repo = paired_repo(tmp_path / "repo")
    wide = {"COLUMNS": "120"}
    shown = run_cli("trend", cwd=repo.path, env=wide)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert out.startswith(
        "Score trends: 5 files at HEAD (2 py:percent twins counted with their notebooks), "
        "5 commits, 2024-01-01 to 2024-01-05"
    )
    assert sorted(_notebook_column(out)) == [
        "archive/churn/report.py",
        "notebooks/clean.ipynb",
        "notebooks/newcomer.ipynb",
        "src/churn/newcomer.py",
        "src/churn/report.py",
    ]
    assert "(s)" not in out

    twin = run_cli("trend", "notebooks/newcomer.py", cwd=repo.path, env=wide)
    assert twin.returncode == 0, twin.stderr
    assert _notebook_column(twin.stdout) == ["notebooks/newcomer.ipynb"]  # it stands for both


def test_history_summary_counts_twin_versions_on_one_line(tmp_path: Path) -> None:
    """Twins are not listed one by one as not compared: a paired repository changes them in
    most commits, and the list would hide the versions that were really not compared."""
    repo = paired_repo(tmp_path / "repo")
    walked = run_cli("history", cwd=repo.path)
    assert walked.returncode == 0, walked.stderr
    summary = walked.stdout
    assert "5 commits on the first-parent line, 5 new; 5 notebooks and .py files at HEAD" in summary
    assert "\n  5 py:percent twin versions counted with their notebooks" in summary
    assert "not compared" not in summary and "(s)" not in summary


def test_sparkline_scales_to_the_series_and_marks_gaps() -> None:
    assert sparkline([10.0, 20.0, None, 30.0]) == "▁▅·█"
    assert sparkline([50.0, 50.0]) == "▄▄"
    assert sparkline([None]) == "·"
    # a tenth of a point is no swing: drawn within a letter's band, not the chart's height
    small = sparkline([87.5, 87.4, 87.5, 87.45])
    assert len(set(small)) <= 2 and "▁" not in small and "█" not in small


def test_trend_of_named_files_lists_every_change_with_its_commit_and_date(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.notebook("nb/churn.ipynb", MESSY)
    inlined = repo.commit("inline again", CAROL)
    shown = run_cli("trend", "nb/churn.ipynb", cwd=repo.path)
    assert shown.returncode == 0, shown.stderr
    listed = shown.stdout.split("Every score change")[1].split("Not compared")[0]
    rows = [line.split() for line in listed.splitlines()[1:] if line.strip()]
    assert len(rows) == 2  # the split (up), then the inline (down); the coverage drop is not one
    assert float(rows[0][0]) > 0 > float(rows[1][0])
    assert rows[1][1:4] == ["nb/churn.ipynb", inlined[:10], "2024-01-04"]
    assert "Biggest improvements" not in shown.stdout


def test_authors_whose_merged_changes_moved_nothing_are_counted_not_listed() -> None:
    from nbcoach.cli.console import capture
    from nbcoach.history.series import AuthorStats
    from nbcoach.render.trend import _authors

    stats = [
        AuthorStats("Jake", "jake@example.org", commits=20, added=22),
        AuthorStats("Merged Only", "merged@example.org"),  # a branch merged with no change
        AuthorStats("Broke Parsing", "drop@example.org", coverage_drops=1),
    ]
    text = capture(_authors(stats))
    assert "Jake" in text and "Broke Parsing" in text and "Merged Only" not in text
    assert "1 more author of merged changes that moved no score" in text
