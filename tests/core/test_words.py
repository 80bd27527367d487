"""words.py: counted nouns, and the messages of run, lock and extract that count things."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nbcoach.core.model import CandidateStatus, ExtractionPlan, ExtractionResult, Location
from nbcoach.core.words import counted, plural_of
from nbcoach.render.extract import candidate_lines, result_lines
from nbcoach.render.run import drift_lines


@pytest.mark.parametrize(
    ("noun", "plural"),
    [
        ("mismatch", "mismatches"),
        ("pin", "pins"),
        ("locked package", "locked packages"),
        ("dependency", "dependencies"),
        ("day", "days"),
        ("box", "boxes"),
        ("bus", "buses"),
    ],
)
def test_plural_of_regular_nouns(noun: str, plural: str) -> None:
    assert plural_of(noun) == plural


def test_counted_says_one_thing_in_the_singular() -> None:
    assert counted(1, "mismatch") == "1 mismatch"
    assert counted(2, "mismatch") == "2 mismatches"
    assert counted(0, "file") == "0 files"
    assert counted(3, "analysis", "analyses") == "3 analyses"


def test_messages_counting_one_thing_read_as_english() -> None:
    assert str(drift_lines(["rich: lock 0.0.1, installed 15.0.0"])[0]) == (
        "  ran despite 1 mismatch with the lock:"
    )
    status = CandidateStatus("f", "function", Location("nb.ipynb", 2, 1), ready=True)
    assert str(candidate_lines([status], "nb.ipynb", "src/pkg/nb.py")[0]) == (
        "nb.ipynb: 1 of 1 top-level definition can move into src/pkg/nb.py"
    )
    plan = ExtractionPlan("nb.ipynb", "src/pkg/nb.py", "pkg.nb", "src")
    result = ExtractionResult(plan, applied=True, written=("nb.ipynb",), backup="b", verified=True)
    one = [str(line) for line in result_lines(replace(result, compared_cells=1))]
    assert "verified: the 1 code cell prints the same before and after" in one
    many = [str(line) for line in result_lines(replace(result, compared_cells=18))]
    assert "verified: all 18 code cells print the same before and after" in many


def test_counted_groups_thousands_when_asked() -> None:
    assert counted(2016, "changed line", grouped=True) == "2,016 changed lines"
    assert counted(1, "function", grouped=True) == "1 function"
    assert counted(2016, "line") == "2016 lines"
