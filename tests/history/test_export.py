"""The history for a team's own tools: `history --export` as CSV and Parquet, `trend --format
json|csv`, one row per notebook version, read back by the readers BI tools use."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from history_helpers import ADA, BOB, GitRepo, long_function, split_functions
from nbcoach.history.export import COLUMNS
from support import run_cli


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.notebook("analysis.ipynb", [long_function()])
    repo.commit("a long function", ADA)
    repo.notebook("analysis.ipynb", [split_functions()])
    repo.notebook("other.ipynb", ["x = 1"])
    repo.commit("split it", BOB)
    repo.git("rm", "-q", "other.ipynb")
    repo.commit("drop other", BOB)
    return repo


def test_csv_and_parquet_hold_one_row_per_version(repo: GitRepo, tmp_path: Path) -> None:
    done = run_cli("history", "--export", str(tmp_path / "v.csv"), cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout and "4 rows" in done.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "v.csv").read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    analysis = [r for r in rows if r["path"] == "analysis.ipynb"]
    assert [r["author"] for r in analysis] == ["Ada Lovelace", "Bob Builder"]
    assert float(analysis[1]["score"]) > float(analysis[0]["score"])
    assert float(analysis[1]["delta"]) == pytest.approx(
        float(analysis[1]["score"]) - float(analysis[0]["score"]), abs=0.11
    )
    assert [r["status"] for r in rows if r["path"] == "other.ipynb"] == ["ok", "deleted"]

    pyarrow_parquet = pytest.importorskip("pyarrow.parquet", reason="the parquet extra")
    done = run_cli("history", "--export", str(tmp_path / "v.parquet"), cwd=repo.path)
    assert done.returncode == 0, done.stderr
    table = pyarrow_parquet.read_table(tmp_path / "v.parquet")
    assert table.num_rows == len(rows) and tuple(table.schema.names) == COLUMNS
    assert str(table.schema.field("score").type) == "double"
    assert table.column("path").to_pylist() == [r["path"] for r in rows]


def test_trend_speaks_json_and_csv(repo: GitRepo) -> None:
    document = json.loads(run_cli("trend", "--format", "json", cwd=repo.path).stdout)
    assert document["schema_version"] == 1
    assert {a["name"] for a in document["authors"]} == {"Ada Lovelace", "Bob Builder"}
    assert len(document["versions"]) == 4
    only = json.loads(run_cli("trend", "analysis.ipynb", "--format", "json", cwd=repo.path).stdout)
    assert {v["path"] for v in only["versions"]} == {"analysis.ipynb"}
    table = run_cli("trend", "--output-format", "csv", cwd=repo.path).stdout
    assert table.splitlines()[0] == ",".join(COLUMNS)
    wrong = run_cli("trend", "--format", "xml", cwd=repo.path)
    assert wrong.returncode == 2 and "use text, json or csv" in wrong.stderr


def test_an_unknown_export_type_is_one_line(repo: GitRepo, tmp_path: Path) -> None:
    done = run_cli("history", "--export", str(tmp_path / "v.xlsx"), cwd=repo.path)
    assert done.returncode == 2
    assert "--export writes .csv or .parquet files" in done.stderr
