"""Applying a plan: atomic writes, backups, refusals, paired files, real verification runs."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from extract_invariants import violations
from nbcoach.analysis.notebook_json import cell_spans
from nbcoach.core.model import ExtractionPlan
from nbcoach.extract import source as source_module
from nbcoach.extract.apply import (
    ApplyOptions,
    ExtractRefusedError,
    apply_plan,
    importable_advice,
)
from nbcoach.extract.plan import plan_extraction
from support import EXAMPLES

MakeNotebook = Callable[..., Path]
CELLS = [
    ("markdown", "# Areas"),
    "import math",
    "def area(r):\n    return math.pi * r ** 2",
    "print(round(area(2), 3))",
]


def planned(path: Path, functions: list[str] | None = None) -> ExtractionPlan:
    return plan_extraction(path, functions or ["area"], path.parent / "src" / "geo" / "shapes.py")


def test_apply_writes_module_and_notebook_and_keeps_the_originals(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    notebook = make_notebook(CELLS)
    original = notebook.read_bytes()
    plan = planned(notebook)
    result = apply_plan(plan)
    assert result.applied and result.verified is None
    module = tmp_path / "src" / "geo" / "shapes.py"
    assert module.read_text() == plan.module_text
    assert (tmp_path / "src" / "geo" / "__init__.py").read_text() == ""
    assert notebook.read_text() == plan.notebook_text
    assert violations(plan, original) == []
    backup = Path(result.backup)
    assert backup.parent == tmp_path / ".nbcoach" / "backup"
    assert (backup / "notebook.ipynb").read_bytes() == original
    manifest = (backup / "manifest.json").read_text()
    assert '"shapes.py"' not in manifest and f'"{module}": null' in manifest  # did not exist
    assert set(result.written) == {
        str(notebook),
        str(module),
        str(tmp_path / "src" / "geo" / "__init__.py"),
    }


def test_untouched_cells_are_byte_identical_in_the_file(make_notebook: MakeNotebook) -> None:
    notebook = make_notebook(CELLS)
    before = notebook.read_text()
    apply_plan(planned(notebook))
    after = notebook.read_text()
    old, new = cell_spans(before), cell_spans(after)
    for index in (0, 1, 3):
        assert before[old[index].start : old[index].end] == after[new[index].start : new[index].end]
    assert before[old[2].start : old[2].end] != after[new[2].start : new[2].end]


def test_a_notebook_changed_since_the_plan_is_never_overwritten(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    notebook = make_notebook(CELLS)
    plan = planned(notebook)
    notebook.write_text(notebook.read_text().replace("r ** 2", "r * r"))
    edited = notebook.read_bytes()
    with pytest.raises(ExtractRefusedError, match="changed on disk since the plan was made"):
        apply_plan(plan)
    assert notebook.read_bytes() == edited
    assert not (tmp_path / "src").exists()


def test_a_notebook_saved_while_it_is_planned_is_refused(
    make_notebook: MakeNotebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user saves right after extract read the notebook: the plan's digest must be of the
    # bytes analysed, so applying sees the save and refuses instead of writing over it.
    notebook = make_notebook(CELLS)
    analysed = notebook.read_bytes()
    edited = analysed.replace(b"r ** 2", b"r * r")
    read = source_module.read_bytes

    def read_then_user_saves(path: Path) -> bytes:
        data = read(path)
        if path == notebook and data == analysed:
            notebook.write_bytes(edited)
        return data

    monkeypatch.setattr(source_module, "read_bytes", read_then_user_saves)
    plan = planned(notebook)
    monkeypatch.undo()
    assert plan.notebook_digest == hashlib.sha256(analysed).hexdigest()
    assert "r**2" in plan.module_text  # the analysed version (ruff-formatted), not the save
    with pytest.raises(ExtractRefusedError, match="changed on disk since the plan was made"):
        apply_plan(plan)
    assert notebook.read_bytes() == edited


def test_a_module_created_since_the_plan_is_never_overwritten(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    notebook = make_notebook(CELLS)
    plan = planned(notebook)
    module = tmp_path / "src" / "geo" / "shapes.py"
    module.parent.mkdir(parents=True)
    module.write_text("# mine\n")
    with pytest.raises(ExtractRefusedError, match="was created since the plan was made"):
        apply_plan(plan)
    assert module.read_text() == "# mine\n"


def test_a_failed_write_puts_everything_back(
    make_notebook: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = make_notebook(CELLS)
    original = notebook.read_bytes()
    plan = planned(notebook)
    import nbcoach.extract.apply as extract_apply

    real = extract_apply.write_atomic

    def failing(path: Path, content: str | bytes, **stamp: object) -> None:
        if path == notebook and content != original:
            raise OSError(28, "No space left on device")
        real(path, content, **stamp)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_apply, "write_atomic", failing)
    with pytest.raises(OSError, match="No space left"):
        apply_plan(plan)
    assert notebook.read_bytes() == original
    assert not (tmp_path / "src").exists()


def test_a_paired_notebook_refuses_when_out_of_sync_and_updates_its_pair(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    from nbcoach.workflow.pairstate import pair_status
    from nbcoach.workflow.sync import pair_notebooks

    notebook = make_notebook(CELLS)
    assert pair_notebooks([str(notebook)])[0].outcome == "updated"
    text = notebook.with_suffix(".py")
    text.write_text(text.read_text().replace("print(round(area(2), 3))", "print(area(3))"))
    with pytest.raises(ExtractRefusedError, match=r"out of sync \(text-newer"):
        apply_plan(planned(notebook))
    assert not (tmp_path / "src").exists()

    from nbcoach.workflow.sync import SyncOptions, sync

    sync([str(notebook)], SyncOptions())
    result = apply_plan(planned(notebook))
    assert result.applied and str(text) in result.written
    assert "from geo.shapes import area" in text.read_text()
    assert "def area" not in text.read_text()
    assert pair_status(notebook).state == "in-sync"


def test_a_py_input_extracts_from_its_paired_notebook(make_notebook: MakeNotebook) -> None:
    from nbcoach.workflow.sync import pair_notebooks

    notebook = make_notebook(CELLS)
    pair_notebooks([str(notebook)])
    plan = planned(notebook.with_suffix(".py"))
    assert plan.notebook == str(notebook)


def test_the_invariant_check_reports_an_undefined_name_and_a_ruff_that_failed(
    make_notebook: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/extract_invariants.py is what the corpus test trusts: it must see an undefined
    name in a module, and a ruff that did not run must fail it, not pass as "nothing found"."""
    import extract_invariants

    notebook = make_notebook(CELLS)
    original = notebook.read_bytes()
    plan = planned(notebook)
    apply_plan(plan)
    assert violations(plan, original) == []
    module = Path(plan.module)
    module.write_text(module.read_text() + "\n\ndef later():\n    return undefined_thing\n")
    assert violations(plan, original) == ["module: Undefined name `undefined_thing`"]

    broken = tmp_path / "broken-ruff"
    broken.write_text("#!/bin/sh\necho 'ruff: cannot start' >&2\nexit 2\n")
    broken.chmod(0o755)
    monkeypatch.setattr(extract_invariants, "ruff_binary", lambda: str(broken))
    assert violations(plan, original) == [
        "ruff could not check the module (exit 2): ruff: cannot start"
    ]
    silent = tmp_path / "silent-ruff"
    silent.write_text("#!/bin/sh\nexit 1\n")  # says it found something, prints nothing
    silent.chmod(0o755)
    monkeypatch.setattr(extract_invariants, "ruff_binary", lambda: str(silent))
    assert violations(plan, original) == [
        "ruff could not check the module (exit 1): no JSON on stdout"
    ]


def test_importable_advice_names_the_fix(
    make_notebook: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = make_notebook(CELLS)
    plan = planned(notebook)
    apply_plan(plan)
    advice = importable_advice(plan, sys.executable)
    assert "cannot import `geo.shapes`" in advice and "`nbcoach init` scaffolds one" in advice
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "geo"\n')
    assert f"{sys.executable} -m pip install -e" in importable_advice(plan, sys.executable)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "src"))
    assert importable_advice(plan, sys.executable) == ""


@pytest.mark.slow
def test_verify_runs_both_versions_and_writes_replayable_tests(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    notebook = make_notebook(CELLS)
    plan = planned(notebook)
    result = apply_plan(plan, ApplyOptions(verify=True))
    assert result.verified and result.applied and not result.differences
    assert result.before is not None and result.before.status == "ok"
    assert result.after is not None and result.after.status == "ok"
    assert result.compared_cells == 3
    tests = Path(result.tests)
    assert tests == tmp_path / "tests" / "test_shapes_characterization.py"
    text = tests.read_text()
    assert "assert area(2) == 12.566370614359172" in text
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    passed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert passed.returncode == 0, passed.stdout
    module = tmp_path / "src" / "geo" / "shapes.py"
    module.write_text(module.read_text().replace("r**2", "r**3"))
    failed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1  # the test pins the behaviour: it catches the change


@pytest.mark.slow
def test_verify_rolls_back_a_change_of_output_and_names_the_cell(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    cells = [*CELLS, "print(area.__module__)"]  # `__main__` in the notebook, not in a module
    notebook = make_notebook(cells)
    original = notebook.read_bytes()
    plan = planned(notebook)
    result = apply_plan(plan, ApplyOptions(verify=True))
    assert result.rolled_back and not result.applied and result.verified is False
    assert [(d.cell, d.kind) for d in result.differences] == [(5, "changed")]
    assert result.differences[0].before == ("[stdout] __main__",)
    assert result.differences[0].after == ("[stdout] geo.shapes",)
    assert notebook.read_bytes() == original
    assert not (tmp_path / "src").exists()
    assert not (tmp_path / "tests").exists()
    backup = Path(result.backup)
    assert (backup / "before.ipynb").is_file() and (backup / "after.ipynb").is_file()


@pytest.mark.slow
def test_the_messy_example_becomes_modular_with_identical_outputs(tmp_path: Path) -> None:
    """newcomer.ipynb, copied with its data: every movable helper moves into
    src/churn/newcomer.py and a real papermill run before and after prints the same."""
    import shutil

    project = tmp_path / "examples"
    shutil.copytree(EXAMPLES, project)
    notebook = project / "newcomer.ipynb"
    original = notebook.read_bytes()
    plan = plan_extraction(notebook)
    result = apply_plan(plan, ApplyOptions(verify=True))
    assert result.verified, [str(d) for d in result.differences]
    assert result.compared_cells == 19  # 20 code cells; the one left empty is removed
    assert violations(plan, original) == []
    module = project / "src" / "churn" / "newcomer.py"
    assert module.read_text() == plan.module_text
    assert "install the project in editable mode" in result.importable
    assert Path(result.tests).is_file()


@pytest.mark.slow
def test_cells_that_change_on_every_run_are_not_compared_and_said_so(
    make_notebook: MakeNotebook,
) -> None:
    cells = [
        *CELLS,
        "import uuid\nprint(uuid.uuid4())",  # new output on every run, whatever the seeds
        "import random\nprint(random.random())",  # unseeded: both runs seed `random` alike
        "print({'a', 'b', 'c', 'd'})",  # set order: both runs use the same hash seed
    ]
    notebook = make_notebook(cells)
    result = apply_plan(planned(notebook), ApplyOptions(verify=True, record_tests=False))
    assert result.verified and result.applied
    assert result.unstable_cells == (5,)
    assert result.compared_cells == 5  # code cells 2, 3 (now the import), 4, 6 and 7
    assert any(note.startswith("not compared: cell 5 print") for note in result.notes)


def test_an_interpreter_that_cannot_run_the_notebook_leaves_everything_as_it_was(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    from nbcoach.core.errors import KernelEnvironmentError

    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    notebook = make_notebook(CELLS)
    original = notebook.read_bytes()
    options = ApplyOptions(verify=True, python=str(bare / "bin" / "python"))
    with pytest.raises(KernelEnvironmentError, match="has no ipykernel"):
        apply_plan(planned(notebook), options)
    assert notebook.read_bytes() == original
    assert not (tmp_path / "src").exists()
    assert list((tmp_path / ".nbcoach" / "backup").iterdir()) == []


def test_a_legacy_notebook_is_extracted_and_written_as_nbformat_4_saying_so(
    tmp_path: Path, legacy_corpus: Path
) -> None:
    import json
    import shutil

    notebook = tmp_path / "lecture.ipynb"
    shutil.copy(
        legacy_corpus / "jrjohansson__Lecture-1-Introduction-to-Python-Programming.ipynb", notebook
    )
    original = nbformat.read(notebook, as_version=4)
    plan = plan_extraction(notebook, ["square"])
    assert [m.name for m in plan.moved] == ["square"]
    assert any("written as nbformat 4 (it was nbformat 3" in note for note in plan.notes)
    apply_plan(plan, ApplyOptions())
    written = json.loads(notebook.read_text(encoding="utf-8"))
    assert written["nbformat"] == 4 and len(written["cells"]) == len(original.cells)
    changed = {change.cell for change in plan.changes}
    for number, (before, after) in enumerate(zip(original.cells, written["cells"], strict=True), 1):
        if number not in changed:
            assert before.source == "".join(after["source"]), f"cell {number}"
    assert not any("".join(c["source"]).startswith("def square(") for c in written["cells"])
