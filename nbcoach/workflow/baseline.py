"""The ratchet's memory: `.nbcoach/baseline.json`, committed, one entry per notebook and function.

A legacy notebook gets in on day one at whatever score it has; from then on the gate compares
each commit with this file and only what got worse fails. Keys are the notebook's path (posix,
relative to the project root) and the function's qualified name, so the file reads like a
ledger. It is written in a fixed order with one function per line, so two branches that touch
different notebooks change different lines and merge cleanly, and a review shows a ratchet
change as a one-line diff ("score 33.6 -> 41.2").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from nbcoach.core.errors import InputError
from nbcoach.core.files import write_atomic
from nbcoach.core.model import ReportCard
from nbcoach.core.project import state_dir
from nbcoach.core.revision import GRADING

FILE = "baseline.json"
SCHEMA_VERSION = 1
METRICS = ("lines", "statements", "complexity", "nesting", "parameters")


@dataclass(frozen=True, slots=True)
class FunctionEntry:
    score: float
    lines: int
    statements: int
    complexity: int
    nesting: int
    parameters: int


@dataclass(frozen=True, slots=True)
class NotebookEntry:
    score: float
    functions: tuple[tuple[str, FunctionEntry], ...] = ()
    # The grading revision that scored it (core/revision.py; None in baselines older than the
    # field): another revision checks other things, so its score is no bar for this one (the
    # gate grades the notebook as it was when recorded again, and an upgrade is no wall).
    grading: int | None = None
    # The score without how the notebook was run and saved (execution order, gaps, cells never
    # run, saved errors): the bar the gate holds the notebook to, since it guards the code; None
    # in baselines older than the field. `score`, the card's score, is what people read.
    code: float | None = None
    # The code lines the notebook had when `code` was recorded (None before the field): copies
    # are priced as a share of the notebook (docs/scoring.md), so the gate compares the code
    # score with `code` priced at this size -- code deleted or moved into a module makes no
    # copy worse, and clean code added with a new paste makes no copy cheaper.
    lines: int | None = None

    @property
    def fresh(self) -> bool:
        """Recorded under this grading revision, with the code score the gate compares and the
        size it priced copies at (this version writes both; an entry without is another's)."""
        return self.grading == GRADING and self.code is not None and self.lines is not None

    @property
    def by_name(self) -> dict[str, FunctionEntry]:
        return dict(self.functions)


Baseline = dict[str, NotebookEntry]


def path(root: Path) -> Path:
    return state_dir(root, create=False) / FILE


def entry_for(card: ReportCard, code: float) -> NotebookEntry:
    """A card as the baseline keeps it, with its code score (`gate.code_score`) and its code
    lines, the size that score priced copies at. A name defined twice keeps its worst
    definition."""
    assert card.score is not None
    functions: dict[str, FunctionEntry] = {}
    for scored in card.functions:
        f = scored.function
        entry = FunctionEntry(
            scored.score, f.length, f.statements, f.complexity, f.nesting, f.parameters
        )
        known = functions.get(f.name)
        if known is None or entry.score < known.score:
            functions[f.name] = entry
    return NotebookEntry(
        card.score,
        tuple(sorted(functions.items())),
        GRADING,
        round(code, 1),
        card.metrics.code_lines,
    )


def load(root: Path) -> Baseline:
    file = path(root)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise InputError(str(file), f"cannot read: {error.strerror or error}") from error
    return loads(text, str(file))


def loads(text: str, source: str) -> Baseline:
    """A baseline from its text; `source` names it in the error (a file, or `HEAD:path`)."""
    try:
        data = json.loads(text)
        notebooks = data["notebooks"]
        return {
            key: NotebookEntry(
                float(value["score"]),
                tuple(
                    sorted(
                        (name, FunctionEntry(**fields))
                        for name, fields in value.get("functions", {}).items()
                    )
                ),
                _grading(value.get("grading")),
                None if value.get("code") is None else float(value["code"]),
                None if value.get("lines") is None else int(value["lines"]),
            )
            for key, value in notebooks.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
        raise InputError(
            source,
            f"not a valid nbcoach baseline ({type(error).__name__}: {error}); "
            "resolve a merge conflict or rewrite it with `nbcoach baseline`",
        ) from error


def save(root: Path, baseline: Baseline) -> Path:
    file = state_dir(root) / FILE
    write_atomic(file, dumps(baseline))
    return file


def dumps(baseline: Baseline) -> str:
    """Stable, sorted, one function per line."""
    lines = ["{", f'  "schema_version": {SCHEMA_VERSION},', '  "notebooks": {']
    notebooks = sorted(baseline.items())
    for index, (key, entry) in enumerate(notebooks):
        lines.append(f"    {json.dumps(key)}: {{")
        lines.append(f'      "score": {entry.score},')
        if entry.code is not None:
            lines.append(f'      "code": {entry.code},')
        if entry.grading is not None:
            lines.append(f'      "grading": {entry.grading},')
        if entry.lines is not None:
            lines.append(f'      "lines": {entry.lines},')
        if not entry.functions:
            lines.append('      "functions": {}')
        else:
            lines.append('      "functions": {')
            for number, (name, function) in enumerate(entry.functions):
                comma = "," if number < len(entry.functions) - 1 else ""
                fields = json.dumps(asdict(function), sort_keys=True)
                lines.append(f"        {json.dumps(name)}: {fields}{comma}")
            lines.append("      }")
        lines.append("    }" + ("," if index < len(notebooks) - 1 else ""))
    lines.extend(["  }", "}"])
    return "\n".join(lines) + "\n"


def merged(baseline: Baseline, updates: Iterable[tuple[str, NotebookEntry]]) -> Baseline:
    result = dict(baseline)
    result.update(updates)
    return result


def lenient(first: NotebookEntry | None, second: NotebookEntry | None) -> NotebookEntry | None:
    """The more lenient of two entries for one notebook: the lower score, every function either
    one knows, for a function both know its lower score and larger measures, and the lower code
    score with the size it was priced at. An entry only one of them has is taken as it is."""
    if first is None or second is None:
        return first if second is None else second
    functions = dict(first.functions)
    for name, other in second.functions:
        known = functions.get(name)
        functions[name] = (
            other
            if known is None
            else FunctionEntry(
                score=min(known.score, other.score),
                **{m: max(getattr(known, m), getattr(other, m)) for m in METRICS},
            )
        )
    alike = first.grading == second.grading
    code, lines = None, None
    if alike and first.code is not None and second.code is not None:
        lower = first if first.code <= second.code else second
        code, lines = lower.code, lower.lines
    return NotebookEntry(
        min(first.score, second.score),
        tuple(sorted(functions.items())),
        first.grading if alike else None,
        code,
        lines,
    )


def _grading(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"grading must be a whole number, not {value!r}")
    return value
