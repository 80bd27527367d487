"""The ratchet gate on staged notebooks, with real git: worse fails, legacy passes, better tightens."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import nbformat
import pytest

from gitrepo import Repo
from helpers import GateLine, gate_lines
from nbcoach.core.revision import GRADING
from nbcoach.workflow import baseline as ledger
from support import EXAMPLES, PASTED_BLOCK, build_notebook, run_cli

LONG_FUNCTION = (
    "def load_all(x):\n" + "\n".join(f"    v{i} = x + {i}" for i in range(60)) + "\n    return v0"
)

# The notebooks of the copy tests check something, so that `no-checks` (priced by size, as
# copies are) stays out of what they compare.
CHECKED_START = "rows = []\nlost = {}\nassert not lost"


@pytest.fixture
def legacy(tmp_path: Path) -> Repo:
    """A repository whose messy notebook is committed with its baseline, and fail-under 70."""
    repo = Repo(tmp_path / "repo")
    repo.write("pyproject.toml", "[tool.nbcoach]\nfail-under = 70\n")
    shutil.copy(EXAMPLES / "newcomer.ipynb", repo.path / "newcomer.ipynb")
    result = run_cli("baseline", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    repo.git("add", ".")
    repo.commit("legacy")
    return repo


def _append_cell(path: Path, source: str) -> None:
    document = nbformat.read(path, as_version=4)
    document.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(document, path)


def _drop_analyse_customers(path: Path) -> None:
    """The improvement the tests make: the cell holding the 341-line function goes."""
    document = nbformat.read(path, as_version=4)
    kept = [c for c in document.cells if "def analyse_customers" not in c.source]
    assert len(kept) == len(document.cells) - 1
    document.cells = kept
    nbformat.write(document, path)


def _edit(path: Path, old: str, new: str) -> None:
    document = nbformat.read(path, as_version=4)
    hits = 0
    for cell in document.cells:
        if old in cell.source:
            cell.source = cell.source.replace(old, new, 1)
            hits += 1
            break
    assert hits, old
    nbformat.write(document, path)


def test_a_legacy_notebook_under_its_baseline_passes(legacy: Repo) -> None:
    notebook = legacy.path / "newcomer.ipynb"
    _edit(notebook, "# churn analysis", "# churn analysis (Q3)")
    legacy.git("add", "newcomer.ipynb")
    committed = ledger.load(legacy.path)["newcomer.ipynb"].score
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 0, result.stdout + result.stderr
    # far below fail-under 70, but held only to its baseline, which it keeps
    assert committed < 70
    assert gate_lines(result.stdout) == {
        "newcomer.ipynb": GateLine("newcomer.ipynb", "F", committed, committed, "+0.0", "ok")
    }


def test_a_new_function_over_the_limits_is_blocked_with_the_fix(legacy: Repo) -> None:
    _append_cell(legacy.path / "newcomer.ipynb", LONG_FUNCTION)
    legacy.git("add", "newcomer.ipynb")
    before = (legacy.path / ".nbcoach" / "baseline.json").read_bytes()
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 1
    [line] = gate_lines(result.stdout).values()
    assert (line.path, line.verdict) == ("newcomer.ipynb", "WORSE")
    assert "new function `load_all` (cell 23) is over the limits" in result.stdout
    assert "62 lines long (limit 50)" in result.stdout
    assert "next step: Split `load_all`" in result.stdout
    assert "the commit is blocked" in result.stdout
    assert (legacy.path / ".nbcoach" / "baseline.json").read_bytes() == before


def test_a_function_already_over_the_limits_that_grows_is_blocked(legacy: Repo) -> None:
    notebook = legacy.path / "newcomer.ipynb"
    document = nbformat.read(notebook, as_version=4)
    cell = next(c for c in document.cells if "def analyse_customers" in c.source)
    lines = cell.source.split("\n")
    lines.insert(3, "    extra_a = 1\n    extra_b = 2\n    extra_c = 3")
    cell.source = "\n".join(lines)
    nbformat.write(document, notebook)
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 1
    assert gate_lines(result.stdout)["newcomer.ipynb"].verdict == "WORSE"
    assert "`analyse_customers` (cell 19) got worse: lines 341 -> 344" in result.stdout


def test_an_improvement_tightens_the_baseline_in_the_same_commit(legacy: Repo) -> None:
    notebook = legacy.path / "newcomer.ipynb"
    old = ledger.load(legacy.path)["newcomer.ipynb"]
    _drop_analyse_customers(notebook)
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 0, result.stdout
    assert "improvements recorded" in result.stdout
    assert ".nbcoach/baseline.json" in legacy.staged()
    new = ledger.load(legacy.path)["newcomer.ipynb"]
    assert new.score > old.score
    assert "analyse_customers" not in new.by_name
    legacy.commit("split it")

    # the gain cannot be lost again: putting the function back now fails
    shutil.copy(EXAMPLES / "newcomer.ipynb", notebook)
    legacy.git("add", "newcomer.ipynb")
    again = run_cli("gate", "--staged", cwd=legacy.path)
    assert again.returncode == 1
    assert f"score fell from {new.score:.1f}" in again.stdout


def test_a_new_notebook_must_meet_fail_under(legacy: Repo, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "newcomer.ipynb", legacy.path / "copy.ipynb")
    legacy.git("add", "copy.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 1
    [line] = gate_lines(result.stdout).values()
    assert (line.path, line.baseline, line.delta, line.verdict) == (
        "copy.ipynb",
        None,
        None,
        "BELOW",
    )
    assert "new to the baseline" in result.stdout and "below fail-under 70" in result.stdout
    # new and under the bar is not "worse": there is nothing it could have got worse than
    assert "(new to the baseline)  BELOW\n" in result.stdout and "WORSE" not in result.stdout
    assert (
        "nbcoach: 1 new notebook below fail-under 70 (of 1 checked); the commit is blocked."
    ) in result.stdout
    # an entry recorded for it on purpose counts at once, before it is committed
    assert run_cli("baseline", "copy.ipynb", cwd=legacy.path).returncode == 0
    recorded = run_cli("gate", "--staged", cwd=legacy.path)
    assert recorded.returncode == 0, recorded.stdout
    [again] = gate_lines(recorded.stdout).values()
    assert (again.path, again.baseline, again.delta, again.verdict) == (
        "copy.ipynb",
        line.score,
        "+0.0",
        "ok",
    )


def test_only_the_staged_content_is_judged(legacy: Repo) -> None:
    notebook = legacy.path / "newcomer.ipynb"
    _edit(notebook, "# churn analysis", "# churn analysis (Q3)")
    legacy.git("add", "newcomer.ipynb")
    _append_cell(notebook, LONG_FUNCTION)  # worse, but not staged
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 0, result.stdout


def test_the_baseline_is_sorted_with_one_function_per_line(legacy: Repo) -> None:
    text = (legacy.path / ".nbcoach" / "baseline.json").read_text()
    data = json.loads(text)
    assert data["schema_version"] == 1
    functions = data["notebooks"]["newcomer.ipynb"]["functions"]
    assert list(functions) == sorted(functions)
    for name in functions:
        [line] = [line for line in text.splitlines() if line.strip().startswith(f'"{name}"')]
        assert json.loads(line.split(": ", 1)[1].rstrip(","))["lines"] == functions[name]["lines"]
    assert ledger.dumps(ledger.load(legacy.path)) == text  # stable: rewriting changes nothing


def test_a_broken_baseline_is_a_clear_error(legacy: Repo) -> None:
    (legacy.path / ".nbcoach" / "baseline.json").write_text("<<<<<<< HEAD\n{}\n")
    _edit(legacy.path / "newcomer.ipynb", "# churn analysis", "# churn")
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 2
    assert "baseline.json: not a valid nbcoach baseline" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_tightening_dropped_with_its_commit_does_not_hold(legacy: Repo) -> None:
    """The gate tightens and stages the baseline, then another hook (nbstripout) blocks the
    commit and the author drops the change: the notebook is held to HEAD's entry, not to a
    score it never had in any commit. A deliberate loosening still counts at once."""
    notebook = legacy.path / "newcomer.ipynb"
    committed = ledger.load(legacy.path)["newcomer.ipynb"]
    _drop_analyse_customers(notebook)
    legacy.git("add", "newcomer.ipynb")
    assert run_cli("gate", "--staged", cwd=legacy.path).returncode == 0
    assert ledger.load(legacy.path)["newcomer.ipynb"].score > committed.score
    legacy.git("restore", "--staged", "--worktree", "newcomer.ipynb")  # the change is dropped

    _edit(notebook, "# churn analysis", "# churn analysis (Q3)")
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 0, result.stdout
    assert gate_lines(result.stdout) == {
        "newcomer.ipynb": GateLine(
            "newcomer.ipynb", "F", committed.score, committed.score, "+0.0", "ok"
        )
    }
    assert ledger.load(legacy.path)["newcomer.ipynb"] == committed  # back to what it holds

    _append_cell(notebook, LONG_FUNCTION)
    legacy.git("add", "newcomer.ipynb")
    assert run_cli("gate", "--staged", cwd=legacy.path).returncode == 1
    assert run_cli("baseline", "newcomer.ipynb", cwd=legacy.path).returncode == 0
    loosened = run_cli("gate", "--staged", cwd=legacy.path)
    assert loosened.returncode == 0, loosened.stdout


def test_a_change_to_function_entries_only_is_not_called_an_improvement(legacy: Repo) -> None:
    notebook = legacy.path / "newcomer.ipynb"
    _edit(
        notebook,
        "    text = text.strip()\n    if not text:",
        "    if not (text := text.strip()):",
    )
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 0, result.stdout
    [line] = gate_lines(result.stdout).values()
    assert (line.path, line.delta, line.verdict) == ("newcomer.ipynb", "+0.0", "ok")
    assert "entries updated for newcomer.ipynb" in result.stdout
    assert "improvements recorded" not in result.stdout
    assert ledger.load(legacy.path)["newcomer.ipynb"].by_name["parse_date"].lines == 9


def test_a_gate_run_by_hand_says_what_it_wrote_not_what_a_commit_does(legacy: Repo) -> None:
    notebook = legacy.path / "newcomer.ipynb"
    _drop_analyse_customers(notebook)
    before = (legacy.path / ".nbcoach" / "baseline.json").read_bytes()
    checked = run_cli("gate", "--no-tighten", "newcomer.ipynb", cwd=legacy.path)
    assert checked.returncode == 0, checked.stdout
    assert "baseline.json" not in checked.stdout  # --no-tighten: nothing written, nothing said
    assert (legacy.path / ".nbcoach" / "baseline.json").read_bytes() == before
    result = run_cli("gate", "newcomer.ipynb", cwd=legacy.path)
    assert result.returncode == 0, result.stdout
    assert (
        "nbcoach: wrote .nbcoach/baseline.json (commit it with the change): improvements "
        "recorded for newcomer.ipynb."
    ) in result.stdout
    assert "in this commit" not in result.stdout
    assert legacy.staged() == []  # outside a commit nothing is staged
    assert (legacy.path / ".nbcoach" / "baseline.json").read_bytes() != before


def test_a_failing_gate_run_by_hand_says_it_would_block_a_commit(legacy: Repo) -> None:
    _append_cell(legacy.path / "newcomer.ipynb", LONG_FUNCTION)
    result = run_cli("gate", "--no-tighten", "newcomer.ipynb", cwd=legacy.path)
    assert result.returncode == 1
    assert re.search(r"\(baseline \d+\.\d, -\d+\.\d\)  WORSE", result.stdout), result.stdout
    assert (
        "nbcoach: 1 notebook got worse (of 1 checked); this would block a commit; nothing was "
        "written."
    ) in result.stdout
    assert "the commit is blocked" not in result.stdout


def test_baseline_names_a_missing_input_and_records_the_others(legacy: Repo) -> None:
    before = (legacy.path / ".nbcoach" / "baseline.json").read_bytes()
    missing = run_cli("baseline", "nothere.ipynb", cwd=legacy.path)
    assert missing.returncode == 2
    assert missing.stderr == "nbcoach: error: nothere.ipynb: no such file or directory\n"
    assert missing.stdout == ""  # not "recorded 0 notebook(s) ... commit it"
    assert (legacy.path / ".nbcoach" / "baseline.json").read_bytes() == before
    shutil.copy(EXAMPLES / "clean.ipynb", legacy.path / "clean.ipynb")
    both = run_cli("baseline", "nothere.ipynb", "clean.ipynb", cwd=legacy.path)
    assert both.returncode == 2
    assert both.stderr == "nbcoach: error: nothere.ipynb: no such file or directory\n"
    assert both.stdout == (
        "recorded 1 notebook and its functions in .nbcoach/baseline.json; commit it\n"
    )
    assert "clean.ipynb" in ledger.load(legacy.path)


def test_an_excluded_notebook_named_or_staged_is_not_blocked_and_the_gate_says_so(
    legacy: Repo,
) -> None:
    """`exclude` means exclude for paths a hook names too (ruff's --force-exclude)."""
    repo = legacy
    repo.write("pyproject.toml", '[tool.nbcoach]\nfail-under = 70\nexclude = ["scratch/*"]\n')
    (repo.path / "scratch").mkdir()
    shutil.copy(EXAMPLES / "newcomer.ipynb", repo.path / "scratch" / "x.ipynb")
    _append_cell(repo.path / "scratch" / "x.ipynb", LONG_FUNCTION)
    repo.git("add", ".")
    staged = run_cli("gate", "--staged", "scratch/x.ipynb", cwd=repo.path)
    assert staged.returncode == 0, staged.stdout + staged.stderr
    assert "excluded by [tool.nbcoach] exclude: scratch/x.ipynb (scratch/*)" in staged.stderr
    named = run_cli("gate", "scratch/x.ipynb", cwd=repo.path)
    assert named.returncode == 0 and "x.ipynb   F" not in named.stdout
    assert "no notebooks or Python files under scratch/x.ipynb: 1 excluded" in named.stderr
    # the same notebook outside the excluded folder is judged, and fails the bar
    shutil.copy(repo.path / "scratch" / "x.ipynb", repo.path / "y.ipynb")
    assert run_cli("gate", "y.ipynb", cwd=repo.path).returncode == 1


def test_a_clean_cell_added_from_the_py_side_does_not_fail_the_gate(tmp_path: Path) -> None:
    """The notebook keeps its outputs; the cell sync adds from the .py has never run, which is
    about how it was saved, not the code the gate guards."""
    repo = Repo(tmp_path / "repo")
    executed = nbformat.read(EXAMPLES / "clean.ipynb", as_version=4)
    for number, cell in enumerate(c for c in executed.cells if c.cell_type == "code"):
        cell.execution_count = number + 1
    nbformat.write(executed, repo.path / "clean.ipynb")
    assert run_cli("pair", "clean.ipynb", cwd=repo.path).returncode == 0
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    script = repo.path / "clean.py"
    script.write_text(script.read_text() + "\n# %%\nprint(len(customers))\n", encoding="utf-8")
    assert run_cli("sync", "clean.py", cwd=repo.path).returncode == 0
    report = json.loads(run_cli("report", "--format", "json", "clean.ipynb", cwd=repo.path).stdout)
    assert "never-executed" in [f["rule"] for f in report["notebooks"][0]["findings"]]
    gated = run_cli("gate", "--no-tighten", "clean.ipynb", cwd=repo.path)
    assert gated.returncode == 0, gated.stdout
    # a change to the code itself still fails: the same cell, over the limits
    script.write_text(script.read_text() + "\n# %%\n" + LONG_FUNCTION + "\n", encoding="utf-8")
    assert run_cli("sync", "clean.py", cwd=repo.path).returncode == 0
    assert run_cli("gate", "--no-tighten", "clean.ipynb", cwd=repo.path).returncode == 1


BUILTINS = ("abs", "len", "sum", "min", "max", "sorted", "list", "set", "tuple", "any", "all")


def _helpers() -> str:
    """Sixty small, documented, distinct functions and one line using them: clean code."""
    pairs = [(a, b) for a in BUILTINS for b in BUILTINS if a != b][:60]
    defs = [
        f'def feature_{i}(values):\n    """Feature {i}."""\n    return {a}({b}(values))\n'
        for i, (a, b) in enumerate(pairs)
    ]
    calls = ", ".join(f"feature_{i}(rows)" for i in range(len(pairs)))
    return "\n\n".join(defs) + f"\n\nprint([{calls}])"


def _card(root: Path) -> dict[str, Any]:
    data = json.loads(
        run_cli("report", "--format", "json", "--no-cache", "churn.ipynb", cwd=root).stdout
    )
    card: dict[str, Any] = data["notebooks"][0]
    return card


def _copy_deficit(root: Path) -> float:
    [copy] = [f for f in _card(root)["findings"] if f["rule"] == "copy-paste"]
    return float(copy["deficit"])


def test_a_notebook_that_shrank_is_not_blocked_for_copies_it_already_had(tmp_path: Path) -> None:
    """Copies cost their share of the notebook: moving 180 lines of clean helpers out of a
    200-line notebook (into a module, or away) raises what its one pasted block costs, though
    nothing was pasted. The gate prices the copies at the size the baseline recorded, so the
    change passes, and a new paste still fails."""
    repo = Repo(tmp_path / "repo")
    cells = [
        CHECKED_START,
        PASTED_BLOCK.replace("{column}", "plan"),
        PASTED_BLOCK.replace("{column}", "region"),
        _helpers(),
    ]
    nbformat.write(build_notebook(cells), repo.path / "churn.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    recorded = json.loads((repo.path / ".nbcoach" / "baseline.json").read_text())
    lines = recorded["notebooks"]["churn.ipynb"]["lines"]
    assert lines > 190
    repo.git("add", ".")
    repo.commit("churn analysis")
    copy_before = _copy_deficit(repo.path)
    document = nbformat.read(repo.path / "churn.ipynb", as_version=4)
    document.cells = document.cells[:-1]
    nbformat.write(document, repo.path / "churn.ipynb")
    assert _copy_deficit(repo.path) > 1.5 * copy_before  # the premise: its share grew
    judged = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path)
    assert judged.returncode == 0, judged.stdout
    assert f"compared as at its {lines} code lines then" in judged.stdout  # why the card fell
    # a passing run that writes the baseline records the bar at today's size, so the next
    # commit is compared at that size (the old, larger one would price a new paste cheaply)
    assert run_cli("gate", "churn.ipynb", cwd=repo.path).returncode == 0
    rewritten = json.loads((repo.path / ".nbcoach" / "baseline.json").read_text())
    assert rewritten["notebooks"]["churn.ipynb"]["lines"] < lines - 150
    assert run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path).returncode == 0
    _append_cell(repo.path / "churn.ipynb", PASTED_BLOCK.replace("{column}", "city"))
    pasted = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path)
    assert pasted.returncode == 1, pasted.stdout
    assert "score fell" in pasted.stdout


def test_clean_code_added_with_a_new_paste_does_not_hide_it(tmp_path: Path) -> None:
    """The other direction: 180 lines of clean helpers added in the commit that pastes a block
    once more would make every copy cheaper, and the notebook's score rise. Compared at the
    size its bar was recorded at, the new copy counts in full."""
    repo = Repo(tmp_path / "repo")
    cells = [CHECKED_START, PASTED_BLOCK.replace("{column}", "plan")]
    cells.append(PASTED_BLOCK.replace("{column}", "region"))
    nbformat.write(build_notebook(cells), repo.path / "churn.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("churn analysis")
    score_before = _card(repo.path)["score"]
    more = [PASTED_BLOCK.replace("{column}", "city"), _helpers()]
    nbformat.write(build_notebook(cells + more), repo.path / "churn.ipynb")
    assert _card(repo.path)["score"] > score_before  # the premise: diluted, the card rises
    gated = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path)
    assert gated.returncode == 1, gated.stdout
    assert "copies priced as in its" in gated.stdout
    # the helpers alone are fine, and raise the bar by what they dilute, recorded at the new size
    nbformat.write(build_notebook([*cells, _helpers()]), repo.path / "churn.ipynb")
    assert run_cli("gate", "churn.ipynb", cwd=repo.path).returncode == 0
    entry = json.loads((repo.path / ".nbcoach" / "baseline.json").read_text())
    assert entry["notebooks"]["churn.ipynb"]["lines"] > 190


def test_a_copy_group_at_its_limit_is_priced_exactly_at_the_recorded_size(
    tmp_path: Path,
) -> None:
    """A block pasted eight times reaches the limit of 60 per group. Deleting the clean code
    around it and pasting a new block in the same commit must not pass on a group repriced
    below what it cost when recorded."""
    repo = Repo(tmp_path / "repo")
    cells = [CHECKED_START, *[PASTED_BLOCK.replace("{column}", f"c{i}") for i in range(8)]]
    nbformat.write(build_notebook([*cells, _helpers()]), repo.path / "churn.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("churn analysis")
    other = "total = 0\nfor row in rows:\n    if row['C'] > 0:\n        total += row['C'] * 2\n"
    new = [other.replace("'C'", f"'x{i}'") for i in range(3)]
    nbformat.write(build_notebook(cells + new), repo.path / "churn.ipynb")
    gated = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path)
    assert gated.returncode == 1, gated.stdout


def _padding(functions: int) -> list[str | tuple[str, str]]:
    """Small documented functions, each using the one before (none unused), thirty a cell, a
    markdown cell before each: clean code that raises no finding of its own."""
    cells: list[str | tuple[str, str]] = []
    for start in range(0, functions, 30):
        defs = [
            f'def pad_{i}(values):\n    """Pad {i}."""\n    return '
            + ("values" if i == 0 else f"pad_{i - 1}(values) + {i}")
            + "\n"
            for i in range(start, min(functions, start + 30))
        ]
        cells += [("markdown", f"Helpers {start}"), "\n\n".join(defs)]
    return [*cells, ("markdown", "All"), f"print(pad_{functions - 1}(1))"]


def test_clean_code_added_is_not_blocked_by_rounding_at_another_size(tmp_path: Path) -> None:
    """Eight names rebound in a 17-line notebook; 600 clean functions added (about 1,800
    lines). A price rounded to a tenth at that size (10 x 100 / 1818 = 0.55 -> 0.6) came back
    10.9 at the recorded size, and the commit was blocked for adding clean code."""
    repo = Repo(tmp_path / "repo")
    first = "\n".join(f"v{i} = len(rows) + {i}" for i in range(8))
    second = "\n".join(f"v{i} = rows[{i}] * 2" for i in range(8))
    base: list[str | tuple[str, str]] = [
        "rows = [3, 1, 2]\nassert rows",
        first,
        ("markdown", "later"),
        second,
    ]
    nbformat.write(build_notebook(base), repo.path / "churn.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("start")
    nbformat.write(build_notebook([*base, *_padding(600)]), repo.path / "churn.ipynb")
    assert _card(repo.path)["metrics"]["code_lines"] > 1800
    gated = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path)
    assert gated.returncode == 0, gated.stdout


def test_a_tightening_left_by_a_blocked_commit_at_another_size_does_not_block(
    tmp_path: Path,
) -> None:
    """A commit deletes the helpers and a copy; the gate records the notebook at its new size
    and stages the baseline; another hook blocks the commit and the notebook goes back as
    committed. The two entries' bars stand at different sizes: the notebook as committed meets
    HEAD's, and must not be held to the other one priced at HEAD's size."""
    repo = Repo(tmp_path / "repo")
    pasted = [PASTED_BLOCK.replace("{column}", c) for c in ("plan", "region", "city")]
    committed: list[str | tuple[str, str]] = [
        CHECKED_START,
        ("markdown", "Q3"),
        *pasted,
        _helpers(),
    ]
    nbformat.write(build_notebook(committed), repo.path / "churn.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("churn analysis")
    shorter = build_notebook([CHECKED_START, ("markdown", "Q3"), *pasted[:2]])
    nbformat.write(shorter, repo.path / "churn.ipynb")
    repo.git("add", "-A")
    assert run_cli("gate", "--staged", cwd=repo.path).returncode == 0  # tightened, staged
    repo.git("checkout", "HEAD", "--", "churn.ipynb")  # the commit was blocked and dropped
    edited = committed.copy()
    edited[1] = ("markdown", "Q3 (final)")
    nbformat.write(build_notebook(edited), repo.path / "churn.ipynb")
    repo.git("add", "churn.ipynb")
    gated = run_cli("gate", "--staged", cwd=repo.path)
    assert gated.returncode == 0, gated.stdout


def test_gate_over_a_project_lists_only_what_failed_or_changed(legacy: Repo) -> None:
    for name in ("a.ipynb", "b.ipynb", "c.ipynb"):
        shutil.copy(EXAMPLES / "clean.ipynb", legacy.path / name)
    assert run_cli("baseline", cwd=legacy.path).returncode == 0
    _append_cell(legacy.path / "newcomer.ipynb", LONG_FUNCTION)
    whole = run_cli("gate", "--no-tighten", cwd=legacy.path)
    assert whole.returncode == 1
    assert list(gate_lines(whole.stdout)) == ["newcomer.ipynb"]
    assert "3 more notebooks unchanged and passing" in whole.stdout
    named = run_cli("gate", "--no-tighten", "a.ipynb", "newcomer.ipynb", cwd=legacy.path)
    assert sorted(gate_lines(named.stdout)) == ["a.ipynb", "newcomer.ipynb"]


def test_files_handed_over_outside_a_commit_are_judged_as_they_are_on_disk(
    legacy: Repo,
) -> None:
    """`pre-commit run nbcoach --files x.ipynb` after an unstaged edit passed: the gate read
    the staged copy while pre-commit handed it the working-tree file."""
    _append_cell(legacy.path / "newcomer.ipynb", LONG_FUNCTION)  # edited, not staged
    handed = run_cli("gate", "--staged", "--no-tighten", "newcomer.ipynb", cwd=legacy.path)
    assert handed.returncode == 1, handed.stdout
    assert "checked as on disk, not as staged: newcomer.ipynb" in handed.stderr
    # a commit (no file names: what the index holds) still judges the staged copy
    committed = run_cli("gate", "--staged", "--no-tighten", cwd=legacy.path)
    assert committed.returncode == 0 and "checked as on disk" not in committed.stderr


def test_a_staged_notebook_importing_the_projects_own_module_scores_as_in_the_report(
    legacy: Repo,
) -> None:
    """The module `extract` wrote under src/ is the project's own code, not a late import of a
    dependency; the staged snapshot must know it as the repository does."""
    legacy.write("src/churn/__init__.py", "")
    legacy.write("src/churn/dates.py", "def parse_date(text):\n    return text\n")
    legacy.git("add", "src")
    legacy.commit("the module extract wrote")  # committed before: only the notebook is staged
    document = nbformat.v4.new_notebook()
    document.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    for source in (
        "import pandas as pd",
        "frame = pd.DataFrame({'day': ['2024-01-01']})",
        "frame.head()",
        "from churn.dates import parse_date\n\nparse_date(frame.day[0])",
    ):
        document.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(document, legacy.path / "dates.ipynb")
    legacy.git("add", ".")
    staged = gate_lines(run_cli("gate", "--staged", cwd=legacy.path).stdout)
    reported = json.loads(
        run_cli("report", "--format", "json", "dates.ipynb", cwd=legacy.path).stdout
    )["notebooks"][0]
    assert "late-import" not in {f["rule"] for f in reported["findings"]}
    assert staged["dates.ipynb"].score == reported["score"]


def test_a_helper_split_out_of_a_long_function_passes_though_still_over_the_limits(
    legacy: Repo,
) -> None:
    """`nbcoach split` names its helpers anew; one of them (`clean`, 61 lines) is still over the
    limits. Its lines were cut out of the 341-line function the baseline knows: code moved, not
    added, and the notebook got better, so the card's own first step is not blocked."""
    split = run_cli(
        "split", "newcomer.ipynb", "-f", "analyse_customers", "--apply", cwd=legacy.path
    )
    assert split.returncode == 0, split.stderr
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 0, result.stdout
    [line] = gate_lines(result.stdout).values()
    assert line.verdict == "ok" and line.delta is not None and float(line.delta) > 20
    recorded = json.loads((legacy.path / ".nbcoach" / "baseline.json").read_text())
    assert recorded["notebooks"]["newcomer.ipynb"]["functions"]["clean"]["lines"] == 61

    # ... and once that is committed, a new long function that no shrinking one gave its
    # lines to is blocked as before
    legacy.git("add", ".nbcoach/baseline.json")
    legacy.commit("split analyse_customers")
    _append_cell(legacy.path / "newcomer.ipynb", LONG_FUNCTION)
    legacy.git("add", "newcomer.ipynb")
    blocked = run_cli("gate", "--staged", cwd=legacy.path)
    assert blocked.returncode == 1
    assert "new function `load_all`" in blocked.stdout


def test_a_new_long_function_elsewhere_does_not_ride_on_a_split_in_the_same_commit(
    legacy: Repo,
) -> None:
    split = run_cli(
        "split", "newcomer.ipynb", "-f", "analyse_customers", "--apply", cwd=legacy.path
    )
    assert split.returncode == 0, split.stderr
    _append_cell(legacy.path / "newcomer.ipynb", LONG_FUNCTION)  # its own cell, not the split's
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 1
    assert "new function `load_all`" in result.stdout
    assert "new function `clean`" not in result.stdout


def test_code_deleted_from_a_known_function_is_no_move_for_a_new_long_one(legacy: Repo) -> None:
    """Lines given up must reappear: delete seventy lines of `analyse_customers` and write an
    unrelated 62-line function in its cell, and the commit is blocked as before."""
    notebook = legacy.path / "newcomer.ipynb"
    document = nbformat.read(notebook, as_version=4)
    cell = next(c for c in document.cells if "def analyse_customers" in c.source)
    lines = cell.source.split("\n")
    start = lines.index('    line = "=" * width')  # the printed report: 69 lines, then `return`
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("    return {"))
    assert end - start >= 60
    cell.source = "\n".join(lines[:start] + lines[end:]) + "\n\n\n" + LONG_FUNCTION
    nbformat.write(document, notebook)
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", "--no-tighten", cwd=legacy.path)
    assert result.returncode == 1, result.stdout
    assert "new function `load_all`" in result.stdout


def test_a_name_defined_twice_gives_no_lines_to_a_new_long_function(tmp_path: Path) -> None:
    """The baseline holds a name defined twice by its worst definition; the same name's shorter
    twin must not read as that function having shrunk."""
    repo = Repo(tmp_path / "repo")
    long_process = "def process(x):\n" + "\n".join(f"    x = x + {i}" for i in range(90))
    document = build_notebook([long_process + "\n    return x", "def process(x):\n    return x"])
    nbformat.write(document, repo.path / "twice.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("legacy")
    _edit(
        repo.path / "twice.ipynb",
        "def process(x):\n    return x",
        "def process(x):\n    return x\n\n\n" + LONG_FUNCTION,
    )  # in the short twin's own cell
    repo.git("add", "twice.ipynb")
    result = run_cli("gate", "--staged", "--no-tighten", cwd=repo.path)
    assert result.returncode == 1, result.stdout
    assert "new function `load_all`" in result.stdout


def test_a_conflict_being_resolved_under_src_does_not_break_the_staged_gate(
    legacy: Repo,
) -> None:
    legacy.write("src/churn/dates.py", "X = 0\n")  # the package's only file: its marker
    legacy.git("add", "src")
    legacy.commit("module")
    legacy.git("checkout", "-q", "-b", "other")
    legacy.write("src/churn/dates.py", "X = 1\n")
    legacy.git("add", "src")
    legacy.commit("other")
    legacy.git("checkout", "-q", "-")
    legacy.write("src/churn/dates.py", "X = 2\n")
    legacy.git("add", "src")
    legacy.commit("ours")
    legacy.git("merge", "other", check=False)  # a conflict in src/churn/dates.py
    _edit(legacy.path / "newcomer.ipynb", "# churn analysis", "# churn analysis (Q3)")
    legacy.git("add", "newcomer.ipynb")
    result = run_cli("gate", "--staged", cwd=legacy.path)
    assert result.returncode == 0, result.stdout + result.stderr


def _as_an_older_nbcoach_recorded_it(repo: Repo, key: str, score: float) -> None:
    """The baseline as nbcoach before 0.4.0 wrote it: no `grading`, and the score it gave
    before a check it did not have yet."""
    entries = ledger.load(repo.path)
    entries[key] = replace(entries[key], score=score, grading=None)
    ledger.save(repo.path, entries)
    assert '"grading"' not in (repo.path / ".nbcoach" / "baseline.json").read_text()


def _clean(tmp_path: Path, first: str = "", last: str = "") -> Repo:
    """A repository holding examples/clean.ipynb, with the code cell `first` after its title
    and `last` at its end when given, and its baseline recorded (not committed)."""
    repo = Repo(tmp_path / "repo")
    notebook = repo.path / "clean.ipynb"
    shutil.copy(EXAMPLES / "clean.ipynb", notebook)
    document = nbformat.read(notebook, as_version=4)
    if first:
        document.cells.insert(1, nbformat.v4.new_code_cell(first))
    if last:
        document.cells.append(nbformat.v4.new_code_cell(last))
    nbformat.write(document, notebook)
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    return repo


@pytest.fixture
def upgraded(tmp_path: Path) -> Repo:
    """A notebook with one inline data path (a check 0.4.0 added), committed with a baseline an
    older nbcoach wrote: 100, where this version gives less."""
    repo = _clean(tmp_path, last="summary = open('out/summary.txt').read()")
    now = ledger.load(repo.path)["clean.ipynb"]
    assert now.grading == GRADING and now.score < 99
    _as_an_older_nbcoach_recorded_it(repo, "clean.ipynb", 100.0)
    repo.git("add", ".")
    repo.commit("before the upgrade")
    return repo


def _paths(repo: Repo, count: int) -> None:
    _paths_in(repo.path / "clean.ipynb", count)


def test_an_upgrade_that_adds_a_check_is_no_wall(upgraded: Repo) -> None:
    """A new check lowers the committed notebook's grade: the next commit is held to the
    notebook as recorded, graded by this version, not to the older version's score."""
    _edit(upgraded.path / "clean.ipynb", "summary = open", "summary_text = open")
    upgraded.git("add", "clean.ipynb")
    result = run_cli("gate", "--staged", cwd=upgraded.path)
    assert result.returncode == 0, result.stdout
    assert "graded again by this nbcoach for clean.ipynb" in result.stdout
    assert "entries updated" not in result.stdout
    rewritten = ledger.load(upgraded.path)["clean.ipynb"]
    assert rewritten.grading == GRADING and rewritten.score < 99
    assert f'"grading": {GRADING}' in (upgraded.path / ".nbcoach" / "baseline.json").read_text()


def test_after_an_upgrade_a_worse_notebook_is_still_blocked(upgraded: Repo) -> None:
    _paths(upgraded, 4)
    upgraded.git("add", "clean.ipynb")
    blocked = run_cli("gate", "--staged", cwd=upgraded.path)
    assert blocked.returncode == 1, blocked.stdout
    fell = re.search(
        r"score fell from [\d.]+ to [\d.]+ \(([\d.]+) to ([\d.]+) not counting how cells were run; both graded",
        blocked.stdout,
    )
    assert fell is not None, blocked.stdout
    assert float(fell[1]) - float(fell[2]) > 0.5
    assert "the baseline's 100.0 came from an older one" in blocked.stdout


def test_a_regression_committed_past_the_hook_is_held_to_the_recorded_notebook(
    upgraded: Repo,
) -> None:
    """The bar is the notebook as its entry was recorded, not the last commit: a worse
    notebook committed with --no-verify does not become the bar, in the hook or in CI."""
    _paths(upgraded, 4)
    upgraded.git("add", "clean.ipynb")
    upgraded.commit("worse, past the hook")
    assert run_cli("gate", "--no-tighten", cwd=upgraded.path).returncode == 1  # CI
    _edit(upgraded.path / "clean.ipynb", "summary = open", "summary_text = open")
    upgraded.git("add", "clean.ipynb")
    assert run_cli("gate", "--staged", cwd=upgraded.path).returncode == 1


def test_an_upgrade_that_raises_grades_opens_no_gap(upgraded: Repo) -> None:
    """Held to the notebook as recorded even when the older score was lower than this
    version's grade of it: a fall from that grade is a fall."""
    _as_an_older_nbcoach_recorded_it(upgraded, "clean.ipynb", 40.0)
    upgraded.git("add", ".")
    upgraded.commit("an older nbcoach gave 40")
    _paths(upgraded, 4)
    upgraded.git("add", "clean.ipynb")
    blocked = run_cli("gate", "--staged", cwd=upgraded.path)
    assert blocked.returncode == 1, blocked.stdout


def test_an_older_entry_with_no_recorded_notebook_stays_the_bar(tmp_path: Path) -> None:
    repo = _clean(tmp_path, last="summary = open('out/summary.txt').read()")
    _as_an_older_nbcoach_recorded_it(repo, "clean.ipynb", 100.0)
    repo.git("add", "clean.ipynb")  # the baseline itself was never committed
    repo.commit("notebook only")
    _edit(repo.path / "clean.ipynb", "summary = open", "summary_text = open")
    repo.git("add", "clean.ipynb")
    result = run_cli("gate", "--staged", cwd=repo.path)
    assert result.returncode == 1, result.stdout
    assert "record it again with `nbcoach baseline PATH`" in result.stdout


def test_a_fall_within_the_tolerance_passes_but_does_not_lower_the_bar(legacy: Repo) -> None:
    notebook = legacy.path / "newcomer.ipynb"
    committed = ledger.load(legacy.path)["newcomer.ipynb"]
    for number in range(3):
        _append_cell(notebook, f"extra_{number} = {number} + 1\nprint(extra_{number})")
        legacy.git("add", "newcomer.ipynb")
        result = run_cli("gate", "--staged", cwd=legacy.path)
        assert result.returncode == 0, result.stdout
        legacy.commit(f"a little more script {number}")
    assert ledger.load(legacy.path)["newcomer.ipynb"].score == committed.score


def test_grading_is_kept_in_the_file_and_lenient_entries_of_two_gradings_have_none() -> None:
    entry = ledger.NotebookEntry(80.0, (), GRADING, 82.5, 120)
    assert entry.fresh and not replace(entry, code=None).fresh
    assert not replace(entry, lines=None).fresh  # this version always records the size
    text = ledger.dumps({"a.ipynb": entry, "b.ipynb": replace(entry, grading=None)})
    assert ledger.loads(text, "test") == {"a.ipynb": entry, "b.ipynb": replace(entry, grading=None)}
    assert ledger.lenient(entry, replace(entry, score=70.0, grading=None)) == replace(
        entry, score=70.0, grading=None, code=None, lines=None
    )
    assert ledger.lenient(entry, replace(entry, code=81.0)) == replace(entry, code=81.0)
    assert ledger.lenient(entry, replace(entry, score=90.0)) == entry


def test_the_bar_is_the_code_score_so_a_run_cost_does_not_stretch_the_tolerance(
    tmp_path: Path,
) -> None:
    """A notebook saved with a cell never run scores less than its code does; held to its
    full score, a fall of its code up to that difference passed unseen."""
    repo = _clean(tmp_path, last="print(len(customers))")  # never run: costs how it was run
    notebook = repo.path / "clean.ipynb"
    entry = ledger.load(repo.path)["clean.ipynb"]
    assert entry.code is not None and entry.code - entry.score > 2
    repo.git("add", ".")
    repo.commit("recorded")
    _append_cell(notebook, "unused_value = 3")  # the code loses a point: less than the run cost
    repo.git("add", "clean.ipynb")
    result = run_cli("gate", "--staged", cwd=repo.path)
    assert result.returncode == 1, result.stdout
    assert "not counting how cells were run: the gate guards the code" in result.stdout


def test_the_next_step_of_a_fall_is_about_the_cells_the_change_touched(tmp_path: Path) -> None:
    """The card's first step is an old habit (a star import, worth more); the gate's step
    fixes what this commit made worse."""
    repo = _clean(tmp_path, first="from math import *")
    repo.git("add", ".")
    repo.commit("with a star import")
    _paths(repo, 2)
    repo.git("add", "clean.ipynb")
    result = run_cli("gate", "--staged", cwd=repo.path)
    assert result.returncode == 1, result.stdout
    card = run_cli("report", "clean.ipynb", cwd=repo.path).stdout
    assert "1. Replace the star import" in card
    assert "next step: Name the file paths once at the top" in result.stdout


def test_a_moved_notebook_keeps_its_entry(tmp_path: Path) -> None:
    """`git mv` is no way out of the ratchet: the moved notebook is held to its entry, and the
    entry moves with it."""
    repo = _clean(tmp_path)
    repo.git("add", ".")
    repo.commit("recorded")
    (repo.path / "notebooks").mkdir()
    repo.git("mv", "clean.ipynb", "notebooks/clean.ipynb")
    _paths_in(repo.path / "notebooks" / "clean.ipynb", 2)
    repo.git("add", "notebooks/clean.ipynb")
    blocked = run_cli("gate", "--staged", cwd=repo.path)
    assert blocked.returncode == 1, blocked.stdout
    assert "score fell from 100.0" in blocked.stdout

    repo.git("checkout", "HEAD", "--", ".")
    repo.git("rm", "-q", "--cached", "notebooks/clean.ipynb")
    shutil.rmtree(repo.path / "notebooks")
    repo.git("mv", "clean.ipynb", "moved.ipynb")
    moved = run_cli("gate", "--staged", cwd=repo.path)
    assert moved.returncode == 0, moved.stdout
    assert set(ledger.load(repo.path)) == {"moved.ipynb"}


def _paths_in(notebook: Path, count: int) -> None:
    for number in range(count):
        _append_cell(notebook, f"part_{number} = open('out/p{number}.txt').read()")


def _two_projects(tmp_path: Path) -> Repo:
    """Two projects in one repository, each with its own configuration and baseline, holding
    notebooks of the same name: a clean one and the newcomer's."""
    repo = Repo(tmp_path / "repo")
    for folder, example in (("a", "clean.ipynb"), ("z", "newcomer.ipynb")):
        (repo.path / folder).mkdir()
        (repo.path / folder / "pyproject.toml").write_text("[tool.nbcoach]\n")
        shutil.copy(EXAMPLES / example, repo.path / folder / "nb.ipynb")
        assert run_cli("baseline", cwd=repo.path / folder).returncode == 0
    repo.git("add", ".")
    repo.commit("two projects")
    return repo


def test_notebooks_of_one_name_in_two_projects_keep_their_own_entries(tmp_path: Path) -> None:
    repo = _two_projects(tmp_path)
    before = {f: ledger.load(repo.path / f)["nb.ipynb"] for f in ("a", "z")}
    _edit(repo.path / "a" / "nb.ipynb", "# Churn", "# Churn (Q3)")
    _edit(repo.path / "z" / "nb.ipynb", "# churn analysis", "# churn analysis (Q3)")
    repo.git("add", ".")
    assert run_cli("gate", "--staged", cwd=repo.path).returncode == 0
    assert {f: ledger.load(repo.path / f)["nb.ipynb"].score for f in ("a", "z")} == {
        f: before[f].score for f in ("a", "z")
    }


def test_a_move_into_another_project_keeps_the_entry(tmp_path: Path) -> None:
    repo = _two_projects(tmp_path)
    repo.git("mv", "a/nb.ipynb", "z/clean.ipynb")
    _paths_in(repo.path / "z" / "clean.ipynb", 2)
    repo.git("add", "z/clean.ipynb")
    blocked = run_cli("gate", "--staged", cwd=repo.path)
    assert blocked.returncode == 1, blocked.stdout
    assert "score fell from 100.0" in blocked.stdout


def test_a_move_right_after_an_upgrade_finds_the_notebook_as_recorded(upgraded: Repo) -> None:
    upgraded.git("mv", "clean.ipynb", "renamed.ipynb")
    moved = run_cli("gate", "--staged", cwd=upgraded.path)
    assert moved.returncode == 0, moved.stdout
    assert "clean.ipynb -> renamed.ipynb" in moved.stdout
    assert set(ledger.load(upgraded.path)) == {"renamed.ipynb"}


def test_the_next_step_points_at_the_new_occurrence_of_an_old_habit(tmp_path: Path) -> None:
    """A habit reported once per notebook (inline paths) stands first in an old cell; the step
    for this change shows where the change put it."""
    repo = _clean(tmp_path, first="part_a = open('out/a.txt').read()")
    notebook = repo.path / "clean.ipynb"
    repo.git("add", ".")
    repo.commit("one inline path")
    _paths(repo, 3)
    repo.git("add", "clean.ipynb")
    result = run_cli("gate", "--staged", cwd=repo.path)
    assert result.returncode == 1, result.stdout
    new_cell = len(nbformat.read(notebook, as_version=4).cells) - 2
    assert f"use the names, first at cell {new_cell} line 1" in result.stdout


def test_the_gates_step_is_never_restart_and_run_all_which_cannot_unblock_it(
    tmp_path: Path,
) -> None:
    # A new cell never run, with a late import: "restart and run all" was worth the most on
    # the card, but the gate leaves how cells were run out of the code score it compares.
    repo = Repo(tmp_path / "repo")
    shutil.copy(EXAMPLES / "clean.ipynb", repo.path / "clean.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("clean")
    _append_cell(repo.path / "clean.ipynb", "import math\n\nprint(math.pi)")
    card = run_cli("report", "clean.ipynb", cwd=repo.path).stdout
    assert "1. Restart the kernel and run all cells" in card
    result = run_cli("gate", "clean.ipynb", cwd=repo.path)
    assert result.returncode == 1
    assert "next step: Move the imports of cell 17 into the first code cell" in result.stdout


def test_an_unreadable_notebook_is_said_by_baseline_and_gate_never_loops(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    shutil.copy(EXAMPLES / "clean.ipynb", repo.path / "clean.ipynb")
    (repo.path / "cut.ipynb").write_bytes((EXAMPLES / "clean.ipynb").read_bytes()[:700])
    recorded = run_cli("baseline", "cut.ipynb", "clean.ipynb", cwd=repo.path)
    assert recorded.returncode == 2
    assert "nbcoach: error: cut.ipynb: truncated: the JSON ends unexpectedly" in recorded.stderr
    assert "recorded 1 notebook" in recorded.stdout  # the readable one all the same
    alone = run_cli("baseline", "cut.ipynb", cwd=repo.path)
    assert alone.returncode == 2 and "recorded" not in alone.stdout
    gated = run_cli("gate", "cut.ipynb", cwd=repo.path)
    assert gated.returncode == 1
    assert "could not be graded" in gated.stdout
    # recording it would not help: the gate does not send the user to `nbcoach baseline`
    assert "nbcoach baseline" not in gated.stdout
    assert "Fix the file so that it reads as a notebook" in gated.stdout


def test_moving_clean_code_out_of_a_notebook_with_python_2_cells_is_no_fall(
    tmp_path: Path,
) -> None:
    # Unparsed code scores zero for its lines: taking clean lines away left the Python 2 cells
    # a larger share, the score fell 0.8, and the extraction the card recommends was blocked.
    repo = Repo(tmp_path / "repo")
    cells = [
        "\n".join(f"print 'step {i}'" for i in range(30)),
        "def powers(x):\n    return [x, x * x, x * x * x]",
        "\n".join(f"value_{i} = powers({i})" for i in range(12)),
    ]
    nbformat.write(build_notebook(cells), repo.path / "old.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("old")
    moved = run_cli("extract", "old.ipynb", "-f", "powers", "--apply", cwd=repo.path)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    gated = run_cli("gate", "old.ipynb", cwd=repo.path)
    assert gated.returncode == 0, gated.stdout
    assert "the cells that do not parse are a larger share of a smaller one" in gated.stdout
    # more unparsed code is still a fall, however many lines left with it
    _append_cell(repo.path / "old.ipynb", "print 'one more'\nprint 'and another'")
    worse = run_cli("gate", "old.ipynb", cwd=repo.path)
    assert worse.returncode == 1, worse.stdout


def test_code_added_to_a_notebook_that_checks_nothing_is_no_wall_but_a_lost_check_is(
    tmp_path: Path,
) -> None:
    """`no-checks` costs more the more code goes unchecked, up to 100 lines. The gate prices it
    at the size the bar was recorded at, as it does copies: adding clean code to a 40-line
    notebook that checks nothing is no worse than it was, while deleting the only assert of a
    notebook that had one is."""
    repo = Repo(tmp_path / "repo")
    steps = "\n".join(f"total_{i} = sum(rows) + {i}" for i in range(40))
    nbformat.write(build_notebook(["rows = [3, 1, 2]", steps]), repo.path / "churn.ipynb")
    assert run_cli("baseline", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("unchecked")
    before = next(f for f in _card(repo.path)["findings"] if f["rule"] == "no-checks")
    _append_cell(repo.path / "churn.ipynb", _helpers())
    grown = next(f for f in _card(repo.path)["findings"] if f["rule"] == "no-checks")
    assert grown["deficit"] > before["deficit"]  # the premise: more code, more owed
    judged = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path)
    assert judged.returncode == 0, judged.stdout
    assert "owes more checks the more code it holds" in judged.stdout  # why the card fell

    checked = Repo(tmp_path / "checked")
    nbformat.write(
        build_notebook(["rows = [3, 1, 2]\nassert rows", steps]), checked.path / "churn.ipynb"
    )
    assert run_cli("baseline", cwd=checked.path).returncode == 0
    checked.git("add", ".")
    checked.commit("checked")
    nbformat.write(build_notebook(["rows = [3, 1, 2]", steps]), checked.path / "churn.ipynb")
    lost = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=checked.path)
    assert lost.returncode == 1, lost.stdout
    # the step names what the change did, not the card's most valuable habit
    assert (
        "next step: Put back the check this change took out of cell 1, or add another: the "
        "notebook checks nothing now (add a check at cell 2 line 40: an `assert`"
    ) in " ".join(lost.stdout.split())


def test_a_bar_from_an_older_grading_is_regraded_from_the_commit_that_recorded_it(
    tmp_path: Path,
) -> None:
    """After an upgrade the gate grades each notebook as it was when its entry was recorded.
    One score can stand in several entries in a row for other code: the commit is the one
    whose entry matches in score, code score and size, not the oldest with the same score."""
    repo = Repo(tmp_path / "repo")

    def record(lines: int) -> None:
        steps = "\n".join(f"total_{i} = sum(rows) + {i}" for i in range(lines - 2))
        nbformat.write(
            build_notebook(["rows = [3, 1, 2]\nassert rows", steps]), repo.path / "churn.ipynb"
        )
        entry = {"score": 90.0, "code": 90.0, "grading": GRADING - 1, "lines": lines}
        repo.write(
            ".nbcoach/baseline.json",
            json.dumps({"schema_version": 1, "notebooks": {"churn.ipynb": entry}}),
        )
        repo.git("add", ".")
        repo.commit(f"{lines} lines")

    record(54)
    record(56)
    judged = run_cli("gate", "--no-tighten", "churn.ipynb", cwd=repo.path)
    assert judged.returncode == 0, judged.stdout
    # unchanged since the commit that recorded its entry: regraded, that version scores the same
    assert "+0.0)  ok" in judged.stdout, judged.stdout  # the 54-line version gave 90.4, -0.4
    # the number shown is not the file's: said, also when nothing is written
    assert "baseline graded again by this nbcoach" in " ".join(judged.stdout.split())


def test_a_script_that_loses_its_only_check_is_told_so_in_a_scripts_words(tmp_path: Path) -> None:
    """A plain .py script has no cells: the step says "the script", not "cell 1"."""
    repo = Repo(tmp_path / "repo")
    steps = "\n".join(f"total_{i} = sum(rows) + {i}" for i in range(40))
    repo.write("job.py", f"rows = [3, 1, 2]\nassert rows\n{steps}\n")
    assert run_cli("baseline", "job.py", cwd=repo.path).returncode == 0
    repo.git("add", ".")
    repo.commit("checked")
    repo.write("job.py", f"rows = [3, 1, 2]\n{steps}\n")
    lost = run_cli("gate", "--no-tighten", "job.py", cwd=repo.path)
    assert lost.returncode == 1, lost.stdout
    said = " ".join(lost.stdout.split())
    assert "Put back the check this change took out, or add another: the script checks" in said
    assert "out of cell" not in said
