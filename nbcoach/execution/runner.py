"""`nbcoach run`'s core: choose the environment, check it against the lock, run, record.

The steps are separate functions because `--upgrade-check` (upgrade.py) runs the same
notebook twice in two environments and needs each step on its own:

    plan (paths, defaults, refusals) -> prepare (which interpreter; drift; isolated build)
    -> execute (papermill via execute.py) -> record (.nbcoach/runs.jsonl)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nbcoach.core.errors import DriftError, KernelEnvironmentError, UsageError
from nbcoach.core.language import declared_language, is_python
from nbcoach.core.model import Mismatch, RunResult
from nbcoach.core.project import project_root, state_dir
from nbcoach.core.words import counted
from nbcoach.execution.environment import Environment, describe
from nbcoach.execution.execute import Progress, execute_notebook
from nbcoach.execution.lock import LockFile, check_drift, infer_lock, read_lock
from nbcoach.execution.runs import append_record, relative, run_record, utc_now

Notify = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RunOptions:
    output: Path | None = None
    inplace: bool = False
    parameters: Mapping[str, object] = field(default_factory=dict)
    timeout: float | None = None
    cwd: Path | None = None
    pythonpath: tuple[Path, ...] = ()
    lock: Path | None = None
    allow_drift: bool = False
    isolated: bool = False
    python: str | None = None  # the kernel's interpreter; default: the one running nbcoach
    progress: Progress | None = None
    notify: Notify | None = None


@dataclass(frozen=True, slots=True)
class RunPlan:
    notebook: Path
    root: Path
    output: Path
    cwd: Path
    pythonpath: tuple[Path, ...]  # the project's `src/` first, then --pythonpath folders
    lock: LockFile | None
    options: RunOptions


@dataclass(frozen=True, slots=True)
class Prepared:
    python: str
    label: str  # "current" | "isolated" | "newest": which environment ran the kernel
    environment: Environment
    drift: tuple[Mismatch, ...] = ()


@dataclass(frozen=True, slots=True)
class RunOutcome:
    result: RunResult
    record: dict[str, Any]
    prepared: Prepared
    importable: tuple[str, ...]  # the extra import folders, relative to the project root


def run_notebook(notebook: Path, options: RunOptions = RunOptions()) -> RunOutcome:
    """Run one notebook headless and record the run."""
    plan = plan_run(notebook, options)
    return execute_plan(plan, prepare(plan))


def plan_run(notebook: Path, options: RunOptions) -> RunPlan:
    """Check the request and fill in defaults; refuse what cannot be done before any work."""
    from nbcoach.execution.execute import require_execution_stack

    require_execution_stack("nbcoach run")
    if not notebook.is_file():
        raise UsageError(f"{notebook}: no such notebook")
    if notebook.suffix != ".ipynb":
        raise UsageError(
            f"{notebook}: nbcoach runs .ipynb notebooks (papermill's format); "
            "run the paired .ipynb of a text notebook"
        )
    language = declared_language(notebook.read_bytes())
    if language is not None and not is_python(language):
        raise UsageError(
            f"{notebook}: kernel language is {language}; nbcoach run binds a Python kernel, "
            "so it runs Python notebooks only (nothing was run or recorded)"
        )
    root = project_root(notebook)
    if options.inplace and options.output is not None:
        raise UsageError("--inplace and --output exclude each other")
    if options.inplace:
        output = notebook
    elif options.output is not None:
        output = options.output
        if output.resolve() == notebook.resolve():
            raise UsageError(
                f"{output}: the output is the notebook itself; pass --inplace to overwrite it"
            )
    else:
        output = default_output(notebook, root)
    cwd = options.cwd if options.cwd is not None else notebook.resolve().parent
    if not cwd.is_dir():
        raise UsageError(f"{cwd}: --cwd is not a folder")
    for folder in options.pythonpath:
        if not folder.is_dir():
            raise UsageError(f"{folder}: --pythonpath is not a folder")
    if options.isolated and options.lock is None:
        raise UsageError("--isolated builds its environment from a lock: pass --lock FILE")
    source_folder = root / "src"
    pythonpath = ((source_folder,) if source_folder.is_dir() else ()) + tuple(options.pythonpath)
    lock = read_lock(options.lock) if options.lock is not None else None
    return RunPlan(notebook, root, output, cwd, pythonpath, lock, options)


def default_output(notebook: Path, root: Path) -> Path:
    """`.nbcoach/runs/<path in the project>`: beside nothing the user edits, and git-ignored."""
    return state_dir(root) / "runs" / relative(notebook, root).lstrip("/")


def prepare(plan: RunPlan) -> Prepared:
    """The interpreter to run, checked against the lock (or built from it)."""
    notify = plan.options.notify or (lambda _: None)
    if plan.options.isolated:
        from nbcoach.execution.envs import isolated_environment

        assert plan.lock is not None
        python = str(isolated_environment(plan.lock, notify))
        describe.cache_clear()
        environment = describe(python)
        left = check_drift(plan.lock, environment)
        if left:
            raise KernelEnvironmentError(
                f"{python}: the environment built from {plan.lock.path} does not match it: "
                + "; ".join(str(item) for item in left)
            )
        return Prepared(python, "isolated", environment)
    python = plan.options.python or sys.executable
    environment = describe(python)
    drift: tuple[Mismatch, ...] = ()
    if plan.lock is not None:
        drift = tuple(check_drift(plan.lock, environment))
        if drift and not plan.options.allow_drift:
            raise DriftError(drift_message(plan.lock, drift))
    return Prepared(python, "current", environment, drift)


def drift_message(lock: LockFile, drift: tuple[Mismatch, ...]) -> str:
    count = counted(len(drift), "mismatch")
    lines = [
        f"{lock.path}: this environment does not match the lock ({count}); "
        "run with --isolated to use an environment built from the lock, "
        "or --allow-drift to run anyway"
    ]
    lines.extend(f"  {item}" for item in drift)
    return "\n".join(lines)


def execute_plan(plan: RunPlan, prepared: Prepared, output: Path | None = None) -> RunOutcome:
    """Run the notebook in the prepared environment and append the run's record."""
    started = utc_now()
    result = execute_notebook(
        plan.notebook,
        output or plan.output,
        cwd=plan.cwd,
        parameters=plan.options.parameters,
        timeout=plan.options.timeout,
        python=prepared.python,
        extra_pythonpath=plan.pythonpath,
        progress=plan.options.progress,
        # An isolated environment must not see the caller's PYTHONPATH (it may point into
        # another environment's site-packages); the project's own folders it does see.
        inherit_pythonpath=prepared.label == "current",
    )
    result = replace(result, notebook=str(plan.notebook.resolve()))
    record = run_record(
        result,
        root=plan.root,
        started=started,
        environment=prepared.label,
        python=prepared.environment.python,
        packages=packages_used(plan, prepared.environment),
        lock=plan.lock.path if plan.lock else None,
        lock_hash=plan.lock.digest if plan.lock else None,
        parameters=plan.options.parameters,
        drift=[str(item) for item in prepared.drift],
    )
    append_record(plan.root, record)
    importable = tuple(relative(folder, plan.root) for folder in plan.pythonpath)
    return RunOutcome(result, record, prepared, importable)


def packages_used(plan: RunPlan, environment: Environment) -> dict[str, str | None]:
    """The locked distributions as installed; without a lock, those the notebook imports."""
    if plan.lock is not None:
        return {e.name: environment.version_of(e.name) for e in plan.lock.applicable(environment)}
    inferred = infer_lock([str(plan.notebook)], environment)
    return {pin.name: pin.version for pin in inferred.pins if pin.direct}
