"""Folders are searched the way a user expects; explicit files are always read."""

from __future__ import annotations

import subprocess
from pathlib import Path

from nbcoach.analysis.discover import Scope, discover, nothing_found


def touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(paths: list[str]) -> list[str]:
    found = discover(paths)
    return [Path(t.display).name for t in found.targets]


def test_skips_hidden_checkpoints_venvs_and_caches(tmp_path: Path) -> None:
    touch(tmp_path / "a.ipynb", "{}")
    touch(tmp_path / "src" / "mod.py")
    touch(tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb", "{}")
    touch(tmp_path / ".hidden" / "h.py")
    touch(tmp_path / "env" / "pyvenv.cfg", "home = /usr")
    touch(tmp_path / "env" / "lib" / "site.py")
    touch(tmp_path / "__pycache__" / "c.py")
    touch(tmp_path / "notes.txt")
    assert names([str(tmp_path)]) == ["a.ipynb", "mod.py"]


def test_respects_gitignore_in_a_git_repository(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    touch(tmp_path / ".gitignore", "scratch/\n*.tmp.py\n")
    touch(tmp_path / "keep.py")
    touch(tmp_path / "old.tmp.py")
    touch(tmp_path / "scratch" / "play.ipynb", "{}")
    assert names([str(tmp_path)]) == ["keep.py"]
    # A file named explicitly is read even when ignored, as ruff does.
    assert names([str(tmp_path / "old.tmp.py")]) == ["old.tmp.py"]


def test_missing_and_unsupported_paths_are_errors_and_the_rest_still_found(tmp_path: Path) -> None:
    good = touch(tmp_path / "ok.py")
    other = touch(tmp_path / "data.csv", "a,b\n")
    found = discover([str(good), str(tmp_path / "missing.ipynb"), str(other)])
    assert [t.path for t in found.targets] == [good]
    assert found.errors == (
        f"{tmp_path / 'missing.ipynb'}: no such file or directory",
        f"{other}: not a notebook or Python file (nbcoach reads .ipynb and .py)",
    )


def test_a_paired_percent_file_is_reported_with_its_notebook(tmp_path: Path) -> None:
    touch(tmp_path / "analysis.ipynb", "{}")
    touch(tmp_path / "analysis.py", "# %%\nx = 1\n")
    touch(tmp_path / "tool.py", "x = 1\n")
    found = {Path(t.display).name: t.paired_with for t in discover([str(tmp_path)]).targets}
    assert found == {
        "analysis.ipynb": None,
        "analysis.py": str(tmp_path / "analysis.ipynb"),
        "tool.py": None,
    }


def test_exclude_patterns(tmp_path: Path) -> None:
    touch(tmp_path / "scratch" / "a.py")
    touch(tmp_path / "b.py")
    found = discover([str(tmp_path)], Scope(("scratch/*",)))
    assert [Path(t.display).name for t in found.targets] == ["b.py"]
    assert found.excluded == ((str(tmp_path / "scratch" / "a.py"), "scratch/*"),)


def test_exclude_means_exclude_for_a_named_file_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """As ruff's --force-exclude: a hook hands the file by name, and it must still be left out.
    Patterns are relative to the project (the configuration's folder), wherever nbcoach runs."""
    (tmp_path / "pyproject.toml").write_text('[tool.nbcoach]\nexclude = ["scratch/*"]\n')
    touch(tmp_path / "scratch" / "x.ipynb")
    touch(tmp_path / "kept.ipynb")
    monkeypatch.chdir(tmp_path / "scratch")
    found = discover(["x.ipynb", "../kept.ipynb"])
    assert [t.display for t in found.targets] == ["../kept.ipynb"]
    assert found.excluded == (("x.ipynb", "scratch/*"),)


def test_a_folder_git_ignores_is_searched_when_named_and_counted_when_walked(
    tmp_path: Path,
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("data/\n")
    touch(tmp_path / "data" / "a.ipynb")
    touch(tmp_path / "data" / "b.ipynb")
    named = discover([str(tmp_path / "data")], Scope())
    assert [Path(t.display).name for t in named.targets] == ["a.ipynb", "b.ipynb"]
    walked = discover([str(tmp_path)], Scope())
    assert walked.targets == () and walked.ignored == 2
    assert nothing_found(["."], walked.excluded, walked.ignored) == (
        "no notebooks or Python files under .: 2 skipped because git ignores them; "
        "name them explicitly or use --no-respect-gitignore"
    )
    everything = discover([str(tmp_path)], Scope(respect_gitignore=False))
    assert len(everything.targets) == 2 and everything.ignored == 0
