"""What tests share besides fixtures: paths, notebook builders, the real CLI, jupytext
pairing as users do it, and the SARIF schema check. conftest.py holds only fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import nbformat

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
CORPUS = Path(os.environ.get("NBCOACH_CORPUS", ROOT.parent / "shared" / "corpus"))
LEGACY = Path(os.environ.get("NBCOACH_LEGACY_CORPUS", ROOT.parent / "shared" / "corpus-legacy"))
REPOS = Path(os.environ.get("NBCOACH_REPOS", ROOT.parent / "shared" / "repos"))

Cells = Sequence[str | tuple[str, str] | dict[str, Any]]


# A block a notebook pastes with another column name each time: the copy-paste fixture.
PASTED_BLOCK = """\
counts = {}
for row in rows:
    key = row["{column}"]
    counts[key] = counts.get(key, 0) + 1
    if row["churned"]:
        lost[key] = lost.get(key, 0) + 1
for key in sorted(counts):
    rate = lost.get(key, 0) / counts[key]
    print(f"{key:10} {counts[key]:5} {rate:6.1%}")
"""


def build_notebook(
    cells: Cells, language: str | None = "python", **metadata: Any
) -> nbformat.NotebookNode:
    """A valid nbformat 4 notebook. A cell is source text (code), (kind, source), or a dict of
    new_code_cell arguments (source, execution_count, outputs)."""
    notebook = nbformat.v4.new_notebook()
    if language is not None:
        notebook.metadata["kernelspec"] = {
            "name": "python3" if language == "python" else language,
            "display_name": language,
            "language": language,
        }
        notebook.metadata["language_info"] = {"name": language}
    notebook.metadata.update(metadata)
    for cell in cells:
        if isinstance(cell, str):
            notebook.cells.append(nbformat.v4.new_code_cell(cell))
        elif isinstance(cell, dict):
            notebook.cells.append(nbformat.from_dict(nbformat.v4.new_code_cell(**cell)))
        else:
            kind, source = cell
            maker = {
                "code": nbformat.v4.new_code_cell,
                "markdown": nbformat.v4.new_markdown_cell,
                "raw": nbformat.v4.new_raw_cell,
            }[kind]
            notebook.cells.append(maker(source))
    nbformat.validate(notebook)
    return notebook


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it (a fresh process, real exit code); a run that
    hangs past `timeout` seconds fails the test."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "nbcoach", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def run_cli_ok(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """run_cli for a run that must succeed: exit code 0, or the test fails showing stderr."""
    done = run_cli(*args, cwd=cwd, env=env)
    assert done.returncode == 0, f"nbcoach {' '.join(args)}: exit {done.returncode}\n{done.stderr}"
    return done


def pair(notebook: Path) -> Path:
    """Pair the way users do: `jupytext --set-formats ipynb,py:percent`."""
    subprocess.run(
        [sys.executable, "-m", "jupytext", "--set-formats", "ipynb,py:percent", str(notebook)],
        check=True,
        capture_output=True,
    )
    paired = notebook.with_suffix(".py")
    assert paired.is_file()
    return paired


SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(log: dict[str, Any]) -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)
    validator.check_schema(SCHEMA)
    errors = sorted(validator(SCHEMA).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
