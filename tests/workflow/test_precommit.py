"""The real pre-commit framework, in a team's repository scaffolded by `nbcoach init`.

pre-commit installs nbcoach from a git repository holding this checkout (through
.pre-commit-hooks.yaml), and nbstripout and ruff from PyPI, so these tests are slow the first
time; one PRE_COMMIT_HOME is shared by the whole session (set NBCOACH_TEST_PRE_COMMIT_HOME to
keep it between sessions).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gitrepo import Repo
from helpers import GateLine, gate_lines
from nbcoach.workflow import baseline as ledger
from support import EXAMPLES, run_cli

pytestmark = pytest.mark.slow

LONG_FUNCTION = (
    "def load_all(x):\n" + "\n".join(f"    v{i} = x + {i}" for i in range(60)) + "\n    return v0"
)


@pytest.fixture
def team(
    tmp_path: Path, hook_source: tuple[str, str], pre_commit_home: str, mirrors: dict[str, str]
) -> Repo:
    """A team's repository with a legacy notebook, after `nbcoach init` and `pre-commit install`."""
    repo = Repo(tmp_path / "team")
    repo.write("pyproject.toml", '[project]\nname = "churn"\nversion = "0.1"\n')
    legacy = nbformat.read(EXAMPLES / "newcomer.ipynb", as_version=4)
    for cell in legacy.cells:  # as nbstripout will keep it: no outputs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    (repo.path / "notebooks").mkdir()
    nbformat.write(legacy, repo.path / "notebooks" / "churn.ipynb")
    url, rev = hook_source
    init = run_cli("init", "--hooks-repo", url, "--hooks-rev", rev, cwd=repo.path)
    assert init.returncode == 0, init.stderr
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo.path,
        check=True,
        capture_output=True,
        env={**os.environ, "PRE_COMMIT_HOME": pre_commit_home, **mirrors},
    )
    repo.git("add", "-A")
    repo.env = {"PRE_COMMIT_HOME": pre_commit_home, **mirrors}  # type: ignore[attr-defined]
    return repo


def commit(repo: Repo, message: str) -> subprocess.CompletedProcess[str]:
    return repo.commit(message, env=repo.env, check=False)  # type: ignore[attr-defined]


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def test_first_commit_after_init_passes_with_the_legacy_notebook_under_its_baseline(
    team: Repo,
) -> None:
    result = commit(team, "adopt nbcoach")
    assert result.returncode == 0, output(result)
    text = output(result)
    assert "notebooks/churn.ipynb: wrote notebooks/churn.py from notebooks/churn.ipynb" in text
    assert "(staged notebooks/churn.py)" in text
    # legacy: ~34/100 with fail-under 70, but it is in the baseline, so it passes
    recorded = ledger.load(team.path)["notebooks/churn.ipynb"].score
    assert recorded < 70
    verdicts = gate_lines(text)
    assert verdicts["notebooks/churn.ipynb"] == GateLine(
        "notebooks/churn.ipynb", "F", recorded, recorded, "+0.0", "ok"
    )
    assert {line.verdict for line in verdicts.values()} == {"ok"}  # the scaffolded files too
    committed = team.git("ls-tree", "-r", "--name-only", "HEAD").split()
    assert "notebooks/churn.py" in committed  # the sync hook wrote and staged the pair
    assert ".nbcoach/baseline.json" in committed
    assert team.git("status", "--porcelain") == ""  # one go: nothing left behind
    assert run_cli("sync", "--check", cwd=team.path).returncode == 0


def stage_a_long_function(team: Repo) -> None:
    """Make the adopted notebook worse (a new 60-line function) and stage only the notebook."""
    notebook = team.path / "notebooks" / "churn.ipynb"
    document = nbformat.read(notebook, as_version=4)
    document.cells.append(nbformat.v4.new_code_cell(LONG_FUNCTION))
    nbformat.write(document, notebook)
    team.git("add", "notebooks/churn.ipynb")


def test_a_commit_that_makes_the_notebook_worse_is_blocked(team: Repo) -> None:
    assert commit(team, "adopt").returncode == 0
    stage_a_long_function(team)
    result = commit(team, "add load_all")
    assert result.returncode != 0
    text = output(result)
    assert "nbcoach gate (ratchet)" in text and "Failed" in text
    assert gate_lines(text)["notebooks/churn.ipynb"].verdict == "WORSE"
    assert "new function `load_all` (cell 23) is over the limits" in text
    assert "next step: Split `load_all`" in text
    assert team.git("rev-list", "--count", "HEAD").strip() == "1"


def test_a_commit_that_improves_it_passes_and_tightens_the_baseline(team: Repo) -> None:
    assert commit(team, "adopt").returncode == 0
    before = ledger.load(team.path)["notebooks/churn.ipynb"].score
    notebook = team.path / "notebooks" / "churn.ipynb"
    document = nbformat.read(notebook, as_version=4)
    document.cells = [c for c in document.cells if "def analyse_customers" not in c.source]
    nbformat.write(document, notebook)
    team.git("add", "notebooks/churn.ipynb")
    result = commit(team, "drop the giant function")
    assert result.returncode == 0, output(result)
    assert "improvements recorded" in output(result)
    after = ledger.load(team.path)["notebooks/churn.ipynb"].score
    assert after > before
    assert f'"score": {after}' in team.show("HEAD:.nbcoach/baseline.json")
    assert "def analyse_customers" not in team.show("HEAD:notebooks/churn.py")
    assert team.git("status", "--porcelain") == ""


def test_the_sync_hook_carries_a_text_edit_into_the_notebook_in_one_go(team: Repo) -> None:
    assert commit(team, "adopt").returncode == 0
    text = team.path / "notebooks" / "churn.py"
    text.write_text(text.read_text().replace("# # churn analysis", "# # churn analysis, Q3"))
    team.git("add", "notebooks/churn.py")
    result = commit(team, "retitle in the .py")
    assert result.returncode == 0, output(result)
    assert "churn analysis, Q3" in team.show("HEAD:notebooks/churn.ipynb")
    assert team.git("status", "--porcelain") == ""
    assert run_cli("sync", "--check", cwd=team.path).returncode == 0


def test_unstaged_edits_to_the_other_side_stop_the_sync_and_survive(team: Repo) -> None:
    """Both sides edited, one staged: pre-commit hides the other's edits while hooks run. The
    hook must not overwrite them (pre-commit could not put them back); it says what to do."""
    assert commit(team, "adopt").returncode == 0
    notebook = team.path / "notebooks" / "churn.ipynb"
    document = nbformat.read(notebook, as_version=4)
    document.cells[0].source = "# churn analysis, from the notebook"
    nbformat.write(document, notebook)
    text = team.path / "notebooks" / "churn.py"
    edited = text.read_text().replace("THRESHOLD = 0.5", "THRESHOLD = 0.6")
    text.write_text(edited)
    team.git("add", "notebooks/churn.ipynb")
    result = commit(team, "both sides")
    assert result.returncode != 0
    assert "notebooks/churn.py has unstaged changes" in output(result)
    assert "git add notebooks/churn.py" in output(result)
    assert text.read_text() == edited  # the unstaged edit is back in place, untouched


def test_a_2000_line_commit_is_flagged(team: Repo) -> None:
    assert commit(team, "adopt").returncode == 0
    cells: list[object] = [("markdown", "# Helpers\nSmall, tested steps.")]
    for number in range(170):
        cells.append(
            f"def step_{number}(value):\n"
            f'    """Step {number}."""\n'
            f"    total = value + {number}\n"
            f"    return total * 2\n"
        )
        if number % 8 == 0:
            cells.append(("markdown", f"## Step {number}"))
    from support import build_notebook

    nbformat.write(build_notebook(cells), team.path / "notebooks" / "steps.ipynb")
    team.git("add", "notebooks/steps.ipynb")
    result = commit(team, "everything at once")
    text = output(result)
    assert result.returncode == 0, text  # it warns by default
    assert "big-bang commit:" in text and "changed lines (limit 400)" in text
    assert "changed functions (limit 10)" in text
    assert "commit one function (or a few related ones) at a time" in text
    assert "git add -p notebooks/steps.py" in text


def _retitle(notebook: Path, title: str) -> None:
    document = nbformat.read(notebook, as_version=4)
    document.cells[0].source = document.cells[0].source.replace("# churn analysis", title)
    nbformat.write(document, notebook)


def test_a_sync_not_staged_yet_stops_the_commit_and_the_edit_survives(team: Repo) -> None:
    """Edit the notebook, `nbcoach sync`, stage only the notebook. pre-commit sets the unstaged
    .py aside, so the hook sees the committed .py; it must not write the notebook from it."""
    assert commit(team, "adopt").returncode == 0
    notebook = team.path / "notebooks" / "churn.ipynb"
    text = team.path / "notebooks" / "churn.py"
    _retitle(notebook, "# churn analysis, Q3")
    assert run_cli("sync", cwd=team.path).returncode == 0
    synced = (notebook.read_bytes(), text.read_bytes())
    team.git("add", "notebooks/churn.ipynb")
    result = commit(team, "retitle")
    assert result.returncode != 0, output(result)
    assert (
        "nbcoach: error: notebooks/churn.py has unstaged changes (an `nbcoach sync` not staged "
        "yet?) and its pair is staged, so the commit would not hold a consistent pair. Stage it "
        "too (git add notebooks/churn.py) or set its changes aside (git stash), then commit again"
    ) in output(result)
    assert (notebook.read_bytes(), text.read_bytes()) == synced  # nothing lost
    assert team.git("rev-list", "--count", "HEAD").strip() == "1"

    team.git("add", "notebooks/churn.py")  # as the message says
    again = commit(team, "retitle")
    assert again.returncode == 0, output(again)
    assert "churn analysis, Q3" in team.show("HEAD:notebooks/churn.ipynb")
    assert "churn analysis, Q3" in team.show("HEAD:notebooks/churn.py")
    assert team.git("status", "--porcelain") == ""


def test_after_undoing_a_blocked_commit_the_next_edit_goes_through(team: Repo) -> None:
    assert commit(team, "adopt").returncode == 0
    stage_a_long_function(team)
    assert commit(team, "add load_all").returncode != 0  # the gate blocks it, after the sync
    team.git("restore", "--staged", "--worktree", "notebooks/")  # undo it

    _retitle(team.path / "notebooks" / "churn.ipynb", "# churn analysis, Q3")
    team.git("add", "notebooks/churn.ipynb")
    result = commit(team, "retitle")
    assert result.returncode == 0, output(result)
    assert (
        "notebooks/churn.ipynb: wrote notebooks/churn.py from notebooks/churn.ipynb "
        "(churn.ipynb was edited; churn.py is as committed) (staged notebooks/churn.py)"
    ) in output(result)
    assert "churn analysis, Q3" in team.show("HEAD:notebooks/churn.py")
    assert team.git("status", "--porcelain") == ""


def test_a_tightening_in_a_commit_another_hook_blocked_does_not_outlive_it(team: Repo) -> None:
    """The gate tightens and stages the baseline; nbstripout blocks the commit (outputs); the
    author drops the change. The next commit is held to HEAD's baseline, not to the drop."""
    assert commit(team, "adopt").returncode == 0
    committed = ledger.load(team.path)["notebooks/churn.ipynb"].score
    notebook = team.path / "notebooks" / "churn.ipynb"
    document = nbformat.read(notebook, as_version=4)
    document.cells = [c for c in document.cells if "def analyse_customers" not in c.source]
    code = next(c for c in document.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nbformat.write(document, notebook)
    team.git("add", "notebooks/churn.ipynb")
    blocked = commit(team, "drop the giant function")
    assert blocked.returncode != 0
    assert "nbstripout" in output(blocked) and "improvements recorded" in output(blocked)
    team.git("restore", "--staged", "--worktree", "notebooks/")  # the author drops it

    _retitle(notebook, "# churn analysis, Q3")
    team.git("add", "notebooks/churn.ipynb")
    result = commit(team, "retitle")
    assert result.returncode == 0, output(result)
    assert gate_lines(output(result)) == {
        "notebooks/churn.ipynb": GateLine(
            "notebooks/churn.ipynb", "F", committed, committed, "+0.0", "ok"
        )
    }
    assert team.git("status", "--porcelain") == ""
    assert ledger.load(team.path)["notebooks/churn.ipynb"].score == committed


def test_pre_commit_run_on_files_with_unstaged_edits_judges_them_as_on_disk(team: Repo) -> None:
    """Outside a commit (`pre-commit run --files`, `--all-files` in CI after a local edit) the
    gate checks the files pre-commit hands it, and says so."""
    assert commit(team, "adopt").returncode == 0
    notebook = team.path / "notebooks" / "churn.ipynb"
    document = nbformat.read(notebook, as_version=4)
    document.cells.append(nbformat.v4.new_code_cell(LONG_FUNCTION))
    nbformat.write(document, notebook)  # edited, not staged
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "nbcoach", "--files", "notebooks/churn.ipynb"],
        cwd=team.path,
        env={**os.environ, **team.env},  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        check=False,
    )
    text = output(result)
    assert result.returncode != 0, text
    assert "checked as on disk, not as staged: notebooks/churn.ipynb" in text
    assert "new function `load_all`" in text


def test_a_notebook_committed_with_outputs_is_stripped_after_a_blocked_edit_from_the_py(
    team: Repo,
) -> None:
    """A notebook still committed with outputs, edited through its .py: the commit the gate
    blocks leaves the notebook (with outputs) staged by the sync hook; on the next attempt
    nbstripout strips it. The sync hook must build on the stripped copy (it gave the outputs
    back, failed for modifying the file, and nbstripout failed again on every attempt after),
    and the gate must judge the staged copy, not call the commit "no commit"."""
    notebook = team.path / "notebooks" / "churn.ipynb"
    document = nbformat.read(notebook, as_version=4)
    for cell in document.cells:  # committed before the team stripped outputs
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text="saved output\n")]
    nbformat.write(document, notebook)
    assert run_cli("sync", cwd=team.path).returncode == 0  # writes notebooks/churn.py
    team.git("add", "-A")
    team.git("commit", "-qm", "adopt, outputs and all", "--no-verify")  # as repositories hold them
    text = team.path / "notebooks" / "churn.py"
    text.write_text(text.read_text() + "\n# %%\n" + LONG_FUNCTION + "\n")
    team.git("add", "notebooks/churn.py")
    blocked = commit(team, "a long function")
    assert blocked.returncode != 0 and "new function `load_all`" in output(blocked)
    text.write_text(text.read_text().replace(LONG_FUNCTION, "total = 1"))
    team.git("add", "notebooks/churn.py")
    stripped = commit(team, "a short step")  # nbstripout strips the staged notebook: stops once
    assert stripped.returncode != 0
    assert "checked as on disk" not in output(stripped)
    result = commit(team, "a short step")
    assert result.returncode == 0, output(result)
    committed = team.show("HEAD:notebooks/churn.ipynb")
    assert "total = 1" in committed and "saved output" not in committed
    assert team.git("status", "--porcelain") == ""


def test_a_commit_that_only_deletes_a_paired_notebook_says_its_py_stays(team: Repo) -> None:
    assert commit(team, "adopt").returncode == 0
    team.git("rm", "-q", "notebooks/churn.ipynb")
    result = commit(team, "drop the notebook")  # pre-commit passes the sync hook no file
    assert result.returncode == 0, output(result)
    assert "deletes the notebook but not its pair notebooks/churn.py" in output(result)
    assert "`git rm notebooks/churn.py`" in output(result)


def test_the_sync_hook_leaves_alone_what_the_pre_commit_config_excludes(team: Repo) -> None:
    # `always_run`: pre-commit runs the hook with no file names when it passes over every
    # staged file; syncing each staged pair then rewrote and staged an excluded notebook
    assert commit(team, "adopt").returncode == 0
    config = team.path / ".pre-commit-config.yaml"
    config.write_text("exclude: ^legacy/\n" + config.read_text())
    (team.path / "legacy").mkdir()
    nbformat.write(nbformat.v4.new_notebook(), team.path / "legacy" / "old.ipynb")
    assert run_cli("pair", "legacy/old.ipynb", cwd=team.path).returncode == 0
    team.git("add", "-A")
    team.git("commit", "-qm", "a legacy folder the hooks leave alone", "--no-verify")
    notebook = (team.path / "legacy" / "old.ipynb").read_bytes()
    text = team.path / "legacy" / "old.py"
    text.write_text(text.read_text() + "\n# %%\nx = 1\n")
    team.git("add", "legacy/old.py")
    result = commit(team, "an edit in the excluded folder")
    assert result.returncode == 0, output(result)
    assert "legacy/old.ipynb" not in output(result)
    assert (team.path / "legacy" / "old.ipynb").read_bytes() == notebook


def test_a_new_notebook_stripped_by_nbstripout_is_judged_as_staged(team: Repo) -> None:
    """nbstripout strips the staged notebook, and nothing rewrites it after: the gate must
    still judge the commit's copy, not call the commit "no commit" and judge the stripped
    file on disk."""
    assert commit(team, "adopt").returncode == 0
    fresh = nbformat.v4.new_notebook()
    fresh.cells = [nbformat.v4.new_code_cell("total = 1 + 1\nprint(total)", execution_count=1)]
    fresh.cells[0].outputs = [nbformat.v4.new_output("stream", text="2\n")]
    nbformat.write(fresh, team.path / "notebooks" / "fresh.ipynb")
    team.git("add", "notebooks/fresh.ipynb")
    first = commit(team, "a new notebook")  # nbstripout strips it: stops once
    assert first.returncode != 0 and "nbstripout" in output(first)
    assert "checked as on disk" not in output(first)
