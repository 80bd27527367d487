"""The git adapter: raw first-parent log with renames and merges, blobs in bulk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitrepo import Repo
from history_helpers import BOB, GitRepo
from nbcoach.core import gitrepo


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


def _hostile_git_home(home: Path) -> None:
    """A developer's ~/.gitconfig that would break or bend a test repository: a hook that
    blocks every commit, signing without a key, another identity, another default branch."""
    hooks = home / "hooks"
    hooks.mkdir(parents=True)
    (hooks / "pre-commit").write_text("#!/bin/sh\necho developer hook ran >&2\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    (home / ".gitconfig").write_text(
        f"[core]\n\thooksPath = {hooks}\n[commit]\n\tgpgsign = true\n"
        "[user]\n\tname = Developer\n\temail = dev@example.org\n[init]\n\tdefaultBranch = trunk\n"
    )


def test_git_in_the_test_session_never_reads_the_developers_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What every git the tests start sees (nbcoach's own calls included): no global config."""
    _hostile_git_home(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    shown = subprocess.run(
        ["git", "config", "--list", "--show-origin", "--show-scope"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode in (0, 1), shown.stderr  # 1: nothing configured anywhere
    assert [line for line in shown.stdout.splitlines() if not line.startswith("command")] == []


def test_the_repository_helpers_are_isolated_even_outside_the_session_setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hostile_git_home(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    plain = Repo(tmp_path / "plain")
    plain.write("a.txt", "a\n")
    plain.git("add", "a.txt")
    plain.commit("one")
    history = GitRepo(tmp_path / "history")
    history.write("b.txt", "b\n")
    history.commit("one", BOB)
    assert plain.git("log", "-1", "--format=%an <%ae> %cn").strip() == (
        "Test Author <author@example.com> Test Author"
    )
    assert history.git("log", "-1", "--format=%an <%ae> %cn") == f"{BOB[0]} <{BOB[1]}> {BOB[0]}"
    assert plain.git("branch", "--show-current").strip() == "main"
    assert history.git("branch", "--show-current") == "main"
