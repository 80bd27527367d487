"""The live grade (what `nbcoach server` publishes) honours the project as the report does:
[tool.nbcoach] read again when pyproject.toml changes, with no restart, and
`# nbcoach: ignore[...]` comments."""

from __future__ import annotations

import os
from pathlib import Path

from nbcoach.analysis.live import LiveCell, grade_cells

LONG = (
    "def long_one(total):\n"
    + "".join(f"    total += {i}\n" for i in range(60))
    + "    return total"
)


def _rules(path: Path, cells: list[LiveCell]) -> set[str]:
    return {f.rule for f in grade_cells(str(path), cells, lint_too=False).findings}


def test_a_changed_pyproject_counts_from_the_next_grade(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    cells = [LiveCell("code", LONG)]
    assert "long-function" in _rules(notebook, cells)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.nbcoach.thresholds]\nfunction-lines = 100\n")
    assert "long-function" not in _rules(notebook, cells)
    pyproject.write_text("[tool.nbcoach.thresholds]\nfunction-lines = 20\n")
    stat = pyproject.stat()  # a save within the same clock tick still counts
    os.utime(pyproject, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert "long-function" in _rules(notebook, cells)


def test_an_ignore_comment_silences_its_rule_live(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    quiet = [LiveCell("code", "# nbcoach: ignore[long-function]\n" + LONG)]
    assert "long-function" not in _rules(notebook, quiet)
