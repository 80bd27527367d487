"""`nbcoach extract --apply [--verify]`: write a plan safely, prove it changed nothing, or undo it.

Nothing is lost: before the first write the notebook, the module and the paired text file are
copied to `.nbcoach/backup/<time>-<notebook>/`; every write is atomic; a file that changed on
disk since the plan was made is never overwritten (the plan holds the digests it was made
from), and neither is a notebook whose py:percent pair is out of sync.

`--verify` runs the notebook with papermill before and after the change (the module's source
folder importable) and compares every code cell's outputs (outputs.py normalises memory
addresses and timings). Any difference rolls the whole change back and names the cell.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from nbcoach.errors import NbcoachError
from nbcoach.extract import digest, shown
from nbcoach.files import write_atomic
from nbcoach.model import CellOutputs, ExtractionPlan, ExtractionResult, RunResult
from nbcoach.project import project_root, state_dir

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class ExtractRefusedError(NbcoachError):
    """Applying the plan would overwrite work nbcoach did not see; nothing was written."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    verify: bool = False
    python: str = sys.executable
    timeout: float | None = None  # per cell, for --verify
    record_tests: bool = True  # with --verify: write characterization tests from recorded calls
    progress: Progress | None = None


@dataclass(slots=True)
class _Backup:
    folder: Path
    saved: dict[Path, Path | None]  # file -> its copy (None: the file did not exist)
    created: list[Path]


def apply_plan(plan: ExtractionPlan, options: ApplyOptions = ApplyOptions()) -> ExtractionResult:
    """Write the plan (and verify it when asked); raises ExtractRefusedError when unsafe."""
    if plan.empty:
        return ExtractionResult(plan, applied=False, notes=("nothing to move",))
    notebook = Path(plan.notebook)
    _check_unchanged(plan)
    pair = _pair_in_sync(notebook)
    folder = _backup_folder(notebook)
    before = None
    if options.verify:
        before = _run(plan, notebook, folder / "before.ipynb", options, "before")
        _check_unchanged(plan)
    backup = _backup(plan, notebook, pair, folder)
    try:
        _write(plan, notebook, pair, backup)
    except BaseException:
        _rollback(backup, pair)
        raise
    written = tuple(str(p) for p in [*backup.saved, *backup.created] if Path(p).is_file())
    if not options.verify:
        return _done(plan, options, written, backup)
    return _verify(plan, notebook, options, folder, before, backup, pair, written)


def _done(
    plan: ExtractionPlan,
    options: ApplyOptions,
    written: tuple[str, ...],
    backup: _Backup,
    **verified: object,
) -> ExtractionResult:
    return ExtractionResult(
        plan,
        applied=True,
        written=written,
        backup=str(backup.folder),
        importable=importable_advice(plan, options.python),
        **verified,  # type: ignore[arg-type]
    )


def _verify(
    plan: ExtractionPlan,
    notebook: Path,
    options: ApplyOptions,
    work: Path,
    before: RunResult | None,
    backup: _Backup,
    pair: Path | None,
    written: tuple[str, ...],
) -> ExtractionResult:
    from nbcoach.outputs import cell_outputs, compare_outputs
    from nbcoach.recorder import Recorder

    assert before is not None
    recorder = Recorder(plan, work) if options.record_tests else None
    try:
        after = _run(plan, notebook, work / "after.ipynb", options, "after", recorder)
    except BaseException:
        _rollback(backup, pair)
        raise
    old = _comparable_before(plan, cell_outputs(Path(before.output)))
    new = _renumbered(plan, cell_outputs(Path(after.output)))
    differences = tuple(compare_outputs(old, new))
    result = {
        "before": before,
        "after": after,
        "differences": differences,
        "compared_cells": len(old),
    }
    if differences:
        _rollback(backup, pair)
        return ExtractionResult(
            plan,
            applied=False,
            written=(),
            backup=str(backup.folder),
            verified=False,
            rolled_back=True,
            **result,  # type: ignore[arg-type]
        )
    notes: list[str] = []
    if before.status != "ok":
        notes.append(
            f"the notebook fails at cell {before.failing_cell} ({before.error}) before the "
            "change too; the cells up to there give the same outputs"
        )
    tests = ""
    if recorder is not None:
        tests, more = recorder.write_tests(options.python)
        notes += more
    done = _done(plan, options, written + ((tests,) if tests else ()), backup, verified=True)
    return replace(done, **result, tests=tests, notes=tuple(notes))  # type: ignore[arg-type]


def _run(
    plan: ExtractionPlan,
    notebook: Path,
    output: Path,
    options: ApplyOptions,
    stage: str,
    recorder: object | None = None,
) -> RunResult:
    from nbcoach.execute import execute_notebook

    progress = options.progress

    def advance(done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    extra = [Path(plan.source_root)]
    if recorder is not None:
        extra.insert(0, recorder.folder)  # type: ignore[attr-defined]
    return execute_notebook(
        notebook,
        output,
        cwd=notebook.parent,
        timeout=options.timeout,
        python=options.python,
        extra_pythonpath=tuple(extra),
        progress=advance,
    )


def _comparable_before(plan: ExtractionPlan, cells: tuple[CellOutputs, ...]) -> list[CellOutputs]:
    """The first run's cells, without the cells the change removes when they printed nothing
    (a cell of definitions only); one that did print stays, and shows up as a difference."""
    removed = {change.cell for change in plan.changes if change.source is None}
    return [cell for cell in cells if not (cell.cell in removed and not cell.outputs)]


def _renumbered(plan: ExtractionPlan, cells: tuple[CellOutputs, ...]) -> list[CellOutputs]:
    """The second run's cells under their numbers before the change, so both runs line up."""
    removed = sorted(change.cell for change in plan.changes if change.source is None)
    old_number: dict[int, int] = {}
    new = 0
    for old in range(1, _cell_count(plan) + 1):
        if old in removed:
            continue
        new += 1
        old_number[new] = old
    return [replace(cell, cell=old_number.get(cell.cell, cell.cell)) for cell in cells]


def _cell_count(plan: ExtractionPlan) -> int:
    removed = sum(1 for change in plan.changes if change.source is None)
    return len(json.loads(plan.notebook_text).get("cells", [])) + removed


# --- safety --------------------------------------------------------------------------------


def _check_unchanged(plan: ExtractionPlan) -> None:
    notebook = Path(plan.notebook)
    if _digest_of(notebook) != plan.notebook_digest:
        raise ExtractRefusedError(
            f"{notebook}: changed on disk since the plan was made; nothing was written. "
            "Save your work and run `nbcoach extract` again"
        )
    module = Path(plan.module)
    if _digest_of(module) != plan.module_digest:
        state = "was created" if plan.module_digest is None else "changed on disk"
        raise ExtractRefusedError(
            f"{module}: {state} since the plan was made; nothing was written. "
            "Run `nbcoach extract` again"
        )


def _digest_of(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def _pair_in_sync(notebook: Path) -> Path | None:
    """The paired text file (None when unpaired); refuses when the pair disagrees."""
    from nbcoach.pairing import pair_status, paired_path

    text = paired_path(notebook)
    if text is None:
        return None
    status = pair_status(notebook)
    if not status.in_sync:
        raise ExtractRefusedError(
            f"{notebook} and {text.name} are out of sync ({status.state}: {status.reason}); "
            f"nothing was written. Run `nbcoach sync {notebook}` first"
        )
    _sync(notebook)  # records the pair as synced now, so the update below is judged right
    return text


def _sync(notebook: Path) -> None:
    from nbcoach.pairing import find_pair
    from nbcoach.sync import SyncOptions, sync_pair

    pair = find_pair(notebook)
    if pair is None:
        return
    result = sync_pair(pair, SyncOptions())
    if result.outcome in ("refused", "error"):
        raise ExtractRefusedError(f"{notebook}: {result.message}")


def _backup_folder(notebook: Path) -> Path:
    """`.nbcoach/backup/<time>-<notebook>/`: the originals, and the verification runs."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = state_dir(project_root(notebook)) / "backup" / f"{stamp}-{notebook.stem}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = folder.with_name(f"{stamp}-{notebook.stem}-{suffix}")
    folder.mkdir(parents=True)
    return folder


def _backup(plan: ExtractionPlan, notebook: Path, pair: Path | None, folder: Path) -> _Backup:
    saved: dict[Path, Path | None] = {}
    manifest = {}
    for path in (notebook, Path(plan.module), *([pair] if pair else [])):
        if path.exists():
            copy = folder / path.name
            if copy.exists():
                copy = folder / f"{len(saved)}-{path.name}"
            shutil.copy2(path, copy)
            saved[path] = copy
        else:
            saved[path] = None
        manifest[str(path.resolve())] = saved[path].name if saved[path] else None
    (folder / "manifest.json").write_text(
        json.dumps({"notebook": str(notebook.resolve()), "files": manifest}, indent=1) + "\n",
        encoding="utf-8",
    )
    return _Backup(folder, saved, [])


def _write(plan: ExtractionPlan, notebook: Path, pair: Path | None, backup: _Backup) -> None:
    module = Path(plan.module)
    missing = [folder for folder in [module.parent, *module.parent.parents] if not folder.exists()]
    backup.created.extend(reversed(missing))  # outermost first; removed in reverse
    module.parent.mkdir(parents=True, exist_ok=True)
    for init in map(Path, plan.created):
        if not init.exists():
            write_atomic(init, "")
            backup.created.append(init)
    write_atomic(module, plan.module_text)
    _check_unchanged_notebook(plan)
    write_atomic(notebook, plan.notebook_text.encode("utf-8"))
    if pair is not None:
        _sync(notebook)


def _check_unchanged_notebook(plan: ExtractionPlan) -> None:
    if _digest_of(Path(plan.notebook)) != plan.notebook_digest:
        raise ExtractRefusedError(f"{plan.notebook}: changed on disk while writing; rolled back")


def _rollback(backup: _Backup, pair: Path | None) -> None:
    """Put every file back as it was; delete what the change created."""
    for path, copy in backup.saved.items():
        if copy is not None:
            write_atomic(path, copy.read_bytes())
        else:
            path.unlink(missing_ok=True)
    for created in reversed(backup.created):
        if created.is_file():
            created.unlink(missing_ok=True)
        elif created.is_dir():
            # the verification run's kernel compiled the module in a folder we created
            shutil.rmtree(created / "__pycache__", ignore_errors=True)
            if not any(created.iterdir()):
                created.rmdir()
    if pair is not None:
        notebook = next(iter(backup.saved))
        _sync(notebook)


# --- can the kernel import it? -------------------------------------------------------------


def importable_advice(plan: ExtractionPlan, python: str) -> str:
    """Empty when the notebook's kernel imports the package from its source folder; else what
    to do about it, in one or two sentences."""
    top = plan.module_name.split(".")[0]
    source_root = Path(plan.source_root)
    expected = (source_root / top).resolve()
    probe = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.find_spec({top!r})\n"
        "where = ''\n"
        "if spec is not None:\n"
        "    where = spec.origin or ''\n"
        "    if spec.submodule_search_locations:\n"
        "        where = list(spec.submodule_search_locations)[0]\n"
        "print(where)\n"
    )
    try:
        completed = subprocess.run(
            [python, "-c", probe],
            cwd=Path(plan.notebook).parent,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        where = completed.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        where = ""
    if where and Path(where).resolve() in (expected, expected.with_suffix(".py")):
        return ""
    root = source_root.parent
    fix = (
        f"install the project in editable mode: `{python} -m pip install -e {shown(root)}`"
        if (root / "pyproject.toml").is_file()
        else f"there is no pyproject.toml in {shown(root)}: `nbcoach init` scaffolds one, "
        "then `pip install -e .`"
    )
    found = f" (it finds another `{top}` at {where})" if where else ""
    return (
        f"the notebook's kernel ({python}) cannot import `{plan.module_name}` from "
        f"{shown(source_root)}{found}; {fix}. Until then, start Jupyter with "
        f"PYTHONPATH={shown(source_root)}"
    )
