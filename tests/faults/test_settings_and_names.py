"""Issue 17: a configuration that would quietly weaken the gate, `extract` pointed at the wrong
file, names that break the Markdown card or the command it suggests, and a relabelled notebook
that would leave the gate."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

from support import EXAMPLES, build_notebook, run_cli

COMPLEX = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(61))


def _project(tmp_path: Path, table: str = "") -> Path:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "p"\n\n[tool.nbcoach]\n{table}\n', encoding="utf-8"
    )
    shutil.copy(EXAMPLES / "newcomer.ipynb", project / "nb.ipynb")
    return project


@pytest.mark.parametrize("command", ["report", "gate"])
def test_a_rule_ruff_does_not_know_stops_the_run_instead_of_raising_the_grade(
    tmp_path: Path, command: str
) -> None:
    project = _project(tmp_path, 'ruff-extend-select = ["NOTARULE"]')
    done = run_cli(command, ".", "--no-cache" if command == "report" else ".", cwd=project)
    assert done.returncode == 2, done.stdout
    assert done.stderr.count("\n") == 1
    assert "Unknown rule selector `NOTARULE`" in done.stderr
    assert "ruff-extend-select" in done.stderr


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("fail-under = nan", "'tool.nbcoach.fail-under' must be a finite number, not nan"),
        ("fail-under = 1000", "'tool.nbcoach.fail-under' must be at most 100, not 1000"),
        (
            "[tool.nbcoach.thresholds]\nfunction-lines = inf",
            "'tool.nbcoach.thresholds.function-lines' must be a finite number, not inf",
        ),
        (
            "[tool.nbcoach.thresholds]\nfunction-lines = 2.5",
            "'tool.nbcoach.thresholds.function-lines' must be a whole number, not 2.5",
        ),
        (
            "[tool.nbcoach.weights]\nfunctions = nan",
            "'tool.nbcoach.weights.functions' must be a finite number, not nan",
        ),
        (
            "[tool.nbcoach.weights]\nfunctions = 150",
            "'tool.nbcoach.weights.functions' must be at most 100, not 150",
        ),
    ],
)
def test_numbers_in_the_configuration_are_finite_and_in_range(
    tmp_path: Path, table: str, said: str
) -> None:
    project = _project(tmp_path, table)
    done = run_cli("report", ".", cwd=project)
    assert done.returncode == 2
    assert done.stderr.strip() == f"nbcoach: error: {project / 'pyproject.toml'}: {said}"


@pytest.mark.parametrize("value", ["nan", "1000", "-1"])
def test_fail_under_on_the_command_line_is_checked_too(tmp_path: Path, value: str) -> None:
    project = _project(tmp_path)
    done = run_cli("report", ".", "--fail-under", value, cwd=project)
    assert done.returncode == 2
    assert "--fail-under" in done.stderr and "Traceback" not in done.stderr


def _unchanged(*paths: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in paths}


def test_extract_never_moves_code_into_the_notebooks_own_pair(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert run_cli("pair", "nb.ipynb", cwd=project).returncode == 0
    before = _unchanged(project / "nb.ipynb", project / "nb.py")
    done = run_cli(
        "extract", "nb.ipynb", "--function", "parse_date", "--module", "nb.py", "--apply",
        cwd=project,
    )  # fmt: skip
    assert done.returncode == 2
    assert "nb.ipynb's own paired text file" in done.stderr
    assert _unchanged(*before) == before


@pytest.mark.parametrize("where", ["../outside.py", "{absolute}"])
def test_extract_never_writes_outside_the_project(tmp_path: Path, where: str) -> None:
    project = _project(tmp_path)
    where = where.replace("{absolute}", str(tmp_path / "elsewhere" / "x.py"))
    before = _unchanged(project / "nb.ipynb")
    done = run_cli(
        "extract", "nb.ipynb", "--function", "parse_date", "--module", where, "--apply",
        cwd=project,
    )  # fmt: skip
    assert done.returncode == 2
    assert "outside the project" in done.stderr
    assert not (tmp_path / "outside.py").exists()
    assert not (tmp_path / "elsewhere").exists()
    assert _unchanged(*before) == before


HOSTILE_NAMES = ["a|b.ipynb", "<img src=x onerror=alert(1)>.ipynb", "tick`<b>bold`.ipynb"]


def test_file_names_never_break_or_inject_into_the_markdown_card(tmp_path: Path) -> None:
    for name in HOSTILE_NAMES:
        shutil.copy(EXAMPLES / "newcomer.ipynb", tmp_path / name)
    done = run_cli("report", ".", "--format", "markdown", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    html = MarkdownIt("commonmark").enable("table").render(done.stdout)
    assert "<img" not in html and "<b>" not in html  # shown as text, never as HTML
    summary = html.split("</table>")[0]
    rows = summary.split("<tr>")[2:]  # after the header row
    assert len(rows) == len(HOSTILE_NAMES)
    for row in rows:
        assert row.count("<td") == 4, row  # a pipe in a name does not split the row
    for name in HOSTILE_NAMES:
        shown = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert f"<code>{shown}</code>" in html, name


def test_the_suggested_command_for_a_dash_name_runs_as_pasted(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "newcomer.ipynb", tmp_path / "-dash.ipynb")
    done = run_cli("report", "--format", "json", "--", "-dash.ipynb", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)["notebooks"][0]
    command = card["extraction_step"]["command"]
    assert command.startswith("nbcoach extract ./-dash.ipynb ")
    pasted = subprocess.run(
        command.replace("nbcoach", f"{shutil.which('python') or 'python'} -m nbcoach", 1),
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert pasted.returncode == 0, pasted.stderr


def test_relabelling_a_baselined_notebook_does_not_take_it_out_of_the_gate(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    nbformat.write(build_notebook(["x = 1"]), project / "nb.ipynb")
    assert run_cli("baseline", cwd=project).returncode == 0
    relabelled = build_notebook(["x = 1", COMPLEX], language="R")
    nbformat.write(relabelled, project / "nb.ipynb")
    done = run_cli("gate", ".", cwd=project)
    assert done.returncode == 1, done.stdout
    assert "NOT GRADED" in done.stdout and "a new label does not take" in done.stdout
    # Saying so on purpose is a visible change to the baseline, after which the gate passes.
    assert run_cli("baseline", "nb.ipynb", cwd=project).returncode == 0
    assert run_cli("gate", ".", cwd=project).returncode == 0
