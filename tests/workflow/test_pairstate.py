"""Which side of a pair was edited since the last sync: recorded digests, then HEAD, never mtimes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import Repo
from nbcoach.workflow.pairstate import pair_status
from nbcoach.workflow.sync import SyncOptions, pair_notebooks, sync


def _edit_text(text: Path, old: str, new: str) -> None:
    content = text.read_text()
    assert old in content
    text.write_text(content.replace(old, new))


def _edit_notebook(notebook: Path, old: str, new: str) -> None:
    import nbformat

    document = nbformat.read(notebook, as_version=4)
    for cell in document.cells:
        cell.source = cell.source.replace(old, new)
    nbformat.write(document, notebook)


def test_each_state(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1", "y = 2"])
    text = notebook.with_suffix(".py")
    assert pair_status(notebook).state == "unpaired"
    pair_notebooks([str(notebook)])
    assert pair_status(notebook).state == "in-sync"

    _edit_notebook(notebook, "x = 1", "x = 10")
    status = pair_status(notebook)
    assert status.state == "notebook-newer" and status.text == text
    sync([str(notebook)])
    assert "x = 10" in text.read_text() and pair_status(notebook).in_sync

    _edit_text(text, "y = 2", "y = 20")
    assert pair_status(notebook).state == "text-newer"
    sync([str(text)])  # either side names the pair
    assert pair_status(notebook).in_sync

    _edit_text(text, "y = 20", "y = 200")
    _edit_notebook(notebook, "x = 10", "x = 100")
    status = pair_status(notebook)
    assert status.state == "both-changed"
    assert "both sides were edited" in status.reason


def test_both_changed_refuses_and_writes_nothing(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1"])
    text = notebook.with_suffix(".py")
    pair_notebooks([str(notebook)])
    _edit_text(text, "x = 1", "x = 2")
    _edit_notebook(notebook, "x = 1", "x = 3")
    before = (notebook.read_bytes(), text.read_bytes())
    [result] = sync([str(notebook)])
    assert result.outcome == "refused"
    assert "--prefer notebook" in result.message and "--diff" in result.message
    assert (notebook.read_bytes(), text.read_bytes()) == before

    [resolved] = sync([str(notebook)], SyncOptions(prefer="text"))
    assert resolved.outcome == "updated"
    assert '"x = 2"' in notebook.read_text()
    assert pair_status(notebook).in_sync


def test_timestamps_do_not_decide(make_notebook: Callable[..., Path]) -> None:
    """jupytext's --sync trusts mtimes; a checkout or a copy makes them lie. We do not."""
    notebook = make_notebook(["x = 1"])
    text = notebook.with_suffix(".py")
    pair_notebooks([str(notebook)])
    _edit_text(text, "x = 1", "x = 2")
    os.utime(notebook, (4_000_000_000, 4_000_000_000))  # the notebook "looks" newest
    assert pair_status(notebook).state == "text-newer"


def test_a_jupytext_upgrade_is_not_an_edit(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1"])
    text = notebook.with_suffix(".py")
    pair_notebooks([str(notebook)])
    content = text.read_text()
    assert "jupytext_version:" in content
    text.write_text(
        "\n".join(
            "#       jupytext_version: 1.14.0" if "jupytext_version" in line else line
            for line in content.split("\n")
        )
    )
    assert pair_status(notebook).in_sync


def test_a_fresh_clone_uses_the_committed_pair_as_the_last_sync(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    repo = Repo(tmp_path / "repo")
    notebook = make_notebook(["x = 1"], name="repo/analysis.ipynb")
    pair_notebooks([str(notebook)])
    repo.git("add", "analysis.ipynb", "analysis.py")
    repo.commit("paired")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", str(repo.path), str(clone))  # raises if the clone fails
    assert (clone / "analysis.py").read_text() == (repo.path / "analysis.py").read_text()
    assert not (clone / ".nbcoach").exists()  # no local record in a clone
    _edit_text(clone / "analysis.py", "x = 1", "x = 5")
    assert pair_status(clone / "analysis.ipynb").state == "text-newer"
    _edit_notebook(clone / "analysis.ipynb", "x = 1", "x = 6")
    assert pair_status(clone / "analysis.ipynb").state == "both-changed"


def test_no_record_and_no_commit_means_both_changed(make_notebook: Callable[..., Path]) -> None:
    """Without any record of a last sync we cannot know which side is newer: never guess."""
    notebook = make_notebook(["x = 1"], jupytext={"formats": "ipynb,py:percent"})
    text = notebook.with_suffix(".py")
    text.write_text("# %%\nx = 2\n")
    status = pair_status(notebook)
    assert status.state == "both-changed"
    assert "no record" in status.reason


def test_a_missing_side_is_created(make_notebook: Callable[..., Path]) -> None:
    notebook = make_notebook(["x = 1"], jupytext={"formats": "ipynb,py:percent"})
    assert pair_status(notebook).state == "notebook-newer"
    [result] = sync([str(notebook)])
    assert result.outcome == "updated"
    notebook.unlink()
    assert pair_status(notebook).state == "text-newer"
    sync([str(notebook.with_suffix(".py"))])
    assert notebook.exists() and pair_status(notebook).in_sync


def _committed_pair(tmp_path: Path, make_notebook: Callable[..., Path]) -> tuple[Repo, Path]:
    repo = Repo(tmp_path / "repo")
    notebook = make_notebook(["x = 1"], name="repo/analysis.ipynb")
    pair_notebooks([str(notebook)])
    repo.git("add", "analysis.ipynb", "analysis.py")
    repo.commit("paired")
    return repo, notebook


def test_in_a_commit_a_side_back_at_head_is_behind_the_last_sync(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    """`nbcoach sync` after a notebook edit, then only the notebook staged: the index's .py is
    the committed one, which is behind the sync, not an edit made after it."""
    repo, notebook = _committed_pair(tmp_path, make_notebook)
    _edit_notebook(notebook, "x = 1", "x = 2")
    sync([str(notebook)])
    repo.git("add", "analysis.ipynb")
    status = pair_status(notebook, staged=True)
    assert status.state == "notebook-newer", status.reason
    assert status.reason == "analysis.ipynb is as last synced; analysis.py is as committed"
    assert pair_status(notebook).in_sync  # the working files agree


def test_after_an_undo_to_head_the_next_edit_wins(
    tmp_path: Path, make_notebook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit blocked after its sync, both sides put back with `git restore`: the record still
    holds the blocked edit, so the next edit differs from it on both sides. The side that is as
    committed was not edited; the other one wins."""
    repo, notebook = _committed_pair(tmp_path, make_notebook)
    text = notebook.with_suffix(".py")
    _edit_notebook(notebook, "x = 1", "x = 2")
    sync([str(notebook)])  # as the blocked commit's hook did
    repo.git("restore", "analysis.ipynb", "analysis.py")
    _edit_notebook(notebook, "x = 1", "x = 3")
    status = pair_status(notebook)
    assert status.state == "notebook-newer", status.reason
    monkeypatch.chdir(repo.path)  # messages name paths from where the command runs
    [result] = sync([str(notebook)])
    assert result.message == (
        "wrote analysis.py from analysis.ipynb "
        "(analysis.ipynb was edited; analysis.py is as committed)"
    )
    assert "x = 3" in text.read_text()

    # outside a commit, a side deliberately put back to HEAD while the other is as synced is
    # still the newer edit
    repo.git("restore", "analysis.py")
    status = pair_status(notebook)
    assert status.state == "text-newer", status.reason
