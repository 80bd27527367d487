"""The ratchet's ledger: the more lenient of two entries for one notebook."""

from __future__ import annotations

from nbcoach.workflow.baseline import FunctionEntry, NotebookEntry, lenient


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
