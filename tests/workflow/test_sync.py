"""`nbcoach sync --staged` (the hook mode) with real git: it syncs what is staged and stages the
result, so a commit carries a consistent pair in one go."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat

from gitrepo import Repo
from nbcoach.analysis.notebook_json import cell_spans
from nbcoach.workflow.pairstate import pair_status
from nbcoach.workflow.sync import pair_notebooks
from support import EXAMPLES, run_cli


def _paired_repo(tmp_path: Path, make_notebook: Callable[..., Path]) -> tuple[Repo, Path, Path]:
    repo = Repo(tmp_path / "repo")
    notebook = make_notebook(["x = 1", ("markdown", "# Notes")], name="repo/analysis.ipynb")
    pair_notebooks([str(notebook)])
    repo.git("add", ".")
    repo.commit("paired")
    return repo, notebook, notebook.with_suffix(".py")


def _set_source(notebook: Path, cell: int, source: str) -> None:
    document = nbformat.read(notebook, as_version=4)
    document.cells[cell].source = source
    nbformat.write(document, notebook)


def test_a_staged_notebook_edit_updates_and_stages_the_text(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    repo, notebook, _text = _paired_repo(tmp_path, make_notebook)
    _set_source(notebook, 0, "x = 42")
    repo.git("add", "analysis.ipynb")
    result = run_cli("sync", "--staged", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert "wrote analysis.py" in result.stdout and "staged analysis.py" in result.stdout
    assert "x = 42" in repo.show(":analysis.py")
    assert repo.dirty() == []  # nothing left unstaged: pre-commit sees no modification
    assert sorted(repo.staged()) == ["analysis.ipynb", "analysis.py"]


def test_a_staged_text_edit_updates_the_notebook(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    repo, notebook, text = _paired_repo(tmp_path, make_notebook)
    text.write_text(text.read_text().replace("# # Notes", "# # Notes, revised"))
    repo.git("add", "analysis.py")
    result = run_cli("sync", "--staged", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert "Notes, revised" in repo.show(":analysis.ipynb")
    assert repo.dirty() == []
    assert pair_status(notebook).in_sync


def test_unstaged_edits_on_the_other_side_are_never_overwritten(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    repo, notebook, text = _paired_repo(tmp_path, make_notebook)
    _set_source(notebook, 0, "x = 42")
    repo.git("add", "analysis.ipynb")
    text.write_text(text.read_text().replace("x = 1", "x = 7"))  # edited, not staged
    before = text.read_bytes()
    result = run_cli("sync", "--staged", cwd=repo.path)
    assert result.returncode == 2
    assert "analysis.py has unstaged changes" in result.stderr
    assert "git add analysis.py" in result.stderr
    assert text.read_bytes() == before


def test_an_ignored_notebook_is_updated_but_never_staged(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    """jupytext#1442: with *.ipynb in .gitignore its hook demands `git add` of an ignored file
    forever. Here the notebook follows the staged text and nothing asks to stage it."""
    repo = Repo(tmp_path / "repo")
    repo.write(".gitignore", "*.ipynb\n")
    notebook = make_notebook(["x = 1"], name="repo/analysis.ipynb")
    pair_notebooks([str(notebook)])
    text = notebook.with_suffix(".py")
    repo.git("add", ".gitignore", "analysis.py")
    repo.commit("text only")
    text.write_text(text.read_text().replace("x = 1", "x = 3"))
    repo.git("add", "analysis.py")
    result = run_cli("sync", "--staged", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert '"x = 3"' in notebook.read_text()
    assert repo.staged() == ["analysis.py"]
    repo.commit("edit")  # and the commit goes through


def test_a_new_notebook_under_a_jupytext_config_gets_its_pair_staged(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("pyproject.toml", '[tool.jupytext]\nformats = "ipynb,py:percent"\n')
    make_notebook(["print('hello')"], name="repo/notebooks/new.ipynb")
    repo.git("add", ".")
    result = run_cli("sync", "--staged", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert "notebooks/new.py" in repo.staged()
    assert "print('hello')" in repo.show(":notebooks/new.py")


def test_a_missing_input_is_reported_and_the_others_are_synced(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    notebook = make_notebook(["x = 1"], jupytext={"formats": "ipynb,py:percent"})
    result = run_cli("sync", "missing.ipynb", str(notebook), cwd=tmp_path)
    assert result.returncode == 2
    assert "nbcoach: error: missing.ipynb: no such file or directory" in result.stderr
    assert notebook.with_suffix(".py").is_file()


def test_a_sync_not_staged_yet_stops_the_hook_and_nothing_is_lost(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    """Edit the notebook, `nbcoach sync`, stage only the notebook: the staged .py is the
    committed one. Writing the notebook from it would drop the edit; the hook stops instead."""
    repo, notebook, text = _paired_repo(tmp_path, make_notebook)
    _set_source(notebook, 0, "x = 42")
    assert run_cli("sync", cwd=repo.path).returncode == 0
    synced = (notebook.read_bytes(), text.read_bytes())
    repo.git("add", "analysis.ipynb")
    result = run_cli("sync", "--staged", cwd=repo.path)
    assert result.returncode == 2, result.stdout
    assert result.stderr.strip() == (
        "nbcoach: error: analysis.py has unstaged changes (an `nbcoach sync` not staged yet?) "
        "and its pair is staged, so the commit would not hold a consistent pair. Stage it too "
        "(git add analysis.py) or set its changes aside (git stash), then commit again"
    )
    assert (notebook.read_bytes(), text.read_bytes()) == synced
    assert repo.staged() == ["analysis.ipynb"]


def test_the_diff_of_a_refused_pair_shows_both_sides(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    """The both-edited refusal recommends `--diff`: it must show how the sides differ."""
    repo, notebook, text = _paired_repo(tmp_path, make_notebook)
    _set_source(notebook, 0, "x = 42")
    text.write_text(text.read_text().replace("x = 1", "x = 7"))
    refused = run_cli("sync", cwd=repo.path)
    assert refused.returncode == 1 and "--diff" in refused.stderr
    result = run_cli("sync", "--diff", "analysis.ipynb", cwd=repo.path)
    assert result.returncode == 1
    assert "both sides were edited" in result.stderr
    assert "--- analysis.ipynb (cells, as text)\n+++ analysis.py\n" in result.stdout
    assert "\n-x = 42\n+x = 7\n" in result.stdout


def test_diff_writes_nothing_and_exits_1_while_a_change_is_pending(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    """`--diff` is `--check` that shows the change: it never writes (a newcomer saw it write
    the .py it was asked to preview)."""
    notebook = make_notebook(["x = 1"], jupytext={"formats": "ipynb,py:percent"})
    text = notebook.with_suffix(".py")
    before = notebook.read_bytes()
    result = run_cli("sync", "--diff", "notebook.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "notebook.ipynb: would write notebook.py from notebook.ipynb" in result.stdout
    assert "+++ b/notebook.py\n" in result.stdout and "+x = 1\n" in result.stdout
    assert not text.exists() and notebook.read_bytes() == before
    assert not (tmp_path / ".nbcoach").exists()  # not even the sync record
    assert run_cli("sync", "notebook.ipynb", cwd=tmp_path).returncode == 0
    again = run_cli("sync", "--diff", "notebook.ipynb", cwd=tmp_path)
    assert again.returncode == 0 and "in sync with notebook.py" in again.stdout


def test_sync_names_each_side_from_where_it_was_run(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    make_notebook(["x = 1"], name="notebooks/churn.ipynb", jupytext={"formats": "ipynb,py:percent"})
    result = run_cli("sync", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "notebooks/churn.ipynb: wrote notebooks/churn.py from notebooks/churn.ipynb ("
    )
    result = run_cli("sync", cwd=tmp_path)
    assert result.stdout == "notebooks/churn.ipynb: in sync with notebooks/churn.py\n"


def _r_notebook(make_notebook: Callable[..., Path], name: str) -> Path:
    return make_notebook(["x <- c(1, 2)\nprint(mean(x))"], name=name, language="R")


def test_a_notebook_in_another_language_is_skipped_not_written_into_a_py(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    """`nbcoach init`'s [tool.jupytext] pairs every notebook with py:percent; jupytext would
    write R code into a .py that every Python tool then reads as broken Python."""
    (tmp_path / "pyproject.toml").write_text('[tool.jupytext]\nformats = "ipynb,py:percent"\n')
    notebook = _r_notebook(make_notebook, "r_kernel.ipynb")
    make_notebook(["y = 2"], name="python.ipynb")
    result = run_cli("sync", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "r_kernel.ipynb: skipped: kernel language is R; nbcoach pairs Python notebooks with .py "
        "files (to pair it with a script in its own language: "
        "nbcoach pair r_kernel.ipynb --format auto:percent)\n"
    ) in result.stdout
    assert not notebook.with_suffix(".py").exists()
    assert (tmp_path / "python.py").is_file()
    paired = run_cli("pair", "r_kernel.ipynb", cwd=tmp_path)
    assert paired.returncode == 0 and "r_kernel.ipynb: skipped: kernel language is R" in (
        paired.stdout
    )
    assert not notebook.with_suffix(".py").exists()
    explicit = run_cli("pair", "r_kernel.ipynb", "--format", "auto:percent", cwd=tmp_path)
    assert explicit.returncode == 0, explicit.stderr
    assert "paired with r_kernel.R (R:percent, notebook metadata)" in explicit.stdout
    assert "x <- c(1, 2)" in notebook.with_suffix(".R").read_text()
    assert "r_kernel.ipynb: in sync with r_kernel.R" in run_cli("sync", cwd=tmp_path).stdout


def test_pair_names_a_missing_file_and_refuses_an_unknown_format_in_one_line(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    make_notebook(["x = 1"], name="c.ipynb")
    missing = run_cli("pair", "nothere.ipynb", "c.ipynb", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == "nbcoach: error: nothere.ipynb: no such file or directory\n"
    assert "c.ipynb: paired with c.py" in missing.stdout  # the other inputs are still paired
    bad = run_cli("pair", "c.ipynb", "--format", "foo:bar", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("nbcoach: error: --format foo:bar: bar is not a valid format")
    assert len(bad.stderr.splitlines()) == 1  # no traceback
    # what report says of an unreadable notebook, not nbformat's words
    (tmp_path / "cut.ipynb").write_bytes((tmp_path / "c.ipynb").read_bytes()[:40])
    odd = json.loads((tmp_path / "c.ipynb").read_text())
    odd["cells"][0]["source"] = [1, None]
    (tmp_path / "odd.ipynb").write_text(json.dumps(odd))
    unreadable = run_cli("pair", "cut.ipynb", "odd.ipynb", cwd=tmp_path)
    assert unreadable.returncode == 2
    assert unreadable.stderr.splitlines() == [
        "nbcoach: error: cut.ipynb: truncated: the JSON ends unexpectedly at line 4",
        "nbcoach: error: odd.ipynb: cannot read the notebook: cell 1: its source is not text",
    ]


def test_pair_with_another_format_says_it_keeps_the_pairing_and_force_changes_it(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    notebook = make_notebook(["x = 1", "y = 2"], name="clean.ipynb")
    assert run_cli("pair", "clean.ipynb", cwd=tmp_path).returncode == 0
    text = notebook.with_suffix(".py")
    before = (notebook.read_bytes(), text.read_bytes())
    same = run_cli("pair", "clean.ipynb", "--format", "py:percent", cwd=tmp_path)
    assert same.returncode == 0
    assert "already paired with clean.py (py:percent, in-sync)" in same.stdout
    refused = run_cli("pair", "clean.ipynb", "--format", "py:light", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr == (
        "nbcoach: clean.ipynb is already paired with clean.py (py:percent, text header); "
        "nothing was written. To pair it with clean.py (py:light) instead: "
        "nbcoach pair clean.ipynb --format py:light --force\n"
    )
    assert (notebook.read_bytes(), text.read_bytes()) == before
    forced = run_cli("pair", "clean.ipynb", "--format", "py:light", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == (
        "clean.ipynb: re-paired with clean.py (py:light, notebook metadata); "
        "was clean.py (py:percent)\n"
    )
    assert "# %%" not in text.read_text() and "format_name: light" in text.read_text()
    assert pair_status(notebook).in_sync


# --- a sync never rewrites what nobody edited -------------------------------------------------


def _cells_text(notebook: Path) -> list[str]:
    text = notebook.read_text(encoding="utf-8")
    return [text[s.start : s.end] for s in cell_spans(text)]


def test_the_first_pair_writes_only_the_py_and_a_second_sync_writes_nothing(
    tmp_path: Path,
) -> None:
    notebook = tmp_path / "newcomer.ipynb"
    shutil.copy(EXAMPLES / "newcomer.ipynb", notebook)
    before = notebook.read_bytes()
    [paired] = pair_notebooks([str(notebook)])
    assert paired.outcome == "updated" and paired.written == (notebook.with_suffix(".py"),)
    assert notebook.read_bytes() == before  # the pairing is declared by the .py's header
    text = notebook.with_suffix(".py").read_bytes()
    assert "formats: ipynb,py:percent" in text.decode()
    again = run_cli("sync", "newcomer.ipynb", cwd=tmp_path)
    assert again.returncode == 0 and "in sync" in again.stdout
    assert (notebook.read_bytes(), notebook.with_suffix(".py").read_bytes()) == (before, text)
    check = run_cli("sync", "--check", "newcomer.ipynb", cwd=tmp_path)
    assert check.returncode == 0, check.stdout


def test_an_edit_on_the_py_side_changes_exactly_the_cells_it_touched(tmp_path: Path) -> None:
    notebook = tmp_path / "newcomer.ipynb"
    shutil.copy(EXAMPLES / "newcomer.ipynb", notebook)
    pair_notebooks([str(notebook)])
    before_cells, before_text = _cells_text(notebook), notebook.read_text(encoding="utf-8")
    script = notebook.with_suffix(".py")
    text = script.read_text(encoding="utf-8")
    assert "def parse_date(text):" in text
    text = text.replace("def parse_date(text):", "def parse_date(text):  # edited", 1)
    script.write_text(text + "\n# %%\nprint('a cell added in the .py')\n", encoding="utf-8")
    synced = run_cli("sync", "newcomer.py", cwd=tmp_path)
    assert synced.returncode == 0 and "wrote newcomer.ipynb" in synced.stdout, synced.stdout
    after_cells = _cells_text(notebook)
    assert len(after_cells) == len(before_cells) + 1
    changed = [i for i, (a, b) in enumerate(zip(before_cells, after_cells, strict=False)) if a != b]
    edited = next(i for i, cell in enumerate(before_cells) if "def parse_date(text):" in cell)
    assert changed == [edited]  # every other cell's JSON text is byte-identical
    assert '"def parse_date(text):  # edited\\n"' in after_cells[edited]
    assert "outputs" in after_cells[-1] and "a cell added in the .py" in after_cells[-1]
    # the notebook's own formatting: what is outside the cells did not move
    after_text = notebook.read_text(encoding="utf-8")
    assert after_text.endswith(before_text[before_text.rindex("]") :])
    assert after_text.startswith(before_text[: before_text.index(before_cells[0])])
    assert pair_status(notebook).in_sync
    assert run_cli("sync", "newcomer.py", cwd=tmp_path).stdout.count("in sync") == 1


def test_legacy_notebooks_pair_and_sync_in_memory_and_are_written_as_v4_only_when_edited(
    tmp_path: Path, legacy_corpus: Path
) -> None:
    for source in sorted(legacy_corpus.glob("*.ipynb")):
        shutil.copy(source, tmp_path / source.name)
    originals = {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")}
    first = run_cli("pair", *sorted(originals), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stdout + first.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")} == originals
    assert len(list(tmp_path.glob("*.py"))) == len(originals)
    second = run_cli("sync", ".", cwd=tmp_path)
    assert second.stdout.count("in sync") == len(originals), second.stdout
    name = sorted(originals)[0]
    script = (tmp_path / name).with_suffix(".py")
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\nprint('new')\n", "utf-8")
    edited = run_cli("sync", script.name, cwd=tmp_path)
    assert "written as nbformat 4 (it was nbformat 3" in edited.stdout, edited.stdout
    upgraded = nbformat.read(tmp_path / name, as_version=nbformat.NO_CONVERT)
    assert upgraded.nbformat == 4 and upgraded.cells[-1].source == "print('new')"


def test_pair_and_sync_leave_an_excluded_notebook_alone_and_say_so(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.write("pyproject.toml", '[tool.nbcoach]\nexclude = ["scratch/*"]\n')
    (tmp_path / "scratch").mkdir()
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "scratch" / "x.ipynb")
    paired = run_cli("pair", "scratch/x.ipynb", cwd=tmp_path)
    assert "excluded by [tool.nbcoach] exclude (scratch/*)" in paired.stdout + paired.stderr
    assert not (tmp_path / "scratch" / "x.py").exists()
    repo.git("add", ".")
    staged = run_cli("sync", "--staged", cwd=tmp_path)
    assert staged.returncode == 0
    assert "scratch/x.ipynb: excluded by [tool.nbcoach] exclude (scratch/*)" in staged.stdout


def test_pair_takes_a_folder_and_pairs_every_notebook_in_it(tmp_path: Path) -> None:
    import nbformat

    from support import build_notebook, run_cli

    (tmp_path / "notebooks" / "deep").mkdir(parents=True)
    for name in ("notebooks/a.ipynb", "notebooks/deep/b.ipynb"):
        nbformat.write(build_notebook(["x = 1"]), tmp_path / name)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nbcoach]\nexclude = ["notebooks/deep/*"]\n', encoding="utf-8"
    )
    done = run_cli("pair", "notebooks", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "notebooks" / "a.py").is_file()
    assert not (tmp_path / "notebooks" / "deep" / "b.py").exists()
    assert "excluded" in done.stdout + done.stderr


def test_a_deleted_or_moved_notebook_is_not_written_back_from_the_pair_it_left(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    repo, notebook, text = _paired_repo(tmp_path, make_notebook)
    repo.git("mv", "analysis.ipynb", "renamed.ipynb")
    hook = run_cli("sync", "--staged", cwd=repo.path)
    assert hook.returncode == 0, hook.stderr
    assert "moves the notebook but not its pair analysis.py" in hook.stdout
    assert "`git mv analysis.py renamed.py`" in hook.stdout
    repo.commit("renamed, the pair left behind")
    # a folder sync here (where the pair was synced) and in a teammate's fresh clone
    clone = tmp_path / "clone"
    repo.git("clone", "-q", str(repo.path), str(clone))
    for where, why in ((repo.path, "last synced"), (clone, "deleted it")):
        folder = run_cli("sync", ".", cwd=where)
        assert folder.returncode == 0, folder.stderr
        assert "analysis.ipynb: not written again from analysis.py" in folder.stdout, where
        assert why in folder.stdout
        assert not (where / "analysis.ipynb").exists()
    named = run_cli("sync", "analysis.py", cwd=clone)  # naming the .py writes it on purpose
    assert named.returncode == 0, named.stderr
    assert (clone / "analysis.ipynb").is_file()
    assert text.is_file() and not notebook.exists()


def test_a_pair_whose_notebook_was_never_there_gets_its_notebook(tmp_path: Path) -> None:
    # the .py-only clone: jupytext's own workflow, writing the notebook is the point
    repo = Repo(tmp_path / "repo")
    (repo.path / "analysis.py").write_text(
        "# ---\n# jupyter:\n#   jupytext:\n#     formats: ipynb,py:percent\n"
        "#     text_representation:\n#       extension: .py\n#       format_name: percent\n"
        "# ---\n\n# %%\nx = 1\n"
    )
    synced = run_cli("sync", ".", cwd=repo.path)
    assert synced.returncode == 0, synced.stderr
    assert "wrote analysis.ipynb from analysis.py" in synced.stdout
    assert (repo.path / "analysis.ipynb").is_file()


def test_a_commit_deleting_a_paired_notebook_says_its_pair_stays(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    repo, _notebook, _text = _paired_repo(tmp_path, make_notebook)
    repo.git("rm", "-q", "analysis.ipynb")
    hook = run_cli("sync", "--staged", cwd=repo.path)
    assert hook.returncode == 0, hook.stderr
    assert "deletes the notebook but not its pair analysis.py" in hook.stdout
    repo.git("rm", "-q", "analysis.py")
    assert "analysis" not in run_cli("sync", "--staged", cwd=repo.path).stdout


def test_a_notebook_made_by_jupytext_from_a_script_pairs_with_a_header(tmp_path: Path) -> None:
    # `jupytext --to ipynb script.py` leaves notebook_metadata_filter: -all, which dropped the
    # header from the .py nbcoach wrote: `pair` said "paired", `sync` then "not paired"
    document = nbformat.v4.new_notebook()
    document.cells = [nbformat.v4.new_code_cell("x = 1")]
    document.metadata["jupytext"] = {
        "cell_metadata_filter": "-all",
        "notebook_metadata_filter": "-all",
    }
    nbformat.write(document, tmp_path / "made.ipynb")
    assert run_cli("pair", "made.ipynb", cwd=tmp_path).returncode == 0
    assert (tmp_path / "made.py").read_text().startswith("# ---\n# jupyter:\n")
    synced = run_cli("sync", ".", cwd=tmp_path)
    assert synced.stdout == "made.ipynb: in sync with made.py\n", synced.stdout + synced.stderr


def test_sync_says_why_a_notebook_it_cannot_read_is_not_paired(tmp_path: Path) -> None:
    (tmp_path / "cut.ipynb").write_bytes((EXAMPLES / "clean.ipynb").read_bytes()[:700])
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "clean.ipynb")
    synced = run_cli("sync", ".", cwd=tmp_path)
    assert synced.returncode == 2
    assert "cut.ipynb: truncated: the JSON ends unexpectedly" in synced.stderr
    assert "cut.ipynb" not in synced.stdout  # not "not paired; `nbcoach pair` pairs it"
    assert "clean.ipynb: not paired; `nbcoach pair` pairs it" in synced.stdout


def test_a_plain_script_named_to_sync_is_said_to_be_no_pair(tmp_path: Path) -> None:
    """`nbcoach sync new.py` on a script without a jupytext header printed nothing at all;
    found in a folder it stays unmentioned (a project holds many plain modules)."""
    (tmp_path / "new.py").write_text("x = 1\nprint(x)\n")
    named = run_cli("sync", "new.py", cwd=tmp_path)
    assert named.returncode == 0
    assert named.stdout == (
        "new.py: not paired: no notebook of its name beside it, and no pairing (`formats:`) in "
        "a jupytext header or jupytext.toml\n"
    )
    assert run_cli("sync", ".", cwd=tmp_path).stdout == ""


def test_a_team_that_keeps_only_the_py_files_gets_its_notebooks_written(
    tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    # jupytext's migration: the notebooks leave the index and .gitignore, the .py stay. That
    # commit deletes no notebook, and a fresh clone must get every notebook from its .py.
    repo, _notebook, _text = _paired_repo(tmp_path, make_notebook)
    repo.git("rm", "-q", "--cached", "analysis.ipynb")
    repo.write(".gitignore", "*.ipynb\n")
    repo.git("add", ".gitignore")
    hook = run_cli("sync", "--staged", cwd=repo.path)
    assert hook.returncode == 0 and "git rm" not in hook.stdout, hook.stdout
    repo.commit("keep the .py files only")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", str(repo.path), str(clone))
    synced = run_cli("sync", ".", cwd=clone)
    assert "wrote analysis.ipynb from analysis.py" in synced.stdout, synced.stdout
    assert (clone / "analysis.ipynb").is_file()
