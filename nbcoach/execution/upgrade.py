"""`nbcoach run --upgrade-check`: would the notebook still give the same results after upgrading?

The notebook runs twice: once against the lock (the current environment, checked for drift,
or the isolated one built from the lock) and once in an environment holding the newest
releases of the same packages, fetched from the package index. Then every code cell's outputs
are compared (outputs.py): an upgrade is safe when both runs pass and no cell's output
changed. Without a lock, the pins are inferred from the notebook and the current environment,
exactly as `nbcoach lock` would write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbcoach.core.errors import UsageError
from nbcoach.core.model import Upgrade, UpgradeReport
from nbcoach.core.words import counted
from nbcoach.execution.environment import describe
from nbcoach.execution.envs import newest_environment
from nbcoach.execution.lock import LockFile, infer_lock
from nbcoach.execution.outputs import cell_outputs, compare_outputs
from nbcoach.execution.runner import (
    Prepared,
    RunOptions,
    RunOutcome,
    execute_plan,
    plan_run,
    prepare,
)


@dataclass(frozen=True, slots=True)
class UpgradeOutcome:
    report: UpgradeReport
    locked: RunOutcome
    newest: RunOutcome


def upgrade_check(notebook: Path, options: RunOptions) -> UpgradeOutcome:
    if options.inplace:
        raise UsageError("--upgrade-check writes two executed copies; it cannot run --inplace")
    plan = plan_run(notebook, options)
    notify = options.notify or (lambda _: None)
    locked_side = prepare(plan)
    pins = _pins(plan.lock, locked_side, plan.notebook)
    if not pins:
        raise UsageError(
            f"{notebook}: imports no third-party package, so there is nothing to upgrade"
        )
    count = counted(len(pins), "locked package")
    notify(f"run 1 of 2: the {locked_side.label} environment ({count})")
    locked = execute_plan(plan, locked_side)
    newest_python = str(newest_environment(sorted(pins), notify))
    describe.cache_clear()
    newest_side = Prepared(newest_python, "newest", describe(newest_python))
    notify("run 2 of 2: the newest releases")
    newest_output = plan.output.with_name(f"{plan.output.stem}.newest{plan.output.suffix}")
    newest = execute_plan(plan, newest_side, output=newest_output)
    upgrades = tuple(
        Upgrade(name, version, newest_side.environment.version_of(name))
        for name, version in sorted(pins.items())
    )
    differences = compare_outputs(
        cell_outputs(Path(locked.result.output)), cell_outputs(Path(newest.result.output))
    )
    report = UpgradeReport(locked.result, newest.result, upgrades, tuple(differences))
    return UpgradeOutcome(report, locked, newest)


def _pins(lock: LockFile | None, prepared: Prepared, notebook: Path) -> dict[str, str]:
    if lock is not None:
        return {entry.name: entry.version for entry in lock.applicable(prepared.environment)}
    inferred = infer_lock([str(notebook)], prepared.environment)
    return {pin.name: pin.version for pin in inferred.pins}
