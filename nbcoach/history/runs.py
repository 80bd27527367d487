"""The latest `nbcoach run` record per notebook, from `<project root>/.nbcoach/runs.jsonl`.

`nbcoach run` appends one JSON object per line (docs/run-records.md: notebook, status, started,
duration_s, failing_cell, error, lock, lock_hash, python, packages, nbcoach_version,
environment, ...). A notebook's health is its latest record whose `environment` is not
"newest" (those come from `--upgrade-check`, runs against releases the project has not adopted).
A line that is not such a record is skipped and counted, never fatal: the file is appended to by
other processes and may end in a half-written line. Unknown keys are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbcoach.execution.runs import RUNS_FILE, records_in

FILE_NAME = RUNS_FILE
STATUSES = ("ok", "failed", "timeout")


@dataclass(frozen=True, slots=True)
class RunRecord:
    notebook: str
    status: str
    started: str
    duration_s: float | None = None
    failing_cell: int | None = None
    error: str = ""
    lock_hash: str = ""
    python: str = ""
    nbcoach_version: str = ""
    environment: str = ""


@dataclass(frozen=True, slots=True)
class Runs:
    latest: dict[str, RunRecord]  # notebook path (posix, from the project root) -> latest run
    skipped_lines: int = 0


def latest_runs(path: Path) -> Runs:
    records, skipped = records_in(path)
    latest: dict[str, RunRecord] = {}
    for raw in records:
        record = _record(raw)
        if record is None:
            skipped += 1
            continue
        if record.environment == "newest":
            continue
        known = latest.get(record.notebook)
        if known is None or record.started >= known.started:
            latest[record.notebook] = record
    return Runs(latest, skipped)


def _record(raw: dict[str, Any]) -> RunRecord | None:
    notebook, status, started = raw.get("notebook"), raw.get("status"), raw.get("started")
    if not (isinstance(notebook, str) and status in STATUSES and isinstance(started, str)):
        return None
    duration = raw.get("duration_s")
    cell = raw.get("failing_cell")
    return RunRecord(
        notebook=notebook.replace("\\", "/").removeprefix("./"),
        status=status,
        started=started,
        duration_s=float(duration) if isinstance(duration, (int, float)) else None,
        failing_cell=cell if isinstance(cell, int) and not isinstance(cell, bool) else None,
        error=str(raw.get("error") or ""),
        lock_hash=str(raw.get("lock_hash") or ""),
        python=str(raw.get("python") or ""),
        nbcoach_version=str(raw.get("nbcoach_version") or ""),
        environment=str(raw.get("environment") or ""),
    )
