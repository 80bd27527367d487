"""`nbcoach extract` as a user runs it: a real process, real files, exit codes, plain output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers import assert_golden
from support import EXAMPLES, build_notebook, run_cli, run_cli_ok


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the examples folder (a project with pyproject.toml, src/churn and data)."""
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    return copy


def test_candidates_list_what_moves_and_why_the_rest_stays(project: Path) -> None:
    before = (project / "newcomer.ipynb").read_bytes()
    result = run_cli("extract", "newcomer.ipynb", "--candidates", cwd=project)
    assert result.returncode == 0, result.stderr
    assert_golden("newcomer_candidates.txt", result.stdout)
    assert (project / "newcomer.ipynb").read_bytes() == before
    assert "\x1b[" not in result.stdout


def test_the_report_step_command_is_a_dry_run_with_diffs(project: Path) -> None:
    report = json.loads(
        run_cli_ok("report", "--format", "json", "newcomer.ipynb", cwd=project).stdout
    )
    command = report["notebooks"][0]["extraction_step"]["command"]
    assert command == "nbcoach extract newcomer.ipynb --function parse_date"
    before = (project / "newcomer.ipynb").read_bytes()
    result = run_cli(*command.split()[1:], cwd=project)
    assert result.returncode == 0, result.stderr
    assert_golden("newcomer_extract_parse_date.txt", result.stdout)
    assert (project / "newcomer.ipynb").read_bytes() == before
    assert not (project / "src" / "churn" / "newcomer.py").exists()


def test_a_refused_function_exits_1_and_says_why(project: Path) -> None:
    result = run_cli("extract", "newcomer.ipynb", "-f", "clean_row", cwd=project)
    assert result.returncode == 1
    assert "clean_row  [redefined-used-between]  newcomer.ipynb:cell 5:line 1" in result.stdout
    assert "Nothing can move; nothing was written." in result.stdout


def test_a_missing_notebook_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("extract", "nope.ipynb", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["nbcoach: error: nope.ipynb: no such file"]


def test_apply_writes_and_reports_what_to_do_next(project: Path) -> None:
    result = run_cli("extract", "newcomer.ipynb", "-f", "pct", "--apply", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "written: newcomer.ipynb, src/churn/newcomer.py" in result.stdout
    assert "originals saved in .nbcoach/backup/" in result.stdout
    assert "install the project in editable mode" in result.stdout
    assert "def pct(part, whole):" in (project / "src" / "churn" / "newcomer.py").read_text()
    assert "-def pct" not in result.stdout  # no diffs once applied


@pytest.mark.slow
def test_verify_transcript(project: Path) -> None:
    result = run_cli("extract", "newcomer.ipynb", "--verify", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "verified: all 19 code cells print the same before and after" in lines
    assert any(line.startswith("  papermill runs: before ok in ") for line in lines)
    assert "  tests: tests/test_newcomer_characterization.py" in lines


def test_moving_every_check_of_the_notebook_is_said_before_it_is_done(project: Path) -> None:
    """The guard still runs from the module, but the notebook itself then checks nothing, which
    the report and the gate count: the plan says so, and a check left in the notebook is
    enough."""
    guarded = (
        "def parse(text):\n    text = text.strip()\n    if not text:\n"
        "        raise ValueError('empty')\n    return int(text)"
    )
    steps = "\n".join(f"value_{i} = parse(' {i} ')" for i in range(35))
    nbformat.write(build_notebook([guarded, steps]), project / "guarded.ipynb")
    alone = run_cli("extract", "guarded.ipynb", "-f", "parse", cwd=project)
    assert alone.returncode == 0, alone.stderr
    assert "note: every check of the notebook is in `parse`: moved, the notebook checks" in (
        alone.stdout
    )
    nbformat.write(
        build_notebook([guarded, steps + "\nassert value_1 == 1"]), project / "guarded.ipynb"
    )
    kept = run_cli("extract", "guarded.ipynb", "-f", "parse", cwd=project)
    assert kept.returncode == 0, kept.stderr
    assert "every check of the notebook" not in kept.stdout
    # too little code stays for a check to be owed: nothing to say
    nbformat.write(build_notebook([guarded, "value = parse(' 1 ')"]), project / "guarded.ipynb")
    small = run_cli("extract", "guarded.ipynb", "-f", "parse", cwd=project)
    assert small.returncode == 0, small.stderr
    assert "every check of the notebook" not in small.stdout
