"""`update_history` over real git repositories made here (fixed authors and dates)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import nbformat
import pytest

from history_helpers import ADA, BOB, CAROL, CLEAN, MESSY, GitRepo, long_function
from nbcoach.core.errors import UsageError
from nbcoach.history import HistoryOptions, load_history, update_history
from nbcoach.history.series import author_stats, marked_versions, team_series
from nbcoach.history.store import FILE_NAME, SCHEMA_VERSION
from nbcoach.workflow.commitsize import measure_staged
from nbcoach.workflow.sync import pair_notebooks, sync
from ruff_on_path import RuffOnPath
from support import run_cli

MAGIC_BROKEN = [c.replace("    for row in rows:", "    %time for row in rows:") for c in MESSY]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def versions_of(history, path):  # type: ignore[no-untyped-def]
    lineage = next(v.lineage for v in history.versions if v.path == path)
    return [v for v in history.versions if v.lineage == lineage]


def test_incremental_runs_read_only_new_commits(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("add a")
    repo.notebook("b.ipynb", ["x = 1", "print(x)"])
    repo.commit("add b", BOB)
    first = update_history(repo.path)
    assert (first.commits, first.new_commits, first.analysed, first.files) == (2, 2, 2, 2)

    again = update_history(repo.path)
    assert (again.new_commits, again.analysed, again.reused) == (0, 0, 0)

    repo.notebook("a.ipynb", CLEAN)
    repo.commit("split analyse", BOB)
    third = update_history(repo.path)
    assert (third.commits, third.new_commits, third.analysed) == (3, 1, 1)

    incremental = load_history(repo.path)
    update_history(repo.path, HistoryOptions(rebuild=True))
    rebuilt = load_history(repo.path)
    assert incremental.commits == rebuilt.commits
    assert incremental.versions == rebuilt.versions


def test_store_is_git_ignored_sqlite_with_a_schema_version(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("add a")
    result = update_history(repo.path)
    store = repo.path / ".nbcoach" / FILE_NAME
    assert Path(result.store) == store
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # git ignores the store, and the folder's .gitignore ignores itself: status stays clean
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""


def test_scores_are_the_scores_report_gives(repo: GitRepo) -> None:
    repo.notebook("analysis/messy.ipynb", MESSY)
    repo.write("pyproject.toml", "[tool.nbcoach]\nignore = ['late-import']\n")
    repo.write("helpers.py", "import os\n\n\ndef f(a, b, c, d, e, f, g):\n    return a\n")
    repo.commit("add")
    repo.notebook("analysis/messy.ipynb", [*MESSY, "import sys", "unused = 1"])
    repo.commit("edit")
    update_history(repo.path)
    history = load_history(repo.path)
    report = run_cli("report", "--format", "json", "--no-cache", ".", cwd=repo.path)
    assert report.returncode == 0, report.stderr
    expected = {n["path"]: n["score"] for n in json.loads(report.stdout)["notebooks"]}
    latest = {v.path: history.blobs[v.key].score for v in history.versions}
    assert expected == {
        "analysis/messy.ipynb": latest["analysis/messy.ipynb"],
        "helpers.py": latest["helpers.py"],
    }


def test_renames_keep_the_notebook_lineage(repo: GitRepo) -> None:
    repo.notebook("draft.ipynb", MESSY)
    repo.commit("draft")
    repo.git("mv", "draft.ipynb", "churn.ipynb")
    repo.commit("name it", BOB)
    repo.notebook("churn.ipynb", [*MESSY, "print('moved')"])
    (repo.path / "notebooks").mkdir()
    repo.git("mv", "churn.ipynb", "notebooks/churn.ipynb")
    repo.commit("move and edit", CAROL)
    repo.notebook("notebooks/churn.ipynb", CLEAN)
    repo.commit("refactor", CAROL)
    update_history(repo.path)
    history = load_history(repo.path)
    chain = versions_of(history, "draft.ipynb")
    assert [(v.change, v.path, v.old_path) for v in chain] == [
        ("A", "draft.ipynb", ""),
        ("R", "churn.ipynb", "draft.ipynb"),
        ("R", "notebooks/churn.ipynb", "churn.ipynb"),
        ("M", "notebooks/churn.ipynb", ""),
    ]
    assert history.latest_paths() == {chain[0].lineage: "notebooks/churn.ipynb"}
    assert chain[1].delta == 0.0 and chain[1].lines_added == 0  # a pure rename changes no code
    # a new cell: its start and its line, as `nbcoach commit-size` counts it
    assert chain[2].lines_added == 2 and chain[2].cells_changed == 1
    assert chain[3].delta is not None and chain[3].delta > 10  # the refactoring counts, to Carol
    assert chain[3].author == CAROL[0]


def test_rename_out_of_scope_is_a_deletion_and_a_restore_continues(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("add")
    repo.git("mv", "a.ipynb", "a.ipynb.bak")
    repo.commit("park it")
    repo.git("mv", "a.ipynb.bak", "a.ipynb")
    repo.commit("bring it back")
    update_history(repo.path)
    history = load_history(repo.path)
    assert [(v.change, v.mark) for v in versions_of(history, "a.ipynb")] == [
        ("A", "new"),
        ("D", "deleted"),
        ("A", "new"),
    ]
    assert [p.files for p in team_series(history)] == [1, 0, 1]


def test_magic_only_change_that_breaks_parsing_is_marked_not_a_win(repo: GitRepo) -> None:
    repo.notebook("model.ipynb", MESSY)
    repo.commit("model", ADA)
    repo.notebook("model.ipynb", MAGIC_BROKEN)
    repo.commit("time the loop", BOB)
    repo.notebook("model.ipynb", [*MESSY, "print('done')"])
    repo.commit("undo the magic, add a cell", CAROL)
    update_history(repo.path)
    history = load_history(repo.path)
    first, broken, fixed = versions_of(history, "model.ipynb")
    before, hidden = history.blobs[first.key], history.blobs[broken.key]
    # The trap wily falls into (the hidden cell makes the score jump) is closed twice: the unparsed
    # lines score zero, and history marks the version instead of comparing it.
    assert hidden.score is not None and before.score is not None and hidden.score < before.score
    assert (hidden.python_cells, hidden.analysed_cells) == (4, 3)
    assert broken.mark == "coverage-drop" and broken.delta is None
    assert broken.effective == first.key  # the old grade stands for the file
    assert team_series(history)[1].score == before.score
    assert fixed.mark == "" and fixed.delta == round(
        history.blobs[fixed.key].score - before.score, 1
    )
    bob = next(a for a in author_stats(history) if a.name == BOB[0])
    assert (bob.improvements, bob.score_change, bob.coverage_drops) == (0, 0.0, 1)


def test_per_author_attribution(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.notebook("b.ipynb", CLEAN)
    repo.commit("start", ADA)
    repo.notebook("a.ipynb", CLEAN)
    repo.commit("split the long function", BOB)
    repo.notebook("b.ipynb", MESSY)
    repo.commit("inline everything", CAROL)
    update_history(repo.path)
    history = load_history(repo.path)
    stats = {a.name: a for a in author_stats(history)}
    gain = (
        history.blobs[versions_of(history, "a.ipynb")[1].key].score
        - history.blobs[versions_of(history, "a.ipynb")[0].key].score
    )
    assert gain > 0
    assert stats[BOB[0]].score_change == round(gain, 1) and stats[BOB[0]].improvements == 1
    assert stats[CAROL[0]].score_change == -round(gain, 1) and stats[CAROL[0]].regressions == 1
    assert stats[ADA[0]].score_change == 0 and stats[ADA[0]].added == 2
    assert [a.name for a in author_stats(history)] == [BOB[0], ADA[0], CAROL[0]]


def test_merge_commits_credit_the_branch_authors(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("start", ADA)
    repo.git("checkout", "-q", "-b", "feature")
    repo.notebook("a.ipynb", CLEAN)
    repo.commit("refactor on a branch", BOB)
    repo.git("checkout", "-q", "main")
    repo.notebook("c.ipynb", ["y = 2"])
    repo.commit("unrelated work", CAROL)
    repo.git(
        "merge", "-q", "--no-ff", "feature", "-m", "merge feature", date="2024-01-09T09:00:00+00:00"
    )
    update_history(repo.path)
    history = load_history(repo.path)
    assert [c.subject for c in history.commits] == ["start", "unrelated work", "merge feature"]
    merge = history.commits[-1]
    assert merge.is_merge and not merge.big_bang
    [merged] = [v for v in history.versions if v.seq == merge.seq]
    assert (
        merged.path == "a.ipynb" and merged.author == BOB[0] and merged.delta and merged.delta > 0
    )
    stats = {a.name: a for a in author_stats(history)}
    assert stats[BOB[0]].improvements == 1 and stats[BOB[0]].commits == 0  # not on the line
    assert stats[ADA[0]].commits == 1  # merging is not a commit habit


def test_unreadable_version_is_marked(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("add")
    text = (repo.path / "a.ipynb").read_text()
    repo.write("a.ipynb", "<<<<<<< HEAD\n" + text + "=======\n{}\n>>>>>>> other\n")
    repo.commit("oops, conflict committed")
    update_history(repo.path)
    history = load_history(repo.path)
    first, conflict = versions_of(history, "a.ipynb")
    assert conflict.mark == "unreadable" and conflict.delta is None
    assert "merge-conflict" in history.blobs[conflict.key].reason
    assert conflict.effective == first.key


def test_a_notebook_never_graded_is_not_listed_as_not_compared(repo: GitRepo) -> None:
    # a markdown-only notebook (a book's introduction) edited in many commits listed each
    # version "not compared (skipped)", as if a comparison had been lost
    repo.notebook("intro.ipynb", [("markdown", "# Intro")])
    repo.notebook("a.ipynb", MESSY)
    repo.commit("add")
    repo.notebook("intro.ipynb", [("markdown", "# Introduction")])
    repo.write("b.ipynb", "{not json")
    repo.commit("retitle, and a broken notebook")
    result = update_history(repo.path)
    assert [(v.path, v.mark) for v, _ in result.marked] == [("b.ipynb", "unreadable")]


def test_a_coverage_rise_is_listed_as_not_compared_and_never_credited(repo: GitRepo) -> None:
    # break a cell, edit, fix it: crediting the fix would pay for a breakage never debited
    repo.notebook("a.ipynb", CLEAN)
    repo.commit("clean")
    repo.notebook("a.ipynb", [*CLEAN, "print 'debug'"])
    repo.commit("a Python 2 line")
    edited = [CLEAN[0] + "\n# a note", *CLEAN[1:]]
    repo.notebook("a.ipynb", [*edited, "print 'debug'"])
    repo.commit("an edit, the same cells")  # coverage as before: the comparison point moves on
    repo.notebook("a.ipynb", [*edited, "print('debug')"])
    repo.commit("fixed")
    result = update_history(repo.path)  # `history` lists what `trend` lists
    assert [v.mark for v, _ in result.marked] == ["coverage-drop", "coverage-rise"]
    history = load_history(repo.path)
    assert [v.mark for v in versions_of(history, "a.ipynb")][-1] == "coverage-rise"
    assert sum(a.score_change for a in author_stats(history)) == 0
    assert [c.version.mark for c in marked_versions(history)] == ["coverage-drop", "coverage-rise"]


def test_repository_without_notebooks(repo: GitRepo) -> None:
    repo.write("README.md", "# nothing to grade\n")
    repo.commit("readme")
    result = update_history(repo.path)
    assert (result.commits, result.files, result.analysed) == (1, 0, 0)
    history = load_history(repo.path)
    assert [p.score for p in team_series(history)] == [None]


def test_repository_with_one_commit(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("only commit")
    result = update_history(repo.path)
    assert (result.commits, result.files, result.analysed) == (1, 1, 1)
    history = load_history(repo.path)
    [point] = team_series(history)
    assert point.score == history.blobs[history.versions[0].key].score


def test_repository_without_commits(repo: GitRepo) -> None:
    result = update_history(repo.path)
    assert result.commits == 0 and "no commits yet" in result.notes[0]


def test_rewritten_history_replaces_the_stale_commits(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("add")
    repo.notebook("a.ipynb", [*MESSY, "x = 1"])
    repo.commit("edit")
    update_history(repo.path)
    repo.notebook("a.ipynb", CLEAN)
    repo.git(
        "commit", "-q", "-a", "--amend", "-m", "edit, amended", date="2024-01-05T09:00:00+00:00"
    )
    result = update_history(repo.path)
    assert result.new_commits == 1 and any("rewritten" in note for note in result.notes)
    history = load_history(repo.path)
    assert [c.subject for c in history.commits] == ["add", "edit, amended"]
    assert history.commits[-1].sha == repo.git("rev-parse", "HEAD")


def test_since_a_commit_or_a_date_starts_from_that_state(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("one")
    second = repo.commit("two (empty)")
    repo.notebook("a.ipynb", CLEAN)
    repo.commit("three")
    update_history(repo.path, HistoryOptions(since=second))
    history = load_history(repo.path)
    assert [(c.subject, c.base) for c in history.commits] == [
        ("two (empty)", True),
        ("three", False),
    ]
    assert [v.change for v in history.versions] == ["=", "M"]
    assert history.versions[1].delta is not None and history.versions[1].delta > 0
    update_history(repo.path, HistoryOptions(since="2024-01-03"))
    assert [c.subject for c in load_history(repo.path).commits] == ["two (empty)", "three"]
    update_history(repo.path)  # no --since: keeps where the store starts
    assert len(load_history(repo.path).commits) == 2
    with pytest.raises(UsageError, match="neither a commit"):
        update_history(repo.path, HistoryOptions(since="last tuesday-ish"))


def test_newer_store_schema_is_refused_older_is_rebuilt(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("add")
    update_history(repo.path)
    store = repo.path / ".nbcoach" / FILE_NAME
    with sqlite3.connect(store) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(UsageError, match="newer nbcoach"):
        update_history(repo.path)
    store.write_bytes(b"not a database at all" * 100)
    result = update_history(repo.path)
    assert result.new_commits == 1 and "could not be read" in result.notes[0]


def test_not_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not inside a git repository"):
        update_history(tmp_path)


def test_big_bang_commits_are_flagged_by_code_lines(repo: GitRepo) -> None:
    repo.notebook("small.ipynb", ["x = 1"])
    repo.commit("small start")
    repo.notebook("big.ipynb", [long_function("giant", 420)])
    repo.commit("everything at once", BOB)
    repo.notebook("big.ipynb", [long_function("giant", 420), "print(giant([]))"])
    repo.commit("one more line", BOB)
    update_history(repo.path)
    history = load_history(repo.path)
    # the giant: its def, two set-up lines, 140 x 3 loop-body lines and its return
    giant_lines = 1 + 2 + 420 + 1
    assert len(long_function("giant", 420).splitlines()) == giant_lines
    assert [(c.lines_added, c.big_bang) for c in history.commits] == [
        (2, False),  # a cell: its start and its line, as commit-size counts
        (history.commits[1].lines_added, True),
        (2, False),
    ]
    bob = next(a for a in author_stats(history) if a.name == BOB[0])
    assert (bob.commits, bob.big_bang) == (2, 1)


def test_a_py_percent_twin_is_graded_with_its_notebook(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.write("a.py", "# %%\nimport json\n\n# %%\nprint(json)\n")
    repo.write("tool.py", "def f():\n    return 1\n")
    repo.commit("pair")
    update_history(repo.path)
    history = load_history(repo.path)
    marks = {v.path: v.mark for v in history.versions}
    assert marks == {"a.ipynb": "new", "a.py": "paired", "tool.py": "new"}
    assert team_series(history)[0].files == 2


def test_a_configuration_edit_between_two_runs_in_one_process_is_used(repo: GitRepo) -> None:
    """A long-lived process (a kernel, a test session) runs history twice with a pyproject edit
    in between: the second run grades with the new configuration, as a fresh `report` does."""
    repo.write(
        "tool.py",
        'def f(a, b, c, d):\n    """Add."""\n    return a + b + c + d\n\n\nprint(f(1, 2, 3, 4))\n',
    )
    repo.commit("add")
    update_history(repo.path)
    before = load_history(repo.path)
    repo.write("pyproject.toml", "[tool.nbcoach.thresholds]\nparameters = 2\n")
    result = update_history(repo.path)
    after = load_history(repo.path)
    assert result.analysed == 1 and any("graded again" in note for note in result.notes)
    old_score = before.blobs[before.versions[0].key].score
    new_score = after.blobs[after.versions[0].key].score
    assert old_score == 100.0 and new_score is not None and new_score < old_score
    report = run_cli("report", "--format", "json", "--no-cache", "tool.py", cwd=repo.path)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["notebooks"][0]["score"] == new_score


def _edit_cell(notebook: Path, cell: int, source: str) -> None:
    document = nbformat.read(notebook, as_version=4)
    document.cells[cell].source = source
    nbformat.write(document, notebook)


def test_a_py_percent_twin_counts_once_in_commit_sizes(repo: GitRepo) -> None:
    """A paired commit is measured as `nbcoach commit-size` measures it staged: the notebook
    and its twin are one file, its lines and functions counted once (not 12 functions: no big
    bang)."""
    functions = [long_function(f"step{i}", 30) for i in range(6)]
    notebook = repo.notebook("x.ipynb", functions)
    pair_notebooks([str(notebook)])
    repo.git("add", "-A")
    staged = measure_staged(repo.path)
    repo.commit("paired notebook")
    _edit_cell(notebook, 0, functions[0].replace("total = 0", "total = 1"))
    sync([str(notebook)])
    repo.commit("edit one function, synced")
    twin = repo.path / "x.py"
    twin.write_text(twin.read_text().replace("total = 0", "total = 2", 1))
    repo.commit("edit the twin alone")
    repo.git("rm", "-q", "x.ipynb", "x.py")
    repo.commit("drop the pair")
    update_history(repo.path)
    history = load_history(repo.path)
    sizes = [
        (c.touched, c.functions_changed, c.lines_added, c.lines_removed, c.big_bang)
        for c in history.commits
    ]
    twin_versions = versions_of(history, "x.py")
    assert [v.mark for v in twin_versions] == ["paired", "paired", "paired", "deleted"]
    # six functions, each its def, two set-up lines, 30 loop-body lines and its return, each in
    # a cell of its own whose start counts as a line (as commit-size counts a new cell)
    added = 6 * (1 + 2 + 30 + 1) + 6
    assert sum(len(function.splitlines()) for function in functions) + len(functions) == added
    assert versions_of(history, "x.ipynb")[0].lines_added == added
    assert (staged.notebooks, staged.functions) == (1, 6)
    assert sizes == [
        (1, 6, added, 0, False),  # the pair once; with the twin: 12 functions, a big bang
        (1, 1, 1, 1, False),
        (1, 1, 1, 1, False),  # a twin changed without its notebook counts on its own
        (1, 6, 0, added, False),  # deleting the pair: its functions once
    ]


def test_a_twin_changed_with_its_notebook_is_never_graded(repo: GitRepo) -> None:
    """`report` skips a py:percent twin, so history decides the pairing before grading (from
    the twin's content and its notebook in the same commit) instead of grading it and throwing
    the grade away. A plain script beside a notebook is no twin; a former twin is graded again
    when it changes on its own, and sized against its old side graded then."""
    functions = [long_function(f"step{i}", 30) for i in range(6)]
    notebook = repo.notebook("x.ipynb", functions)
    pair_notebooks([str(notebook)])
    repo.notebook("y.ipynb", ["print(1)"])
    repo.write("y.py", "print('exported by hand')\n")
    repo.commit("a pair, and a notebook beside a plain script")
    _edit_cell(notebook, 0, functions[0].replace("total = 0", "total = 1"))
    sync([str(notebook)])
    repo.commit("edit one function, synced")
    repo.git("rm", "-q", "x.ipynb")
    twin = repo.path / "x.py"
    twin.write_text(twin.read_text().replace("total = 0", "total = 2", 1))
    repo.commit("keep only the script, edit it")
    result = update_history(repo.path)
    history = load_history(repo.path)
    x_py = versions_of(history, "x.py")
    assert [v.mark for v in x_py] == ["paired", "paired", "new"]
    assert [v.mark for v in versions_of(history, "y.py")] == ["new"]
    for version in x_py[:2]:
        facts = history.blobs[version.key]
        assert (facts.status, facts.reason) == ("skipped", "paired with x.ipynb; graded there")
    # graded: x.ipynb twice, y.ipynb, y.py, x.py on its own and its old side (a twin until then)
    assert (result.analysed, result.paired) == (6, 2)
    assert (x_py[2].functions_changed, x_py[2].lines_added, x_py[2].lines_removed) == (1, 1, 1)


def test_upgrading_a_ruff_found_on_path_grades_again(repo: GitRepo, tmp_path: Path) -> None:
    """History keys its grades by the same ruff identity as the report's cache: the ruff that
    lints, here the one on PATH."""
    ruff = RuffOnPath(tmp_path / "tools")
    repo.write("tool.py", 'import os\n\n\ndef f(x):\n    """Same."""\n    return x\n\n\nf(1)\n')
    repo.commit("add")
    first = run_cli("history", cwd=repo.path, env=ruff.env)
    assert first.returncode == 0, first.stderr
    before = load_history(repo.path)
    ruff.upgrade()
    second = run_cli("history", cwd=repo.path, env=ruff.env)
    assert second.returncode == 0, second.stderr
    after = load_history(repo.path)
    assert "every version is graded again" in second.stdout
    assert before.blobs[before.versions[0].key].findings == 1
    assert after.blobs[after.versions[0].key].findings == 0


# --- real clones: shallow, missing objects, one person under two spellings --------------------


def _history_of(repo: GitRepo) -> list[tuple[str, str]]:
    """(author, path) of every graded version, oldest first."""
    return [(v.author, v.path) for v in load_history(repo.path).versions]


def test_a_shallow_clone_is_warned_with_the_fix(repo: GitRepo, tmp_path: Path) -> None:
    for day in range(3):
        repo.notebook("a.ipynb", [*MESSY, f"print({day})"])
        repo.commit(f"day {day}")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow)], check=True
    )
    done = run_cli("history", cwd=shallow)
    assert done.returncode == 0, done.stderr
    assert "this clone is shallow: history sees only the 1 commit it fetched" in done.stdout
    assert "git fetch --unshallow" in done.stdout and "fetch-depth: 0" in done.stdout
    full = run_cli("history", cwd=repo.path)
    assert "this clone is shallow" not in full.stdout


def test_a_missing_object_costs_only_the_versions_that_need_it(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.notebook("b.ipynb", CLEAN)
    repo.commit("both")
    lost = repo.git("rev-parse", "HEAD:a.ipynb")
    repo.notebook("a.ipynb", [*MESSY, "print('v2')"])
    repo.git("mv", "b.ipynb", "renamed.ipynb")
    repo.commit("edit a, rename b")
    # the first version of a.ipynb is gone from the object store, as in a damaged clone
    (repo.path / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    done = run_cli("history", cwd=repo.path)
    assert done.returncode == 0, done.stderr
    history = load_history(repo.path)
    facts = {v.path: history.blobs[v.key] for v in history.versions}
    assert facts["renamed.ipynb"].status == "ok"  # the other notebook is graded as usual
    first_a = next(v for v in history.versions if v.path == "a.ipynb")
    assert history.blobs[first_a.key].status == "error"
    assert "missing from this clone" in history.blobs[first_a.key].reason


def test_authors_are_merged_with_the_mailmap(repo: GitRepo) -> None:
    repo.notebook("a.ipynb", MESSY)
    repo.commit("first", ("Ada L", "ada@old.example.com"))
    repo.notebook("a.ipynb", CLEAN)
    repo.commit("second", ADA)
    repo.write(".mailmap", f"{ADA[0]} <{ADA[1]}> <ada@old.example.com>\n")
    repo.commit("mailmap")
    update_history(repo.path)
    assert {author for author, _ in _history_of(repo)} == {ADA[0]}


def test_a_file_that_was_never_graded_is_not_listed_as_not_compared(repo: GitRepo) -> None:
    """A markdown-only notebook is skipped in every version: nothing was lost. A notebook that
    was graded and then lost its code is listed: that version could not be compared."""
    from nbcoach.history.series import marked_versions

    repo.notebook("notes.ipynb", [("markdown", "# Notes")])
    repo.notebook("a.ipynb", ["x = 1", "print(x)"])
    repo.commit("add notes and a")
    repo.notebook("notes.ipynb", [("markdown", "# Notes\n\nmore")])
    repo.notebook("a.ipynb", [("markdown", "# the code moved out")])
    repo.commit("edit notes, empty a")
    update_history(repo.path, HistoryOptions())
    history = load_history(repo.path)
    listed = [(m.version.path, m.version.mark) for m in marked_versions(history)]
    assert listed == [("a.ipynb", "skipped")]
    marks = [mark for point in team_series(history) for mark in point.marks]
    assert marks == ["a.ipynb: skipped"]
