"""Analyse notebooks built in the test, through the same public path the CLI uses; read the
gate's verdict lines out of command output."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# One notebook's verdict in `nbcoach gate` output (also inside pre-commit's output), e.g.
# "newcomer.ipynb   F   34.1/100  (baseline 34.1, +0.0)  ok"
_GATE_LINE = re.compile(
    r"(?P<path>\S+) {3}(?P<grade>[ABCDF]) {3}(?P<score>\d{1,3}\.\d)/100 {2}"
    r"\((?:baseline (?P<baseline>\d{1,3}\.\d), (?P<delta>[+-]\d{1,3}\.\d)|new to the baseline)\)"
    r" {2}(?P<verdict>ok|WORSE)"
)


@dataclass(frozen=True)
class GateLine:
    path: str
    grade: str
    score: float
    baseline: float | None  # None: new to the baseline
    delta: str | None  # as printed, e.g. "+0.0"
    verdict: str  # "ok" or "WORSE"


def gate_lines(output: str) -> dict[str, GateLine]:
    """Every whole line of `output` that is a gate verdict, by notebook path. Other lines are
    left out, so a word such as "ok" elsewhere (inside "notebooks") is never taken for one."""
    found: dict[str, GateLine] = {}
    for line in output.splitlines():
        match = _GATE_LINE.fullmatch(line.rstrip())
        if match is None:
            continue
        baseline = match["baseline"]
        found[match["path"]] = GateLine(
            match["path"],
            match["grade"],
            float(match["score"]),
            None if baseline is None else float(baseline),
            match["delta"],
            match["verdict"],
        )
    return found
