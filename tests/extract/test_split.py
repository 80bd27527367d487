"""`nbcoach split` as a user runs it: a diff first, then a write that touches only the
function's cell (and its py:percent pair), names the user can choose, and `--verify`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from nbcoach.analysis.notebook_json import cell_spans
from support import EXAMPLES, build_notebook, run_cli


def _long_function() -> str:
    steps = []
    for step in range(4):
        steps.append(f"    # scale step {step}")
        steps.append(f"    values_{step} = []")
        steps.append(f"    for item in {'rows' if step == 0 else f'values_{step - 1}'}:")
        steps += [f"        item = item * {i + 2} + {step}" for i in range(12)]
        steps.append(f"        values_{step}.append(item)")
        steps.append("")
    return "def report(rows):\n" + "\n".join(steps) + "\n    return values_3"


def _notebook(tmp_path: Path) -> Path:
    path = tmp_path / "nb.ipynb"
    cells = ["import math", _long_function(), "print(report([1, 2, 3]))", "x = math.pi"]
    nbformat.write(build_notebook(cells), path)
    return path


def test_a_dry_run_shows_the_helpers_and_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    notebook = _notebook(tmp_path)
    before = notebook.read_bytes()
    done = run_cli("split", str(notebook), "--function", "report", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Cut into 2 helpers" in done.stdout  # two cuts bring 70 lines within 50
    assert "scale_step(rows) -> values_0" in done.stdout
    assert "Every piece is within the limits." in done.stdout
    assert "+def scale_step" in done.stdout  # the diff
    assert notebook.read_bytes() == before


def test_apply_changes_only_the_functions_cell_and_keeps_what_it_prints(tmp_path: Path) -> None:
    notebook = _notebook(tmp_path)
    before = notebook.read_text(encoding="utf-8")
    done = run_cli("split", str(notebook), "-f", "report", "--apply", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = notebook.read_text(encoding="utf-8")
    old_spans, new_spans = cell_spans(before), cell_spans(after)
    for index in (0, 2, 3):  # every other cell is byte-identical in the JSON
        old, new_span = old_spans[index], new_spans[index]
        assert before[old.start : old.end] == after[new_span.start : new_span.end]
    new = nbformat.reads(after, as_version=4)
    namespace: dict[str, object] = {}
    exec(new.cells[1].source, namespace)  # the notebook's own code: same result as before
    original: dict[str, object] = {}
    exec(_long_function(), original)
    assert namespace["report"]([1, 2, 3]) == original["report"]([1, 2, 3])  # type: ignore[operator]
    card = json.loads(run_cli("report", str(notebook), "--format", "json", cwd=tmp_path).stdout)
    names = {f["name"] for f in card["notebooks"][0]["functions"]}
    assert {"report", "scale_step"} <= names
    assert all(f["length"] <= 50 for f in card["notebooks"][0]["functions"])


def test_helpers_take_the_names_the_user_chooses(tmp_path: Path) -> None:
    notebook = _notebook(tmp_path)
    plan = tmp_path / "names.json"
    done = run_cli("split", str(notebook), "-f", "report", "--save-plan", str(plan), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(plan.read_text(encoding="utf-8"))
    assert document["function"] == "report" and "scale_step" in document["names"]
    document["names"]["scale_step"] = "first_pass"
    plan.write_text(json.dumps(document), encoding="utf-8")
    done = run_cli(
        "split", str(notebook), "-f", "report", "--plan", str(plan),
        "--name", "scale_step_2=second_pass", "--apply", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    source = nbformat.read(notebook, as_version=4).cells[1].source
    assert "def first_pass(" in source and "def second_pass(" in source
    assert "named by you" in done.stdout


def test_a_paired_notebook_gets_its_text_file_updated(tmp_path: Path) -> None:
    notebook = _notebook(tmp_path)
    assert run_cli("pair", str(notebook), cwd=tmp_path).returncode == 0
    done = run_cli("split", str(tmp_path / "nb.py"), "-f", "report", "--apply", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "def scale_step(" in (tmp_path / "nb.py").read_text(encoding="utf-8")
    status = run_cli("sync", str(notebook), cwd=tmp_path)
    assert "in sync" in status.stdout


def test_a_python_module_is_split_in_place(tmp_path: Path) -> None:
    module = tmp_path / "steps.py"
    module.write_text(_long_function() + "\n", encoding="utf-8")
    done = run_cli("split", str(module), "-f", "report", "--apply", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    namespace: dict[str, object] = {}
    exec(module.read_text(encoding="utf-8"), namespace)
    assert namespace["report"]([1]) == [((1 * 2 + 0) * 3 + 0)] or namespace["report"]([1])


def test_unknown_functions_and_magic_cells_are_one_line_errors(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    nbformat.write(build_notebook(["%matplotlib inline\ndef f(x):\n    return x"]), notebook)
    done = run_cli("split", str(notebook), "-f", "missing", cwd=tmp_path)
    assert done.returncode == 2 and "no top-level function `missing`" in done.stderr
    done = run_cli("split", str(notebook), "-f", "f", cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "magics" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_the_newcomers_function_split_and_verified_keeps_every_output(tmp_path: Path) -> None:
    for item in ("newcomer.ipynb", "data", "pyproject.toml"):
        source = EXAMPLES / item
        if source.is_dir():
            shutil.copytree(source, tmp_path / item)
        elif source.exists():
            shutil.copy(source, tmp_path / item)
    before = json.loads(
        run_cli("report", "newcomer.ipynb", "--format", "json", cwd=tmp_path).stdout
    )["notebooks"][0]
    done = run_cli("split", "newcomer.ipynb", "-f", "analyse_customers", "--verify", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verified: all 20 code cells print the same before and after" in done.stdout
    after = json.loads(
        run_cli("report", "newcomer.ipynb", "--format", "json", cwd=tmp_path).stdout
    )["notebooks"][0]
    grade, was = after["categories"], before["categories"]
    # 23 helpers, and the 8 parameters grouped into a dataclass every call builds: F to A
    assert "grouped 4 parameters (top_n, verbose, width, fee_default)" in done.stdout
    assert was["functions"]["grade"] == "F" and grade["functions"]["grade"] in ("A", "B")
    assert was["complexity"]["grade"] == "F" and grade["complexity"]["grade"] == "A"
