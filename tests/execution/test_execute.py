"""execute_notebook with real kernels: success, failure, timeout, parameters, local modules."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from nbcoach.core.errors import InputError, KernelEnvironmentError, UsageError
from nbcoach.execution.execute import execute_notebook


def outputs_of(path: str | Path) -> list[list[dict]]:
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    return [cell.get("outputs", []) for cell in notebook["cells"]]


def stdout_of(path: str | Path) -> str:
    return "".join(
        "".join(output["text"])
        for outputs in outputs_of(path)
        for output in outputs
        if output.get("name") == "stdout"
    )


def test_a_passing_run_writes_the_executed_notebook_and_leaves_the_source_alone(
    make_notebook, tmp_path
):
    source = make_notebook(
        [("markdown", "# Title"), "x = 6 * 7", "import sys\nprint(x, sys.executable)"],
        kernelspec={"name": "no-such-kernel", "display_name": "gone", "language": "python"},
    )
    before = source.read_bytes()
    seen: list[tuple[int, int]] = []
    result = execute_notebook(
        source,
        tmp_path / "out" / "executed.ipynb",
        cwd=tmp_path,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert result.status == "ok"
    assert result.error is None
    assert result.failing_cell is None
    assert result.cells == 3
    assert source.read_bytes() == before
    # The notebook's own kernelspec names a kernel that does not exist: the run's own spec
    # starts exactly the interpreter asked for (this one), so there is no NoSuchKernel.
    assert stdout_of(result.output) == f"42 {sys.executable}\n"
    assert Path(result.output) == (tmp_path / "out" / "executed.ipynb").resolve()
    assert seen[-1] == (3, 3)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    # papermill's partial saves are gone; only the executed notebook is left.
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["executed.ipynb"]
    nbformat.validate(nbformat.read(result.output, as_version=4))


def test_the_temporary_kernel_spec_is_removed_after_the_run(make_notebook, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    made: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def recorded_mkdtemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(Path(real_mkdtemp(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", recorded_mkdtemp)
    source = make_notebook(["print('hi')"])
    result = execute_notebook(source, tmp_path / "out.ipynb", cwd=tmp_path)
    assert result.status == "ok"
    # the spec was made here (so its absence below means something), then removed
    specs = [folder for folder in made if folder.name.startswith("nbcoach-kernel-")]
    assert len(specs) == 1 and specs[0].parent == scratch
    assert list(scratch.iterdir()) == []


def test_a_failing_cell_is_numbered_as_the_notebook_shows_it(make_notebook, tmp_path):
    source = make_notebook(
        [
            ("markdown", "# Intro"),
            "values = [1, 2, 0]",
            ("markdown", "Now divide."),
            "def ratio(a, b):\n    return a / b\n\nratio(values[0], values[2])",
            "print('never reached')",
        ]
    )
    result = execute_notebook(source, tmp_path / "out.ipynb", cwd=tmp_path)
    assert result.status == "failed"
    assert result.failing_cell == 4  # markdown cells count, as in the notebook UI
    assert result.error_name == "ZeroDivisionError"
    assert result.error_value == "division by zero"
    assert result.error == "ZeroDivisionError: division by zero"
    assert result.traceback[-1] == "ZeroDivisionError: division by zero"
    assert any("return a / b" in line for line in result.traceback)
    assert not any("\x1b[" in line for line in result.traceback)
    # Written for inspection, without papermill's banner cells, same cells as the source.
    executed = nbformat.read(result.output, as_version=4)
    assert len(executed.cells) == 5
    assert executed.cells[3].outputs[-1]["ename"] == "ZeroDivisionError"
    assert executed.cells[4].outputs == []


def test_a_cell_running_past_the_timeout_stops_the_run(make_notebook, tmp_path):
    source = make_notebook(["x = 1", ("markdown", "wait"), "import time\ntime.sleep(60)", "x"])
    result = execute_notebook(source, tmp_path / "out.ipynb", cwd=tmp_path, timeout=2)
    assert result.status == "timeout"
    assert result.failing_cell == 3
    assert "longer than 2 s" in result.error_value
    assert result.duration < 30
    assert Path(result.output).is_file()


def test_parameters_are_injected_after_the_parameters_cell(make_notebook, tmp_path):
    source = make_notebook(
        [
            ("markdown", "# Parameters"),
            {"source": "alpha = 0.1\nname = 'nobody'", "metadata": {"tags": ["parameters"]}},
            "print(alpha * 10, name)",
            "assert alpha < 0, 'alpha must be negative'",
        ]
    )
    result = execute_notebook(
        source,
        tmp_path / "out.ipynb",
        cwd=tmp_path,
        parameters={"alpha": 0.5, "name": "Ada Lovelace", "extra": [1, 2]},
    )
    assert stdout_of(result.output) == "5.0 Ada Lovelace\n"
    # The injected cell does not shift the number of the failing cell.
    assert result.status == "failed"
    assert result.failing_cell == 4
    assert result.error == "AssertionError: alpha must be negative"
    assert any("`extra` is not assigned in the parameters cell (cell 2)" in n for n in result.notes)


def test_parameters_without_a_parameters_cell_are_noted(make_notebook, tmp_path):
    source = make_notebook(["print(size)"])
    result = execute_notebook(source, tmp_path / "out.ipynb", cwd=tmp_path, parameters={"size": 3})
    assert result.status == "ok"
    assert stdout_of(result.output) == "3\n"
    assert result.notes == (
        "no cell is tagged `parameters`: `size` injected before the first cell (tag the cell "
        "that sets the defaults `parameters` to inject after it)",
    )


def test_a_cell_that_sets_a_parameter_again_is_named(make_notebook, tmp_path):
    """Without a parameters cell papermill injects before cell 1, and a cell that sets the
    name later silently overrides the value given: the run says which cell does."""
    source = make_notebook(
        [
            ("markdown", "# Sizes"),
            "import math\nsize = 10",
            "for label in ['a']:\n    pass\nprint(size, label)",
        ]
    )
    result = execute_notebook(
        source, tmp_path / "out.ipynb", cwd=tmp_path, parameters={"size": 3, "label": "b"}
    )
    assert stdout_of(result.output) == "10 a\n"  # what the warning is about
    assert result.notes == (
        "no cell is tagged `parameters`: `size`, `label` injected before the first cell (tag "
        "the cell that sets the defaults `parameters` to inject after it)",
        "cell 2 assigns `size` again: the value given with -p is overridden there",
        "cell 3 assigns `label` again: the value given with -p is overridden there",
    )
    tagged = make_notebook(
        [{"source": "size = 1", "metadata": {"tags": ["parameters"]}}, "size = 2", "print(size)"],
        name="tagged.ipynb",
    )
    result = execute_notebook(tagged, tmp_path / "t.ipynb", cwd=tmp_path, parameters={"size": 3})
    assert result.notes == (
        "cell 2 assigns `size` again: the value given with -p is overridden there",
    )


def test_a_module_beside_the_notebook_and_one_on_the_extra_path_import(make_notebook, tmp_path):
    (tmp_path / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    package = tmp_path / "src" / "shapes"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("SIDES = {'square': 4}\n")
    source = make_notebook(
        ["from helpers import double\nfrom shapes import SIDES\nprint(double(SIDES['square']))"]
    )
    without = execute_notebook(source, tmp_path / "without.ipynb", cwd=tmp_path)
    assert without.status == "failed"
    assert without.error == "ModuleNotFoundError: No module named 'shapes'"
    result = execute_notebook(
        source, tmp_path / "with.ipynb", cwd=tmp_path, extra_pythonpath=[tmp_path / "src"]
    )
    assert result.status == "ok", result.traceback
    assert stdout_of(result.output) == "8\n"


def test_the_working_folder_is_the_one_given(make_notebook, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "numbers.txt").write_text("1 2 3\n")
    source = make_notebook(["print(sum(map(int, open('numbers.txt').read().split())))"])
    result = execute_notebook(source, tmp_path / "out.ipynb", cwd=data)
    assert stdout_of(result.output) == "6\n"


def test_inplace_replaces_the_source(make_notebook, tmp_path):
    source = make_notebook(["print('ran')"])
    result = execute_notebook(source, source, cwd=tmp_path)
    assert Path(result.output) == source.resolve()
    assert stdout_of(source) == "ran\n"


def test_inplace_never_overwrites_a_source_changed_during_the_run(make_notebook, tmp_path):
    source = make_notebook(["x = 1"])
    # The notebook edits its own file while it runs, as a user saving in Jupyter would.
    edit = (
        "import json\n"
        "nb = json.load(open('notebook.ipynb'))\n"
        "nb['cells'].append({'cell_type': 'markdown', 'metadata': {}, 'source': 'new work'})\n"
        "json.dump(nb, open('notebook.ipynb', 'w'))"
    )
    notebook = nbformat.read(source, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(edit))
    nbformat.write(notebook, source)
    result = execute_notebook(source, source, cwd=tmp_path)
    assert result.status == "ok"
    assert "new work" in source.read_text()  # the newer work survives
    assert Path(result.output).name == "notebook.nbcoach-run.ipynb"
    assert "changed during the run" in result.notes[0]


def test_an_interpreter_without_ipykernel_is_refused_with_the_fix(make_notebook, tmp_path):
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    python = str(bare / "bin" / "python")
    source = make_notebook(["print(1)"])
    with pytest.raises(KernelEnvironmentError, match=r"has no ipykernel.*--isolated"):
        execute_notebook(source, tmp_path / "out.ipynb", cwd=tmp_path, python=python)


def test_a_parameter_json_cannot_hold_is_refused_before_running(make_notebook, tmp_path):
    source = make_notebook(["print(1)"])
    with pytest.raises(UsageError, match=r"parameter when: a object cannot be passed"):
        execute_notebook(
            source, tmp_path / "out.ipynb", cwd=tmp_path, parameters={"when": object()}
        )
    assert not (tmp_path / "out.ipynb").exists()


def test_a_file_that_is_not_a_notebook_is_an_input_error(tmp_path):
    source = tmp_path / "broken.ipynb"
    source.write_text("{not json")
    with pytest.raises(InputError, match=r"broken\.ipynb: not a notebook"):
        execute_notebook(source, tmp_path / "out.ipynb", cwd=tmp_path)


def test_environment_variables_reach_the_kernel(make_notebook, tmp_path):
    """A fixed PYTHONHASHSEED makes two runs iterate a set of strings in the same order
    (`extract --verify` relies on it); the variable must really reach the kernel."""
    source = make_notebook(["import os\nprint(os.environ.get('PYTHONHASHSEED'), hash('abc'))"])
    runs = [
        execute_notebook(
            source, tmp_path / f"run{n}.ipynb", cwd=tmp_path, environment={"PYTHONHASHSEED": "0"}
        )
        for n in (1, 2)
    ]
    first, second = (stdout_of(run.output) for run in runs)
    assert first.startswith("0 ") and first == second
