"""The papermill adapter: run a notebook headless, with a kernel bound to a chosen interpreter.

The kernel comes from kernels.py (a kernel spec made for the run, so no `NoSuchKernel` and no
kernel silently running another environment). Around papermill this module adds what a user
needs from a run: the failing cell numbered as in the notebook they edit, the exception and the
last traceback lines, a timeout per cell, and the executed notebook written even on failure —
atomically, and over the source only when asked and only if nobody changed it meanwhile.

Only this module imports papermill (lazily: importing it costs about a second).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from nbcoach.core.errors import InputError, KernelEnvironmentError, UsageError
from nbcoach.core.files import write_atomic
from nbcoach.core.model import RunResult, RunStatus
from nbcoach.execution.kernels import KERNEL_NAME, kernel_manager_for, require_ipykernel
from nbcoach.execution.outputs import strip_ansi

Progress = Callable[[int, int], None]
INJECTED_TAG = "injected-parameters"  # papermill's tag for the cell it adds with the parameters
ERROR_MARKER_TAG = "papermill-error-cell-tag"  # papermill's banner cells on failure
TRACEBACK_LINES = 12


def execute_notebook(
    source: Path,
    output: Path,
    *,
    cwd: Path,
    parameters: Mapping[str, object] | None = None,
    timeout: float | None = None,
    python: str = sys.executable,
    extra_pythonpath: Sequence[Path] = (),
    progress: Progress | None = None,
    inherit_pythonpath: bool = True,
    environment: Mapping[str, str] | None = None,
) -> RunResult:
    """Run `source` and write the executed notebook to `output`, even when a cell fails.

    `timeout` is per cell, as in papermill and nbclient. `extra_pythonpath` folders come first
    on the kernel's `PYTHONPATH`, then (with `inherit_pythonpath`) the caller's own.
    `environment` adds variables to the kernel's (e.g. a fixed PYTHONHASHSEED, so that two runs
    iterate sets of strings in the same order). `source` is
    replaced only when `output` is the same file, and then only if nobody changed it meanwhile.
    """
    source, output, cwd = source.resolve(), output.resolve(), cwd.resolve()
    original = _read_source(source)
    document = _parse(original, source)
    _check_parameters(parameters)
    require_ipykernel(python)
    notes = parameter_notes(source, document, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial_path(output)
    tracker = _Tracker(len(document["cells"]) + (1 if parameters else 0), progress)
    started = time.monotonic()
    try:
        with kernel_manager_for(
            python, extra_pythonpath, inherit_pythonpath, environment
        ) as manager_class:
            failure = _run_papermill(
                source, partial, cwd, parameters, timeout, manager_class, tracker
            )
    except BaseException:  # interrupted (Ctrl-C) or papermill itself broke: leave no debris
        partial.unlink(missing_ok=True)
        raise
    duration = time.monotonic() - started
    executed = _executed_cells(partial, document)
    status: RunStatus = "ok"
    failing: int | None = None
    error_name = error_value = ""
    traceback: tuple[str, ...] = ()
    if failure is not None:
        status, index, error_name, error_value, traceback = failure
        failing = source_cell_number(executed, index) if index is not None else None
        if index is not None and failing is None:
            notes.append("the cell papermill injected with the parameters failed")
    written, more_notes = _finish(partial, output, source, original)
    if tracker.progress is not None:
        tracker.progress(tracker.total, tracker.total)
    return RunResult(
        notebook=str(source),
        status=status,
        duration=round(duration, 3),
        output=str(written),
        failing_cell=failing,
        error_name=error_name,
        error_value=error_value,
        traceback=traceback,
        cells=len(document["cells"]),
        notes=tuple(notes + more_notes),
    )


_Failure = tuple[RunStatus, int | None, str, str, tuple[str, ...]]


def require_execution_stack(command: str) -> None:
    """Fail before any work, in one line naming the extra, when papermill or jupyter_client
    is not installed beside nbcoach: they come with `nbcoach[run]`, not with the base install
    that grading and the hooks need."""
    import importlib.util

    missing = [
        name for name in ("papermill", "jupyter_client") if not importlib.util.find_spec(name)
    ]
    if missing:
        raise KernelEnvironmentError(
            f"{command} runs notebooks, which needs {' and '.join(missing)}: "
            "pip install 'nbcoach[run]' (grading and the hooks do without them)"
        )


def _run_papermill(
    source: Path,
    partial: Path,
    cwd: Path,
    parameters: Mapping[str, object] | None,
    timeout: float | None,
    manager_class: type,
    tracker: _Tracker,
) -> _Failure | None:
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    quiet = _Quiet("papermill")  # it logs what RunResult reports: unknown parameters, timeouts
    try:
        papermill.execute_notebook(
            str(source),
            str(partial),
            parameters=dict(parameters or {}),
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            cwd=str(cwd),
            execution_timeout=timeout,
            kernel_manager_class=manager_class,
            on_cell_start=tracker.started,
            # A timed-out cell is still running: a graceful shutdown would wait for it in vain.
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as error:
        lines = _last_lines(error.traceback) or (f"{error.ename}: {error.evalue}",)
        return ("failed", error.cell_index, error.ename, error.evalue, lines)
    except CellTimeoutError:
        message = f"the cell ran longer than {timeout:g} s" if timeout else "the cell timed out"
        return ("timeout", tracker.last, "CellTimeoutError", message, ())
    except DeadKernelError as error:
        return ("failed", tracker.last, "DeadKernelError", str(error) or "the kernel died", ())
    except RuntimeError as error:  # the kernel did not start or stopped answering
        return ("failed", tracker.last, type(error).__name__, str(error), ())
    finally:
        quiet.restore()
    return None


class _Quiet:
    def __init__(self, name: str) -> None:
        self.logger = logging.getLogger(name)
        self.level = self.logger.level
        self.logger.setLevel(logging.CRITICAL)

    def restore(self) -> None:
        self.logger.setLevel(self.level)


class _Tracker:
    """Which cell is running: papermill's hook reports starts; timeouts need the last one."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.progress = progress
        self.last: int | None = None

    def started(self, cell: Any = None, cell_index: int = 0, **_: Any) -> None:
        self.last = cell_index
        if self.progress is not None:
            self.progress(cell_index, self.total)


def parameter_notes(
    source: Path, document: dict[str, Any], parameters: Mapping[str, object] | None
) -> list[str]:
    """What a user should know about the parameters: papermill only logs it, and says nothing
    of a later cell that sets a parameter again (the value given is then silently lost)."""
    if not parameters:
        return []
    cells = document["cells"]
    tagged = [
        number
        for number, cell in enumerate(cells, start=1)
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    ]
    notes = _override_notes(cells, parameters, after=tagged[0] if tagged else 0)
    if not tagged:
        names = ", ".join(f"`{name}`" for name in parameters)
        return [
            f"no cell is tagged `parameters`: {names} injected before the first cell (tag the "
            "cell that sets the defaults `parameters` to inject after it)",
            *notes,
        ]
    import papermill

    try:
        known = set(papermill.inspect_notebook(str(source)))
    except Exception:  # papermill cannot parse that cell: nothing useful to add
        return notes
    return [
        f"`{name}` is not assigned in the parameters cell (cell {tagged[0]}); it was set anyway"
        for name in sorted(set(parameters) - known)
    ] + notes


def _override_notes(
    cells: Sequence[dict[str, Any]], parameters: Mapping[str, object], after: int
) -> list[str]:
    """One warning per cell after the injection point that assigns a parameter again."""
    from nbcoach.execution.parameters import reassignments

    sources = [
        (number, _text(cell.get("source", "")))
        for number, cell in enumerate(cells, start=1)
        if number > after and cell.get("cell_type") == "code"
    ]
    found: dict[int, list[str]] = {}
    for number, name in reassignments(sources, parameters):
        found.setdefault(number, []).append(f"`{name}`")
    return [
        f"cell {number} assigns {', '.join(names)} again: the value given with -p is "
        "overridden there"
        for number, names in found.items()
    ]


def _text(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _check_parameters(parameters: Mapping[str, object] | None) -> None:
    """papermill stores parameters in the notebook's JSON: anything else fails mid-run."""
    for name, value in (parameters or {}).items():
        try:
            json.dumps(value)
        except (TypeError, ValueError) as error:
            raise UsageError(
                f"parameter {name}: a {type(value).__name__} cannot be passed to a notebook; "
                "use numbers, text, True/False/None, lists or dicts"
            ) from error


def source_cell_number(cells: Sequence[dict[str, Any]], index: int) -> int | None:
    """The UI number, in the source notebook, of executed cell `index` (None: injected)."""
    if index >= len(cells) or INJECTED_TAG in _tags(cells[index]):
        return None
    return sum(1 for cell in cells[: index + 1] if INJECTED_TAG not in _tags(cell))


def _tags(cell: dict[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _read_source(source: Path) -> bytes:
    try:
        return source.read_bytes()
    except OSError as error:
        raise InputError(str(source), f"cannot read: {error.strerror or error}") from error


def _parse(data: bytes, source: Path) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(str(source), f"not a notebook ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise InputError(str(source), "not an nbformat 4 notebook (no cell list)")
    return document


def _partial_path(output: Path) -> Path:
    """Where papermill saves as it goes; renamed over `output` only at the end."""
    handle, name = tempfile.mkstemp(
        dir=output.parent, prefix=f".{output.stem}.", suffix=".running.ipynb"
    )
    os.close(handle)
    return Path(name)


def _executed_cells(partial: Path, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The executed cells as they ran (papermill's banner cells left out)."""
    try:
        executed = json.loads(partial.read_text(encoding="utf-8"))
        cells = executed["cells"]
    except (OSError, ValueError, KeyError):
        cells = document["cells"]
    return [cell for cell in cells if ERROR_MARKER_TAG not in _tags(cell)]


def _finish(partial: Path, output: Path, source: Path, original: bytes) -> tuple[Path, list[str]]:
    """Move the executed notebook into place; never over a source someone changed meanwhile."""
    import nbformat

    notes: list[str] = []
    try:
        notebook = nbformat.read(str(partial), as_version=4)  # type: ignore[no-untyped-call]
    except Exception:  # papermill stopped before its first save: keep the source as it was
        notebook = nbformat.reads(original.decode("utf-8-sig"), as_version=4)  # type: ignore[no-untyped-call]
    notebook.cells = [cell for cell in notebook.cells if ERROR_MARKER_TAG not in _tags(cell)]
    target = output
    if output == source and _changed(source, original):
        target = source.with_name(f"{source.stem}.nbcoach-run.ipynb")
        notes.append(
            f"{source.name} changed during the run, so it was left alone; "
            f"the executed notebook is {target.name}"
        )
    text = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    write_atomic(target, text if text.endswith("\n") else text + "\n")
    partial.unlink(missing_ok=True)
    return target, notes


def _changed(source: Path, original: bytes) -> bool:
    try:
        return source.read_bytes() != original
    except OSError:
        return True


def _last_lines(traceback: Sequence[str]) -> tuple[str, ...]:
    lines = [
        line.rstrip()
        for chunk in traceback
        for line in strip_ansi(chunk).splitlines()
        if line.strip() and set(line.strip()) != {"-"}
    ]
    return tuple(lines[-TRACEBACK_LINES:])
