"""The run log: one JSON object per line in `.nbcoach/runs.jsonl`, one line per `nbcoach run`.

Append-only JSON lines, because a run only ever adds a fact, a line is written with a single
`write` on a file opened for appending (so concurrent runs do not interleave), and any reader —
the dashboard, `jq`, a spreadsheet — can read it without nbcoach. The keys are a public format,
documented in docs/run-records.md; add keys, never rename or remove them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nbcoach import __version__
from nbcoach.core.model import RunResult
from nbcoach.core.project import state_dir

RUNS_FILE = "runs.jsonl"
SCHEMA_VERSION = 1


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def relative(path: Path | str, root: Path) -> str:
    """A path as the records hold it: relative to the project root (posix) when inside it."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def run_record(
    result: RunResult,
    *,
    root: Path,
    started: str,
    environment: str,
    python: str,
    packages: Mapping[str, str | None],
    lock: Path | None = None,
    lock_hash: str | None = None,
    parameters: Mapping[str, object] | None = None,
    drift: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "notebook": relative(result.notebook, root),
        "status": result.status,
        "started": started,
        "duration_s": result.duration,
        "failing_cell": result.failing_cell,
        "error": result.error,
        "lock": relative(lock, root) if lock is not None else None,
        "lock_hash": lock_hash,
        "python": python,
        "packages": dict(sorted(packages.items())),
        "nbcoach_version": __version__,
        "environment": environment,
        "output": relative(result.output, root),
        "parameters": {name: _jsonable(value) for name, value in (parameters or {}).items()},
        "drift": list(drift or []),
    }


def append_record(root: Path, record: Mapping[str, Any]) -> Path:
    path = state_dir(root) / RUNS_FILE
    line = json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line.encode("utf-8"))
    finally:
        os.close(descriptor)
    return path


def read_records(root: Path) -> list[dict[str, Any]]:
    """Every record of a project, oldest first; a line that is not a JSON object is skipped."""
    return records_in(state_dir(root, create=False) / RUNS_FILE)[0]


def records_in(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The JSON objects of a run log and how many non-empty lines were not one (the file is
    appended to by other processes and may end in a half-written line: never fatal)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [], 0
    records, skipped = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            skipped += 1
            continue
        if isinstance(record, dict):
            records.append(record)
        else:
            skipped += 1
    return records, skipped


def _jsonable(value: object) -> object:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value
