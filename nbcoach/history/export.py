"""The history as rows for a team's own tools (a BI dashboard, a notebook of its own): one row
per notebook version, with its commit, date, author, path, score, grades and coverage.

CSV needs nothing more; Parquet is written by pyarrow, installed with the `parquet` extra
(`pip install 'nbcoach[parquet]'`), because pyarrow is a 50 MB wheel few users of the CLI need.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nbcoach.core.errors import UsageError
from nbcoach.core.files import write_atomic
from nbcoach.core.model import CATEGORIES
from nbcoach.history.records import History

COLUMNS = (
    "commit", "seq", "date", "author", "email", "path", "change", "status", "score", "grade",
    *(f"{category}_score" for category in CATEGORIES),
    "delta", "mark", "python_cells", "analysed_cells", "code_lines", "functions", "findings",
    "lines_added", "lines_removed",
)  # fmt: skip
SCHEMA_VERSION = 1


def version_rows(history: History) -> list[dict[str, Any]]:
    """Every version the history holds, in commit order; a deleted file's last row says so."""
    commits = {commit.seq: commit for commit in history.commits}
    rows = []
    for version in sorted(history.versions, key=lambda v: (v.seq, v.path)):
        commit = commits.get(version.seq)
        facts = history.blobs.get(version.key) if version.key else None
        categories = dict(facts.categories) if facts is not None else {}
        rows.append(
            {
                "commit": commit.sha if commit else "",
                "seq": version.seq,
                "date": commit.authored if commit else "",
                "author": version.author,
                "email": version.email,
                "path": version.path,
                "change": version.change,
                "status": facts.status if facts is not None else "deleted",
                "score": facts.score if facts is not None else None,
                "grade": facts.grade if facts is not None else None,
                **{f"{c}_score": categories.get(c) for c in CATEGORIES},
                "delta": version.delta,
                "mark": version.mark,
                "python_cells": facts.python_cells if facts is not None else None,
                "analysed_cells": facts.analysed_cells if facts is not None else None,
                "code_lines": facts.code_lines if facts is not None else None,
                "functions": len(facts.functions) if facts is not None else None,
                "findings": facts.findings if facts is not None else None,
                "lines_added": version.lines_added,
                "lines_removed": version.lines_removed,
            }
        )
    return rows


def rows_csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def export(history: History, path: Path) -> int:
    """Write the rows to `path` (.csv or .parquet), atomically; the number of rows."""
    rows = version_rows(history)
    if path.suffix == ".csv":
        write_atomic(path, rows_csv(rows))
    elif path.suffix == ".parquet":
        write_atomic(path, _parquet(rows))
    else:
        raise UsageError(f"{path}: --export writes .csv or .parquet files")
    return len(rows)


def _parquet(rows: Sequence[dict[str, Any]]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(
            "Parquet needs pyarrow: pip install 'nbcoach[parquet]' (or export .csv)"
        ) from None
    floats = {"score", "delta", *(f"{c}_score" for c in CATEGORIES)}
    ints = {"seq", "python_cells", "analysed_cells", "code_lines", "functions", "findings",
            "lines_added", "lines_removed"}  # fmt: skip
    fields = [
        pa.field(
            name, pa.float64() if name in floats else pa.int64() if name in ints else pa.string()
        )
        for name in COLUMNS
    ]
    table = pa.Table.from_pylist(list(rows), schema=pa.schema(fields))
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())
