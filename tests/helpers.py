"""Analyse notebooks built in the test, through the same public path the CLI uses."""

from __future__ import annotations

from typing import Any

import nbformat

from conftest import Cells, build_notebook
from nbcoach.analyse import analyse_bytes
from nbcoach.config import Config
from nbcoach.model import Analysis, Finding


def analyse(
    cells: Cells, config: Config | None = None, name: str = "nb.ipynb", **metadata: Any
) -> Analysis:
    text = nbformat.writes(build_notebook(cells, **metadata))
    return analyse_bytes(text.encode(), name, config or Config())


def rules(analysis: Analysis) -> list[str]:
    return [f.rule for f in analysis.findings]


def only(analysis: Analysis, rule: str) -> Finding:
    found = [f for f in analysis.findings if f.rule == rule]
    assert len(found) == 1, f"expected one {rule}, got {[f.message for f in found]}"
    return found[0]
