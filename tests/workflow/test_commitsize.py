"""Commit-size coaching on real staged commits: source lines, never notebook JSON."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from gitrepo import Repo
from nbcoach.core.config import parse_table
from nbcoach.core.errors import ConfigError
from nbcoach.workflow.commitsize import compare, measure_staged
from nbcoach.workflow.sync import pair_notebooks
from support import build_notebook, run_cli


def _function(name: str, lines: int) -> str:
    return (
        f"def {name}(x):\n"
        + "\n".join(f"    v{i} = x + {i}" for i in range(lines))
        + "\n    return x"
    )


def _write(path: Path, cells: list[object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build_notebook(cells), path)


def test_outputs_and_metadata_do_not_count() -> None:
    before = build_notebook(["x = 1", "print(x)"])
    after = build_notebook(["x = 1", "print(x)"])
    after.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n" * 500)]
    after.cells[1].execution_count = 7
    after.metadata["widgets"] = {"state": {"a": 1}}
    change = compare("n.ipynb", nbformat.writes(before).encode(), nbformat.writes(after).encode())
    assert change.lines == 0 and change.functions == ()


def test_changed_lines_and_functions_are_counted_on_sources() -> None:
    before = build_notebook([_function("fit", 3), "y = 2"])
    after = build_notebook([_function("fit", 4), "y = 2", ("markdown", "# Notes\ntext")])
    change = compare("n.ipynb", nbformat.writes(before).encode(), nbformat.writes(after).encode())
    assert change.functions == ("fit",)
    assert change.lines == 4  # one new body line, a new markdown cell (marker + 2 lines)


def test_a_2000_line_commit_is_flagged_with_a_split(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("README.md", "x\n")
    repo.git("add", ".")
    repo.commit("start")
    _write(repo.path / "a.ipynb", [_function(f"a{i}", 165) for i in range(6)])
    _write(repo.path / "b.ipynb", [_function(f"b{i}", 165) for i in range(6)])
    repo.git("add", ".")
    warn = run_cli("commit-size", cwd=repo.path)
    assert warn.returncode == 0, warn.stderr  # warns by default
    assert (
        "big-bang commit: 2,016 changed lines (limit 400); 12 changed functions (limit 10)"
        in warn.stdout
    )
    assert "Commit one notebook at a time" in warn.stdout
    assert "1. a.ipynb: 1,008 lines; functions `a0`" in warn.stdout
    assert "2. b.ipynb: 1,008 lines" in warn.stdout
    fail = run_cli("commit-size", "--fail", cwd=repo.path)
    assert fail.returncode == 1 and "Commit blocked" in fail.stdout


def test_the_configured_limits_and_fail_apply(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("pyproject.toml", "[tool.nbcoach.commit-size]\nmax-lines = 5\nfail = true\n")
    _write(repo.path / "a.ipynb", [_function("fit", 8)])
    repo.git("add", ".")
    result = run_cli("commit-size", cwd=repo.path)
    assert result.returncode == 1
    assert "changed lines (limit 5)" in result.stdout
    assert "Within a.ipynb" not in result.stdout  # one function: nothing to split by
    small = run_cli("commit-size", "--warn", cwd=repo.path)
    assert small.returncode == 0


def test_a_pair_counts_once(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    _write(repo.path / "a.ipynb", [_function("fit", 30), _function("score", 30)])
    pair_notebooks([str(repo.path / "a.ipynb")])
    repo.git("add", ".")
    result = run_cli("commit-size", cwd=repo.path)
    assert result.returncode == 0
    assert "2 functions, 1 notebook or .py file" in result.stdout


def test_commit_size_keys_are_validated() -> None:
    config = parse_table({"commit-size": {"max-lines": 100, "fail": True}}, "pyproject.toml")
    assert config.commit_size.max_lines == 100 and config.commit_size.fail is True
    with pytest.raises(ConfigError, match=r"unknown key 'tool.nbcoach.commit-size.max-line'"):
        parse_table({"commit-size": {"max-line": 100}}, "pyproject.toml")
    with pytest.raises(ConfigError, match="must be true or false"):
        parse_table({"commit-size": {"fail": "yes"}}, "pyproject.toml")


def test_writing_the_pair_of_an_unchanged_notebook_counts_nothing(tmp_path: Path) -> None:
    """Adopting pairing adds a .py for every committed notebook: that is not work to review."""
    repo = Repo(tmp_path / "repo")
    _write(repo.path / "a.ipynb", [_function(f"f{i}", 100) for i in range(6)])
    repo.git("add", ".")
    repo.commit("notebook, long ago")
    pair_notebooks([str(repo.path / "a.ipynb")])
    repo.git("add", "a.py")  # the notebook itself is staged too (pairing metadata) or not
    repo.git("restore", "--staged", "a.ipynb")
    result = run_cli("commit-size", cwd=repo.path)
    assert result.returncode == 0
    assert "commit size fine: 0 changed source lines, 0 functions" in result.stdout
    text = repo.path / "a.py"
    text.write_text(text.read_text().replace("v1 = x + 1", "v1 = x + 10", 1))
    repo.git("add", "a.py")
    edited = run_cli("commit-size", cwd=repo.path)
    assert edited.returncode == 0, edited.stderr
    assert "2 changed source lines, 1 function," in edited.stdout


def test_history_sizes_each_commit_as_commit_size_sized_it_staged(tmp_path: Path) -> None:
    """One definition: for every commit, the numbers `nbcoach commit-size` gave while it was
    staged are the ones `nbcoach history` records for it. A newcomer saw the `nbcoach init`
    commit pass the hook with 8 lines and 1 function while history flagged it a big bang
    (589 lines, 9 functions), and a new notebook counted 104 lines staged but 53 in history."""
    from nbcoach.history import load_history, update_history
    from nbcoach.workflow.sync import sync
    from support import EXAMPLES

    repo = Repo(tmp_path / "repo")
    staged: list[tuple[int, int, bool]] = []

    def commit(message: str) -> None:
        repo.git("add", "-A")
        size = measure_staged(repo.path)
        staged.append((size.lines, size.functions, bool(size.over)))
        repo.commit(message)

    (repo.path / "newcomer.ipynb").write_bytes((EXAMPLES / "newcomer.ipynb").read_bytes())
    commit("legacy notebook")
    assert run_cli("init", ".", cwd=repo.path).returncode == 0
    assert run_cli("sync", cwd=repo.path).returncode == 0  # writes newcomer.py
    commit("nbcoach init")
    churn = repo.path / "notebooks" / "churn.ipynb"
    churn.write_bytes((EXAMPLES / "clean.ipynb").read_bytes())
    sync([str(churn)])
    commit("add churn notebook")
    document = nbformat.read(churn, as_version=4)
    document.cells[2].source += "\nprint('checked')"
    nbformat.write(document, churn)
    sync([str(churn)])
    repo.git("mv", "notebooks", "analysis")  # moved and edited: only the edit counts
    commit("move and edit")
    text = repo.path / "analysis" / "churn.py"
    text.write_text(text.read_text() + "\n# %%\ndef extra(x):\n    return x\n")
    commit("edit the text side alone")
    repo.git("rm", "-q", "newcomer.ipynb", "newcomer.py")
    commit("drop the legacy pair")
    update_history(repo.path)
    recorded = [
        (c.lines_added + c.lines_removed, c.functions_changed, c.big_bang)
        for c in load_history(repo.path).commits
    ]
    assert recorded == staged, staged
    lines, functions, big = staged[1]  # init: src/ and tests/ only; newcomer.py is its pair
    assert lines < 50 and functions == 1 and not big
    assert staged[3][:2] == (1, 0)  # a moved pair counts its one edited line, once
    assert staged[5][2]  # dropping the 500-line pair is a big change


def test_modules_are_named_as_modules_and_functions_in_natural_order(tmp_path: Path) -> None:
    """A newcomer read "commit one notebook at a time" about plain modules, `helper_10`
    before `helper_2`, and "1 functions"."""
    repo = Repo(tmp_path / "repo")
    repo.write("helpers.py", "\n\n".join(_function(f"helper_{i}", 30) for i in range(12)))
    repo.write("tiny.py", "def one():\n    return 1\n")
    repo.git("add", ".")
    result = run_cli("commit-size", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "nbcoach: big-bang commit: 13 changed functions (limit 10)"
    assert lines[1].startswith("  (398 changed source lines, 13 functions, 2 notebooks and .py")
    assert lines[2].startswith("Commit one module at a time")
    assert lines[3] == (
        "  1. helpers.py: 395 lines; functions `helper_0`, `helper_1`, `helper_2`, `helper_3`, "
        "`helper_4` and 7 more"
    )
    assert lines[4] == "  2. tiny.py: 3 lines; functions `one`"
    assert "`helper_7` and 4 more; `git add -p helpers.py` stages part of it." in lines[5]
    repo.git("reset", "-q")
    repo.git("add", "tiny.py")
    one = run_cli("commit-size", cwd=repo.path)
    assert one.stdout == (
        "nbcoach: commit size fine: 3 changed source lines, 1 function, 1 notebook or .py file\n"
    )
    _write(repo.path / "a.ipynb", [_function("fit", 450)])
    repo.git("add", ".")
    mixed = run_cli("commit-size", cwd=repo.path)
    assert "Commit one file at a time" in mixed.stdout
    assert "1. a.ipynb: 453 lines; functions `fit`" in mixed.stdout
