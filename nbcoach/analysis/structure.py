"""Size and complexity findings: functions over the limits, and cells full of top-level code."""

from __future__ import annotations

from nbcoach.analysis.facts import CellFacts
from nbcoach.analysis.scoring import CHECKS_SUBJECT, checks_price, function_subject, ramp
from nbcoach.core.config import Thresholds
from nbcoach.core.model import Category, Finding, Function, Notebook

# Where a measurement's deficit reaches 100, as a multiple of its limit (docs/scoring.md).
CEILING_FACTOR = {
    "lines": 6.0,
    "statements": 4.0,
    "complexity": 5.0,
    "nesting": 2.5,
    "parameters": 3.0,
    "cell": 10.0,
    "script": 8.0,
}
# A long top-level script costs at most this share of the functions category: its cells may
# each be short, but nothing in it can be tested or re-run alone.
SCRIPT_SHARE = 0.5


def radon_rank(complexity: int) -> str:
    """radon's letter rank for a cyclomatic complexity (A 1-5 ... F 41+)."""
    for ceiling, rank in ((5, "A"), (10, "B"), (20, "C"), (30, "D"), (40, "E")):
        if complexity <= ceiling:
            return rank
    return "F"


def function_findings(
    notebook: Notebook, functions: list[Function], limits: Thresholds
) -> list[Finding]:
    findings = []
    for function in functions:
        subject = function_subject(function)
        where = notebook.location(function.cell, function.line, function.end_line)
        name = f"`{function.name}`"
        checks: tuple[tuple[str, Category, int, int, str, str], ...] = (
            (
                "long-function",
                "functions",
                function.length,
                limits.function_lines,
                "lines",
                f"{name} is {function.length} lines long (limit {limits.function_lines})",
            ),
            (
                "too-many-statements",
                "functions",
                function.statements,
                limits.function_statements,
                "statements",
                f"{name} has {function.statements} statements (limit {limits.function_statements})",
            ),
            (
                "too-many-parameters",
                "functions",
                function.parameters,
                limits.parameters,
                "parameters",
                f"{name} takes {function.parameters} parameters (limit {limits.parameters})",
            ),
            (
                "deep-nesting",
                "functions",
                function.nesting,
                limits.nesting,
                "nesting",
                f"{name} nests blocks {function.nesting} deep (limit {limits.nesting})",
            ),
            (
                "complex-function",
                "complexity",
                function.complexity,
                limits.complexity,
                "complexity",
                f"{name} has cyclomatic complexity {function.complexity} "
                f"(limit {limits.complexity}; radon rank {radon_rank(function.complexity)})",
            ),
        )
        for rule, category, value, limit, kind, message in checks:
            deficit = ramp(value, limit, limit * CEILING_FACTOR[kind])
            if deficit > 0:
                findings.append(
                    Finding(
                        rule,
                        message,
                        where,
                        category,
                        "error" if deficit >= 50 else "warning",
                        round(deficit, 1),
                        subject,
                    )
                )
    return findings


def size_deficit(lines: int, limits: Thresholds) -> float:
    """What a function of `lines` lines would cost for its length."""
    return ramp(lines, limits.function_lines, limits.function_lines * CEILING_FACTOR["lines"])


def script_findings(
    notebook: Notebook, facts: list[CellFacts], limits: Thresholds
) -> list[Finding]:
    """The whole notebook as one script: lines of code that run outside any function, summed
    over its cells. Blind reviewers graded long top-level scripts down however short each cell."""
    lines = sum(cell.top_level_lines for cell in facts)
    deficit = SCRIPT_SHARE * ramp(
        lines, limits.script_lines, limits.script_lines * CEILING_FACTOR["script"]
    )
    if deficit <= 0:
        return []
    longest = max(facts, key=lambda cell: cell.top_level_lines)
    span = longest.top_level_span
    return [
        Finding(
            "long-script",
            f"{lines} lines of code run outside any function (limit {limits.script_lines}); "
            f"the longest stretch is in cell {longest.number}",
            notebook.location(longest.number, span[0] if span else 1, span[1] if span else None),
            "functions",
            "warning",
            round(deficit, 1),
            "script",
        )
    ]


def checks_findings(notebook: Notebook, facts: list[CellFacts]) -> list[Finding]:
    """A notebook that never checks anything: no assert, test or guard stops it when a result
    is wrong, so the next person learns of a broken step from a wrong number downstream. Blind
    reviewers praised "small functions with tests" and "a clean pipeline with an assert", and
    graded the notebooks with neither lower than nbcoach's other counts did."""
    lines = sum(cell.code_lines for cell in facts)
    price = checks_price(lines)
    if not price or any(cell.checks for cell in facts):
        return []
    # where a check is due: beside the first function (its test), else at the last step. A
    # comment naming the rule in any cell silences it (suppress.NOTEBOOK_WIDE): it moves.
    first = next((cell for cell in facts if cell.functions), None)
    if first is not None:
        node = min((function.node for function in first.functions), key=lambda n: n.lineno)
        where = notebook.location(first.number, node.lineno)
    else:
        last = next((cell for cell in reversed(facts) if cell.code_lines), facts[-1])
        where = notebook.location(last.number, last.last_code_line)
    return [
        Finding(
            "no-checks",
            f"nothing in the notebook checks a result: {lines} lines of code without an "
            "`assert`, a test or a guard",
            where,
            "functions",
            "warning",
            price,
            CHECKS_SUBJECT,
        )
    ]


def cell_findings(notebook: Notebook, facts: list[CellFacts], limits: Thresholds) -> list[Finding]:
    if notebook.format == "script":
        return []  # a script is all top-level code by nature; its functions are judged instead
    findings = []
    for cell in facts:
        lines = cell.top_level_lines
        deficit = ramp(lines, limits.cell_lines, limits.cell_lines * CEILING_FACTOR["cell"])
        if deficit <= 0:
            continue
        span = cell.top_level_span
        findings.append(
            Finding(
                "long-cell",
                f"cell {cell.number} runs {lines} lines of code outside any function (limit {limits.cell_lines})",
                notebook.location(cell.number, span[0] if span else 1, span[1] if span else None),
                "functions",
                "error" if deficit >= 50 else "warning",
                round(deficit, 1),
                f"cell:{cell.number}",
            )
        )
    return findings
