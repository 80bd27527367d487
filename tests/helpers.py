"""Analyse notebooks built in the test, through the same public path the CLI uses; compare
with golden files; read the gate's verdict lines out of command output."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import nbformat
import pytest

from nbcoach.analysis.analyse import analyse_bytes
from nbcoach.core.config import Config
from nbcoach.core.model import Analysis, Finding
from support import GOLDEN, Cells, build_notebook


def analyse(
    cells: Cells, config: Config | None = None, name: str = "nb.ipynb", **metadata: Any
) -> Analysis:
    text = nbformat.writes(build_notebook(cells, **metadata))
    return analyse_bytes(text.encode(), name, config or Config())


def rules(analysis: Analysis, category: str | None = None) -> list[str]:
    """The rules found, in order; only those of one category when it is given (a test of
    one check need not list what the notebook-scope lint says of its tiny fixtures)."""
    return [f.rule for f in analysis.findings if category in (None, f.category)]


def only(analysis: Analysis, rule: str) -> Finding:
    found = [f for f in analysis.findings if f.rule == rule]
    assert len(found) == 1, f"expected one {rule}, got {[f.message for f in found]}"
    return found[0]


# One notebook's verdict in `nbcoach gate` output (also inside pre-commit's output), e.g.
# "newcomer.ipynb   F   34.1/100  (baseline 34.1, +0.0)  ok"
_GATE_LINE = re.compile(
    r"(?P<path>\S+) {3}(?P<grade>[ABCDF]) {3}(?P<score>\d{1,3}\.\d)/100 {2}"
    r"\((?:baseline (?P<baseline>\d{1,3}\.\d), (?P<delta>[+-]\d{1,3}\.\d)|new to the baseline)\)"
    r" {2}(?P<verdict>ok|WORSE|BELOW|OVER LIMITS)"
)


@dataclass(frozen=True)
class GateLine:
    path: str
    grade: str
    score: float
    baseline: float | None  # None: new to the baseline
    delta: str | None  # as printed, e.g. "+0.0"
    verdict: str  # "ok", "WORSE", "BELOW" (new, under fail-under) or "OVER LIMITS"


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


def assert_golden(name: str, actual: str) -> None:
    """`actual` must equal tests/golden/NAME. A missing golden file, or one that differs while
    NBCOACH_UPDATE_GOLDEN=1, is written and the test fails until it is reviewed by eye: a
    golden file is never written and compared in the same run."""
    path = GOLDEN / name
    update = os.environ.get("NBCOACH_UPDATE_GOLDEN", "") not in ("", "0")
    if not path.exists() or (update and path.read_text(encoding="utf-8") != actual):
        path.write_text(actual, encoding="utf-8")
        pytest.fail(f"wrote {path}: review it (git diff), then run the tests again")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"
