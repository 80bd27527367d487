"""Reading `nbcoach run`'s records: the latest per notebook, bad lines skipped and counted."""

from __future__ import annotations

import json
from pathlib import Path

from nbcoach.history.runs import latest_runs


def test_latest_run_per_notebook_and_bad_lines(tmp_path: Path) -> None:
    def record(notebook: str, status: str, started: str, **more: object) -> str:
        return json.dumps({"notebook": notebook, "status": status, "started": started, **more})

    runs = tmp_path / "runs.jsonl"
    runs.write_text(
        "\n".join(
            [
                record("a.ipynb", "ok", "2024-02-01T10:00:00Z", duration_s=1.5),
                record(
                    "./a.ipynb",
                    "failed",
                    "2024-02-03T10:00:00Z",
                    failing_cell=3,
                    error="ZeroDivisionError",
                ),
                record("a.ipynb", "ok", "2024-02-02T10:00:00Z"),
                record("a.ipynb", "failed", "2024-02-04T10:00:00Z", environment="newest"),
                record("b.ipynb", "timeout", "2024-02-01T09:00:00Z", failing_cell=True),
                record("c.ipynb", "exploded", "2024-02-01T09:00:00Z"),
                "[1, 2]",
                "",
                '{"notebook": "d.ipynb", "status": "ok"',
            ]
        ),
        encoding="utf-8",
    )
    found = latest_runs(runs)
    assert found.skipped_lines == 3
    assert set(found.latest) == {"a.ipynb", "b.ipynb"}
    latest = found.latest["a.ipynb"]
    # the latest run that counts: an --upgrade-check run ("newest") says nothing of its health
    assert (latest.status, latest.failing_cell, latest.error) == ("failed", 3, "ZeroDivisionError")
    assert latest.started == "2024-02-03T10:00:00Z"
    assert found.latest["b.ipynb"].failing_cell is None  # a bool is not a cell number
    assert latest_runs(tmp_path / "missing.jsonl").latest == {}
