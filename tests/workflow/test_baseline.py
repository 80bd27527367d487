"""The ratchet's ledger: the more lenient of two entries for one notebook."""

from __future__ import annotations

import pytest

from nbcoach.core.errors import InputError
from nbcoach.core.revision import GRADING
from nbcoach.workflow.baseline import FunctionEntry, NotebookEntry, lenient, loads


def test_the_more_lenient_entry_takes_the_lower_score_and_the_larger_measures() -> None:
    tight = NotebookEntry(
        90.0,
        (
            ("clean", FunctionEntry(100.0, 10, 8, 2, 1, 1)),
            ("load", FunctionEntry(80.0, 40, 30, 5, 2, 2)),
        ),
    )
    loose = NotebookEntry(
        40.0,
        (
            ("load", FunctionEntry(60.0, 30, 35, 9, 1, 3)),
            ("report", FunctionEntry(0.0, 341, 272, 93, 4, 8)),
        ),
    )
    merged = lenient(tight, loose)
    assert merged == lenient(loose, tight)
    assert merged is not None and merged.score == 40.0
    assert merged.by_name == {
        "clean": FunctionEntry(100.0, 10, 8, 2, 1, 1),
        "load": FunctionEntry(60.0, 40, 35, 9, 2, 3),
        "report": FunctionEntry(0.0, 341, 272, 93, 4, 8),
    }
    assert lenient(tight, None) == tight and lenient(None, loose) == loose
    assert lenient(None, None) is None


def test_the_more_lenient_code_score_keeps_the_size_it_was_priced_at() -> None:
    """A code score means something only at the size its copies were priced at: the lower
    one is taken with its own size, never with the other entry's (90 at 1000 lines and 85 at
    100 must not become 85 at 1000, looser than either)."""
    big = NotebookEntry(90.0, (), GRADING, 90.0, 1000)
    small = NotebookEntry(85.0, (), GRADING, 85.0, 100)
    merged = lenient(big, small)
    assert merged is not None and (merged.code, merged.lines) == (85.0, 100)
    assert lenient(small, big) == merged


def test_a_baseline_with_an_impossible_size_is_a_clear_error() -> None:
    text = '{"schema_version": 1, "notebooks": {"a.ipynb": {"score": 1, "lines": 1e400}}}'
    with pytest.raises(InputError, match="not a valid nbcoach baseline"):
        loads(text, "baseline.json")
