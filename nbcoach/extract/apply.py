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
import time
from dataclasses import dataclass, replace
from pathlib import Path

from nbcoach.core.errors import InputError, NbcoachError
from nbcoach.core.files import read_user_file, shell_word, stamp_of, write_atomic
from nbcoach.core.model import ExtractionPlan, ExtractionResult, RunResult
from nbcoach.core.project import project_root, state_dir
from nbcoach.extract.plan import digest
from nbcoach.extract.verify import (
    ApplyOptions,
    Edit,
    compare_runs,
    importable_advice,
    run_notebook,
)

__all__ = ["ApplyOptions", "ExtractRefusedError", "apply_plan", "importable_advice"]


class ExtractRefusedError(NbcoachError):
    """Applying the plan would overwrite work nbcoach did not see; nothing was written."""

    exit_code = 1


@dataclass(slots=True)
class _Backup:
    folder: Path
    saved: dict[Path, Path | None]  # file -> its copy (None: the file did not exist)
    created: list[Path]


def apply_plan(plan: Edit, options: ApplyOptions | None = None) -> ExtractionResult:
    """Write the plan (and verify it when asked); raises ExtractRefusedError when unsafe."""
    options = options or ApplyOptions()
    if plan.empty:
        return ExtractionResult(plan, applied=False, notes=("nothing to change",))
    notebook = Path(plan.notebook)
    if options.verify:
        from nbcoach.execution.execute import require_execution_stack

        require_execution_stack("--verify")
    _check_unchanged(plan)
    pair = _pair_in_sync(notebook)
    folder = _backup_folder(notebook)
    before = None
    try:
        if options.verify:
            before = run_notebook(plan, notebook, folder / "before.ipynb", options, "before")
            _check_unchanged(plan)
        backup = _backup(plan, notebook, pair, folder)
    except BaseException:  # nothing was written: leave no empty backup behind
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        _write(plan, notebook, pair, backup)
    except BaseException:
        _rollback(backup, pair)
        raise
    written = tuple(str(p) for p in [*backup.saved, *backup.created] if Path(p).is_file())
    if before is None:
        return _applied(plan, options, written, backup)
    try:
        return _verified(plan, options, before, backup, pair, written)
    except BaseException:  # the second run broke or was interrupted: undo, then report it
        _rollback(backup, pair)
        raise


def _applied(
    plan: Edit, options: ApplyOptions, written: tuple[str, ...], backup: _Backup
) -> ExtractionResult:
    importable = importable_advice(plan, options.python) if isinstance(plan, ExtractionPlan) else ""
    return ExtractionResult(
        plan, applied=True, written=written, backup=str(backup.folder), importable=importable
    )


def _verified(
    plan: Edit,
    options: ApplyOptions,
    before: RunResult,
    backup: _Backup,
    pair: Path | None,
    written: tuple[str, ...],
) -> ExtractionResult:
    from nbcoach.execution.recorder import Recorder

    notebook = Path(plan.notebook)
    folder = backup.folder
    # calls are recorded for characterization tests of a module; `split` has none
    recorder = (
        Recorder(plan, folder)
        if options.record_tests and isinstance(plan, ExtractionPlan)
        else None
    )
    extra = recorder.folder if recorder is not None else None
    after = run_notebook(plan, notebook, folder / "after.ipynb", options, "after", extra)
    original = backup.saved[notebook]
    assert original is not None

    def rerun() -> RunResult:
        return run_notebook(plan, original, folder / "before-again.ipynb", options, "again")

    comparison = compare_runs(plan, before, after, rerun)
    outcome = ExtractionResult(
        plan,
        applied=False,
        backup=str(folder),
        before=before,
        after=after,
        differences=comparison.differences,
        compared_cells=comparison.compared,
        unstable_cells=comparison.unstable,
    )
    if comparison.differences:
        _rollback(backup, pair)
        return replace(outcome, verified=False, rolled_back=True)
    notes: list[str] = []
    if comparison.unstable:
        cells = ", ".join(map(str, comparison.unstable))
        notes.append(
            f"not compared: {'cells' if len(comparison.unstable) > 1 else 'cell'} {cells} "
            f"{'print' if len(comparison.unstable) > 1 else 'prints'} something different on "
            "every run of the unchanged notebook (random numbers, times)"
        )
    if before.status != "ok":
        notes.append(
            f"the notebook fails at cell {before.failing_cell} ({before.error}) before the "
            "change too; the cells up to there give the same outputs"
        )
    tests = ""
    if recorder is not None:
        tests, more = recorder.write_tests(options.python)
        notes += more
    done = _applied(plan, options, written + ((tests,) if tests else ()), backup)
    return replace(
        outcome,
        applied=True,
        written=done.written,
        importable=done.importable,
        verified=True,
        tests=tests,
        notes=tuple(notes),
    )


# --- safety --------------------------------------------------------------------------------


def _check_unchanged(plan: Edit) -> None:
    notebook = Path(plan.notebook)
    if _digest_of(notebook) != plan.notebook_digest:
        raise ExtractRefusedError(
            f"{notebook}: changed on disk since the plan was made; nothing was written. "
            "Save your work and run `nbcoach extract` again"
        )
    if not plan.module:  # `split` writes the notebook (or .py) only
        return
    module = Path(plan.module)
    if _digest_of(module) != plan.module_digest:
        state = "was created" if plan.module_digest is None else "changed on disk"
        raise ExtractRefusedError(
            f"{module}: {state} since the plan was made; nothing was written. "
            "Run `nbcoach extract` again"
        )


def _digest_of(path: Path) -> str | None:
    try:
        return digest(read_user_file(path)) if path.exists() else None
    except InputError as error:
        raise ExtractRefusedError(str(error)) from error


def _pair_in_sync(notebook: Path) -> Path | None:
    """The paired text file (None when unpaired); refuses when the pair disagrees."""
    from nbcoach.analysis.pairs import paired_path
    from nbcoach.workflow.pairstate import pair_status

    text = paired_path(notebook)
    if text is None:
        return None
    status = pair_status(notebook)
    if not status.in_sync:
        raise ExtractRefusedError(
            f"{notebook} and {text.name} are out of sync ({status.state}: {status.reason}); "
            f"nothing was written. Run `nbcoach sync {shell_word(notebook)}` first"
        )
    _sync(notebook)  # records the pair as synced now, so the update below is judged right
    return text


def _sync(notebook: Path) -> None:
    from nbcoach.analysis.pairs import find_pair
    from nbcoach.workflow.sync import SyncOptions, sync_pair

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


def _backup(plan: Edit, notebook: Path, pair: Path | None, folder: Path) -> _Backup:
    saved: dict[Path, Path | None] = {}
    manifest = {}
    module = [Path(plan.module)] if plan.module else []
    for path in (notebook, *module, *([pair] if pair else [])):
        copy: Path | None = None
        if path.exists():
            copy = folder / path.name
            if copy.exists():
                copy = folder / f"{len(saved)}-{path.name}"
            shutil.copy2(path, copy)
        saved[path] = copy
        manifest[str(path.resolve())] = copy.name if copy is not None else None
    (folder / "manifest.json").write_text(
        json.dumps({"notebook": str(notebook.resolve()), "files": manifest}, indent=1) + "\n",
        encoding="utf-8",
    )
    return _Backup(folder, saved, [])


def _write(plan: Edit, notebook: Path, pair: Path | None, backup: _Backup) -> None:
    if plan.module:
        _write_module(plan, backup)
    notebook_stamp = stamp_of(notebook)
    _check_unchanged_notebook(plan)
    write_atomic(notebook, plan.notebook_text.encode("utf-8"), unchanged_since=notebook_stamp)
    if pair is not None:
        _sync(notebook)


def _write_module(plan: Edit, backup: _Backup) -> None:
    module = Path(plan.module)
    missing = [folder for folder in [module.parent, *module.parent.parents] if not folder.exists()]
    backup.created.extend(reversed(missing))  # outermost first; removed in reverse
    module.parent.mkdir(parents=True, exist_ok=True)
    for init in map(Path, plan.created):
        if not init.exists():
            write_atomic(init, "")
            backup.created.append(init)
    module_stamp = stamp_of(module)
    if _digest_of(module) != plan.module_digest:
        raise ExtractRefusedError(f"{module}: changed on disk while writing; rolled back")
    write_atomic(module, plan.module_text, unchanged_since=module_stamp)


def _check_unchanged_notebook(plan: Edit) -> None:
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
