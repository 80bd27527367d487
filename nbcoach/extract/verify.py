"""`extract --verify`: run the notebook before and after, and say whether anything changed.

Both runs go through execute.py (papermill, a kernel bound to the chosen interpreter, the
module's source folder importable) with a fixed PYTHONHASHSEED and Python's `random` (and
numpy's) seeded before every cell, so that sets of strings come out in the same order and
unseeded random numbers are the same twice. Outputs are compared cell by cell by outputs.py (memory addresses
and timings normalised), under the cell numbers of the notebook before the change: a removed
cell of definitions printed nothing and is left out; a removed cell that printed something
counts as a difference.

Some cells print something new on every run (random numbers without a seed, the time). When
the two runs differ, the original notebook runs once more: a cell that differs between two runs
of the unchanged notebook cannot tell anything about the change, and is reported as not
compared instead of blocking it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from nbcoach.core.files import shown
from nbcoach.core.model import (
    CellOutputs,
    ExtractionPlan,
    OutputDifference,
    RunResult,
    SplitPlan,
)

Edit = ExtractionPlan | SplitPlan  # what applying writes: a notebook, and maybe a module

Progress = Callable[[str, int, int], None]  # (stage, done, total)
HASH_SEED = "0"


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    verify: bool = False
    python: str = sys.executable
    timeout: float | None = None  # per cell, for --verify
    record_tests: bool = True  # with --verify: write characterization tests from recorded calls
    progress: Progress | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    differences: tuple[OutputDifference, ...]
    compared: int  # cells compared
    unstable: tuple[int, ...] = ()  # cells that differ between two runs of the original
    again: RunResult | None = None  # the original's second run, when there was one


def run_notebook(
    plan: Edit,
    source: Path,
    output: Path,
    options: ApplyOptions,
    stage: str,
    startup: Path | None = None,
) -> RunResult:
    """One papermill run of `source` (the notebook, or a copy of the original) in the
    notebook's folder. The kernel starts from `startup` (recorder.kernel_startup: `random`
    seeded, calls recorded) or, by default, from a seeding-only startup of its own."""
    from nbcoach.execution.execute import execute_notebook
    from nbcoach.execution.recorder import kernel_startup

    if startup is None:
        startup = kernel_startup(output.parent / f".startup-{stage}")

    progress = options.progress

    def advance(done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    extra = [startup, Path(plan.source_root)]
    seed = os.environ.get("PYTHONHASHSEED", HASH_SEED)  # a seed the user chose is kept
    return execute_notebook(
        source,
        output,
        cwd=Path(plan.notebook).parent,
        timeout=options.timeout,
        python=options.python,
        extra_pythonpath=tuple(extra),
        progress=advance,
        environment={"PYTHONHASHSEED": seed},
    )


def compare_runs(
    plan: Edit,
    before: RunResult,
    after: RunResult,
    rerun_original: Callable[[], RunResult],
) -> Comparison:
    """The cells whose outputs changed, leaving out the ones that change on their own."""
    from nbcoach.execution.outputs import cell_outputs, compare_outputs

    old = comparable_before(plan, cell_outputs(Path(before.output)))
    new = renumbered(plan, cell_outputs(Path(after.output)))
    differences = compare_outputs(old, new)
    if not differences:
        return Comparison((), len(old))
    again = rerun_original()
    second = comparable_before(plan, cell_outputs(Path(again.output)))
    unstable = {difference.cell for difference in compare_outputs(old, second)}
    kept = tuple(d for d in differences if d.cell not in unstable)
    return Comparison(kept, len(old) - len(unstable), tuple(sorted(unstable)), again)


def comparable_before(plan: Edit, cells: tuple[CellOutputs, ...]) -> list[CellOutputs]:
    """An original run's cells, without the cells the change removes when they printed
    nothing (a cell of definitions only); one that did print stays, and shows up as changed."""
    removed = {change.cell for change in plan.changes if change.source is None}
    return [cell for cell in cells if not (cell.cell in removed and not cell.outputs)]


def renumbered(plan: Edit, cells: tuple[CellOutputs, ...]) -> list[CellOutputs]:
    """The changed notebook's cells under their numbers before the change."""
    removed = {change.cell for change in plan.changes if change.source is None}
    old_numbers = [n for n in range(1, plan.cell_count + 1) if n not in removed]
    return [
        replace(cell, cell=old_numbers[cell.cell - 1]) if cell.cell <= len(old_numbers) else cell
        for cell in cells
    ]


def importable_advice(plan: ExtractionPlan, python: str) -> str:
    """Empty when the notebook's kernel imports the package from its source folder; else what
    to do about it, in one or two sentences."""
    top = plan.module_name.split(".")[0]
    source_root = Path(plan.source_root)
    expected = (source_root / top).resolve()
    probe = (
        "import importlib.util\n"
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
