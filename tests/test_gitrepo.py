"""The git adapter: raw first-parent log with renames and merges, blobs in bulk."""

from __future__ import annotations

from pathlib import Path

from history_helpers import BOB, GitRepo
from nbcoach import gitrepo


def test_log_reports_renames_merges_and_blob_ids(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.write("a.ipynb", "{}\n" * 40)
    (repo.path / "link").symlink_to("a.ipynb")  # not a regular file: never graded
    repo.commit("one")
    repo.git("mv", "a.ipynb", "b.ipynb")
    repo.commit("two")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("b.ipynb", "{}\n" * 41)
    repo.commit("side", BOB)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "side", "-m", "merge")
    root = gitrepo.toplevel(repo.path)
    line = gitrepo.first_parent_line(root, gitrepo.head(root) or "")
    commits = gitrepo.log(root, line)
    assert [c.subject for c in commits] == ["one", "two", "merge"]
    assert [(ch.status, ch.path) for ch in commits[0].changes] == [("A", "a.ipynb")]
    [rename] = commits[1].changes
    assert (rename.status, rename.old_path, rename.path) == ("R", "a.ipynb", "b.ipynb")
    [merged] = commits[2].changes
    assert merged.status == "M" and len(commits[2].parents) == 2
    assert gitrepo.branch_authors(root, commits[2]) == {"b.ipynb": BOB}
    contents = dict(gitrepo.read_blobs(root, [merged.blob, merged.old_blob, merged.blob]))
    assert contents == {merged.blob: b"{}\n" * 41, merged.old_blob: b"{}\n" * 40}
    assert gitrepo.log(root, line[1:2])[0].subject == "two"  # a run in the middle of the line


def test_many_blobs_stream_without_blocking(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    for index in range(300):
        repo.write(f"f{index}.py", f"x = {index}\n" * 400)  # ~3 MB through the pipes
    repo.commit("many")
    files = gitrepo.tree_files(repo.path, "HEAD")
    read = dict(gitrepo.read_blobs(repo.path, files.values()))
    assert len(read) == 300 and read[files["f7.py"]] == b"x = 7\n" * 400
