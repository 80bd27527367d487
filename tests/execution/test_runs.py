"""The run log's format: what the dashboard reads, checked against its published schema."""

from __future__ import annotations

import json
import os
from importlib.metadata import version
from pathlib import Path

import jsonschema
import pytest

from nbcoach import __version__
from nbcoach.core.model import RunResult
from nbcoach.execution.runner import RunOptions, run_notebook
from nbcoach.execution.runs import RUNS_FILE, append_record, read_records, relative, run_record
from support import ROOT

SCHEMA = json.loads((ROOT / "docs" / "run-record.schema.json").read_text())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    return tmp_path


def test_real_runs_write_records_that_match_the_schema(project, make_notebook):
    notebooks = project / "notebooks"
    make_notebook(["import rich\nprint('fine')"], name="notebooks/fine.ipynb")
    make_notebook([("markdown", "# x"), "1 / 0"], name="notebooks/broken.ipynb")
    (project / "lock.txt").write_text(f"rich=={version('rich')}\n")
    run_notebook(notebooks / "fine.ipynb")
    run_notebook(notebooks / "broken.ipynb", RunOptions(parameters={"sizes": (1, 2)}))
    run_notebook(notebooks / "fine.ipynb", RunOptions(lock=project / "lock.txt"))
    records = read_records(project)
    for record in records:
        jsonschema.validate(record, SCHEMA)
    fine, broken, locked = records
    assert fine["notebook"] == "notebooks/fine.ipynb"
    assert fine["output"] == ".nbcoach/runs/notebooks/fine.ipynb"
    assert fine["packages"] == {"rich": version("rich")}
    assert fine["nbcoach_version"] == __version__
    assert broken["failing_cell"] == 2
    assert broken["error"] == "ZeroDivisionError: division by zero"
    assert broken["parameters"] == {"sizes": [1, 2]}
    assert locked["lock"] == "lock.txt"
    assert len(locked["lock_hash"]) == 64
    # One line per run, appended: the file is valid JSON lines.
    lines = (project / ".nbcoach" / RUNS_FILE).read_text().splitlines()
    assert [json.loads(line) for line in lines] == records


def test_the_state_folder_keeps_the_log_out_of_git(project):
    result = RunResult("nb.ipynb", "ok", 1.0, "out.ipynb")
    record = run_record(result, root=project, started="2024-01-01T00:00:00Z", environment="current",
                        python="3.11.7", packages={})  # fmt: skip
    append_record(project, record)
    ignore = (project / ".nbcoach" / ".gitignore").read_text()
    assert "*\n" in ignore and "runs.jsonl" not in ignore


def test_unreadable_lines_are_skipped_not_fatal(project):
    folder = project / ".nbcoach"
    folder.mkdir()
    (folder / RUNS_FILE).write_text('{"status": "ok"}\nnot json\n[1, 2]\n{"status": "failed"}\n')
    assert read_records(project) == [{"status": "ok"}, {"status": "failed"}]


def test_paths_are_relative_to_the_root_and_posix_inside_it(tmp_path):
    inside = tmp_path / "a" / "b.ipynb"
    assert relative(inside, tmp_path) == "a/b.ipynb"
    outside = tmp_path.parent / "elsewhere.ipynb"
    assert relative(outside, tmp_path) == outside.resolve().as_posix()
    assert os.sep not in relative(inside, tmp_path) or os.sep == "/"
